"""Every claim's sources are re-derived from the article: the names closing the paragraph are one
citation group of N+1 works (each name carries the same "+N"); a claim lists the distinct names and
counts the rest, so no work is counted twice and none is invented."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from axialkg.errors import CurationError

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


def _entities() -> list[dict]:
    out = []
    for path in sorted(CURATION.glob("*.yaml")):
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


def citation_groups(names: dict[str, str]) -> dict[str, list[tuple[tuple[str, ...], int, str]]]:
    """Section id → the citation groups closing its paragraphs: (distinct named sources, unnamed rest, text)."""
    alts = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    closing = re.compile(rf"\s((?:(?:{alts})(?:\+\d+)?)+)\s*-?\s*$")
    chip = re.compile(rf"({alts})(?:\+(\d+))?")
    groups: dict[str, list] = defaultdict(list)
    section = "section-overview"
    for line in ARTICLE.read_text(encoding="utf-8").splitlines():
        for heading, sid in HEADINGS:
            if line.startswith(heading):
                section = f"section-{sid}"
        m = closing.search(line)
        if not m:
            continue
        chips = [(names[n], int(k or 0)) for n, k in chip.findall(m.group(1))]
        counts = {k for _, k in chips}
        assert len(counts) == 1, f"a citation with unequal counts: {m.group(1)}"  # one group per paragraph
        named = tuple(dict.fromkeys(s for s, _ in chips))
        groups[section].append((named, counts.pop() + 1 - len(named), m.group(1)))
    return groups


@pytest.fixture(scope="module")
def groups():
    return citation_groups(_publishers(_entities()))


def test_the_article_citations_are_groups(groups):
    flat = {text: (named, rest) for gs in groups.values() for named, rest, text in gs}
    assert len(flat) > 25
    assert flat["PMC+2PMC+2"] == (("pmc",), 2)  # three works, none counted twice
    assert flat["FDA Access Data+6FDA Access Data+6FDA Access Data+6"] == (("fda-access-data",), 6)
    assert flat["PMC+2thepermanentejournal.org+2"] == (("pmc", "permanente-journal"), 1)
    assert flat["Orpha+4Radiopaedia+4NCBI+4"] == (("orphanet", "radiopaedia", "ncbi"), 2)


def test_every_claim_cites_a_citation_group_of_its_section(groups):
    checked, wrong = 0, []
    for e in _entities():
        for kind in ("claims", "doses"):
            for c in e.get(kind) or []:
                if c.get("asserted_by") == "curator":
                    continue
                sec = c.get("section") or e.get("section")
                mine = (set(c["sources"]), c.get("more_sources", 0))
                if not any(mine == (set(named), rest) for named, rest, _ in groups.get(sec, [])):
                    wrong.append(f"{e['id']} {c.get('predicate', 'dose')} {c.get('object', '')} in {sec}: {mine}")
                checked += 1
    assert checked > 700 and not wrong, "\n".join(wrong)


def test_the_release_counts_each_work_once(release_graph):
    from rdflib.namespace import OWL

    from axialkg.vocab import AXKG, DCTERMS, PROV

    g = release_graph
    (ax,) = [a for a in g.subjects(OWL.annotatedSource, AXKG.hsct)
             if g.value(a, OWL.annotatedProperty) == AXKG.treats
             and g.value(a, OWL.annotatedTarget) == AXKG["malignant-infantile-osteopetrosis"]
             and g.value(a, PROV.wasDerivedFrom) == AXKG["section-non-pharmacological-treatments"]]
    assert set(g.objects(ax, DCTERMS.source)) == {AXKG.pmc}  # "PMC+2PMC+2": three works in all
    assert int(g.value(ax, AXKG.furtherSourceCount)) == 2


def test_a_source_listed_twice_is_refused(source_tree: Path):
    from axialkg.build import SourceTree, build_graph

    path = source_tree / "ontology" / "curation" / "procedures.yaml"
    text = path.read_text(encoding="utf-8")
    old = "object: malignant-infantile-osteopetrosis, sources: [pmc], more_sources: 2"
    assert old in text
    path.write_text(text.replace(old, old.replace("[pmc]", "[pmc, pmc]"), 1), encoding="utf-8")
    with pytest.raises(CurationError) as err:
        build_graph(SourceTree(source_tree))
    assert "entry 'hsct'" in str(err.value) and "pmc listed twice" in str(err.value)
