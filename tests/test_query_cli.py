"""`axialkg query`: real answers, resolution, and hostile or malformed input."""

from __future__ import annotations

import json

import pytest

from axialkg.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_drugs_for_myelofibrosis(capsys):
    code, out, _ = run(capsys, "query", "drugs-for-cause", "--param", "cause=myelofibrosis", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["head"]["vars"] == ["intervention", "interventionLabel", "category", "categoryLabel"]
    drugs = {b["interventionLabel"]["value"] for b in data["results"]["bindings"]}
    assert {"ruxolitinib", "fedratinib", "momelotinib"} <= drugs


def test_value_resolves_by_synonym_and_curie(capsys):
    by_label = run(capsys, "query", "drugs-for-cause", "--param", "cause=myelofibrosis")[1]
    assert run(capsys, "query", "drugs-for-cause", "--param", "cause=MF")[1] == by_label
    assert run(capsys, "query", "drugs-for-cause", "--param", "cause=ORPHA:824")[1] == by_label


def test_no_jak_inhibitor_for_skeletal_fluorosis(capsys):
    code, out, _ = run(capsys, "query", "drugs-for-cause", "--param", "cause=skeletal fluorosis")
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
def test_bad_input_is_one_line(capsys, argv, code, message):
    got, out, err = run(capsys, *argv)
    assert got == code
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in err


def test_malformed_query_file_reports_position(capsys, tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?x WHERE { ?x ?y }\n")
    code, _, err = run(capsys, "query", str(bad))
    assert code == 1 and len(err.strip().splitlines()) == 1 and "malformed SPARQL" in err


def _json(capsys, *argv):
    code, out, err = run(capsys, "query", *argv, "--format", "json")
    assert code == 0, err
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(out)["results"]["bindings"]]


def test_causes_have_type_and_group(capsys):
    rows = {r["causeLabel"]: r for r in _json(capsys, "causes")}
    assert len(rows) >= 20
    assert rows["osteomesopyknosis"]["typeLabel"] == "primary (genetic) cause"
    assert rows["osteomesopyknosis"]["groupLabel"] == "genetic sclerosing dysplasia"
    assert rows["myelofibrosis"]["groupLabel"] == "haematological or marrow disease"
    assert rows["skeletal fluorosis"]["typeLabel"] == "secondary (acquired) cause"


def test_causes_of_enlarged_spleen_include_myelofibrosis(capsys):
    rows = _json(capsys, "causes-of-symptom", "--param", "symptom=splenomegaly")
    assert "myelofibrosis" in {r["causeLabel"] for r in rows}


def test_tests_for_mastocytosis_include_tryptase_and_mri(capsys):
    rows = _json(capsys, "tests-for-cause", "--param", "cause=systemic mastocytosis")
    tests = {r["testLabel"]: r["categoryLabel"] for r in rows}
    assert tests["serum tryptase"] == "laboratory or pathology test"
    assert tests["MRI of the spine"] == "imaging test"
    renal = {r["testLabel"] for r in _json(capsys, "tests-for-cause", "--param", "cause=renal osteodystrophy")}
    assert "parathyroid hormone test" in renal and "serum tryptase" not in renal
