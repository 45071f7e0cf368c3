"""``axialkg validate``: HermiT consistency plus SHACL shapes, as one QC report.

Rules come from the shapes file (one shape = one rule, its severity the level) and from
the reasoner (``owl-consistent``, ``owl-satisfiable-classes``). Defects name the entity by
label and CURIE. The summary counts errors and warnings per rule, like ROBOT's report;
the graph is clean when no ERROR-level rule fails. Output is deterministic (sorted, no
timings), so two runs over the same file print the same bytes.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, cast

import pyoxigraph as ox
from rdflib import Graph, Namespace, URIRef

from .errors import UsageError
from .rdfio import sniff, syntax_for_path
from .reasoning import ReasoningResult, reason
from .vocab import AXKG, NAMESPACE, OWL, RDF, RDFS, curie

SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES_NS = "https://w3id.org/axialkg/shapes/"
LEVELS = {SH.Violation: "ERROR", SH.Warning: "WARN", SH.Info: "INFO"}
LEVEL_ORDER = {"ERROR": 0, "WARN": 1, "INFO": 2}
REASONER_RULES = (
    ("owl-consistent", "ERROR", "the graph is logically consistent (HermiT)",
     "No individual falls in two disjoint classes or otherwise contradicts the OWL schema."),
    ("owl-satisfiable-classes", "ERROR", "every class can have members (HermiT)",
     "No class of ours is equivalent to owl:Nothing."),
)


@dataclass(frozen=True)
class Rule:
    id: str
    level: str
    title: str
    description: str = ""

    def as_dict(self) -> dict:
        return {"rule": self.id, "level": self.level, "title": self.title, "description": self.description}


@dataclass(frozen=True)
class Defect:
    rule: str
    level: str
    entity: str        # IRI of the entity at fault ("" when the defect is the graph's as a whole)
    label: str         # its label, or its CURIE
    message: str
    property: str = ""
    property_label: str = ""
    value: str = ""
    value_label: str = ""

    def sort_key(self):
        return (self.label.lower(), self.entity, self.property_label, self.value_label.lower(), self.message)

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("rule", "level", "entity", "label", "message", "property",
                                               "property_label", "value", "value_label")}


@dataclass
class Report:
    path: str
    triples: int
    rules: list[Rule]
    defects: list[Defect]
    reasoning: ReasoningResult | None = None
    reasoning_scope: str = ""
    counts: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        order = {r.id: i for i, r in enumerate(self.rules)}
        self.defects.sort(key=lambda d: (order.get(d.rule, len(order)), d.sort_key()))
        self.counts = {r.id: 0 for r in self.rules}
        for d in self.defects:
            self.counts[d.rule] = self.counts.get(d.rule, 0) + 1

    def count(self, level: str) -> int:
        return sum(1 for d in self.defects if d.level == level)

    @property
    def clean(self) -> bool:
        return self.count("ERROR") == 0

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "triples": self.triples,
            "clean": self.clean,
            "errors": self.count("ERROR"),
            "warnings": self.count("WARN"),
            "summary": [dict(r.as_dict(), count=self.counts[r.id]) for r in self.rules],
            "defects": [d.as_dict() for d in self.defects],
            "reasoning": self.reasoning.as_dict() if self.reasoning else None,
            "reasoning_scope": self.reasoning_scope,
        }

    def to_text(self) -> str:
        out = [f"axialkg validate: {self.path} ({self.triples} triples)", "", "QC summary"]
        width = max(len(r.id) for r in self.rules)
        for r in self.rules:
            n = self.counts[r.id]
            mark = "ok" if n == 0 else f"{n}"
            out.append(f"  {r.level:<5}  {r.id:<{width}}  {mark:>4}  {r.title}")
        errors, warnings = self.count("ERROR"), self.count("WARN")
        verdict = "clean" if self.clean else "NOT clean"
        out.append(f"  {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}: {verdict}")
        by_rule = {r.id: r for r in self.rules}
        for rule_id in (r.id for r in self.rules):
            found = [d for d in self.defects if d.rule == rule_id]
            if not found:
                continue
            rule = by_rule[rule_id]
            out += ["", f"{rule.level} {rule.id}: {rule.title} ({len(found)})"]
            for d in found:
                out.append("  " + _defect_line(d))
        if self.reasoning_scope:
            out += ["", self.reasoning_scope]
        if self.reasoning is not None and self.reasoning.consistent:
            out += [""] + _inference_lines(self.reasoning)
        return "\n".join(out) + "\n"


def _defect_line(d: Defect) -> str:
    curie = _curie(d.entity)
    who = (d.label if d.label == curie else f"{d.label} ({curie})") if d.entity else "the graph"
    line = f"{who}: {d.message}"
    detail = []
    if d.property_label:
        detail.append(d.property_label)
    if d.value_label:
        shown = d.value.startswith(str(AXKG)) and d.value_label != _curie(d.value)
        detail.append(d.value_label + (f" ({_curie(d.value)})" if shown else ""))
    if detail:
        line += " [" + " → ".join(detail) + "]"
    return line


def _inference_lines(r: ReasoningResult) -> list[str]:
    out = [f"Reasoning (HermiT): consistent; {r.individuals} individuals"]
    out.append("  inferred members of defined classes:")
    for cls, members in r.memberships.items():
        names = ", ".join(m.label for m in members) or "none"
        out.append(f"    {cls.label} ({_curie(cls.iri)}): {len(members)}: {names}")
    per_prop: dict[str, int] = {}
    for _, p, _ in r.inverse_links:
        per_prop[p.label] = per_prop.get(p.label, 0) + 1
    listing = ", ".join(f"{k} {v}" for k, v in sorted(per_prop.items(), key=lambda kv: (-kv[1], kv[0])))
    out.append(f"  inferred inverse links: {len(r.inverse_links)}" + (f" ({listing})" if listing else ""))
    if r.entailed_links:
        out.append(f"  other inferred links: {len(r.entailed_links)}")
    return out


def _curie(iri: str) -> str:
    return curie(iri) if iri.startswith(NAMESPACE) else iri


# ---------------------------------------------------------------- loading


# HermiT's time grows quickly with the ABox (about a second for the release's ~200 individuals);
# above this many it runs on the schema alone, and the report says what it skipped.
MAX_REASONED_INDIVIDUALS = 5000


@dataclass
class Checked:
    """The graph under check: a pyoxigraph store holding the file, which the shapes query."""

    path: Path
    fmt: str            # rdflib's name of the file's syntax ("xml", "turtle", ...)
    store: ox.Store
    triples: int

    @classmethod
    def from_rdflib(cls, g: Graph) -> "Checked":
        """An rdflib graph under check (tests and notebooks break copies of the release this way)."""
        store = ox.Store()
        store.bulk_load(g.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
        return cls(Path("<graph>"), "nt", store, len(g))

    def label(self, node) -> str:
        """The least rdfs:label of an IRI (deterministic), else its CURIE; a literal's text."""
        if isinstance(node, ox.Literal):
            return node.value
        labels = [q.object.value for q in self.store.quads_for_pattern(node, _LABEL, None)]
        return min(labels) if labels else _curie(node.value) if isinstance(node, ox.NamedNode) else str(node)

    def value(self, subject, predicate: ox.NamedNode):
        return next((q.object for q in self.store.quads_for_pattern(subject, predicate, None)), None)

    def rdflib_graph(self, *, tbox_only: bool = False) -> Graph:
        """The graph (or its schema alone) as an rdflib Graph, for the reasoner's side."""
        from .queries import internal

        if tbox_only:
            data = self.store.query(internal("validate-tbox")).serialize(format=ox.RdfFormat.N_TRIPLES)
        else:
            data = self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        graph = Graph()
        quiet = logging.getLogger("rdflib.term")
        level = quiet.level
        quiet.setLevel(logging.CRITICAL)
        try:
            graph.parse(data=data or b"", format="nt")
        finally:
            quiet.setLevel(level)
        return graph


_LABEL = ox.NamedNode(str(RDFS.label))


def load_graph(path: Path) -> Checked:
    """Read ``path`` into a pyoxigraph store; one line for a file that is missing, not RDF, or not ours."""
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    if not path.is_file():
        raise UsageError(f"{path}: not a file")
    with open(path, "rb") as fh:
        syntax = syntax_for_path(path) or sniff(fh.read(512))
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=syntax.ox())
    except (SyntaxError, ValueError, OSError) as exc:
        first = next((ln.strip() for ln in str(exc).splitlines() if ln.strip()), exc.__class__.__name__)
        raise UsageError(f"{path}: not RDF that axialkg can read as {syntax.rdflib} ({first[:200]})") from None
    triples = len(store)
    if triples == 0:
        raise UsageError(f"{path}: contains no triples")
    declared = ox.Quad(ox.NamedNode(str(AXKG.Cause)), ox.NamedNode(str(RDF.type)), ox.NamedNode(str(OWL.Class)),
                       ox.DefaultGraph())
    if declared not in store:
        raise UsageError(f"{path}: not an axialkg graph (no axialkg schema in it: axkg:Cause is not declared); "
                         "validate the whole release, e.g. a copy of axialkg.owl")
    return Checked(path, syntax.rdflib, store, triples)


# ---------------------------------------------------------------- SHACL


def load_shapes(path: Path) -> Graph:
    shapes = Graph()
    shapes.parse(path, format="turtle")
    return shapes


def shape_rules(shapes: Graph) -> list[Rule]:
    """One rule per shape of ours that carries a severity, in level then id order."""
    rules = []
    for shape in set(shapes.subjects(SH.severity, None)):
        if isinstance(shape, URIRef) and str(shape).startswith(SHAPES_NS):
            rules.append(Rule(str(shape)[len(SHAPES_NS):], LEVELS.get(shapes.value(shape, SH.severity), "INFO"),
                              str(shapes.value(shape, RDFS.label) or ""), str(shapes.value(shape, RDFS.comment) or "")))
    return rules


_AXIOM_PARTS = tuple(ox.NamedNode(str(p)) for p in (OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget))


def run_shapes(graph: "Checked | Graph", shapes: Graph, rules: Iterable[str] | None = None) -> list[Defect]:
    """Every SHACL result of the shapes (or of the shapes of ``rules``, by rule id) on the graph (checked, or
    an rdflib graph), as defects naming the entity."""
    from .shacl import Engine, results_of

    if isinstance(graph, Graph):
        graph = Checked.from_rdflib(graph)

    defects = []
    engine = Engine(shapes)
    only = None if rules is None else [URIRef(SHAPES_NS + r) for r in rules]
    if only is not None and (unknown := sorted(set(only) - set(engine.named_shapes()))):
        raise UsageError(f"no shape {', '.join(str(u)[len(SHAPES_NS):] for u in unknown)} in the shapes")
    for res in results_of(engine, graph.store, only):
        rule = rule_of(shapes, URIRef(res.shape))
        level = LEVELS.get(URIRef(res.severity), "INFO")
        focus: Any = res.focus
        value: Any = res.value
        message = res.message
        if isinstance(focus, ox.BlankNode):
            parts = [graph.value(focus, p) for p in _AXIOM_PARTS]
            if all(x is not None for x in parts):  # a provenance axiom: name the claim it annotates, at its subject
                s, p, o = parts
                message = f"{message} (claim '{graph.label(s)}' {graph.label(p)} '{_short(graph.label(o))}')"
                focus = s
        named = isinstance(focus, ox.NamedNode)
        other = value is not None and value != focus and not isinstance(value, ox.BlankNode)
        defects.append(Defect(
            rule=rule, level=level,
            entity=focus.value if named else "",
            label=graph.label(focus) if named else "",
            message=message,
            property=res.path,
            property_label=graph.label(ox.NamedNode(res.path)) if res.path else "",
            value=value.value if other else "",
            value_label=(graph.label(value) if isinstance(value, ox.NamedNode) else _short(value.value))
            if other else "",
        ))
    return _dedupe(defects)


def _short(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def rule_of(shapes: Graph, shape) -> str:
    """The rule a result belongs to: its shape, or the named shape holding it as sh:property (public so
    that a report from another SHACL engine, pySHACL's, can be named by the same rules)."""
    seen = set()
    while shape is not None and shape not in seen:
        seen.add(shape)
        if isinstance(shape, URIRef) and str(shape).startswith(SHAPES_NS):
            return str(shape)[len(SHAPES_NS):]
        shape = shapes.value(predicate=SH.property, object=shape)
    return "shacl"


def _dedupe(defects: list[Defect]) -> list[Defect]:
    return list(dict.fromkeys(defects))


# ---------------------------------------------------------------- ROBOT's report checks

REPORT_FOLDER = "report"  # queries/internal/report/: ROBOT's report checks, our SPARQL, ROBOT's levels


def report_rules() -> list[tuple[Rule, str]]:
    """Each ROBOT report check (as a rule) with its query text; the level is the file's ``# level:``."""
    from .queries import NamedQuery, internal, internal_names

    out = []
    for name in internal_names(REPORT_FOLDER):
        text = internal(name)
        header = NamedQuery.parse(name, text)
        level = re.search(r"^# level:\s*(ERROR|WARN|INFO)\s*$", text, re.MULTILINE)
        out.append((Rule(name.split("/", 1)[1], level.group(1) if level else "INFO", header.title,
                         header.description), text))
    return out


def run_report(graph: Checked, checks: list[tuple[Rule, str]] | None = None) -> list[Defect]:
    """ROBOT's report rows (entity, property, value) as defects naming the entity."""
    defects = []
    for rule, text in checks if checks is not None else report_rules():
        for row in cast(ox.QuerySolutions, graph.store.query(text)):
            entity, prop, value = row["entity"], row["property"], row["value"]
            named = isinstance(entity, ox.NamedNode)
            defects.append(Defect(
                rule=rule.id, level=rule.level,
                entity=entity.value if named else "", label=graph.label(entity) if named else "",
                message=rule.description.removeprefix("ROBOT report check: ") or rule.title,
                property=prop.value if isinstance(prop, ox.NamedNode) else "",
                property_label=graph.label(prop) if isinstance(prop, ox.NamedNode) else "",
                value=value.value if value is not None and not isinstance(value, ox.BlankNode) else "",
                value_label=(graph.label(value) if isinstance(value, ox.NamedNode) else _short(value.value))
                if value is not None and not isinstance(value, ox.BlankNode) else ""))
    return _dedupe(defects)


# ---------------------------------------------------------------- the whole check


def reasoning_defects(result: ReasoningResult) -> list[Defect]:
    out = []
    for c in result.conflicts:
        first = c.entities[0] if c.entities else None
        message = c.message
        if first is not None:  # the report names the entity already
            message = message.removeprefix(f"'{first.label}' ({_curie(first.iri)}) ")
        out.append(Defect("owl-consistent", "ERROR", first.iri if first else "", first.label if first else "",
                          message))
    for t in result.unsatisfiable:
        out.append(Defect("owl-satisfiable-classes", "ERROR", t.iri, t.label,
                          "class is unsatisfiable: it can have no members"))
    return out


def run_reasoner(graph: Checked) -> tuple[ReasoningResult, str]:
    """HermiT on the whole graph, or on its schema alone when the ABox is too large for it;
    with a sentence saying which."""
    from .queries import internal

    individuals = int(next(iter(graph.store.query(internal("validate-individual-count"))))[0].value)
    if individuals <= MAX_REASONED_INDIVIDUALS:
        result = reason(graph.rdflib_graph(), rdfxml=graph.path if graph.fmt == "xml" else None)
        return result, f"HermiT reasoned over the whole graph ({individuals} individuals)"
    tbox = graph.rdflib_graph(tbox_only=True)
    result = reason(tbox)
    return result, (f"HermiT reasoned over the schema only ({len(tbox)} triples); it skipped the "
                    f"{individuals} individuals and their claims (more than {MAX_REASONED_INDIVIDUALS}), so "
                    "their consistency rests on the SHACL domain and range rules")


def validate(path: Path, shapes_file: Path | None = None) -> Report:
    """Reason over and shape-check the RDF file at ``path``."""
    from .resources import shapes_path

    graph = load_graph(path)
    shapes = load_shapes(shapes_file or shapes_path())
    result, scope = run_reasoner(graph)
    checks = report_rules()
    rules = [Rule(*r) for r in REASONER_RULES] + shape_rules(shapes) + [rule for rule, _ in checks]
    rules.sort(key=lambda r: (LEVEL_ORDER.get(r.level, 3), r.id))
    defects = reasoning_defects(result) + run_shapes(graph, shapes) + run_report(graph, checks)
    return Report(path=str(path), triples=graph.triples, rules=rules, defects=defects, reasoning=result,
                  reasoning_scope=scope)


__all__ = ["Checked", "Defect", "Report", "Rule", "load_graph", "report_rules", "run_report", "rule_of", "run_shapes", "shape_rules",
           "validate"]
