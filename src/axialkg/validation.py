"""``axialkg validate``: HermiT consistency plus SHACL shapes, as one QC report.

Rules come from the shapes file (one shape = one rule, its severity the level) and from
the reasoner (``owl-consistent``, ``owl-satisfiable-classes``). Defects name the entity by
label and CURIE. The summary counts errors and warnings per rule, like ROBOT's report;
the graph is clean when no ERROR-level rule fails. Output is deterministic (sorted, no
timings), so two runs over the same file print the same bytes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef

from .errors import UsageError
from .rdfio import sniff, syntax_for_path
from .reasoning import Labeller, ReasoningResult, reason
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


def load_graph(path: Path) -> tuple[Graph, str]:
    """Parse ``path`` into an Oxigraph-backed rdflib Graph (pySHACL's SPARQL runs in Oxigraph)."""
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    if not path.is_file():
        raise UsageError(f"{path}: not a file")
    with open(path, "rb") as fh:
        syntax = syntax_for_path(path) or sniff(fh.read(512))
    fmt = syntax.rdflib
    graph = Graph(store="Oxigraph")
    quiet = logging.getLogger("rdflib.term")  # ill-typed literals are reported as defects, not log noise
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        graph.parse(path, format=fmt)
    except Exception as exc:  # each parser raises its own error types
        first = next((ln.strip() for ln in str(exc).splitlines() if ln.strip()), exc.__class__.__name__)
        raise UsageError(f"{path}: not RDF that axialkg can read as {fmt} ({first[:200]})") from exc
    finally:
        quiet.setLevel(level)
    if len(graph) == 0:
        raise UsageError(f"{path}: contains no triples")
    if (AXKG.Cause, RDF.type, OWL.Class) not in graph:
        raise UsageError(f"{path}: not an axialkg graph (no axialkg schema in it: axkg:Cause is not declared); "
                         "validate the whole release, e.g. a copy of axialkg.owl")
    return graph, fmt


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


def run_shapes(graph: Graph, shapes: Graph) -> list[Defect]:
    import pyshacl

    _, results, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none", allow_warnings=True,
                                     advanced=False, abort_on_first=False)
    labels = Labeller(graph)
    defects = []
    for res in results.subjects(RDF.type, SH.ValidationResult):
        rule = _rule_of(shapes, results.value(res, SH.sourceShape))
        level = LEVELS.get(results.value(res, SH.resultSeverity), "INFO")
        focus = results.value(res, SH.focusNode)
        path = results.value(res, SH.resultPath)
        value = results.value(res, SH.value)
        messages = sorted(str(m) for m in results.objects(res, SH.resultMessage))
        message = messages[0] if messages else "fails this rule"
        if isinstance(focus, BNode) and (focus, RDF.type, OWL.Axiom) in graph:
            # a provenance axiom: name the claim it annotates, at its subject
            s, p, o = (graph.value(focus, x) for x in (OWL.annotatedSource, OWL.annotatedProperty,
                                                       OWL.annotatedTarget))
            message = f"{message} (claim '{labels.label(s)}' {labels.label(p)} '{_short(labels.label(o))}')"
            focus = s
        defects.append(Defect(
            rule=rule, level=level,
            entity=str(focus) if isinstance(focus, URIRef) else "",
            label=labels.label(focus) if isinstance(focus, URIRef) else "",
            message=message,
            property=str(path) if isinstance(path, URIRef) else "",
            property_label=labels.label(path) if isinstance(path, URIRef) else "",
            value=str(value) if isinstance(value, (URIRef, Literal)) and value != focus else "",
            value_label=labels.label(value) if isinstance(value, URIRef) and value != focus
            else (_short(str(value)) if isinstance(value, Literal) else ""),
        ))
    return _dedupe(defects)


def _short(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _rule_of(shapes: Graph, shape) -> str:
    """The rule a result belongs to: its shape, or the named shape holding it as sh:property."""
    seen = set()
    while shape is not None and shape not in seen:
        seen.add(shape)
        if isinstance(shape, URIRef) and str(shape).startswith(SHAPES_NS):
            return str(shape)[len(SHAPES_NS):]
        shape = shapes.value(predicate=SH.property, object=shape)
    return "shacl"


def _dedupe(defects: list[Defect]) -> list[Defect]:
    return list(dict.fromkeys(defects))


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


def validate(path: Path, shapes_file: Path | None = None) -> Report:
    """Reason over and shape-check the RDF file at ``path``."""
    from .resources import shapes_path

    graph, fmt = load_graph(path)
    shapes = load_shapes(shapes_file or shapes_path())
    result = reason(graph, rdfxml=path if fmt == "xml" else None)
    rules = [Rule(*r) for r in REASONER_RULES] + shape_rules(shapes)
    rules.sort(key=lambda r: (LEVEL_ORDER.get(r.level, 3), r.id))
    defects = reasoning_defects(result) + run_shapes(graph, shapes)
    return Report(path=str(path), triples=len(graph), rules=rules, defects=defects, reasoning=result)


__all__ = ["Defect", "Report", "Rule", "load_graph", "run_shapes", "shape_rules", "validate"]
