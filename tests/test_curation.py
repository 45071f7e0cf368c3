"""Every kind of bad curation input is reported as one line naming file, entry and problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from axialkg.cli import main
from axialkg.curation import load_curation
from axialkg.errors import CurationError
from axialkg.schema import Schema

ROOT = Path(__file__).resolve().parents[1]

HEADER = """\
ontology:
  title: t
  description: d
  date: 2026-01-01
  license: https://creativecommons.org/licenses/by/4.0/
  creators: [tester]
  usage_note: u
  article: art
entities:
  - {id: art, label: the article, category: Article, definition: a test article}
  - {id: sec, label: a section, category: ArticleSection, definition: a test section}
  - {id: src, label: a source, category: Source, definition: a test source}
"""

CONTENT = """\
entities:
  - id: pattern
    label: dense bones
    category: RadiologicalPattern
    definition: a test pattern
  - id: mf
    label: myelofibrosis
    category: HaematologicalCause
    definition: a test cause
    section: sec
    claims:
      - {predicate: causesPattern, object: pattern, sources: [src], more_sources: 1}
  - id: rux
    label: ruxolitinib
    category: JAKInhibitor
    definition: a test drug
    section: sec
    doses:
      - {amount: 15, amount_max: 20, unit: mg, route: oral, frequency: twice daily, sources: [src]}
    claims:
      - {predicate: treats, object: mf, sources: [src]}
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "ontology" / "curation").mkdir(parents=True)
    shutil.copytree(ROOT / "ontology" / "schema", root / "ontology" / "schema")
    (root / "ontology" / "curation" / "article.yaml").write_text(HEADER)
    (root / "ontology" / "curation" / "content.yaml").write_text(CONTENT)
    return root


@pytest.fixture(scope="module")
def schema() -> Schema:
    return Schema.load(ROOT / "ontology" / "schema" / "axialkg-schema.ttl")


def problems(root: Path, schema: Schema) -> list[str]:
    with pytest.raises(CurationError) as exc:
        load_curation(root / "ontology" / "curation", schema)
    return exc.value.problems


def edit(root: Path, old: str, new: str) -> None:
    path = root / "ontology" / "curation" / "content.yaml"
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_valid_tree_loads(tree, schema):
    cur = load_curation(tree / "ontology" / "curation", schema)
    assert set(cur.entities) == {"art", "sec", "src", "pattern", "mf", "rux"}
    assert [e.id for e in cur.of_category("Drug", schema)] == ["rux"]


@pytest.mark.parametrize("old,new,expected", [
    ("object: mf, sources", "object: mff, sources", "entry 'rux': claim 1 (treats → mff): unknown entity id 'mff'"),
    ("predicate: treats", "predicate: cures", "entry 'rux': claim 1 (cures → mf): unknown predicate 'cures'"),
    ("object: mf, sources: [src]}", "object: mf, sources: []}",
     "entry 'rux': claims.0: Value error, an article claim needs at least one source"),
    ("object: mf, sources: [src]}", "object: mf, sources: [nosuch]}",
     "entry 'rux': claim 1 (treats → mf): unknown source id 'nosuch'"),
    ("object: mf, sources: [src]}", "object: mf, sources: [mf]}", "entry 'rux': claim 1 (treats → mf): 'mf' is not a Source"),
    ("twice daily, sources: [src]}", "twice daily, sources: []}",
     "entry 'rux': doses.0: Value error, an article claim needs at least one source"),
    ("sources: [src], more_sources: 1}", "sources: [], more_sources: 1}",
     "entry 'mf': claims.0: Value error, an article claim needs at least one source"),
    ("  - id: rux\n", "  - id: mf\n", "entry 'mf': duplicate id"),
    ("category: JAKInhibitor", "category: Medicine", "entry 'rux': unknown category 'Medicine'"),
    ("object: mf, sources", "object: src, sources",
     "object 'src' of category Source is outside the range TreatableCondition of treats"),
    ("category: JAKInhibitor", "category: Symptom",
     "subject 'rux' of category Symptom is outside the domain Intervention of treats"),
    ("  - id: rux\n", "  - id: Rux Olitinib\n", "is not a slug"),
    ("unit: mg, ", "", "entry 'rux': dose 1: an amount needs a unit"),
    ("    definition: a test drug\n", "", "entry 'rux': definition: Field required"),
    ("    section: sec\n    doses", "    frequency: daily\n    section: sec\n    doses",
     "entry 'rux': frequency: Extra inputs are not permitted"),
    # how a claim is known: hedge, asserter, direction
    ("object: mf, sources: [src]}", "object: mf, sources: [src], hedge: likely}",
     "entry 'rux': claims.0.hedge: Input should be 'stated', 'possible', 'limited-evidence' or 'selected-cases'"),
    ("object: mf, sources: [src]}", "object: mf, asserted_by: curator}",
     "entry 'rux': claims.0: Value error, a curator inference needs a 'reason'"),
    ("object: mf, sources: [src]}", "object: mf, sources: [src], asserted_by: curator, reason: r}",
     "entry 'rux': claims.0: Value error, a curator inference cites no article source"),
    ("object: mf, sources: [src]}", "object: mf, sources: [src], reason: r}",
     "entry 'rux': claims.0: Value error, 'reason' is for curator inferences"),
    ("object: mf, sources: [src]}", "object: mf, sources: [src], direction: suppresses}",
     "entry 'rux': claims.0: Value error, 'direction' belongs on actsThrough/mechanismOfActionOf/targetedBy/targets claims, not treats"),
    ("object: mf, sources: [src]}", "object: mf, sources: [src], direction: blocks}",
     "entry 'rux': claims.0.direction: Input should be 'suppresses' or 'enhances'"),
    ("    definition: a test drug\n", "    definition: a test drug\n    homepage: javascript:alert(1)\n",
     "entry 'rux': homepage: Value error, homepage 'javascript:alert(1)' is not an http(s) address"),
    # OBO obsoletion: an obsolete entry is marked, points on, carries nothing; nothing points at it
    ("    label: ruxolitinib\n", "    label: ruxolitinib\n    deprecated: true\n    replaced_by: mf\n",
     "entry 'rux': entry: Value error, a deprecated entry's label starts with 'obsolete '"),
    ("    label: ruxolitinib\n", "    label: obsolete ruxolitinib\n    deprecated: true\n",
     "entry 'rux': entry: Value error, a deprecated entry names its replacement in 'replaced_by'"),
    ("    label: ruxolitinib\n", "    label: obsolete ruxolitinib\n    deprecated: true\n    replaced_by: mf\n",
     "entry 'rux': entry: Value error, a deprecated entry carries no category, claims, doses; move them to 'mf'"),
    ("    label: ruxolitinib\n", "    label: ruxolitinib\n    replaced_by: mf\n",
     "entry 'rux': entry: Value error, 'replaced_by' is for a deprecated entry"),
    ("    category: JAKInhibitor\n", "",
     "entry 'rux': entry: Value error, category: give at least one (only a deprecated entry has none)"),
])
def test_each_defect_named_in_one_line(tree, schema, old, new, expected):
    edit(tree, old, new)
    found = problems(tree, schema)
    assert any(expected in p for p in found), found
    assert all("\n" not in p and "content.yaml" in p or "article.yaml" in p for p in found), found


def test_inverse_form_claim_checked_in_asserted_direction(tree, schema):
    edit(tree, "  - id: pattern\n", "  - id: pattern\n    section: sec\n    claims:\n"
         "      - {predicate: treatedBy, object: mf, sources: [src]}\n")
    found = problems(tree, schema)
    assert any("subject 'mf' of category HaematologicalCause is outside the domain Intervention of treats" in p
               for p in found), found


def test_malformed_yaml_names_file_and_line(tree, schema):
    (tree / "ontology" / "curation" / "content.yaml").write_text("entities:\n  - id: x\n    label: [unclosed\n")
    found = problems(tree, schema)
    assert len(found) == 1 and "content.yaml:" in found[0] and "malformed YAML" in found[0], found


def test_build_cli_reports_every_defect_and_writes_nothing(tree, capsys):
    assert main(["build", "--root", str(tree)]) == 0
    before = {p.name: p.read_bytes() for p in (tree / "ontology").glob("axialkg.*")}
    assert set(before) == {"axialkg.ttl", "axialkg.owl"}
    edit(tree, "object: mf, sources", "object: mff, sources")
    edit(tree, "category: JAKInhibitor", "category: Medicine")
    capsys.readouterr()
    assert main(["build", "--root", str(tree)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("axialkg: error: ") for line in err), err
    assert "Traceback" not in "\n".join(err)
    after = {p.name: p.read_bytes() for p in (tree / "ontology").glob("axialkg.*")}
    assert after == before
    assert not list((tree / "ontology").glob(".axialkg.*")), "temporary files left behind"


def test_curator_inference_loads_without_sources(tree, schema):
    edit(tree, "object: mf, sources: [src]}", "object: mf, asserted_by: curator, reason: the class implies it}")
    cur = load_curation(tree / "ontology" / "curation", schema)
    claim = cur.entities["rux"].entity.claims[0]
    assert (claim.asserted_by, claim.sources, claim.hedge) == ("curator", [], "stated")


def test_duplicate_yaml_key_names_file_and_line(tree, schema):
    edit(tree, "    definition: a test drug\n", "    definition: a test drug\n    label: ruxo\n")
    found = problems(tree, schema)
    assert len(found) == 1 and "content.yaml:" in found[0] and "duplicate key 'label'" in found[0], found
    line = int(found[0].split("content.yaml:")[1].split(":")[0])
    assert (tree / "ontology" / "curation" / "content.yaml").read_text().splitlines()[line - 1] == "    label: ruxo"


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85"])
def test_control_character_refused_with_line(tree, schema, char):
    edit(tree, "a test drug", f"a test{char} drug")
    found = problems(tree, schema)
    assert len(found) == 1 and f"U+{ord(char):04X}" in found[0] and "content.yaml:" in found[0], found


def test_header_version_refused(tree, schema):
    path = tree / "ontology" / "curation" / "article.yaml"
    path.write_text(path.read_text().replace("  date:", "  version: 0.0.1\n  date:"))
    found = problems(tree, schema)
    assert any("ontology header: version: Extra inputs are not permitted" in p for p in found), found


SUBTYPES = """\
  - id: mf-a
    label: myelofibrosis a
    category: HaematologicalCause
    definition: a test subtype
    section: sec
    claims:
      - {predicate: causesPattern, object: pattern, sources: [src]}
      - {predicate: subtypeOf, object: mf-b, sources: [src]}
  - id: mf-b
    label: myelofibrosis b
    category: HaematologicalCause
    definition: a test subtype
    section: sec
    claims:
      - {predicate: subtypeOf, object: mf, sources: [src]}
"""


def test_subtype_chain_loads(tree, schema):
    (tree / "ontology" / "curation" / "more.yaml").write_text("entities:\n" + SUBTYPES)
    assert "mf-a" in load_curation(tree / "ontology" / "curation", schema).entities


@pytest.mark.parametrize("claim,expected", [
    ("{predicate: subtypeOf, object: mf, sources: [src]}", "entry 'mf': is subtypeOf itself (a self-loop)"),
    ("{predicate: subtypeOf, object: mf-a, sources: [src]}", "subtypeOf cycle mf → mf-a → mf-b → mf"),
])
def test_subtype_cycles_and_self_loops_refused(tree, schema, claim, expected):
    (tree / "ontology" / "curation" / "more.yaml").write_text("entities:\n" + SUBTYPES)
    edit(tree, "      - {predicate: causesPattern, object: pattern, sources: [src], more_sources: 1}\n",
         "      - {predicate: causesPattern, object: pattern, sources: [src], more_sources: 1}\n"
         f"      - {claim}\n")
    found = problems(tree, schema)
    assert any(expected in p for p in found), found
    assert len(found) == 1, found


def test_cycle_written_through_the_inverse_refused(tree, schema):
    (tree / "ontology" / "curation" / "more.yaml").write_text(
        "entities:\n" + SUBTYPES.replace("object: mf-b, sources: [src]}", "object: mf-b, sources: [src]}\n"
                                          "      - {predicate: hasSubtype, object: mf-b, sources: [src]}"))
    found = problems(tree, schema)
    assert any("subtypeOf cycle mf-a → mf-b → mf-a" in p or "subtypeOf cycle mf-b → mf-a → mf-b" in p
               for p in found), found


def test_deeply_nested_yaml_is_one_line_not_a_crash(source_tree, run):
    foods = source_tree / "ontology" / "curation" / "foods.yaml"
    foods.write_text(foods.read_text(encoding="utf-8") + "\nextra: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    code, out, err = run("build", "--root", str(source_tree))
    assert code == 1 and "foods.yaml: malformed YAML: nested too deeply" in err and err.count("\n") == 1, err
    assert not (source_tree / "ontology" / "axialkg.ttl").exists()


def test_a_licence_that_is_not_an_iri_is_refused(source_tree, run):
    header = source_tree / "ontology" / "curation" / "article.yaml"
    text = header.read_text(encoding="utf-8")
    assert "license: https://creativecommons.org/licenses/by/4.0/" in text
    header.write_text(text.replace("license: https://creativecommons.org/licenses/by/4.0/", "license: not an iri"),
                      encoding="utf-8")
    code, out, err = run("build", "--root", str(source_tree))
    assert code == 1 and "license 'not an iri' is not an http(s) IRI" in err and "internal error" not in err, err
    assert not (source_tree / "ontology" / "axialkg.ttl").exists()


OBSOLETE_MF = """\
  - id: mf
    label: obsolete myelofibrosis
    deprecated: true
    replaced_by: pmf
    definition: merged into primary myelofibrosis
  - id: pmf
    label: primary myelofibrosis
    category: HaematologicalCause
    definition: a test cause
    section: sec
    claims:
      - {predicate: causesPattern, object: pattern, sources: [src], more_sources: 1}
"""


def _obsolete_mf(tree: Path) -> None:
    old = """  - id: mf
    label: myelofibrosis
    category: HaematologicalCause
    definition: a test cause
    section: sec
    claims:
      - {predicate: causesPattern, object: pattern, sources: [src], more_sources: 1}
"""
    edit(tree, old, OBSOLETE_MF)


def test_an_obsolete_entry_loads_when_nothing_points_at_it(tree, schema):
    _obsolete_mf(tree)
    edit(tree, "object: mf, sources", "object: pmf, sources")
    cur = load_curation(tree / "ontology" / "curation", schema)
    mf = cur.entities["mf"].entity
    assert mf.deprecated and mf.replaced_by == "pmf" and mf.category == [] and mf.claims == []


def test_a_claim_on_an_obsolete_entry_is_refused_naming_the_replacement(tree, schema):
    """Mutation: a link left pointing at a merged entry."""
    _obsolete_mf(tree)
    found = problems(tree, schema)
    assert any("entry 'rux': claim 1 (treats → mf): 'mf' is deprecated; use 'pmf'" in p for p in found), found


def test_a_replacement_that_is_itself_obsolete_is_refused(tree, schema):
    _obsolete_mf(tree)
    edit(tree, "object: mf, sources", "object: pmf, sources")
    edit(tree, "  - id: rux\n", "  - id: old\n    label: obsolete old\n    deprecated: true\n    replaced_by: mf\n"
                                  "    definition: chained\n  - id: rux\n")
    found = problems(tree, schema)
    assert any("entry 'old': replaced_by: 'mf' is itself deprecated" in p for p in found), found
