"""`axialkg query`: real answers, resolution, and hostile or malformed input."""

from __future__ import annotations

import json

import pytest



def test_drugs_for_myelofibrosis(run):
    code, out, _ = run("query", "drugs-for-cause", "--param", "cause=myelofibrosis", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["head"]["vars"] == ["intervention", "interventionLabel", "categoryLabel", "via", "viaLabel"]
    drugs = {b["interventionLabel"]["value"] for b in data["results"]["bindings"]}
    assert {"ruxolitinib", "fedratinib", "momelotinib"} <= drugs


def test_value_resolves_by_synonym_and_curie(run):
    by_label = run("query", "drugs-for-cause", "--param", "cause=myelofibrosis")[1]
    assert run("query", "drugs-for-cause", "--param", "cause=MF")[1] == by_label
    # an exact cross-reference resolves; a narrow one (ORPHA:824 is primary myelofibrosis only) does not
    code, out, err = run("query", "drugs-for-cause", "--param", "cause=ORPHA:824")
    assert code == 2 and out == "" and "no entity 'ORPHA:824'" in err
    by_label = run("query", "mechanisms-of-cause", "--param", "cause=osteomesopyknosis")[1]
    assert by_label.count("\n") > 2
    assert run("query", "mechanisms-of-cause", "--param", "cause=ORPHA:2777")[1] == by_label


def test_no_jak_inhibitor_for_skeletal_fluorosis(run):
    code, out, _ = run("query", "drugs-for-cause", "--param", "cause=skeletal fluorosis")
    assert code == 0 and "ruxolitinib" not in out


@pytest.mark.parametrize("argv,code,message", [
    (["query", "drugs-for-cause", "--param", "cause=myelofibrozis"], 2,
     "no entity 'myelofibrozis'; did you mean: myelofibrosis?"),
    (["query", "drugs-for-cause", "--param", 'cause=x" } ; DROP ALL ; #'], 2, "no entity"),
    (["query", "drugs-for-cause", "--param", "cause=<http://x> } ?s ?p ?o {"], 2, "no entity"),
    (["query", "no-such-query"], 2, "no named query 'no-such-query'; available: "),
    (["query", "drugs-for-cause"], 2, "needs --param cause=VALUE"),
    (["query", "drugs-for-cause", "--param", "drug=ruxolitinib"], 2, "has no parameter 'drug'"),
    (["query", "drugs-for-cause", "--param", "cause"], 2, "not of the form name=value"),
])
def test_bad_input_is_one_line(run, argv, code, message):
    got, out, err = run(*argv)
    assert got == code
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in err


def test_malformed_query_file_reports_position(run, tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?x WHERE { ?x ?y }\n")
    code, _, err = run("query", str(bad))
    assert code == 1 and len(err.strip().splitlines()) == 1 and "malformed SPARQL" in err


def _json(run, *argv):
    code, out, err = run("query", *argv, "--format", "json")
    assert code == 0, err
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(out)["results"]["bindings"]]


def test_causes_have_type_and_group(run):
    rows = {r["causeLabel"]: r for r in _json(run, "causes")}
    assert len(rows) >= 20
    assert rows["osteomesopyknosis"]["typeLabel"] == "primary (genetic) cause"
    assert rows["osteomesopyknosis"]["groupLabel"] == "genetic sclerosing dysplasia"
    assert rows["myelofibrosis"]["groupLabel"] == "haematological or marrow disease"
    assert rows["skeletal fluorosis"]["typeLabel"] == "secondary (acquired) cause"


def test_causes_of_enlarged_spleen_include_myelofibrosis(run):
    rows = _json(run, "causes-of-symptom", "--param", "symptom=splenomegaly")
    assert "myelofibrosis" in {r["causeLabel"] for r in rows}


def test_tests_for_mastocytosis_include_tryptase_and_mri(run):
    rows = _json(run, "tests-for-cause", "--param", "cause=systemic mastocytosis")
    tests = {r["testLabel"]: r["categoryLabel"] for r in rows}
    assert tests["serum tryptase"] == "laboratory or pathology test"
    assert tests["MRI of the spine"] == "imaging test"
    renal = {r["testLabel"] for r in _json(run, "tests-for-cause", "--param", "cause=renal osteodystrophy")}
    assert "parathyroid hormone test" in renal and "serum tryptase" not in renal
