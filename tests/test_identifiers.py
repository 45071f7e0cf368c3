"""Every cross-reference in the release is confirmed by a bundled resource under a matching
name, and the SSSOM table in ontology/mappings says exactly what the release says."""

from __future__ import annotations

import csv
import importlib.util
import io
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HETIONET = Path(__file__).resolve().parents[2] / "shared" / "reference" / "hetionet-v1.0-nodes.tsv"
SSSOM = ROOT / "ontology" / "mappings" / "axialkg.sssom.tsv"


def _load_tool():
    spec = importlib.util.spec_from_file_location("make_sssom", ROOT / "tools" / "make_sssom.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up here
    spec.loader.exec_module(mod)
    return mod


ms = _load_tool()


@pytest.fixture(scope="module")
def known():
    if not HETIONET.is_file():
        pytest.fail(f"Hetionet node list not found at {HETIONET}; the identifier check needs "
                    "../shared/reference/hetionet-v1.0-nodes.tsv beside the project")
    return ms.load_resources(HETIONET)


@pytest.fixture(scope="module")
def xrefs(release_graph):
    return ms.release_xrefs(release_graph)


def _sssom_rows(text: str) -> list[dict[str, str]]:
    body = "".join(line for line in io.StringIO(text) if not line.startswith("#"))
    return list(csv.DictReader(io.StringIO(body), delimiter="\t"))


# ---------------------------------------------------------------- the resources themselves

def test_resources_hold_known_terms(known):
    """Guards the loaders: a parsing slip would make every later check vacuous."""
    assert known["HP:0001903"].name == "Anemia"
    assert "Muscle cramps" in known["HP:0003394"].names          # an EXACT synonym is a name
    assert "Fluorosis of tooth enamel" not in known["HP:0006285"].names  # a RELATED one is not
    assert known["ORPHA:2777"].name == "Osteomesopyknosis"
    assert known["OMIM:166450"].names >= {"OSTEOMESOPYKNOSIS"}
    assert known["DOID:11476"].name == "osteoporosis"
    assert known["MESH:D001416"].name == "Back Pain"
    assert known["UBERON:0001130"].name == "vertebral column"
    assert known["DRUGBANK:DB08877"].name == "Ruxolitinib"
    assert known["NCBIGene:3717"].name == "JAK2"
    assert "HP:0000001" in known and "HP:0000003" in known
    assert known["HP:0000006"].confirmed_by.startswith("confirmed in HPO 20")


# ---------------------------------------------------------------- the release's xrefs

def test_release_has_xrefs_of_every_kind(xrefs):
    prefixes = {x.curie.split(":")[0] for x in xrefs}
    assert {"HP", "ORPHA", "OMIM", "DOID", "MESH", "UBERON"} <= prefixes
    assert len(xrefs) >= 60


def test_every_xref_has_a_known_prefix_and_curie_syntax(xrefs):
    bad = [(x.subject, x.curie) for x in xrefs
           if x.curie.split(":")[0] not in ms.XREF_PREFIXES or not re.fullmatch(r"[A-Za-z]+:[A-Za-z0-9]+", x.curie)]
    assert bad == []


def test_every_xref_is_confirmed_under_a_matching_name(xrefs, known):
    problems = []
    for x in xrefs:
        try:
            ms.confirm(x, known)
        except ValueError as exc:
            problems.append(str(exc))
    assert problems == []


def test_justified_name_differences_are_in_use_and_really_differ(xrefs, known):
    """The table of exceptions stays small and honest: each entry is used and needed."""
    used = {x.curie: x for x in xrefs if x.curie in ms.JUSTIFIED}
    assert set(used) == set(ms.JUSTIFIED)
    for curie, x in used.items():
        theirs = {ms.normalise(n) for n in known[curie].names}
        ours = {ms.normalise(n) for n in (x.label, *x.exact, *x.related)}
        assert not theirs & ours, f"{curie} matches by name; drop it from JUSTIFIED"


# ---------------------------------------------------------------- the matcher (mutation tests)

def _x(label, curie, exact=(), related=(), predicate="skos:exactMatch"):
    return ms.Xref("probe", label, frozenset(exact), frozenset(related), curie, predicate)


def test_wrong_name_is_rejected(known):
    with pytest.raises(ValueError, match="matches neither"):
        ms.confirm(_x("back pain", "HP:0001744"), known)      # Splenomegaly


def test_unknown_identifier_is_rejected(known):
    with pytest.raises(ValueError, match="not in HPO or Hetionet"):
        ms.confirm(_x("back pain", "HP:9999999"), known)


def test_unconfirmable_prefix_is_rejected(known):
    with pytest.raises(ValueError, match="prefix"):
        ms.confirm(_x("back pain", "SNOMEDCT:161891005"), known)


def test_spelling_variants_match_and_related_synonyms_narrow(known):
    assert ms.confirm(_x("anaemia", "HP:0001903"), known)[0] == "skos:exactMatch"
    assert ms.confirm(_x("Paget disease of bone", "DOID:5408"), known)[0] == "skos:exactMatch"
    assert ms.confirm(_x("joint pain and stiffness", "HP:0002829", related=["arthralgia"],
                         predicate="skos:narrowMatch"), known)[0] == "skos:narrowMatch"
    with pytest.raises(ValueError):
        ms.confirm(_x("joint pain and stiffness", "HP:0002829"), known)


def test_an_exact_xref_matched_only_by_a_related_synonym_is_refused(known):
    """Mutation: a component's term stated as an exact cross-reference of the compound symptom."""
    with pytest.raises(ValueError, match="matches only a related synonym.*narrow_xrefs"):
        ms.confirm(_x("joint pain and stiffness", "HP:0002829", related=["arthralgia"]), known)


def test_hpo_signs_on_diseases_are_not_exact(xrefs, known):
    """An HPO phenotype term on a cause or condition entity is a related or narrow mapping."""
    from rdflib import Graph  # noqa: F401  (the release graph is already parsed by the fixture)

    disease_like = {"osteopetrosis", "osteopathia-striata", "osteopoikilosis", "paget-disease-of-bone", "myelofibrosis",
                    "systemic-mastocytosis", "lymphoma", "chronic-kidney-disease", "osteoporosis",
                    "parathyroid-carcinoma", "prostate-cancer", "breast-cancer"}
    on_diseases = {(x.subject, x.curie): x.predicate for x in xrefs
                   if x.subject in disease_like and x.curie.startswith("HP:")}
    assert len(on_diseases) == len(disease_like)
    assert set(on_diseases.values()) == {"skos:relatedMatch"}


def test_causes_are_grounded(xrefs):
    """The causes the differential ranks carry the OMIM/ORPHA/DOID ids that HPO or Hetionet confirm."""
    by = {}
    for x in xrefs:
        by.setdefault(x.subject, {})[x.curie] = x.predicate
    assert by["osteomesopyknosis"] == {"ORPHA:2777": "skos:exactMatch", "OMIM:166450": "skos:exactMatch"}
    assert by["malignant-infantile-osteopetrosis"]["ORPHA:667"] == "skos:exactMatch"
    assert by["paget-disease-of-bone"]["DOID:5408"] == "skos:exactMatch"
    assert by["myelofibrosis"]["ORPHA:824"] == "skos:narrowMatch"     # primary myelofibrosis only
    assert by["sickle-cell-disease"]["ORPHA:232"] == "skos:narrowMatch"  # sickle cell anaemia only
    assert {"ORPHA:846", "ORPHA:848"} <= set(by["thalassaemia"])
    assert by["systemic-mastocytosis"]["ORPHA:98850"] == "skos:narrowMatch"
    assert by["chronic-kidney-disease"]["DOID:784"] == "skos:narrowMatch"
    assert by["osteopoikilosis"]["ORPHA:166119"] == "skos:exactMatch"


# ---------------------------------------------------------------- the SSSOM table

def test_sssom_file_is_exactly_what_the_release_gives(release_graph, known):
    if not SSSOM.is_file():
        pytest.fail(f"{SSSOM} missing; run 'axialkg build' then tools/make_sssom.py")
    expected = ms.render(release_graph, known)
    assert SSSOM.read_text(encoding="utf-8") == expected, \
        "SSSOM table out of date; run 'axialkg build' then tools/make_sssom.py"


def test_sssom_rows_agree_with_release_xrefs(xrefs):
    rows = _sssom_rows(SSSOM.read_text(encoding="utf-8"))
    table = sorted((r["subject_id"], r["object_id"]) for r in rows)
    release = sorted((f"axkg:{x.subject}", x.curie) for x in xrefs)
    assert table == release
    assert table == sorted(set(table)), "duplicate mapping rows"


def test_sssom_rows_are_well_formed(known):
    rows = _sssom_rows(SSSOM.read_text(encoding="utf-8"))
    assert rows and list(rows[0]) == list(ms.COLUMNS)
    for r in rows:
        assert r["predicate_id"] in {"skos:exactMatch", "skos:narrowMatch", "skos:relatedMatch"}
        assert r["mapping_justification"] == "semapv:ManualMappingCuration"
        assert r["object_label"] == known[r["object_id"]].name
        assert re.match(r"confirmed in (HPO \d{4}-\d{2}-\d{2} (hp\.obo|phenotype\.hpoa)|Hetionet v1\.0 nodes)",
                        r["comment"]), r
    assert [(r["subject_id"], r["object_id"]) for r in rows] == sorted((r["subject_id"], r["object_id"]) for r in rows)


def test_sssom_header_declares_prefixes_id_and_license(release_graph):
    text = SSSOM.read_text(encoding="utf-8")
    header = "".join(line[2:] for line in io.StringIO(text) if line.startswith("# "))
    import yaml

    meta = yaml.safe_load(header)
    assert meta["mapping_set_id"].startswith("https://w3id.org/axialkg/")
    assert meta["license"] == "https://creativecommons.org/licenses/by/4.0/"
    used = {c.split(":")[0] for r in _sssom_rows(text) for c in (r["subject_id"], r["predicate_id"],
                                                                  r["object_id"], r["mapping_justification"])}
    assert used <= set(meta["curie_map"])


def test_curie_map_agrees_with_bioregistry():
    bioregistry = pytest.importorskip("bioregistry")
    for prefix, uri in ms.CURIE_MAP.items():
        if prefix == "axkg":
            continue
        assert bioregistry.get_uri_prefix(prefix) == uri, prefix


def test_every_entity_the_references_confirm_is_grounded(xrefs):
    """The groundings added when the references were searched entity by entity (issue #15 part 5),
    each confirmed above by name in hp.obo, phenotype.hpoa or the Hetionet node list."""
    by: dict[str, dict[str, str]] = {}
    for x in xrefs:
        by.setdefault(x.subject, {})[x.curie] = x.predicate
    expected = {
        "loss-of-spinal-curves": {"HP:0100795": "skos:exactMatch"},       # Abnormally straight spine
        "bone-pain": {"HP:0002653": "skos:exactMatch"},
        "proline": {"DRUGBANK:DB00172": "skos:exactMatch"},               # L-Proline
        "vertebral-fracture": {"HP:0002953": "skos:narrowMatch"},         # compression fracture only
        "linear-striations": {"HP:0031367": "skos:narrowMatch"},          # metaphyseal only
        "axial-osteosclerosis": {"HP:0004563": "skos:narrowMatch"},       # the spine only
        "vitamin-d": {"DRUGBANK:DB00153": "skos:narrowMatch"},            # D2 only
        "omega-3-fatty-acids": {"DRUGBANK:DB00159": "skos:narrowMatch"},  # EPA only
        "recent-myocardial-infarction-or-stroke": {"HP:0001658": "skos:narrowMatch",
                                                   "HP:0001297": "skos:narrowMatch"},
        "osteopetrosis": {c: "skos:narrowMatch" for c in ("ORPHA:53", "ORPHA:210110", "OMIM:166600", "OMIM:607634")},
        "paget-disease-of-bone": {c: "skos:narrowMatch" for c in ("OMIM:602080", "OMIM:167250", "OMIM:606263")},
    }
    for subject, want in expected.items():
        got = {c: p for c, p in by.get(subject, {}).items() if c in want}
        assert got == want, subject
    assert by["nerve-symptoms"]["HP:0033748"] == by["nerve-symptoms"]["MESH:D006987"] == "skos:narrowMatch"  # numbness
    assert by["back-pain"]["MESH:D017116"] == "skos:narrowMatch"  # Low Back Pain
    assert {"ORPHA:98848", "ORPHA:98849"} <= set(by["systemic-mastocytosis"])
