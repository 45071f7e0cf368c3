"""RDF in and out, written once: syntaxes by name, file extension and media type; reading a file;
the sorted RDF/XML writer of the release; how decimals are spelled.

>>> syntax_for_path("axialkg.owl").name
'rdfxml'
>>> syntax_for_media_type("text/turtle; charset=utf-8").name
'turtle'
>>> release_decimal("90"), canonical_decimal("90.0")
('90.0', '90')
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .errors import AxialKGError, UsageError


@dataclass(frozen=True)
class Syntax:
    name: str                    # our name (export --format, the endpoint's ?format=)
    media_types: tuple[str, ...]  # the first is the one we send
    extensions: tuple[str, ...]
    oxigraph: str                # pyoxigraph.RdfFormat attribute
    rdflib: str                  # rdflib parser/serializer name
    quads: bool = False
    aliases: tuple[str, ...] = ()  # other spellings clients use (``?format=n-triples``)

    @property
    def names(self) -> tuple[str, ...]:
        """Every name a client may call it by: ours, the aliases, the extensions, the media types."""
        return (self.name, *self.aliases, *(e.lstrip(".") for e in self.extensions), *self.media_types)

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    def ox(self):
        import pyoxigraph as ox

        return getattr(ox.RdfFormat, self.oxigraph)


SYNTAXES = (
    Syntax("turtle", ("text/turtle", "application/turtle", "application/x-turtle"), (".ttl",), "TURTLE", "turtle"),
    Syntax("ntriples", ("application/n-triples", "text/plain"), (".nt",), "N_TRIPLES", "nt", aliases=("n-triples",)),
    Syntax("rdfxml", ("application/rdf+xml", "application/xml", "text/xml"), (".owl", ".rdf", ".xml"), "RDF_XML",
           "xml", aliases=("rdf/xml",)),
    Syntax("jsonld", ("application/ld+json", "application/json"), (".jsonld", ".json"), "JSON_LD", "json-ld",
           aliases=("json-ld",)),
    Syntax("n3", ("text/n3",), (".n3",), "N3", "n3"),
    Syntax("nquads", ("application/n-quads",), (".nq",), "N_QUADS", "nquads", quads=True),
    Syntax("trig", ("application/trig",), (".trig",), "TRIG", "trig", quads=True),
)
BY_NAME = {s.name: s for s in SYNTAXES}


def syntax_for_path(path) -> Syntax | None:
    suffix = Path(path).suffix.lower()
    return next((s for s in SYNTAXES if suffix in s.extensions), None)


def syntax_for_media_type(content_type: str) -> Syntax | None:
    mime = content_type.split(";")[0].strip().lower()
    return next((s for s in SYNTAXES if mime in s.media_types), None)


def sniff(head: bytes) -> Syntax:
    """A syntax guessed from a file's first bytes (XML, JSON, else Turtle, which N-Triples is too)."""
    head = head.lstrip()
    if head.startswith(b"<") and not head.startswith(b"<http"):
        return BY_NAME["rdfxml"]
    if head.startswith((b"{", b"[")):
        return BY_NAME["jsonld"]
    return BY_NAME["turtle"]


def read_triples(path: Path) -> list:
    """The triples of an RDF file as pyoxigraph triples, distinct, in file order."""
    import pyoxigraph as ox

    path = Path(path)
    if not path.is_file():
        raise UsageError(f"no RDF file {path}")
    syntax = syntax_for_path(path)
    if syntax is None:
        raise UsageError(f"cannot tell the RDF syntax of {path.name}; use .ttl, .nt, .rdf/.owl or .jsonld")
    if syntax.quads:
        raise UsageError(f"{path.name} holds quads; load a triples file (Turtle, N-Triples, RDF/XML)")
    try:
        seen, out = set(), []
        for q in ox.parse(path=str(path), format=syntax.ox()):
            t = ox.Triple(q.subject, q.predicate, q.object)
            if t not in seen:
                seen.add(t)
                out.append(t)
    except SyntaxError as exc:
        raise AxialKGError(f"{path.name} is not valid RDF: {str(exc).splitlines()[0]}") from None
    if not out:
        raise AxialKGError(f"{path.name} holds no triples")
    return out


# The OWL 2 RDF mapping's declaration types, most telling first: the one a subject has becomes its element
# (``<owl:Class rdf:about=...>``), as the OWL API writes; pronto reads only typed elements.
_ELEMENT_TYPES = tuple(f"<http://www.w3.org/2002/07/owl#{t}>" for t in (
    "Ontology", "Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty", "NamedIndividual", "Axiom",
    "Annotation", "Restriction", "AllDisjointClasses", "AllDifferent", "Datatype"))
_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def _element_first(line: str) -> tuple:
    """Sort key of an N-Triples line: by subject, the subject's declaration type first (pyoxigraph names
    a subject's element after its first triple when that is an rdf:type), then the line."""
    subject, predicate, rest = line.split(" ", 2)
    if predicate == _RDF_TYPE:
        obj = rest.rsplit(" .", 1)[0].strip()
        rank = _ELEMENT_TYPES.index(obj) if obj in _ELEMENT_TYPES else len(_ELEMENT_TYPES)
    else:
        rank = len(_ELEMENT_TYPES) + 1
    return subject, rank, line


def sorted_rdfxml(ntriples: bytes, prefixes: dict[str, str]) -> bytes:
    """RDF/XML with the subjects in sorted N-Triples order (rdflib's XML writers order by hash), each
    written as an element of its OWL declaration type (``<owl:Class>``, ``<owl:NamedIndividual>``,
    ``<owl:Axiom>``), as the release's ``axialkg.owl`` is written.

    >>> print(sorted_rdfxml(b'<http://e/a> <http://e/p> "x" .\\n<http://e/a> '
    ...     b'<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2002/07/owl#Class> .\\n',
    ...     {"owl": "http://www.w3.org/2002/07/owl#"}).decode().split("\\n")[2].strip())
    <owl:Class rdf:about="http://e/a">
    """
    import pyoxigraph as ox

    lines = sorted((line for line in ntriples.decode("utf-8").splitlines() if line.strip()), key=_element_first)
    triples = ox.parse("\n".join(lines).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=prefixes) or b""


def graph_to_rdfxml(graph, prefixes: dict[str, str] | None = None) -> bytes:
    """An rdflib Graph as sorted flat RDF/XML (with its own bound prefixes unless others are given)."""
    if prefixes is None:
        prefixes = {p: str(ns) for p, ns in graph.namespaces() if p}
    return sorted_rdfxml(graph.serialize(format="nt", encoding="utf-8"), prefixes)


def release_decimal(text) -> str:
    """A decimal as the release spells it: always with a point ("90.0"), so Turtle keeps it a decimal."""
    out = format(Decimal(str(text)).normalize(), "f") if not isinstance(text, Decimal) else format(text, "f")
    return out if "." in out else out + ".0"


def canonical_decimal(text: str) -> str:
    """One spelling per decimal value ("400.0" and "400" alike), as pyoxigraph stores them, so
    engines that keep the lexical form (rdflib) compare equal."""
    try:
        d = Decimal(text.strip())
    except InvalidOperation:
        return text
    if not d.is_finite():
        return text
    out = format(d.normalize(), "f")
    return "0" if out in ("-0", "+0") else out


class _NoTreeNames(Exception):
    pass


def _tree_names(graph) -> dict:
    """Content-derived names for blank nodes that form trees (our claim axioms, OWL lists and
    class expressions). A node's content hash covers its outgoing triples, nested blank nodes by
    their content hashes; its name adds where it hangs (the referring subject, or the referring
    blank node's name, and predicate), so equal list tails in different lists stay apart.
    Raises _NoTreeNames on a cycle or when two blank nodes would still get one name."""
    import hashlib

    from rdflib import BNode

    def digest(parts) -> str:
        return hashlib.sha256("\n".join(sorted(parts)).encode("utf-8")).hexdigest()[:32]

    from collections import defaultdict

    out: dict = defaultdict(list)
    into: dict = defaultdict(list)
    for s, p, o in graph:
        if isinstance(s, BNode):
            out[s].append((p, o))
        if isinstance(o, BNode):
            into[o].append((s, p))
    content: dict = {}
    names: dict = {}
    busy: dict = {id(content): set(), id(names): set()}

    def walk(b, memo, step) -> str:
        if b in memo:
            return memo[b]
        if b in busy[id(memo)]:
            raise _NoTreeNames
        busy[id(memo)].add(b)
        memo[b] = step(b)
        busy[id(memo)].discard(b)
        return memo[b]

    def down(b) -> str:
        return digest(f"{p.n3()} {walk(o, content, down) if isinstance(o, BNode) else o.n3()}"
                      for p, o in out.get(b, ()))

    def up(b) -> str:
        return "c14n" + digest([walk(b, content, down)] + [
            f"^{walk(s, names, up) if isinstance(s, BNode) else s.n3()} {p.n3()}" for s, p in into.get(b, ())])

    try:
        for b in sorted(set(out) | set(into)):
            walk(b, names, up)
    except RecursionError:
        raise _NoTreeNames from None
    if len(set(names.values())) != len(names):
        raise _NoTreeNames
    return names


def canonical_graph(graph, prefixes: dict[str, str] | None = None):
    """The graph with content-derived blank-node names, triples inserted in sorted order (rdflib's
    memory store iterates in insertion order, so every serializer then writes the same bytes) and
    ``prefixes`` (default: :data:`axialkg.vocab.PREFIXES`) bound. Tree-shaped blank nodes (all of
    ours: claim axioms, OWL lists, class expressions) are named by hashing their content, in linear
    time; anything else falls back to rdflib's full canonicalisation."""
    from rdflib import BNode, Graph

    from .vocab import PREFIXES

    try:
        names = _tree_names(graph)
        rename = {b: BNode(n) for b, n in names.items()}
        triples = ((rename.get(s, s), p, rename.get(o, o)) for s, p, o in graph)
    except _NoTreeNames:
        from rdflib.compare import to_canonical_graph

        triples = iter(to_canonical_graph(graph))
    out = Graph(bind_namespaces="none")
    for triple in sorted(triples):
        out.add(triple)
    for prefix, ns in (PREFIXES if prefixes is None else prefixes).items():
        out.bind(prefix, ns, override=True)
    return out


__all__ = ["BY_NAME", "SYNTAXES", "Syntax", "canonical_decimal", "canonical_graph", "graph_to_rdfxml", "read_triples",
           "release_decimal", "sniff", "sorted_rdfxml", "syntax_for_media_type", "syntax_for_path"]
