"""SHACL shapes checked on pyoxigraph, in time linear in the graph.

pySHACL over oxrdflib calls ``len(graph)`` per reported defect, which that store answers by
counting every triple, so validation grew about as n^2.7. Here each shape becomes a few
queries over the whole graph instead: its focus nodes come from one query per target (a
sub-select joined first into the shape's own SPARQL, so ``$this`` is bound as SHACL's
pre-binding asks), its value nodes from one query per path, and the core constraints
(``sh:minCount`` … ``sh:pattern``) are checked in Python over those rows. The query texts are
in ``queries/internal/shacl/``; a shape using a constraint this engine does not know is refused
in one line, never silently passed.

Results carry what pySHACL's report does (shape, focus node, path, value, message, severity), so
the QC report is the same; ``tests/test_validate.py`` checks both engines agree on the release.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, cast

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from .errors import UsageError
from .queries import fill, internal
from .sparql import with_values

SH = Namespace("http://www.w3.org/ns/shacl#")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

TARGETS = {SH.targetClass: "shacl/target-class", SH.targetSubjectsOf: "shacl/target-subjects-of",
           SH.targetObjectsOf: "shacl/target-objects-of"}
# What a shape may say besides constraints: structure, documentation, targets.
_NON_CONSTRAINTS = {str(p) for p in (SH.severity, SH.message, SH.path, SH.property, SH.sparql, SH.name,
                                     SH.description, SH.deactivated, SH.order, SH.group, SH.flags, SH.targetNode,
                                     *TARGETS)} | {
    RDF_TYPE, "http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2000/01/rdf-schema#comment"}
_CORE = {str(p) for p in (SH.minCount, SH.maxCount, SH.minLength, SH.maxLength, SH["class"], SH.datatype,
                          SH.nodeKind, SH["in"], SH.hasValue, SH.pattern)}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True)
class Result:
    """One sh:ValidationResult: ``shape`` is the shape that failed (a nested property shape is
    reported under the shape holding it)."""

    shape: str
    severity: str          # the sh:Violation / sh:Warning / sh:Info IRI
    focus: Any             # a pyoxigraph term
    message: str
    path: str = ""         # the IRI of a simple path ("" for inverse or none)
    value: Any = None      # a pyoxigraph term, or None


def _select(store: ox.Store, text: str) -> ox.QuerySolutions:
    return cast(ox.QuerySolutions, store.query(text))


def _int(node: Node | None) -> int | None:
    return None if node is None else int(str(node))


def _o(node: Node):
    """An rdflib term of the shapes graph as a pyoxigraph term."""
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype or XSD_STRING)))
    raise UsageError(f"shapes: cannot use blank node {node} as a value")


class Engine:
    """The shapes of one shapes graph, run against pyoxigraph stores."""

    def __init__(self, shapes: Graph):
        self.shapes = shapes
        self.prologue = self._prologue()

    # ---- reading the shapes ------------------------------------------------------------------
    def _prologue(self) -> str:
        """PREFIX lines from every sh:declare (SHACL-SPARQL's sh:prefixes; all shapes share ours)."""
        declared = {}
        for decl in self.shapes.objects(None, SH.declare):
            prefix, ns = self.shapes.value(decl, SH.prefix), self.shapes.value(decl, SH.namespace)
            if prefix is not None and ns is not None:
                declared[str(prefix)] = str(ns)
        return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(declared.items()))

    def named_shapes(self) -> list[URIRef]:
        """Shapes with a target, in IRI order."""
        found = {s for p in (*TARGETS, SH.targetNode) for s in self.shapes.subjects(p, None)}
        return sorted(s for s in found if isinstance(s, URIRef) and (s, SH.deactivated, Literal(True)) not in self.shapes)

    def _severity(self, shape: Node) -> str:
        return str(self.shapes.value(shape, SH.severity) or SH.Violation)

    def _message(self, *nodes: Node) -> str | None:
        for n in nodes:
            messages = sorted(str(m) for m in self.shapes.objects(n, SH.message))
            if messages:
                return messages[0]
        return None

    def _path(self, shape: Node) -> tuple[str, bool]:
        """(predicate IRI, inverse?) of a property shape's sh:path; other paths are refused."""
        path = self.shapes.value(shape, SH.path)
        if isinstance(path, URIRef):
            return str(path), False
        inverse = self.shapes.value(path, SH.inversePath) if path is not None else None
        if isinstance(inverse, URIRef):
            return str(inverse), True
        raise UsageError(f"shape {self._name(shape)}: only IRI and sh:inversePath paths are supported")

    def _name(self, shape: Node) -> str:
        return str(shape) if isinstance(shape, URIRef) else f"(a property shape of {self._owner(shape)})"

    def _owner(self, shape: Node) -> str:
        owner = self.shapes.value(predicate=SH.property, object=shape)
        return str(owner) if owner is not None else "?"

    def _check_known(self, shape: Node) -> None:
        for p in set(self.shapes.predicates(shape, None)):
            if str(p) not in _NON_CONSTRAINTS and str(p) not in _CORE:
                raise UsageError(f"shape {self._name(shape)}: constraint {p} is not supported by axialkg's "
                                 "SHACL engine (use a SPARQL constraint, sh:sparql)")

    # ---- running -----------------------------------------------------------------------------
    def run(self, store: ox.Store) -> list[Result]:
        out: list[Result] = []
        for shape in self.named_shapes():
            out += self.run_shape(store, shape)
        return out

    def run_shape(self, store: ox.Store, shape: URIRef) -> list[Result]:
        self._check_known(shape)
        targets = self._targets(shape)
        out: list[Result] = []
        focus: set | None = None

        def focus_nodes() -> set:
            nonlocal focus
            if focus is None:
                focus = set()
                for target in targets:
                    focus |= {row[0] for row in _select(store, self.prologue + target)}
            return focus

        severity = self._severity(shape)
        for constraint in sorted(self.shapes.objects(shape, SH.sparql), key=str):
            out += self._sparql(store, shape, constraint, targets, severity)
        if (shape, SH.path, None) in self.shapes:  # a property shape
            out += self._core(store, shape, shape, focus_nodes(), severity)
        else:
            out += self._node_core(shape, focus_nodes, severity)
        for prop in sorted(self.shapes.objects(shape, SH.property), key=str):
            self._check_known(prop)
            out += self._core(store, shape, prop, focus_nodes(), self._severity(prop))
        return list(dict.fromkeys(out))

    def _targets(self, shape: URIRef) -> list[str]:
        """One sub-select text per target, binding ?this to its focus nodes (distinct)."""
        out = []
        for predicate, template in TARGETS.items():
            for target in sorted(self.shapes.objects(shape, predicate), key=str):
                out.append(fill(internal(template), target=str(target)))
        nodes = sorted(str(n) for n in self.shapes.objects(shape, SH.targetNode))
        if nodes:
            out.append(self._union(nodes))
        return out

    @staticmethod
    def _union(nodes: list[str]) -> str:
        from .stores import inject_values

        return inject_values(internal("shacl/target-any"), {"this": nodes})

    def _sparql(self, store: ox.Store, shape: URIRef, constraint: Node, targets: list[str],
                severity: str) -> list[Result]:
        select = self.shapes.value(constraint, SH.select)
        if select is None:
            raise UsageError(f"shape {shape}: a SPARQL constraint without sh:select")
        message = self._message(constraint, shape) or "fails this SPARQL constraint"
        path, _ = self._path(shape) if (shape, SH.path, None) in self.shapes else ("", False)
        out = []
        for target in targets:
            text = with_values(self.prologue + str(select), " { " + target + " } ")
            try:
                solutions = _select(store, text)
            except SyntaxError as exc:
                raise UsageError(f"shape {shape}: malformed SPARQL ({str(exc).splitlines()[0]})") from None
            names = [v.value for v in solutions.variables]
            for row in solutions:
                values = dict(zip(names, row))
                focus = values.get("this")
                if focus is None:
                    continue
                p = values.get("path")
                out.append(Result(str(shape), severity, focus, _substitute(message, values),
                                  p.value if isinstance(p, ox.NamedNode) else path, values.get("value")))
        return out

    def _core(self, store: ox.Store, owner: URIRef, shape: Node, focus: set, severity: str) -> list[Result]:
        """The core constraints of one property shape over the value nodes of its path."""
        g = self.shapes
        constraints = {str(p) for p in g.predicates(shape, None)} & _CORE
        if not constraints or not focus:
            return []
        path, inverse = self._path(shape)
        values: dict = {}
        query = fill(internal("shacl/values-inverse" if inverse else "shacl/values"), path=path)
        for this, value in _select(store, query):
            if this in focus:
                values.setdefault(this, []).append(value)
        message = self._message(shape)
        shown = "" if inverse else path
        out = []

        def add(this, default, value=None):
            out.append(Result(str(owner), severity, this, message or default, shown, value))

        low, high = _int(g.value(shape, SH.minCount)), _int(g.value(shape, SH.maxCount))
        for this in focus:
            n = len(values.get(this, ()))
            if low is not None and n < low:
                add(this, f"Less than {low} values on {path}")
            if high is not None and n > high:
                add(this, f"More than {high} values on {path}")
        checks = self._value_checks(store, shape)
        if checks:
            for this, found in values.items():
                for value in found:
                    for why in checks(value):
                        add(this, why, value)
        return out

    def _node_core(self, shape: URIRef, focus_nodes, severity: str) -> list[Result]:
        """Core constraints stated on a node shape apply to each focus node itself."""
        if not ({str(p) for p in self.shapes.predicates(shape, None)} & _CORE):
            return []
        raise UsageError(f"shape {shape}: core constraints on a node shape are not supported; "
                         "put them on a property shape or write a SPARQL constraint")

    def _value_checks(self, store: ox.Store, shape: Node):
        """A function value → [why it fails] for the per-value constraints of a shape, or None."""
        g = self.shapes
        tests = []
        min_len, max_len = _int(g.value(shape, SH.minLength)), _int(g.value(shape, SH.maxLength))
        if min_len is not None or max_len is not None:
            lo, hi = min_len or 0, max_len

            def length(v):
                if isinstance(v, ox.BlankNode):
                    return ["blank node has no length"]
                n = len(v.value)
                return [f"String length not >= {lo}"] if n < lo else \
                    [f"String length not <= {hi}"] if hi is not None and n > hi else []
            tests.append(length)
        pattern = g.value(shape, SH.pattern)
        if pattern is not None:
            flags = str(g.value(shape, SH.flags) or "")
            regex = re.compile(str(pattern), (re.IGNORECASE if "i" in flags else 0) |
                               (re.MULTILINE if "m" in flags else 0) | (re.DOTALL if "s" in flags else 0))
            tests.append(lambda v: [] if not isinstance(v, ox.BlankNode) and regex.search(v.value)
                         else [f"Value does not match pattern '{pattern}'"])
        classes = sorted(str(c) for c in g.objects(shape, SH["class"]))
        for cls in classes:
            members = {row[0] for row in _select(store, fill(internal("shacl/target-class"), target=cls))}

            def member(v, m=members, c=cls) -> list[str]:
                return [] if v in m else [f"Value does not have class {c}"]
            tests.append(member)
        datatype = g.value(shape, SH.datatype)
        if datatype is not None:
            dt = str(datatype)
            tests.append(lambda v: [] if isinstance(v, ox.Literal) and _datatype(v) == dt
                         else [f"Value is not Literal with datatype {dt}"])
        kind = g.value(shape, SH.nodeKind)
        if kind is not None:
            allowed = _NODE_KINDS.get(str(kind))
            if allowed is None:
                raise UsageError(f"shape {self._name(shape)}: unknown sh:nodeKind {kind}")
            tests.append(lambda v: [] if isinstance(v, allowed) else [f"Value is not of node kind {kind}"])
        listed = g.value(shape, SH["in"])
        if listed is not None:
            options = {_o(x) for x in g.items(listed)}
            tests.append(lambda v: [] if v in options else ["Value is not in the list of allowed values"])
        if not tests:
            return None

        def check(v) -> list[str]:
            return [why for t in tests for why in t(v)]
        return check


def _datatype(v: ox.Literal) -> str:
    return RDF_LANG_STRING if v.language else v.datatype.value


_NODE_KINDS = {
    str(SH.IRI): (ox.NamedNode,), str(SH.BlankNode): (ox.BlankNode,), str(SH.Literal): (ox.Literal,),
    str(SH.BlankNodeOrIRI): (ox.BlankNode, ox.NamedNode), str(SH.BlankNodeOrLiteral): (ox.BlankNode, ox.Literal),
    str(SH.IRIOrLiteral): (ox.NamedNode, ox.Literal)}


def _substitute(message: str, values: dict) -> str:
    """sh:message with {?var} / {$var} replaced by the row's values (as pySHACL does)."""
    if "{" not in message:
        return message

    def one(m: re.Match) -> str:
        v = values.get(m.group(1))
        return m.group(0) if v is None else v.value
    return re.sub(r"\{[?$]([A-Za-z_]\w*)\}", one, message)


def to_rdflib(term) -> Node | None:
    """A pyoxigraph term as rdflib's (for the report's labels and for comparing with pySHACL)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    return Literal(term.value, lang=term.language, datatype=None if term.language else URIRef(term.datatype.value))


def results_of(engine: Engine, store: ox.Store, shapes: Iterable[URIRef] | None = None) -> list[Result]:
    if shapes is None:
        return engine.run(store)
    return [r for s in shapes for r in engine.run_shape(store, s)]


__all__ = ["Engine", "Result", "SH", "results_of", "to_rdflib"]
