"""Every claim's sources are re-derived from the article, read as issue #15 reads a citation: each chip
("PMC+2") is one named work and N more, repeats included, so "PMC+2PMC+2" is two PMC works and four
more. A claim lists every named chip and counts the sum of the "+N" marks; the release records how many
works that is, since one triple cannot say that a publisher is named twice."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT.parent / "shared" / "source" / "axial-osteosclerosis-article.txt"
CURATION = ROOT / "ontology" / "curation"

# Where each article section starts (its heading line); the curation's section ids.
HEADINGS = [("Other names", "other-names"), ("Types", "types"), ("Causes", "causes"), ("Symptoms", "symptoms"),
            ("A) Physical examination", "physical-examination"), ("B) Manual/bedside tests", "bedside-tests"),
            ("C) Laboratory and pathological tests", "laboratory-tests"),
            ("D) Electrodiagnostic tests", "electrodiagnostic-tests"), ("E) Imaging tests", "imaging-tests"),
            ("Non-pharmacological treatments", "non-pharmacological-treatments"),
            ("Drug treatments", "drug-treatments"), ("Dietary molecular supplements", "dietary-supplements"),
            ("Immunity-booster", "immune-regenerative"), ("Surgeries/procedures", "procedures"),
            ("Preventions", "prevention"), ("When to see a doctor", "red-flags"),
            ("Foods to eat", "foods"), ("Frequently asked questions", "faqs"), ("Disclaimer", "disclaimer")]

Citation = tuple[tuple[str, ...], int, str]  # (named chips, sorted, repeats kept; sum of the "+N"; text)


def _entities(curation: Path = CURATION) -> list[dict]:
    out = []
    for path in sorted(curation.glob("*.yaml")):
        out += (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("entities") or []
    return out


def _publishers(entities: list[dict]) -> dict[str, str]:
    """Every name a Source goes by (label and synonyms) → its id."""
    names = {}
    for e in entities:
        if e.get("category") == "Source":
            for n in [e["label"], *e.get("synonyms", [])]:
                names[n] = e["id"]
    return names


def citations(names: dict[str, str]) -> dict[str, list[Citation]]:
    """Section id → the citations closing its paragraphs, each as its chips and their further works."""
    alts = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    closing = re.compile(rf"\s((?:(?:{alts})(?:\+\d+)?)+)\s*-?\s*$")
    chip = re.compile(rf"({alts})(?:\+(\d+))?")
    found: dict[str, list[Citation]] = defaultdict(list)
    section = "section-overview"
    for line in ARTICLE.read_text(encoding="utf-8").splitlines():
        for heading, sid in HEADINGS:
            if line.startswith(heading):
                section = f"section-{sid}"
        m = closing.search(line)
        if m:
            chips = [(names[n], int(k or 0)) for n, k in chip.findall(m.group(1))]
            found[section].append((tuple(sorted(s for s, _ in chips)), sum(k for _, k in chips), m.group(1)))
    return found


def unfaithful_claims(entities: list[dict], cited: dict[str, list[Citation]]) -> tuple[int, list[str]]:
    """(article claims checked, one line per claim whose sources match no citation of its section)."""
    checked, wrong = 0, []
    for e in entities:
        for kind in ("claims", "doses"):
            for c in e.get(kind) or []:
                if c.get("asserted_by") == "curator":
                    continue
                sec = c.get("section") or e.get("section")
                mine = (tuple(sorted(c["sources"])), c.get("more_sources", 0))
                if not any(mine == (chips, further) for chips, further, _ in cited.get(sec, [])):
                    wrong.append(f"{e['id']} {c.get('predicate', 'dose')} {c.get('object', '')} in {sec}: "
                                 f"sources {list(mine[0])} + {mine[1]}")
                checked += 1
    return checked, wrong


@pytest.fixture(scope="module")
def cited():
    return citations(_publishers(_entities()))


def test_every_chip_is_a_named_work_and_its_count(cited):
    flat = {text: (chips, further) for cs in cited.values() for chips, further, text in cs}
    assert len(flat) > 25
    assert flat["PMC+2PMC+2"] == (("pmc", "pmc"), 4)  # two PMC works and four more: six
    assert flat["FDA Access Data+6FDA Access Data+6FDA Access Data+6"] == (("fda-access-data",) * 3, 18)
    assert flat["PMC+2thepermanentejournal.org+2"] == (("permanente-journal", "pmc"), 4)
    assert flat["Orpha+4Radiopaedia+4NCBI+4"] == (("ncbi", "orphanet", "radiopaedia"), 12)
    assert flat["Orpha"] == (("orphanet",), 0)


def test_every_claim_cites_a_citation_of_its_section(cited):
    checked, wrong = unfaithful_claims(_entities(), cited)
    assert checked > 700 and not wrong, "\n".join(wrong)


def test_dropping_one_chip_names_the_claim(source_tree: Path, cited):
    path = source_tree / "ontology" / "curation" / "procedures.yaml"
    text = path.read_text(encoding="utf-8")
    old = "object: myelofibrosis, hedge: selected-cases, sources: [pmc, pmc], more_sources: 4"
    assert old in text
    path.write_text(text.replace(old, old.replace("[pmc, pmc]", "[pmc]"), 1), encoding="utf-8")
    _, wrong = unfaithful_claims(_entities(source_tree / "ontology" / "curation"), cited)
    assert wrong == ["hsct treats myelofibrosis in section-non-pharmacological-treatments: sources ['pmc'] + 4"]


def test_the_release_counts_every_cited_work(release_graph):
    from rdflib.namespace import OWL

    from axialkg.vocab import AXKG, DCTERMS, PROV

    g = release_graph
    (ax,) = [a for a in g.subjects(OWL.annotatedSource, AXKG.hsct)
             if g.value(a, OWL.annotatedProperty) == AXKG.treats
             and g.value(a, OWL.annotatedTarget) == AXKG.myelofibrosis
             and g.value(a, PROV.wasDerivedFrom) == AXKG["section-non-pharmacological-treatments"]]
    assert set(g.objects(ax, DCTERMS.source)) == {AXKG.pmc}  # one publisher, named twice
    assert int(g.value(ax, AXKG.furtherSourceCount)) == 4
    assert int(g.value(ax, AXKG.citedWorkCount)) == 6
    # every article claim: the works it cites are at least its publishers plus the further ones
    for a in g.subjects(AXKG.furtherSourceCount, None):
        named = len(set(g.objects(a, DCTERMS.source)))
        assert int(g.value(a, AXKG.citedWorkCount)) >= named + int(g.value(a, AXKG.furtherSourceCount)), a


def test_claim_sources_shows_the_works_cited(kg):
    rows = [r for r in kg.query("claim-sources", entity="hsct").records()
            if r["objectLabel"] == "myelofibrosis" and r["section"].endswith("non-pharmacological-treatments")]
    assert [(r["sources"], r["furtherSources"], r["citedWorks"]) for r in rows] == [("PMC", "4", "6")]


def test_the_release_totals_match_the_curation(release_graph):
    from axialkg.vocab import AXKG

    claims = [c for e in _entities() for kind in ("claims", "doses") for c in e.get(kind) or []
              if c.get("asserted_by") != "curator"]
    g = release_graph
    further = sum(int(v) for v in g.objects(None, AXKG.furtherSourceCount))
    works = sum(int(v) for v in g.objects(None, AXKG.citedWorkCount))
    assert further == sum(c.get("more_sources", 0) for c in claims)
    assert works == sum(len(c["sources"]) + c.get("more_sources", 0) for c in claims)
