"""The OBO sink: the graph in OBO flat file format 1.4, as OBO Foundry tools (OBO-Edit, pronto, fastobo,
ROBOT) read it. Our classes are ``[Term]`` stanzas with their named superclasses (``is_a``), our object
properties ``[Typedef]`` stanzas (domain, range, inverse), our entities ``[Instance]`` stanzas with label,
definition, exact synonyms, cross-references, classes (``instance_of``) and claims (``property_value`` with
the object's id; fastobo does not take ``relationship`` in an instance frame).
Ids are ``axkg:`` CURIEs, declared with ``idspace``. Stanzas and tags are sorted; no date is written,
so the bytes are the same from any store.
"""

from __future__ import annotations

from collections import defaultdict

from ..vocab import NAMESPACE, curie
from .source import Source

HEADER = ["format-version: 1.4", "ontology: axkg", f"idspace: axkg {NAMESPACE} \"axialkg\"",
          "default-namespace: axialkg"]


def _unquoted(text: str) -> str:
    """A tag value outside quotes: OBO reads '!' as a comment and '{' as trailing qualifiers."""
    out = " ".join(text.split())
    for ch in ("\\", "!", "{"):
        out = out.replace(ch, "\\" + ch)
    return out


def _quoted(text: str) -> str:
    return '"' + " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _ours(iri: str) -> bool:
    return iri.startswith(NAMESPACE)


def render(source: Source) -> bytes:
    m = source.schema
    stanzas: list[list[str]] = []
    for cls in sorted(c for c in m.classes if _ours(c)):
        lines = ["[Term]", f"id: {curie(cls)}", f"name: {_unquoted(m.label(cls))}"]
        lines += [f"is_a: {curie(p)}" for p in sorted(m.parents.get(cls, ())) if _ours(p)]
        stanzas.append(lines)
    for prop in sorted(p for p in m.object_properties if _ours(p)):
        lines = ["[Typedef]", f"id: {curie(prop)}", f"name: {_unquoted(m.label(prop))}"]
        for tag, value in (("domain", m.domain(prop)), ("range", m.range(prop)), ("inverse_of", m.inverse(prop))):
            if value and _ours(value):
                lines.append(f"{tag}: {curie(value)}")
        stanzas.append(lines)
    claims: dict[str, list[str]] = defaultdict(list)
    for e in source.edges:
        claims[e.subject].append(f"property_value: {curie(e.predicate)} {curie(e.object)}")
    for n in source.nodes:
        lines = ["[Instance]", f"id: {n.id}", f"name: {_unquoted(n.label)}"]
        if n.definition:
            lines.append(f"def: {_quoted(n.definition)} []")
        lines += [f"synonym: {_quoted(s)} EXACT []" for s in n.synonyms]
        lines += [f"xref: {x}" for x in n.xrefs]
        lines += [f"instance_of: {curie(c)}" for c in n.classes]
        lines += sorted(claims.get(n.iri, []))
        stanzas.append(lines)
    return ("\n".join(HEADER) + "\n\n" + "\n\n".join("\n".join(s) for s in stanzas) + "\n").encode("utf-8")


__all__ = ["render"]
