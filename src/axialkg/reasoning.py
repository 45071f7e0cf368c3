"""OWL reasoning with HermiT (through owlready2): consistency, with an explanation when it fails.

HermiT is a Java program; owlready2 ships it and runs ``java``. The graph is handed to
owlready2 as RDF/XML (the release's ``axialkg.owl`` as it is, anything else converted in a
temporary file). On a consistent graph we report what the reasoner adds: members of the
schema's defined classes (``owl:equivalentClass`` to an intersection) and the links
implied by ``owl:inverseOf``, symmetry and sub-properties. On an inconsistent one we name the
individuals and classes involved: first by finding an individual entailed (by its asserted
types and the domains and ranges of its links) to be in two classes the schema declares
disjoint, else by shrinking the set of individuals with HermiT until the clash is isolated.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator, Set as AbstractSet
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from .errors import AxialKGError, ReasonerUnavailable
from .rdfio import graph_to_rdfxml
from .schema import SchemaModel
from .vocab import AXKG, OWL, PREFIXES, RDF, RDFS, XSD_NS, curie

NS = str(AXKG)
MAX_SHRINK_RUNS = 40  # HermiT runs (about a second each) spent isolating an unexplained clash


@dataclass(frozen=True, order=True)
class Term:
    iri: str
    label: str

    def as_dict(self) -> dict:
        return {"iri": self.iri, "label": self.label}


@dataclass(frozen=True)
class Conflict:
    """Why the graph is inconsistent, in terms of one entity (or a set of them)."""

    entities: tuple[Term, ...]
    classes: tuple[Term, ...]
    message: str

    def as_dict(self) -> dict:
        return {"entities": [e.as_dict() for e in self.entities], "classes": [c.as_dict() for c in self.classes],
                "message": self.message}


@dataclass
class ReasoningResult:
    consistent: bool
    individuals: int
    conflicts: list[Conflict] = field(default_factory=list)
    unsatisfiable: list[Term] = field(default_factory=list)
    memberships: dict[Term, list[Term]] = field(default_factory=dict)
    inverse_links: list[tuple[Term, Term, Term]] = field(default_factory=list)
    entailed_links: list[tuple[Term, Term, Term]] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        def links(rows):
            return [{"subject": s.as_dict(), "property": p.as_dict(), "object": o.as_dict()} for s, p, o in rows]
        return {
            "reasoner": "HermiT (owlready2)",
            "consistent": self.consistent,
            "individuals": self.individuals,
            "conflicts": [c.as_dict() for c in self.conflicts],
            "unsatisfiable_classes": [t.as_dict() for t in self.unsatisfiable],
            "inferred_memberships": [{"class": cls.as_dict(), "members": [m.as_dict() for m in members]}
                                     for cls, members in self.memberships.items()],
            "inferred_inverse_links": links(self.inverse_links),
            "inferred_other_links": links(self.entailed_links),
        }


# ---------------------------------------------------------------- labels


class Labeller:
    """Labels and CURIEs for IRIs of the graph being checked."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self._cache: dict = {}

    @staticmethod
    def curie(node) -> str:
        return curie(str(node))

    def label(self, node) -> str:
        if node not in self._cache:  # the least label if there are several, so output is deterministic
            values = [] if isinstance(node, Literal) else [str(v) for v in self.graph.objects(node, RDFS.label)]
            self._cache[node] = min(values) if values else self.curie(node)
        return self._cache[node]

    def term(self, node) -> Term:
        return Term(str(node), self.label(node))


# ---------------------------------------------------------------- entry point


def java_executable() -> str:
    import owlready2

    found = shutil.which(owlready2.JAVA_EXE)
    if not found:
        raise ReasonerUnavailable(
            f"java not found ({owlready2.JAVA_EXE!r} is not on PATH): the HermiT OWL reasoner needs a Java "
            "runtime (e.g. apt-get install default-jre-headless)")
    return found


def reason(graph: Graph, rdfxml: Path | None = None) -> ReasoningResult:
    """Run HermiT over ``graph``; ``rdfxml`` is the same graph already as RDF/XML, if at hand."""
    java_executable()
    start = time.perf_counter()
    labels = Labeller(graph)
    individuals = sorted({s for s in graph.subjects(RDF.type, OWL.NamedIndividual) if isinstance(s, URIRef)})
    ill_typed = _ill_typed(graph, labels)
    if ill_typed:  # inconsistent by definition in OWL 2, and owlready2 cannot even load them
        return ReasoningResult(consistent=False, individuals=len(individuals), conflicts=ill_typed,
                               seconds=time.perf_counter() - start)
    with _rdfxml_file(graph, rdfxml) as path:
        world, inferred, consistent = _run_hermit(path)
    result = ReasoningResult(consistent=consistent, individuals=len(individuals))
    if consistent:
        result.unsatisfiable = sorted(labels.term(URIRef(c.iri)) for c in world.inconsistent_classes()
                                      if c.iri.startswith(NS))
        result.memberships = _memberships(graph, world, labels)
        result.inverse_links, result.entailed_links = _inferred_links(graph, world, inferred, labels)
    else:
        result.conflicts = explain(graph, labels)
    world.close()
    result.seconds = time.perf_counter() - start
    return result


@contextmanager
def _rdfxml_file(graph: Graph, given: Path | None) -> Iterator[Path]:
    """The graph as an RDF/XML file: the given one, or a temporary conversion removed afterwards."""
    if given is not None:
        yield given
        return
    fd, name = tempfile.mkstemp(prefix="axialkg-reason-", suffix=".owl")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(to_rdfxml(graph))
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def to_rdfxml(graph: Graph) -> bytes:
    return graph_to_rdfxml(graph, PREFIXES)


def _run_hermit(path: Path):
    """Load ``path`` into a fresh owlready2 World and run HermiT; (world, inferred ontology, consistent)."""
    import owlready2

    world = owlready2.World()
    try:
        with open(path, "rb") as fh:
            world.get_ontology("file://" + str(path)).load(fileobj=fh, format="rdfxml")
    except Exception as exc:  # owlready2's parser raises assorted errors on odd input
        world.close()
        raise AxialKGError(f"owlready2 could not load the graph for reasoning: {_first_line(exc)}") from exc
    inferred = world.get_ontology("https://w3id.org/axialkg/inferred/")
    try:
        with inferred:
            owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        return world, inferred, False
    except owlready2.OwlReadyJavaError as exc:
        world.close()
        raise ReasonerUnavailable(f"HermiT failed: {_first_line(exc, skip='Java error message is:')}") from exc
    except OSError as exc:  # java vanished or cannot execute
        world.close()
        raise ReasonerUnavailable(f"cannot run java for HermiT: {exc}") from exc
    return world, inferred, True


def _first_line(exc: Exception, skip: str = "") -> str:
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip() and ln.strip() != skip]
    return (lines[0] if lines else exc.__class__.__name__)[:300]


def _consistent(graph: Graph) -> bool:
    with _rdfxml_file(graph, None) as path:
        world, _, ok = _run_hermit(path)
    world.close()
    return ok


# ---------------------------------------------------------------- what a consistent graph gains


def defined_classes(graph: Graph) -> list[URIRef]:
    """Our classes defined as equivalent to an intersection (their members are inferred)."""
    return sorted(c for c, eq in graph.subject_objects(OWL.equivalentClass)
                  if isinstance(c, URIRef) and str(c).startswith(NS) and (eq, OWL.intersectionOf, None) in graph)


def _memberships(graph: Graph, world, labels: Labeller) -> dict[Term, list[Term]]:
    out = {}
    for iri in defined_classes(graph):
        cls = world[str(iri)]
        if cls is None:
            continue
        members = {labels.term(URIRef(i.iri)) for i in cls.instances(world=world) if getattr(i, "iri", None)}
        out[labels.term(iri)] = sorted(members, key=lambda t: (t.label.lower(), t.iri))
    return out


def _inferred_links(graph: Graph, world, inferred, labels: Labeller):
    """Links the graph does not state: via owl:inverseOf or symmetry, and others HermiT entails
    (through sub-properties), which owlready2 stores in the ``inferred`` ontology."""
    import owlready2

    ours = [p for p in world.object_properties() if p.iri.startswith(NS)]
    entailed = set()
    for s, p, o in inferred.get_triples():
        prop = world._get_by_storid(p)
        if isinstance(prop, owlready2.ObjectPropertyClass) and prop.iri.startswith(NS) and isinstance(o, int):
            subj, obj = world._get_by_storid(s), world._get_by_storid(o)
            if hasattr(subj, "iri") and hasattr(obj, "iri"):
                entailed.add((URIRef(subj.iri), URIRef(prop.iri), URIRef(obj.iri)))
    entailed = {t for t in entailed if t not in graph}
    # an entailed link read through its inverse is still the entailed link, not a new inverse one
    entailed_pairs = {(s, o) for s, _, o in entailed} | {(o, s) for s, _, o in entailed}
    inverse = set()
    for prop in ours:  # get_relations() yields a property's own pairs and its inverse's, reversed
        for s, o in prop.get_relations():
            if hasattr(s, "iri") and hasattr(o, "iri"):
                triple = (URIRef(s.iri), URIRef(prop.iri), URIRef(o.iri))
                if triple not in graph and (triple[0], triple[2]) not in entailed_pairs:
                    inverse.add(triple)
        if owlready2.SymmetricProperty in prop.is_a:
            for s, o in prop.get_relations():
                if hasattr(s, "iri") and hasattr(o, "iri"):
                    triple = (URIRef(o.iri), URIRef(prop.iri), URIRef(s.iri))
                    if triple not in graph:
                        inverse.add(triple)

    def terms(triples):
        rows = [(labels.term(s), labels.term(p), labels.term(o)) for s, p, o in triples]
        return sorted(rows, key=lambda r: (r[1].label, r[0].label.lower(), r[2].label.lower(), r[0].iri, r[2].iri))
    return terms(inverse), terms(entailed)


# ---------------------------------------------------------------- explaining an inconsistency


def explain(graph: Graph, labels: Labeller | None = None) -> list[Conflict]:
    """Name the entities and classes behind an inconsistency (the graph is known to be inconsistent)."""
    labels = labels or Labeller(graph)
    conflicts = (_disjoint_clashes(graph, labels) + _functional_clashes(graph, labels)
                 + _datatype_clashes(graph, labels))
    if conflicts:
        return conflicts
    culprits = _shrink(graph)
    if not culprits:
        return [Conflict((), (), "HermiT finds the graph inconsistent, but no smaller part of it is; "
                                 "the clash lies in the schema itself")]
    ents = tuple(sorted(labels.term(e) for e in culprits))
    classes = tuple(sorted({labels.term(t) for e in culprits for t in graph.objects(e, RDF.type)
                            if isinstance(t, URIRef) and t != OWL.NamedIndividual}))
    names = ", ".join(f"'{t.label}' ({labels.curie(URIRef(t.iri))})" for t in ents)
    kinds = ", ".join(c.label for c in classes)
    if len(ents) == 1:
        message = f"{names} contradicts the schema by its own statements (its types: {kinds})"
    else:
        message = f"these entities contradict the schema together: {names} (their types: {kinds})"
    return [Conflict(ents, classes, message)]


def _a(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _disjoint_clashes(graph: Graph, labels: Labeller) -> list[Conflict]:
    """Individuals entailed to be in two disjoint classes, with the statements that put them there."""
    schema = SchemaModel.from_graph(graph)
    why: dict[URIRef, dict[URIRef, str]] = defaultdict(dict)  # individual -> class -> reason
    for s, t in graph.subject_objects(RDF.type):
        if isinstance(s, URIRef) and isinstance(t, URIRef) and str(t).startswith(NS):
            why[s].setdefault(t, "asserted")
    for s, p, o in graph:
        if not (isinstance(p, URIRef) and str(p).startswith(NS)) or not isinstance(s, URIRef):
            continue
        for c in sorted(schema.bounds(str(p), "domain")):
            why[s].setdefault(URIRef(c), f"as subject of '{labels.label(p)}' → '{labels.label(o)}'")
        if isinstance(o, URIRef):
            for c in sorted(schema.bounds(str(p), "range")):
                why[o].setdefault(URIRef(c), f"as object of '{labels.label(s)}' '{labels.label(p)}'")
    rank = {(ind, c): 0 if r == "asserted" else 2 for ind, cs in why.items() for c, r in cs.items()}
    for a, b in graph.subject_objects(OWL.sameAs):  # one individual under two names
        if not (isinstance(a, URIRef) and isinstance(b, URIRef)):
            continue
        for x, y in ((a, b), (b, a)):
            for c, r in list(why.get(y, {}).items()):
                if c not in why[x]:
                    why[x][c] = f"being the same as '{labels.label(y)}'" + ("" if r == "asserted" else f", there {r}")
                    rank[(x, c)] = 1 if r == "asserted" else 2
    out = []
    for ind in sorted(why):
        # asserted types first, so the explanation leads with what the curator wrote
        reasons = sorted(why[ind].items(), key=lambda cr: (rank.get((ind, cr[0]), 2), labels.label(cr[0])))
        seen = set()
        for (c1, r1), (c2, r2) in combinations(reasons, 2):
            pair = next((pr for pr in sorted(schema.disjoint, key=sorted)
                         if _spans(pr, schema.ancestors(str(c1)), schema.ancestors(str(c2)))), None)
            if pair is None or pair in seen:
                continue
            seen.add(pair)
            a, b = sorted((URIRef(c) for c in pair), key=lambda c: labels.label(c))
            out.append(Conflict(
                (labels.term(ind),), (labels.term(a), labels.term(b)),
                f"'{labels.label(ind)}' ({labels.curie(ind)}) is {_a(labels.label(c1))} ({r1}) and "
                f"{_a(labels.label(c2))} ({r2}), but {labels.label(a)} and {labels.label(b)} are declared disjoint"))
    return out


def _spans(pair: frozenset, up1: AbstractSet, up2: AbstractSet) -> bool:
    a, b = tuple(pair)
    return (a in up1 and b in up2) or (b in up1 and a in up2)


def _functional_clashes(graph: Graph, labels: Labeller) -> list[Conflict]:
    out = []
    for p in sorted(graph.subjects(RDF.type, OWL.FunctionalProperty)):
        values = defaultdict(set)
        for s, o in graph.subject_objects(p):
            values[s].add(o.toPython() if isinstance(o, Literal) else o)
        for s in sorted(k for k, v in values.items() if len(v) > 1):
            out.append(Conflict((labels.term(s),), (),
                                f"'{labels.label(s)}' ({labels.curie(s)}) has {len(values[s])} different values "
                                f"for '{labels.label(p)}', which allows only one"))
    return out


_INTEGERS = {"integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
             "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"}
# literal datatypes that fall inside a range datatype (None: a plain literal)
_WITHIN: dict[str, set[str | None]] = {"decimal": {"decimal", *_INTEGERS}, "integer": set(_INTEGERS),
                                        "string": {None, "string"}}


def _datatype_clashes(graph: Graph, labels: Labeller) -> list[Conflict]:
    """Literals outside their data property's range datatype (\"fifteen\" for a decimal)."""
    out = []
    for p in sorted(graph.subjects(RDF.type, OWL.DatatypeProperty)):
        ranges = [str(r) for r in graph.objects(p, RDFS.range) if str(r).startswith(XSD_NS)]
        for s, o in sorted(graph.subject_objects(p)):
            if not isinstance(o, Literal):
                continue
            dt = str(o.datatype)[len(XSD_NS):] if o.datatype and str(o.datatype).startswith(XSD_NS) else \
                (None if o.datatype is None and o.language is None else str(o.datatype or "rdf:langString"))
            bad = [r for r in ranges if dt not in _WITHIN.get(r[len(XSD_NS):], {r[len(XSD_NS):]})]
            if bad:
                want = bad[0].replace(XSD_NS, "xsd:")
                out.append(Conflict((labels.term(s),), (),
                                    f"'{labels.label(s)}' ({labels.curie(s)}) has '{labels.label(p)}' "
                                    f"\"{o}\", which is not a valid {want}"))
    return out


def _ill_typed(graph: Graph, labels: Labeller) -> list[Conflict]:
    """Literals whose text is not of their datatype (\"abc\"^^xsd:decimal)."""
    out = []
    for s, p, o in sorted(graph):
        if isinstance(o, Literal) and getattr(o, "ill_typed", False):
            who = f"'{labels.label(s)}' ({labels.curie(s)})" if isinstance(s, URIRef) else "an axiom"
            out.append(Conflict((labels.term(s),) if isinstance(s, URIRef) else (), (),
                                f"{who} has '{labels.label(p)}' \"{o}\", which is not a valid "
                                f"{labels.curie(o.datatype).replace(XSD_NS, 'xsd:')}"))
    return out


def _shrink(graph: Graph) -> list[URIRef]:
    """A small set of individuals whose own statements, with the schema, are still inconsistent.

    Halve while one half alone clashes; then delta-debug (drop chunks) under a cap on HermiT runs.
    Annotations and provenance are left out: they carry no logic.
    """
    individuals = sorted({s for s in graph.subjects(RDF.type, OWL.NamedIndividual) if isinstance(s, URIRef)})
    skip_subjects = set(graph.subjects(RDF.type, OWL.Axiom))
    skip_predicates = set(graph.subjects(RDF.type, OWL.AnnotationProperty)) | {RDFS.label, RDFS.comment}
    keep = set(individuals)
    tbox = Graph()
    by_subject: dict = defaultdict(list)
    for t in graph:
        if t[0] in skip_subjects or t[1] in skip_predicates:
            continue
        if t[0] in keep:
            by_subject[t[0]].append(t)
        else:
            tbox.add(t)
    runs = 0

    def clashes(subset) -> bool:
        nonlocal runs
        runs += 1
        g = Graph()
        g += tbox
        for s in subset:
            for t in by_subject[s]:
                g.add(t)
        return not _consistent(g)

    # Suspects first: individuals using vocabulary beyond our schema (owl:Nothing, sameAs, ...).
    ours = {p for p in graph.subjects(RDF.type, None) if str(p).startswith(NS)} | {RDF.type}
    suspects = sorted({s for s, p, o in (t for ts in by_subject.values() for t in ts)
                       if p not in ours or (p == RDF.type and o != OWL.NamedIndividual and not str(o).startswith(NS))})
    current = suspects if suspects and len(suspects) < len(individuals) and clashes(suspects) else individuals
    while len(current) >= 2 and runs < MAX_SHRINK_RUNS:  # halving: one culprit, or culprits in one half
        half = len(current) // 2
        if clashes(current[:half]):
            current = current[:half]
        elif clashes(current[half:]):
            current = current[half:]
        else:
            break
    n = 2
    while len(current) >= 2 and runs < MAX_SHRINK_RUNS:  # ddmin on complements
        size = -(-len(current) // n)
        chunks = [current[i:i + size] for i in range(0, len(current), size)]
        for chunk in chunks:
            rest = [x for x in current if x not in set(chunk)]
            if rest and clashes(rest):
                current, n = rest, max(n - 1, 2)
                break
            if runs >= MAX_SHRINK_RUNS:
                break
        else:
            if n >= len(current):
                break
            n = min(len(current), n * 2)
    if not individuals or (len(current) == len(individuals) and not clashes(current)):
        return []
    return current


__all__ = ["Conflict", "Labeller", "ReasonerUnavailable", "ReasoningResult", "Term", "defined_classes",
           "explain", "java_executable", "reason", "to_rdfxml"]
