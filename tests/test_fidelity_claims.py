"""Line-by-line fidelity checks of the release (issue #15, §2, §4, §5): the claims the article does not
make stay out, the hedges its paragraphs give stay in, a regular dose frequency carries its period, and
molecular targets go by their protein name. Each rule names the entity it catches, and each is broken on a
copy of the release to see it fail."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from axialkg.vocab import AXKG, DCTERMS, PROV

OIO_XREF = URIRef("http://www.geneontology.org/formats/oboInOwl#hasDbXref")
OIO_EXACT = URIRef("http://www.geneontology.org/formats/oboInOwl#hasExactSynonym")

# (subject, predicate, object) the article does not say, with the article's actual wording.
OVERSTATEMENTS = [
    ("range-of-motion-testing", "indicates", "axial-osteosclerosis"),  # it shows stiffness, not the pattern
    ("schober-test", "indicates", "axial-osteosclerosis"),             # monitors axial mobility
    ("dexa-scan", "indicates", "axial-osteosclerosis"),                # "supportive"; X-ray drives the diagnosis
    ("hsct", "treats", "axial-osteosclerosis"),                        # treats two named diseases only
    ("hsct", "treats", "osteomesopyknosis"),
    ("smoking-cessation-alcohol-limits", "prevents", "osteoporosis"),  # "reduce negative effects on bone cells"
    ("no-smoking-limited-alcohol", "prevents", "osteoporosis"),
    ("tumour-markers", "indicates", "breast-cancer"),                  # the article names PSA only
    ("red-flag-education", "prevents", "spinal-cord-compression"),     # "early detection of compression"
    ("red-flag-education", "prevents", "vertebral-fracture"),
]


def overstated(g: Graph) -> list[str]:
    """The label of each entity that makes one of the known overstatements."""
    return sorted(str(g.value(AXKG[s], RDFS.label)) for s, p, o in OVERSTATEMENTS
                  if (AXKG[s], AXKG[p], AXKG[o]) in g)


def test_the_release_makes_none_of_them(release_graph):
    assert overstated(release_graph) == []


@pytest.fixture(scope="module")
def copy(release_graph) -> Graph:
    g = Graph()
    for t in release_graph:
        g.add(t)
    return g


@pytest.mark.parametrize("claim", OVERSTATEMENTS, ids=lambda c: f"{c[0]}-{c[1]}-{c[2]}")
def test_putting_one_back_names_its_entity(copy, claim):
    s, p, o = claim
    triple = (AXKG[s], AXKG[p], AXKG[o])
    copy.add(triple)
    try:
        assert overstated(copy) == [str(copy.value(AXKG[s], RDFS.label))]
    finally:
        copy.remove(triple)


def test_red_flag_education_aids_early_detection_as_the_article_says(release_graph):
    g = release_graph
    edu = AXKG["red-flag-education"]
    assert set(g.objects(edu, AXKG.aidsEarlyDetectionOf)) == {AXKG["spinal-cord-compression"],
                                                             AXKG["vertebral-fracture"]}
    assert not list(g.objects(edu, AXKG.prevents)) and not list(g.objects(edu, AXKG.treats))
    axs = list(g.subjects(OWL.annotatedSource, edu))
    assert len(axs) == 2
    for a in axs:
        assert set(g.objects(a, DCTERMS.source)) == {AXKG.springeropen}
        assert g.value(a, AXKG.hedge) == AXKG["hedge-stated"]
        assert g.value(a, PROV.wasDerivedFrom) == AXKG["section-non-pharmacological-treatments"]
    assert str(g.value(AXKG.aidsEarlyDetectionOf, RDFS.label)) == "aids early detection of"


# ---------------------------------------------------------------- doses: a frequency has its period

PERIODS = {"once daily": "P1D", "daily": "P1D", "once monthly": "P1M", "every 6 months": "P6M", "once yearly": "P1Y"}


def frequency_without_period(g: Graph) -> list[str]:
    """The label of each agent whose regimen gives a regular frequency but not the period it means."""
    out = []
    for dose, freq in g.subject_objects(AXKG.frequency):
        want = PERIODS.get(str(freq))
        if want is not None and str(g.value(dose, AXKG.perDuration)) != want:
            out.append(str(g.value(g.value(predicate=AXKG.hasDoseRegimen, object=dose), RDFS.label)))
    return sorted(out)


def test_every_regular_frequency_has_its_period(release_graph):
    assert frequency_without_period(release_graph) == []
    # the article's frequencies are all recorded (its 'twice daily' stays words: a dose, not a daily total)
    freq = {str(release_graph.value(d, RDFS.label)).split(":")[0]: str(f)
            for d, f in release_graph.subject_objects(AXKG.frequency)}
    assert freq["fedratinib dose 1"] == "once daily" and freq["ruxolitinib dose 1"] == "twice daily"
    assert freq["denosumab dose 1"] == "every 6 months" and freq["romosozumab dose 1"] == "once monthly"


def test_a_dropped_period_names_the_drug(copy):
    dose = AXKG["fedratinib-dose-1"]
    period = copy.value(dose, AXKG.perDuration)
    copy.remove((dose, AXKG.perDuration, None))
    try:
        assert frequency_without_period(copy) == ["fedratinib"]
    finally:
        copy.add((dose, AXKG.perDuration, period))


# ---------------------------------------------------------------- hedges the article's wording gives

# (subject, predicate, object, section, hedge): the paragraph's words in the comment.
HEDGED = [
    ("targeted-tumour-surgery", "treats", "osteoblastic-metastases", "procedures", "possible"),  # "may be part of"
    ("targeted-tumour-surgery", "treats", "spinal-cord-compression", "procedures", "possible"),
    ("hsct-conditioning-and-supportive-medicines", "treats", "myelofibrosis", "drug-treatments",
     "selected-cases"),                                                   # "MF undergoing HSCT"
    ("axial-osteosclerosis", "hasFinding", "diffuse-osteosclerosis", "overview", "possible"),  # "can be diffuse
    ("axial-osteosclerosis", "hasFinding", "patchy-osteosclerosis", "overview", "possible"),   #  or patchy"
    ("jaw-dental-inspection", "indicates", "skeletal-fluorosis", "bedside-tests", "possible"),  # "may suggest"
    ("nerve-conduction-studies", "indicates", "skeletal-fluorosis", "electrodiagnostic-tests", "possible"),
    ("skeletal-fluorosis", "hasFinding", "spinal-canal-narrowing", "electrodiagnostic-tests", "possible"),  # "can
    ("skeletal-fluorosis", "hasFinding", "ligament-calcification", "electrodiagnostic-tests", "possible"),  # occur"
]


def flattened(g: Graph) -> list[str]:
    """The label of each entity whose hedged claim above has lost its hedge (or its axiom)."""
    out = []
    for s, p, o, sec, hedge in HEDGED:
        hedges = {g.value(a, AXKG.hedge) for a in g.subjects(OWL.annotatedSource, AXKG[s])
                  if g.value(a, OWL.annotatedProperty) == AXKG[p] and g.value(a, OWL.annotatedTarget) == AXKG[o]
                  and g.value(a, PROV.wasDerivedFrom) == AXKG[f"section-{sec}"]}
        if hedges != {AXKG[f"hedge-{hedge}"]}:
            out.append(str(g.value(AXKG[s], RDFS.label)))
    return sorted(out)


def test_the_paragraphs_keep_their_hedges(release_graph):
    assert flattened(release_graph) == []


def test_a_flattened_hedge_names_the_entity(copy):
    s, p, o, sec, hedge = HEDGED[0]
    (ax,) = [a for a in copy.subjects(OWL.annotatedSource, AXKG[s])
             if copy.value(a, OWL.annotatedTarget) == AXKG[o] and copy.value(a, OWL.annotatedProperty) == AXKG[p]]
    copy.set((ax, AXKG.hedge, AXKG["hedge-stated"]))
    try:
        assert flattened(copy) == ["targeted tumour surgery"]
    finally:
        copy.set((ax, AXKG.hedge, AXKG[f"hedge-{hedge}"]))


# ---------------------------------------------------------------- targets go by their protein name

ARTICLE_SYMBOLS = {"JAK1", "JAK2", "KIT", "ACVR1", "CYP3A4"}  # what the article itself calls these proteins
HETIONET = Path(__file__).resolve().parents[2] / "shared" / "reference" / "hetionet-v1.0-nodes.tsv"


@pytest.fixture(scope="module")
def gene_symbols() -> dict[str, str]:
    """NCBI Gene id → symbol, from the Hetionet node table."""
    out = {}
    for line in HETIONET.read_text(encoding="utf-8").splitlines():
        ident, name, kind = line.split("\t")
        if kind == "Gene":
            out["NCBIGene:" + ident.split("::", 1)[1]] = name
    return out


def labelled_by_symbol(g: Graph, symbols: dict[str, str]) -> list[str]:
    """Each molecular target labelled by its gene symbol where the article does not call it that, or
    without the symbol as an exact synonym."""
    out = []
    for t in g.subjects(RDF.type, AXKG.MolecularTarget):
        label = str(g.value(t, RDFS.label))
        for x in g.objects(t, OIO_XREF):
            symbol = symbols.get(str(x))
            if symbol is None:
                continue
            if (label == symbol and symbol not in ARTICLE_SYMBOLS) or (
                    label != symbol and symbol not in {str(s) for s in g.objects(t, OIO_EXACT)}):
                out.append(label)
    return sorted(out)


def test_targets_go_by_protein_name_with_the_symbol_as_synonym(release_graph, gene_symbols):
    assert labelled_by_symbol(release_graph, gene_symbols) == []
    labels = {str(release_graph.value(AXKG[t], RDFS.label)) for t in ("pth1r", "hrh1", "ptgs1", "ptgs2", "casr")}
    assert labels == {"parathyroid hormone 1 receptor", "histamine H1 receptor", "cyclooxygenase-1",
                      "cyclooxygenase-2", "calcium-sensing receptor"}


def test_a_target_relabelled_by_its_symbol_is_named(copy, gene_symbols):
    t = AXKG.vdr
    label = copy.value(t, RDFS.label)
    copy.set((t, RDFS.label, Literal("VDR")))
    try:
        assert labelled_by_symbol(copy, gene_symbols) == ["VDR"]
    finally:
        copy.set((t, RDFS.label, label))


# ---------------------------------------------------------------- what Hetionet confirms is grounded

GROUNDED_KINDS = {"Biological Process": "GO", "Side Effect": "UMLS"}


def ungrounded(g: Graph, path: Path = HETIONET) -> list[str]:
    """Each entity whose label or exact synonym names a Hetionet GO process or UMLS side effect, yet
    carries no cross-reference at all (one from HPO or MeSH grounds it as well)."""
    names: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        ident, name, kind = line.split("\t")
        if kind in GROUNDED_KINDS:
            names.setdefault(name.casefold(), set()).add(GROUNDED_KINDS[kind])
    out = []
    for e in set(g.subjects(RDF.type, OWL.NamedIndividual)):
        if not str(e).startswith(str(AXKG)) or (e, OWL.deprecated, None) in g:
            continue
        typed = {str(g.value(e, RDFS.label)), *map(str, g.objects(e, OIO_EXACT))}
        wanted = set().union(*(names.get(n.casefold(), set()) for n in typed))
        grounded = any(True for p in (OIO_XREF, SKOS.narrowMatch, SKOS.relatedMatch) for _ in g.objects(e, p))
        if wanted and not grounded:
            out.append(str(g.value(e, RDFS.label)))
    return sorted(out)


def test_every_go_process_and_umls_side_effect_hetionet_names_is_grounded(release_graph):
    assert ungrounded(release_graph) == []
    assert "GO:0030282" in {str(x) for x in release_graph.objects(AXKG["bone-mineralisation"], OIO_XREF)}
    assert "UMLS:C0010828" in {str(x) for x in release_graph.objects(AXKG.cytopenia, OIO_XREF)}


def test_a_dropped_grounding_is_named(copy):
    xref = Literal("UMLS:C0010828")
    copy.remove((AXKG.cytopenia, OIO_XREF, xref))
    try:
        assert ungrounded(copy) == ["cytopenia"]
    finally:
        copy.add((AXKG.cytopenia, OIO_XREF, xref))
