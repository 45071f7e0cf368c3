"""Exports: every RDF syntax reads back as the release; N-Quads keeps provenance in per-source
graphs; JSON-LD is compact; RDF/XML loads in owlready2; KGX passes a strict reader checked
against the biolink-model schema; CSV and GraphML carry labels, categories and sources; writes
are deterministic and all-or-nothing."""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from importlib import resources
from pathlib import Path

import pytest
import yaml
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

import axialkg
from axialkg import export as ex
from axialkg.cli import main
from axialkg.errors import AxialKGError, UsageError
from axialkg.vocab import AXKG, OWL, PREFIXES, RDF, curie

RDF_FORMATS = {"turtle": "turtle", "rdfxml": "xml", "ntriples": "nt", "jsonld": "json-ld"}


# ---- graph comparison ---------------------------------------------------------------------------
def components(g: Graph) -> tuple[set, list[list]]:
    """The triples without blank nodes, and the triples of each blank-node-connected component."""
    parent: dict = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for s, _, o in g:
        if isinstance(s, BNode) and isinstance(o, BNode):
            parent[find(s)] = find(o)
    ground, comps = set(), defaultdict(list)
    for t in g:
        b = next((x for x in (t[0], t[2]) if isinstance(x, BNode)), None)
        if b is None:
            ground.add(t)
        else:
            comps[find(b)].append(t)
    return ground, list(comps.values())


def _invariant(triples) -> tuple:
    return tuple(sorted(tuple("_" if isinstance(x, BNode) else x.n3() for x in t) for t in triples))


def _graph(triples) -> Graph:
    g = Graph()
    for t in triples:
        g.add(t)
    return g


def same_graph(a: Graph, b: Graph) -> bool:
    """rdflib.compare.isomorphic, decided component by component: an isomorphism fixes every IRI
    and literal, so two graphs are isomorphic exactly when their blank-node-free triples are equal
    and their blank-node components pair up isomorphically. rdflib on the whole release (870
    blank nodes) takes about half a minute; piece by piece, a second."""
    ga, ca = components(a)
    gb, cb = components(b)
    if ga != gb or len(ca) != len(cb):
        return False
    pool = defaultdict(list)
    for c in cb:
        pool[_invariant(c)].append(c)
    for c in ca:
        candidates = pool.get(_invariant(c), [])
        match = next((i for i, d in enumerate(candidates) if isomorphic(_graph(c), _graph(d))), None)
        if match is None:
            return False
        candidates.pop(match)
    return True


def test_component_comparison_agrees_with_whole_graph_isomorphic(release_graph):
    """same_graph says what rdflib.compare.isomorphic says of whole graphs, on a piece of the
    release with claim axioms and OWL lists, relabelled, and on a mutation of it."""
    rux = AXKG.ruxolitinib
    piece = Graph()
    for ax in release_graph.subjects(OWL.annotatedSource, rux):
        piece += release_graph.triples((ax, None, None))
    for cls in release_graph.subjects(OWL.equivalentClass, None):
        for _, _, e in release_graph.triples((cls, OWL.equivalentClass, None)):
            piece.add((cls, OWL.equivalentClass, e))
            todo = [e]
            while todo:
                n = todo.pop()
                for _, p, o in release_graph.triples((n, None, None)):
                    piece.add((n, p, o))
                    if isinstance(o, BNode):
                        todo.append(o)
    assert len(piece) > 60 and sum(isinstance(s, BNode) for s in piece.subjects()) > 20
    copy = Graph()
    relabel = {}
    for s, p, o in piece:
        copy.add(tuple(relabel.setdefault(x, BNode()) if isinstance(x, BNode) else x for x in (s, p, o)))
    assert same_graph(piece, copy) and isomorphic(piece, copy)
    # swap the targets of two of ruxolitinib's axioms: the same triples if blank nodes are ignored
    axioms = sorted(set(copy.subjects(RDF.type, OWL.Axiom)), key=lambda a: str(copy.value(a, OWL.annotatedTarget)))
    a1, a2 = next((x, y) for x in axioms for y in axioms
                  if copy.value(x, OWL.annotatedProperty) != copy.value(y, OWL.annotatedProperty))
    t1, t2 = copy.value(a1, OWL.annotatedTarget), copy.value(a2, OWL.annotatedTarget)
    mutated = Graph()
    mutated += copy
    mutated.remove((a1, OWL.annotatedTarget, t1))
    mutated.remove((a2, OWL.annotatedTarget, t2))
    mutated.add((a1, OWL.annotatedTarget, t2))
    mutated.add((a2, OWL.annotatedTarget, t1))
    assert {(p, o) for s, p, o in mutated} == {(p, o) for s, p, o in copy}
    assert not same_graph(piece, mutated) and not isomorphic(piece, mutated)


# ---- exports --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def kg():
    return axialkg.open()


@pytest.fixture(scope="module")
def exported(kg, tmp_path_factory):
    """Every format, exported once from the embedded store."""
    out = tmp_path_factory.mktemp("exports")
    reports = {fmt: ex.export(fmt, out / f"axialkg.{fmt}", kg=kg) for fmt in ex.FORMATS}
    return out, reports


@pytest.mark.parametrize("fmt", sorted(RDF_FORMATS))
def test_rdf_export_reads_back_as_the_release(fmt, exported, release_graph):
    out, reports = exported
    back = Graph().parse(out / f"axialkg.{fmt}", format=RDF_FORMATS[fmt])
    assert reports[fmt].triples == len(release_graph) == len(back)
    assert same_graph(back, release_graph)


def test_a_changed_export_is_caught(exported, release_graph):
    out, _ = exported
    text = (out / "axialkg.ntriples").read_text()
    line = next(x for x in text.splitlines() if "furtherSourceCount" in x and x.startswith("_:"))
    changed = text.replace(line, re.sub(r'"(\d+)"', lambda m: f'"{int(m.group(1)) + 1}"', line), 1)
    assert not same_graph(Graph().parse(data=changed, format="nt"), release_graph)


def test_nquads_default_graph_union_and_per_source_graphs(exported, release_graph):
    out, _ = exported
    ds = Dataset()
    ds.parse(out / "axialkg.nquads", format="nquads")
    default = Graph()
    default += ds.default_graph
    union = Graph()
    named = {}
    for ctx in ds.graphs():
        union += ctx
        if ctx.identifier != ds.default_graph.identifier:
            named[str(ctx.identifier)] = {t for t in ctx}
    assert same_graph(default, release_graph)
    assert same_graph(union, release_graph)
    expected = defaultdict(set)
    for r in release_graph.query("""
        PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?src ?s ?p ?o WHERE { ?ax a owl:Axiom ; owl:annotatedSource ?s ; owl:annotatedProperty ?p ;
                                         owl:annotatedTarget ?o ; dcterms:source ?src }"""):
        expected[ex.SOURCE_GRAPH_BASE + str(r.src).rsplit("/", 1)[1]].add((r.s, r.p, r.o))
    assert named == dict(expected)
    fda = named[ex.SOURCE_GRAPH_BASE + "fda-access-data"]
    assert (AXKG.ruxolitinib, AXKG.treats, AXKG.myelofibrosis) in fda
    assert all((s, p, o) in release_graph for g in named.values() for s, p, o in g)


def test_jsonld_has_a_compact_context_of_our_prefixes(exported, release_graph):
    out, _ = exported
    doc = json.loads((out / "axialkg.jsonld").read_text())
    assert doc["@context"] == dict(sorted(PREFIXES.items()))
    assert doc["@context"]["axkg"] == "https://w3id.org/axialkg/"
    ids = []

    def collect(node):
        if isinstance(node, dict):
            ids.extend(v for k, v in node.items() if k in ("@id", "@type") and isinstance(v, str))
            ids.extend(k for k in node if not k.startswith("@"))
            for v in node.values():
                collect(v)
        elif isinstance(node, list):
            for v in node:
                collect(v)

    collect(doc["@graph"])
    ours = [i for i in ids if i.startswith("axkg:")]
    assert len(ours) > 5000
    # our IRIs are compacted (only a path-like one such as releases/0.1.0/axialkg.owl may stay whole)
    assert [i for i in ids if i.startswith(str(AXKG)) and "/" not in i[len(str(AXKG)):]] == []
    rux = next(n for n in doc["@graph"] if n.get("@id") == "axkg:ruxolitinib")
    assert {"@id": "axkg:myelofibrosis"} in rux["axkg:treats"] and rux["rdfs:label"] == "ruxolitinib"


def test_rdfxml_export_loads_in_owlready2(exported):
    import owlready2

    out, _ = exported
    world = owlready2.World()
    onto = world.get_ontology((out / "axialkg.rdfxml").as_uri()).load()
    rux = onto.search_one(iri=str(AXKG.ruxolitinib))
    assert rux is not None and "JAKInhibitor" in {c.name for c in rux.is_a}
    assert "myelofibrosis" in {x.name for x in rux.treats}
    assert len(list(onto.individuals())) > 300


def test_exports_are_deterministic(exported, kg, tmp_path):
    out, _ = exported
    for fmt, sink in ex.FORMATS.items():
        kind, names = sink.kind, sink.files
        again = tmp_path / f"again.{fmt}"
        ex.export(fmt, again, kg=kg)
        first = out / f"axialkg.{fmt}"
        if kind == "dir":
            assert sorted(p.name for p in again.iterdir()) == sorted(names)
            for name in names:
                assert (again / name).read_bytes() == (first / name).read_bytes(), (fmt, name)
        else:
            assert again.read_bytes() == first.read_bytes(), fmt


# ---- KGX: a strict reader ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def biolink():
    return yaml.safe_load((resources.files("biolink_model") / "schema" / "biolink_model.yaml").read_text())


class KGXError(ValueError):
    pass


CURIE = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*:[^\s|]+")


def _biolink_class(curie: str, model) -> str:
    local = curie.removeprefix("biolink:")
    names = [n for n in model["classes"] if n.replace(" ", "").lower() == local.lower()]
    if not curie.startswith("biolink:") or len(names) != 1:
        raise KGXError(f"{curie} is not a Biolink class")
    return names[0]


def _ancestors(name: str, table: dict) -> list[str]:
    out = []
    while name:
        out.append(name)
        name = table.get(name, {}).get("is_a")
    return out


def _read_tsv(path: Path, required: list[str]) -> list[dict]:
    raw = path.read_bytes()
    text = raw.decode("utf-8")  # strict: invalid UTF-8 raises
    if "\r" in text or not text.endswith("\n"):
        raise KGXError(f"{path.name}: lines must end in a single LF")
    lines = text[:-1].split("\n")
    header = lines[0].split("\t")
    if len(set(header)) != len(header) or "" in header:
        raise KGXError(f"{path.name}: empty or repeated column names")
    missing_cols = [c for c in required if c not in header]
    if missing_cols:
        raise KGXError(f"{path.name}: missing columns {missing_cols}")
    rows = []
    for n, line in enumerate(lines[1:], 2):
        cells = line.split("\t")
        if len(cells) != len(header):
            raise KGXError(f"{path.name}:{n}: {len(cells)} fields, header has {len(header)}")
        if any(c != c.strip() or c.startswith('"') for c in cells):
            raise KGXError(f"{path.name}:{n}: padded or quoted field")
        row = dict(zip(header, cells))
        for c in required:
            if not row[c]:
                raise KGXError(f"{path.name}:{n}: empty {c}")
        rows.append(row)
    return rows


def read_kgx(directory: Path, model) -> tuple[dict, list]:
    """Read KGX TSV and check it against the KGX format and the Biolink Model; raise KGXError."""
    classes, slots, enums = model["classes"], model["slots"], model["enums"]
    nodes = {}
    for row in _read_tsv(directory / "nodes.tsv", ["id", "category"]):
        if not CURIE.fullmatch(row["id"]) or row["id"] in nodes:
            raise KGXError(f"node id {row['id']!r} is not a unique CURIE")
        for cat in row["category"].split("|"):
            name = _biolink_class(cat, model)
            if "named thing" not in _ancestors(name, classes) or classes[name].get("mixin"):
                raise KGXError(f"{row['id']}: category {cat} is not in the NamedThing hierarchy")
        for x in filter(None, row.get("xref", "").split("|")):
            if not CURIE.fullmatch(x):
                raise KGXError(f"{row['id']}: xref {x!r} is not a CURIE")
        nodes[row["id"]] = row
    edges, ids = [], set()
    levels = set(enums["KnowledgeLevelEnum"]["permissible_values"])
    agents = set(enums["AgentTypeEnum"]["permissible_values"])
    for row in _read_tsv(directory / "edges.tsv", ["subject", "predicate", "object", "knowledge_level",
                                                   "agent_type", "primary_knowledge_source"]):
        if row.get("id"):
            if row["id"] in ids:
                raise KGXError(f"edge id {row['id']} repeated")
            ids.add(row["id"])
        for end in ("subject", "object"):
            if row[end] not in nodes:
                raise KGXError(f"edge {row.get('id')}: {end} {row[end]} is not a node")
        pred = row["predicate"]
        slot = pred.removeprefix("biolink:").replace("_", " ")
        if not pred.startswith("biolink:") or slot not in slots or "related to" not in _ancestors(slot, slots) \
                or slots[slot].get("deprecated"):
            raise KGXError(f"edge {row.get('id')}: {pred} is not a Biolink predicate")
        for cat in filter(None, row.get("category", "").split("|")):
            if "association" not in _ancestors(_biolink_class(cat, model), classes):
                raise KGXError(f"edge {row.get('id')}: category {cat} is not an Association")
        if row["knowledge_level"] not in levels or row["agent_type"] not in agents:
            raise KGXError(f"edge {row.get('id')}: knowledge_level/agent_type not in the Biolink enums")
        if "|" in row["primary_knowledge_source"] or not CURIE.fullmatch(row["primary_knowledge_source"]):
            raise KGXError(f"edge {row.get('id')}: primary_knowledge_source must be one CURIE")
        for pub in filter(None, row.get("publications", "").split("|")):
            if not CURIE.fullmatch(pub):
                raise KGXError(f"edge {row.get('id')}: publication {pub!r} is not a CURIE")
        edges.append(row)
    return nodes, edges


def test_kgx_passes_the_strict_reader(exported, biolink, release_graph):
    out, reports = exported
    nodes, edges = read_kgx(out / "axialkg.kgx", biolink)
    assert len(nodes) == reports["kgx"].nodes and len(edges) == reports["kgx"].edges > 500
    rux = nodes["DRUGBANK:DB08877"]  # grounded: the id other graphs merge on
    assert rux["category"] == "biolink:Drug" and rux["name"] == "ruxolitinib"
    assert rux["iri"] == str(AXKG.ruxolitinib) and "Jakafi" in rux["synonym"].split("|")
    mf = next(n for n in nodes.values() if n["iri"] == str(AXKG.myelofibrosis))
    treats = [e for e in edges if (e["subject"], e["original_predicate"], e["object"])
              == ("DRUGBANK:DB08877", "axkg:treats", mf["id"])]
    assert len(treats) == 1
    e = treats[0]
    assert e["predicate"] == "biolink:treats" and e["primary_knowledge_source"] == "infores:axialkg"
    assert "axkg:fda-access-data" in e["publications"].split("|")
    assert (e["knowledge_level"], e["agent_type"]) == ("knowledge_assertion", "manual_agent")
    assert mf["category"] == "biolink:Disease"


def test_kgx_edges_are_exactly_the_entity_claims(exported, biolink, release_graph):
    """Every KGX edge is an asserted triple with a sourced axiom, and every object-property
    assertion between two labelled individuals is an edge."""
    out, _ = exported
    nodes, edges = read_kgx(out / "axialkg.kgx", biolink)

    def iri(c):
        return URIRef(nodes[c]["iri"]) if c in nodes else URIRef(str(AXKG) + c.removeprefix("axkg:"))

    got = {(iri(e["subject"]), iri(e["original_predicate"]), iri(e["object"])) for e in edges}
    expected = {(s, p, o) for s, p, o in release_graph
                if (p, RDF.type, OWL.ObjectProperty) in release_graph
                and (s, RDF.type, OWL.NamedIndividual) in release_graph
                and (o, RDF.type, OWL.NamedIndividual) in release_graph}
    assert got == expected
    axioms = {(release_graph.value(a, OWL.annotatedSource), release_graph.value(a, OWL.annotatedProperty),
               release_graph.value(a, OWL.annotatedTarget)) for a in release_graph.subjects(RDF.type, OWL.Axiom)}
    assert got <= axioms
    # sources: the publications are exactly the axioms' dcterms:source values
    claims = ex.graph_claims(release_graph)
    for e in edges:
        key = (iri(e["subject"]), iri(e["original_predicate"]), iri(e["object"]))
        assert sorted(filter(None, e["publications"].split("|"))) == sorted(curie(s) for s in claims[key].sources)


def test_kgx_predicates_follow_the_schema_alignment(exported, biolink, release_graph):
    from axialkg.export import kgx
    from axialkg.vocab import SKOS

    out, _ = exported
    _, edges = read_kgx(out / "axialkg.kgx", biolink)
    for e in edges:
        prop = URIRef(str(AXKG) + e["original_predicate"].removeprefix("axkg:"))
        exact = {curie(o) for o in release_graph.objects(prop, SKOS.exactMatch) if "biolink" in str(o)}
        close = {curie(o) for o in release_graph.objects(prop, SKOS.closeMatch) if "biolink" in str(o)}
        aligned = (exact or close or {"biolink:related_to"})
        # the aligned predicate, or (where its domain or range leaves out an end) Biolink's predicate for
        # that relation between those ends, or one of its ancestors
        names = {p.removeprefix("biolink:").replace("_", " ") for p in aligned}
        broader = {"biolink:" + a.replace(" ", "_") for p in names for a in
                   [*_ancestors(p, biolink["slots"]), *(c for c, _ in kgx.INSTEAD.get(p, ()))]}
        assert e["predicate"] in broader, e
    assert "biolink:related_to_at_instance_level" not in {e["predicate"] for e in edges}  # none left that vague


@pytest.mark.parametrize("damage, message", [
    (lambda n, e: (n.replace("\tbiolink:Drug\t", "\tbiolink:Medicine\t", 1), e), "not a Biolink class"),
    (lambda n, e: (n, e.replace("\tbiolink:treats\t", "\tbiolink:cures\t", 1)), "not a Biolink predicate"),
    (lambda n, e: ("\n".join(x for x in n.split("\n") if not x.startswith("DRUGBANK:DB08877\t")), e),
     "is not a node"),
    (lambda n, e: (n, e.replace("\tknowledge_assertion\t", "\tknown\t", 1)), "enums"),
    (lambda n, e: (n.replace("\tbiolink:Drug\t", "\tbiolink:Drug\textra\t", 1), e), "fields"),
])
def test_strict_reader_rejects_broken_kgx(exported, biolink, tmp_path, damage, message):
    out, _ = exported
    n, e = damage((out / "axialkg.kgx" / "nodes.tsv").read_text(), (out / "axialkg.kgx" / "edges.tsv").read_text())
    (tmp_path / "nodes.tsv").write_text(n)
    (tmp_path / "edges.tsv").write_text(e)
    with pytest.raises(KGXError, match=message):
        read_kgx(tmp_path, biolink)


# ---- CSV and GraphML -----------------------------------------------------------------------------
def test_csv_tables_carry_labels_categories_and_sources(exported):
    out, reports = exported
    with open(out / "axialkg.csv" / "nodes.csv", newline="") as fh:
        nodes = {r["id"]: r for r in csv.DictReader(fh)}
    with open(out / "axialkg.csv" / "edges.csv", newline="") as fh:
        edges = list(csv.DictReader(fh))
    assert (len(nodes), len(edges)) == (reports["csv"].nodes, reports["csv"].edges)
    assert nodes["axkg:ruxolitinib"]["category"] == "axkg:JAKInhibitor"
    assert nodes["axkg:ruxolitinib"]["category_label"] == "JAK inhibitor"
    assert nodes["axkg:ruxolitinib"]["iri"] == str(AXKG.ruxolitinib)
    e = next(r for r in edges if (r["subject"], r["predicate"], r["object"])
             == ("axkg:ruxolitinib", "axkg:treats", "axkg:myelofibrosis"))
    assert (e["subject_label"], e["predicate_label"], e["object_label"]) == ("ruxolitinib", "treats", "myelofibrosis")
    assert "FDA Access Data" in e["sources"].split("|") and "axkg:fda-access-data" in e["source_ids"].split("|")
    assert all(r["subject"] in nodes and r["object"] in nodes for r in edges)


def test_graphml_reads_back_in_networkx(exported):
    import networkx as nx

    out, reports = exported
    G = nx.read_graphml(out / "axialkg.graphml", force_multigraph=True)
    assert G.is_directed() and (G.number_of_nodes(), G.number_of_edges()) == (reports["graphml"].nodes,
                                                                               reports["graphml"].edges)
    assert G.nodes["axkg:ruxolitinib"]["label"] == "ruxolitinib"
    assert G.nodes["axkg:ruxolitinib"]["biolink_category"] == "biolink:Drug"
    data = [d for _, _, d in G.edges("axkg:ruxolitinib", data=True) if d["predicate"] == "axkg:treats"]
    assert any("FDA Access Data" in d["sources"].split("|") for d in data)


def test_graphml_categories_and_kind_let_a_user_filter_and_colour(exported, release_graph):
    """``categories`` holds every class of ours an entity falls under, so filtering on axkg:Drug finds
    every drug whatever its most specific class; ``kind`` is the top of the hierarchy."""
    import networkx as nx

    from axialkg.vocab import RDFS

    out, _ = exported
    G = nx.read_graphml(out / "axialkg.graphml", force_multigraph=True)
    drug_classes = set(release_graph.transitive_subjects(RDFS.subClassOf, AXKG.Drug))
    drugs = {curie(s) for s in release_graph.subjects(RDF.type, OWL.NamedIndividual)
             if drug_classes & set(release_graph.objects(s, RDF.type))}
    assert len(drugs) >= 10
    assert {n for n, d in G.nodes(data=True) if "axkg:Drug" in d["categories"].split("|")} == drugs
    rux = G.nodes["axkg:ruxolitinib"]
    assert (rux["category"], rux["category_label"], rux["kind"]) == ("axkg:JAKInhibitor", "JAK inhibitor",
                                                                     "axkg:Intervention")
    assert {"axkg:JAKInhibitor", "axkg:Drug", "axkg:Intervention"} <= set(rux["categories"].split("|"))
    assert G.nodes["axkg:myelofibrosis"]["kind"] == "axkg:Cause"


def test_one_graphml_writer_for_the_export_and_any_node_set(exported, kg, tmp_path):
    """write_graphml (what ``neighbors --graphml`` calls) writes the export's bytes for the whole
    graph, whether it is given no nodes or every node."""
    import networkx as nx

    out, reports = exported
    full = (out / "axialkg.graphml").read_bytes()
    report = ex.write_graphml(kg, tmp_path / "all.graphml")
    assert (tmp_path / "all.graphml").read_bytes() == full
    assert (report.files, report.nodes, report.edges) == ([tmp_path / "all.graphml"], reports["graphml"].nodes,
                                                         reports["graphml"].edges)
    every = [d["iri"] for _, d in nx.read_graphml(out / "axialkg.graphml").nodes(data=True)]
    ex.write_graphml(kg, tmp_path / "every.graphml", nodes=reversed(every))
    assert (tmp_path / "every.graphml").read_bytes() == full


def test_graphml_of_a_neighbourhood_is_the_export_restricted_to_its_nodes(exported, kg, tmp_path):
    import networkx as nx

    out, _ = exported
    full = nx.read_graphml(out / "axialkg.graphml", force_multigraph=True)
    sub = kg.neighbors("JAK2", hops=1)
    report = ex.write_graphml(kg, tmp_path / "jak2.graphml", nodes=sub.nodes,
                              distances=dict(sub.nodes(data="distance")))
    G = nx.read_graphml(tmp_path / "jak2.graphml", force_multigraph=True)
    ids = {curie(n) for n in sub}
    assert set(G) == ids and (report.nodes, report.edges) == (G.number_of_nodes(), G.number_of_edges())
    assert G.graph["center"] == curie(kg.resolve("JAK2")) == "axkg:jak2" and G.nodes["axkg:jak2"]["distance"] == 0
    assert {d["distance"] for _, d in G.nodes(data=True)} == {0, 1}
    for n, d in G.nodes(data=True):
        assert {k: v for k, v in d.items() if k != "distance"} == full.nodes[n]

    def edges(graph, keep):
        return sorted((u, v, k, tuple(sorted(d.items()))) for u, v, k, d in graph.edges(keys=True, data=True)
                      if u in keep and v in keep)

    assert len(edges(G, ids)) > 5 and edges(G, ids) == edges(full, ids)
    # the same claims as the projection's neighbourhood
    assert {(curie(u), curie(v), curie(k)) for u, v, k in sub.edges(keys=True)} \
        == {(u, v, d["predicate"]) for u, v, d in G.edges(data=True)}


def test_write_graphml_refuses_a_bad_target_and_writes_nothing(kg, tmp_path):
    (tmp_path / "adir").mkdir()
    with pytest.raises(UsageError, match="no directory"):
        ex.write_graphml(kg, tmp_path / "no" / "x.graphml")
    with pytest.raises(UsageError, match="is a directory"):
        ex.write_graphml(kg, tmp_path / "adir")
    assert [p.name for p in tmp_path.iterdir()] == ["adir"] and not any((tmp_path / "adir").iterdir())


def test_neighbors_all_graphml_and_export_graphml_write_the_same_bytes(tmp_path, capsys):
    assert main(["neighbors", "--all", "--graphml", str(tmp_path / "n.graphml")]) == 0
    assert main(["export", "--format", "graphml", "--out", str(tmp_path / "e.graphml")]) == 0
    assert (tmp_path / "n.graphml").read_bytes() == (tmp_path / "e.graphml").read_bytes()


@pytest.mark.parametrize("store", ["embedded", "rdflib-dump", "escapes"])
def test_kgx_streamed_from_the_dump_is_the_records_export(kg, tmp_path, store, monkeypatch):
    """The KGX sinks stream from the store's sorted dump (one pass, records written as read); their bytes
    are those of the in-memory records source (three SPARQL answers), on the release from the embedded
    store, from a dump written by rdflib in shuffled order (as an rdflib store or a server may give it),
    and with literals that need escaping."""
    import random

    from axialkg.export import kgx

    other = kg if store == "embedded" else axialkg.open()
    if store == "rdflib-dump":
        lines = Graph().parse(data=kg.store.dump()[0], format="nt").serialize(format="nt", encoding="utf-8")
        shuffled = lines.splitlines(keepends=True)
        random.Random(3).shuffle(shuffled)
        monkeypatch.setattr(other.store, "dump", lambda: (b"".join(shuffled), "application/n-triples"))
    if store == "escapes":
        other.update('INSERT DATA { <https://w3id.org/axialkg/ruxolitinib> '
                     '<http://www.geneontology.org/formats/oboInOwl#hasExactSynonym> '
                     '"a \\"quoted\\" back\\\\slash\\nnew line\\ttab \\u00e9t\\u00e9 \\U0001F9B4"@en }')
    source = ex.Source(other)
    expect = {**kgx.render(source), **kgx.render_jsonl(source)}
    from axialkg.export import dumped

    sorted_files: list[str] = []
    real_sort = dumped.sort_lines
    monkeypatch.setattr(dumped, "sort_lines", lambda paths, out, tmp: (sorted_files.append(out.name),
                                                                        real_sort(paths, out, tmp))[1])
    if store == "escapes":
        assert r'a \"quoted\" back\\slash\nnew line\ttab été 🦴' in expect["nodes.jsonl"].decode()
    for fmt in ("kgx", "kgx-jsonl"):
        report = ex.export(fmt, tmp_path / fmt, kg=other)
        assert (report.nodes, report.edges) == (len(source.nodes), len(source.edges)) and report.edges > 500
        for name in ex.FORMATS[fmt].files:
            assert (tmp_path / fmt / name).read_bytes() == expect[name], (fmt, name)
    # pyoxigraph's dump keeps each subject's triples together: only the records are sorted; a shuffled
    # dump is sorted whole first
    if store != "escapes":  # (after an update the order is the engine's to choose: either way is right)
        whole = ["dump-sorted.nt"] if store == "rdflib-dump" else []
        assert sorted_files == 2 * [*whole, "nodes.sorted", "edges.sorted"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kgx", "kgx-jsonl"]  # no temporary files left


# ---- other stores, the CLI, safe writes ----------------------------------------------------------
def test_export_from_an_on_disk_store_matches(tmp_path, release_graph):
    on_disk = axialkg.open(f"oxigraph:{tmp_path / 'store'}")
    report = ex.export("ntriples", tmp_path / "x.nt", kg=on_disk)
    assert same_graph(Graph().parse(tmp_path / "x.nt", format="nt"), release_graph) and report.triples == len(release_graph)


def test_cli_export_writes_and_reports(tmp_path, capsys, release_graph):
    assert main(["export", "--format", "kgx", "--out", str(tmp_path / "kg")]) == 0
    out = capsys.readouterr().out
    assert re.fullmatch(r"wrote kgx \(\d+ nodes, \d+ edges\) → .*kg\n", out)
    assert sorted(p.name for p in (tmp_path / "kg").iterdir()) == ["edges.tsv", "nodes.tsv", "prefixes.json"]
    assert main(["export", "--format", "turtle", "--out", str(tmp_path / "kg.ttl")]) == 0
    assert f"({len(release_graph)} triples)" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["--format", "turtle", "--out", "/nonexistent-dir/x.ttl"], "no directory /nonexistent-dir"),
    (["--format", "kgx", "--out", "{file}"], "is a file; this format writes a directory"),
    (["--format", "turtle", "--out", "{dir}"], "is a directory; this format writes one file"),
    (["--format", "csv", "--out", "{dir}"], "already holds other files"),
    (["--format", "turtle", "--out", "{tmp}/x.ttl", "--store", "http://127.0.0.1:9/sparql", "--timeout", "2"],
     "connection refused at http://127.0.0.1:9/sparql"),
])
def test_cli_export_errors_are_one_line(tmp_path, capsys, args, message):
    (tmp_path / "afile").write_text("keep me")
    (tmp_path / "adir").mkdir()
    (tmp_path / "adir" / "mine.txt").write_text("keep me")
    args = [a.format(file=tmp_path / "afile", dir=tmp_path / "adir", tmp=tmp_path) for a in args]
    code = main(["export", *args])
    err = capsys.readouterr().err
    assert code != 0 and message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert (tmp_path / "afile").read_text() == "keep me" and (tmp_path / "adir" / "mine.txt").read_text() == "keep me"
    assert not (tmp_path / "x.ttl").exists()


def test_unknown_format_is_a_usage_error(tmp_path, kg):
    with pytest.raises(UsageError, match="unknown export format 'owl'"):
        ex.export("owl", tmp_path / "x", kg=kg)
    with pytest.raises(SystemExit) as exc:
        main(["export", "--format", "owl", "--out", str(tmp_path / "x")])
    assert exc.value.code == 2


def test_a_failed_export_leaves_the_previous_one_whole(tmp_path, kg, monkeypatch):
    """The old file or directory stays as it was, and no temporary file is left behind."""
    ex.export("ntriples", tmp_path / "g.nt", kg=kg)
    ex.export("kgx", tmp_path / "kgx", kg=kg)
    before = {p: p.read_bytes() for p in [tmp_path / "g.nt", tmp_path / "kgx" / "nodes.tsv",
                                          tmp_path / "kgx" / "edges.tsv"]}
    listing = sorted(p.name for p in tmp_path.iterdir())

    def broken_render(fmt, kg_):
        rendered = real_render(fmt, kg_)
        if isinstance(rendered.data, dict):
            rendered.data = dict(rendered.data, **{"edges.tsv": None})  # the second file fails to write
        else:
            rendered.data = None
        return rendered

    def broken_stream(data, out):  # the streamed writer fails half-way through its file
        out.write_bytes(b"<http://e/half")
        raise TypeError("disk went away")

    def broken_edge(e, ids):  # the streamed KGX fails after its nodes file, in its edges file
        raise TypeError("disk went away")

    real_render = ex.render
    monkeypatch.setattr(ex, "render", broken_render)
    monkeypatch.setattr(ex.stream, "write_ntriples", broken_stream)
    monkeypatch.setattr(ex.kgx, "edge_record", broken_edge)
    for fmt, target in (("ntriples", "g.nt"), ("kgx", "kgx")):
        with pytest.raises(TypeError):
            ex.export(fmt, tmp_path / target, kg=kg)
    assert {p: p.read_bytes() for p in before} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == listing


def test_empty_store_export_is_refused(tmp_path):
    kg = axialkg.open(graph="https://example.org/empty")
    kg.update("DROP GRAPH <https://example.org/empty>")
    with pytest.raises(AxialKGError, match="holds no triples in graph https://example.org/empty"):
        ex.export("turtle", tmp_path / "x.ttl", kg=kg)
    assert not (tmp_path / "x.ttl").exists()


@pytest.mark.parametrize("fmt", ["kgx", "graphml"])
def test_empty_store_records_export_is_refused(tmp_path, fmt):
    kg = axialkg.open(graph="https://example.org/empty")
    kg.update("DROP GRAPH <https://example.org/empty>")
    with pytest.raises(AxialKGError, match="holds no triples in graph https://example.org/empty"):
        ex.export(fmt, tmp_path / "x", kg=kg)
    with pytest.raises(AxialKGError, match="holds no triples"):
        ex.write_graphml(kg, tmp_path / "y.graphml")
    assert list(tmp_path.iterdir()) == []


def test_decimals_are_spelled_as_the_release_spells_them():
    g = Graph()
    dec = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
    g.add((AXKG.d, AXKG.doseAmount, Literal("90", datatype=dec)))
    g.add((AXKG.d, AXKG.doseAmountMax, Literal("1.20", datatype=dec)))
    out = {str(o) for o in ex.respell_decimals(g).objects()}
    assert out == {"90.0", "1.2"}


def test_cli_format_names_match_the_exporter():
    from axialkg.cli.export import FORMAT_NAMES
    from axialkg.export import FORMATS

    assert list(FORMAT_NAMES) == list(FORMATS)


# ---- streamed N-Triples ----------------------------------------------------------------------------
def _relabelled_shuffled(nt: bytes, seed: int) -> bytes:
    """The same graph as another store would dump it: other blank-node labels, another order."""
    import random

    labels: dict[str, str] = {}
    lines = nt.decode().splitlines()
    out = [re.sub(r"_:(\S+)", lambda m: "_:" + labels.setdefault(m.group(1), f"n{seed}x{len(labels)}"), line)
           for line in lines]
    random.Random(seed).shuffle(out)
    return ("\n".join(out) + "\n").encode()


def test_streamed_ntriples_are_the_same_bytes_from_any_labelling_and_order(tmp_path):
    from axialkg.export.stream import write_ntriples

    release = (Path(__file__).resolve().parents[1] / "ontology" / "axialkg.ttl")
    nt = Graph().parse(release).serialize(format="nt", encoding="utf-8")
    a, b = tmp_path / "a.nt", tmp_path / "b.nt"
    n = write_ntriples(_relabelled_shuffled(nt, 1), a)
    write_ntriples(_relabelled_shuffled(nt, 2), b)
    assert a.read_bytes() == b.read_bytes() and n == len(nt.splitlines())
    lines = a.read_bytes().decode().splitlines()
    assert lines == sorted(lines) and all(x.split(" ")[0].startswith(("<", "_:c14n")) for x in lines)
    assert not list(tmp_path.glob("axialkg-export-*"))  # its temporary files are gone


def test_streamed_ntriples_keep_equal_list_tails_apart_and_refuse_cycles(tmp_path):
    from axialkg.export.stream import NotTrees, write_ntriples

    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    two_lists = "".join(f"<http://e/{c}> <http://e/p> _:{c}1 .\n_:{c}1 <{rdf}first> <http://e/x> .\n"
                        f"_:{c}1 <{rdf}rest> <{rdf}nil> .\n" for c in "ab").encode()
    write_ntriples(two_lists, tmp_path / "lists.nt")
    names = {x.split(" ")[0] for x in (tmp_path / "lists.nt").read_text().splitlines() if x.startswith("_:")}
    assert len(names) == 2  # same content, different places: two names, so the graph is kept
    cycle = b"_:a <http://e/p> _:b .\n_:b <http://e/p> _:a .\n"
    with pytest.raises(NotTrees):
        write_ntriples(cycle, tmp_path / "cycle.nt")
