"""pyoxigraph engine: in memory (the default), persistent on disk (``oxigraph:DIR``), or holding given data.

The on-disk store records which release it was loaded from (its SHA-256, per graph, and the file's
path, size and mtime) in a marker file, so it loads once, is reused after that, and reloads by itself
when the release changes; an unchanged file (same stamp) is not hashed again on open.
"""

from __future__ import annotations

import json
from itertools import chain, islice
from pathlib import Path

import pyoxigraph as ox

from ..errors import AxialKGError
from ..resources import release_path
from ..results import Results, Term
from ..vocab import XSD_STRING
from . import StoreSpec, inject_values

MARKER = "axialkg-release.json"

# (query text, variables) that pyoxigraph substitutions cannot bind (not projected): a property
# of the text alone, so shared by every store.
_VALUES_ONLY: set[tuple] = set()
_INJECTED: dict[tuple, str] = {}  # (query text, bindings) → the text with their VALUES block
# pyoxigraph term → Term, shared by every answer (both immutable): labels, classes and IRIs recur
# across rows and across calls, so most values of a repeated question are one dict probe
_TERMS: dict = {}
_TERMS_MAX = 1 << 18
# Answers up to this long are kept lazy and share _TERMS; a longer one (a listing at 10^7) is
# converted as it streams, with terms of its own, so the engine's rows are never all held twice.
_LAZY_ROWS = 10_000
_NODES: dict[str, ox.NamedNode] = {}  # bound IRIs and variables, built once each
_VARIABLES: dict[str, ox.Variable] = {}
_NO_OPTIONS: dict = {}
_PROJECTED: dict = {}  # query text (and bound names) → its variables' names


def to_term(t) -> Term:
    kind = type(t)  # exact-type checks first: this runs for every value of every row
    if kind is ox.NamedNode:
        return Term._trusted("uri", t.value)
    if kind is ox.Literal:
        lang = t.language
        if lang:
            return Term._trusted("literal", t.value, None, lang.lower())
        datatype = t.datatype.value
        return Term._trusted("literal", t.value) if datatype == XSD_STRING else Term.literal(t.value, datatype)
    if isinstance(t, ox.NamedNode):
        return Term("uri", t.value)
    if isinstance(t, ox.BlankNode):
        return Term("bnode", t.value)
    if isinstance(t, ox.Literal):
        return Term.literal(t.value, t.datatype.value, t.language)
    raise AxialKGError(f"unsupported RDF term in result: {t!r}")


def _converted(variables: list[str], solutions) -> list[dict[str, Term]]:
    """Rows of Terms from an engine's solutions, each distinct term converted once."""
    rows = []
    memo: dict = {}  # labels, classes and IRIs recur across rows
    for solution in solutions:
        row = {}
        for v, x in zip(variables, solution):
            if x is not None:
                term = memo.get(x)
                if term is None:
                    term = memo[x] = to_term(x)
                row[v] = term
        rows.append(row)
    return rows


def triples_of(data: bytes, media_type: str) -> list[tuple[Term, Term, Term]]:
    """Triples of an N-Triples or Turtle document, as terms."""
    fmt = ox.RdfFormat.N_TRIPLES if "n-triples" in media_type else ox.RdfFormat.TURTLE
    return [(to_term(q.subject), to_term(q.predicate), to_term(q.object)) for q in ox.parse(data, format=fmt)]


def malformed(exc: Exception) -> AxialKGError:
    """One line naming where the SPARQL went wrong (pyoxigraph says 'error at LINE:COL: …')."""
    first = (str(exc).strip().splitlines() or ["syntax error"])[0]
    return AxialKGError(f"malformed SPARQL: {first}")


def release_digest(path: Path) -> str:
    with open(path, "rb") as fh:  # streamed: a large graph must not be read into memory whole
        import hashlib

        return hashlib.file_digest(fh, "sha256").hexdigest()


def _stamp(source: Path) -> list:
    """What identifies a file without reading it: its resolved path, size and mtime (ns)."""
    st = source.stat()
    return [str(source.resolve()), st.st_size, st.st_mtime_ns]


def _source(source: Path | None) -> Path:
    source = source or release_path("ttl")
    if not source.is_file():
        raise AxialKGError(f"no release at {source}; run 'axialkg build' first")
    return source


def _write_atomic(path: Path, data: bytes) -> None:
    from ..files import write_atomic  # only a loading store writes: a reading command never imports it

    write_atomic(path, data)


def _marker(path: Path) -> dict:
    try:
        state = json.loads((path / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


class OxigraphStore:
    """A pyoxigraph Store behind the Store protocol. Make one with :meth:`in_memory`,
    :meth:`on_disk` or :meth:`from_data`."""

    def __init__(self, store: ox.Store, spec: StoreSpec, *, directory: Path | None = None, loaded_now: bool = True):
        self.store = store
        self.spec = spec
        self.graph = spec.graph
        self.directory = directory
        self.loaded_now = loaded_now
        self._graph_node = ox.NamedNode(self.graph) if self.graph else ox.DefaultGraph()

    # ---- named constructors ------------------------------------------------------------------
    @classmethod
    def in_memory(cls, *, graph: str | None = None, source: Path | None = None) -> "OxigraphStore":
        """The release (or ``source``, Turtle) loaded into a store in memory."""
        from ..rdfio import syntax_for_path

        store = ox.Store()
        path = _source(source)
        syntax = syntax_for_path(path)
        quads = syntax is not None and syntax.quads  # N-Quads or TriG keep their named graphs
        store.bulk_load(path=str(path), format=syntax.ox() if quads and syntax else ox.RdfFormat.TURTLE,
                        to_graph=ox.NamedNode(graph) if graph and not quads else None)
        return cls(store, StoreSpec("memory", str(source) if source else None, graph=graph))

    @classmethod
    def on_disk(cls, directory: str | Path, *, graph: str | None = None, source: Path | None = None,
                read_only: bool = False, reload: bool = False) -> "OxigraphStore":
        """A persistent store in ``directory``, loaded with the release on first use. It is never
        cleared unless it holds only an earlier load of ours, or ``reload`` says to replace it.
        ``read_only``: opened without a lock, as several serve workers do; it must hold the release."""
        path = Path(directory).expanduser()
        source = _source(source)
        spec = StoreSpec("oxigraph", str(directory), graph=graph, read_only=read_only)
        if read_only:
            state = _marker(path)
            if state.get("release_sha256") != release_digest(source) or (graph or "") not in state.get("graphs", []):
                raise AxialKGError(f"store {path} does not hold this release; open it once read-write to load it")
            try:
                store = ox.Store.read_only(str(path))
            except OSError as exc:
                raise AxialKGError(f"cannot open store {path} read-only: {str(exc).splitlines()[0]}") from None
            return cls(store, spec, directory=None, loaded_now=False)
        self = cls(cls._open_dir(path), spec, directory=path)
        self.loaded_now = self._ensure_loaded(path, source, reload=reload)
        return self

    @classmethod
    def from_data(cls, data: bytes, media_type: str) -> "OxigraphStore":
        """A store in memory holding ``data`` (N-Triples or Turtle) in its default graph."""
        store = ox.Store()
        fmt = ox.RdfFormat.N_TRIPLES if "n-triples" in media_type else ox.RdfFormat.TURTLE
        store.bulk_load(data, format=fmt)
        return cls(store, StoreSpec("memory"))

    @staticmethod
    def _open_dir(path: Path):
        if path.exists() and not path.is_dir():
            raise AxialKGError(f"store location {path} is a file, not a directory")
        try:
            path.mkdir(parents=True, exist_ok=True)
            return ox.Store(str(path))
        except OSError as exc:
            msg = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
            if "lock" in msg.lower():
                raise AxialKGError(f"store {path} is in use by another process") from None
            raise AxialKGError(f"cannot open store {path}: {msg}") from None

    def _ensure_loaded(self, path: Path, source: Path, *, reload: bool = False) -> bool:
        """Load the release into this graph unless the marker says this very release is there.
        Quads the marker does not account for (another dataset, or additions) are never cleared
        without ``reload``."""
        marker = path / MARKER
        state = _marker(path)
        key = self.graph or ""
        stamp = _stamp(source)
        if not reload and state.get("source_stamp") == stamp and key in state.get("graphs", []):
            return False  # the very file the store was loaded from, unchanged (as Python trusts .pyc)
        digest = release_digest(source)
        if not reload and state.get("release_sha256") == digest and key in state.get("graphs", []):
            state["source_stamp"] = stamp  # touched or copied, same bytes: no reload, and no hash next time
            _write_atomic(marker, (json.dumps(state, indent=2) + "\n").encode("utf-8"))
            return False
        clearing_all = reload or state.get("release_sha256") != digest
        # what this load would clear: the whole store for another release, else only the target graph
        held = len(self.store) if clearing_all else sum(
            1 for _ in self.store.quads_for_pattern(None, None, None, self._graph_node if self.graph else None))
        accounted = state.get("quads") if clearing_all else 0
        if held and not reload and held != accounted:
            raise AxialKGError(f"store {path} holds {held} quads that are not (only) an axialkg release; pass "
                               "--reload to replace them with the release, or use another directory")
        if clearing_all:
            self.store.clear()  # another release (or a half-finished load): start again
            state = {"release_sha256": digest, "graphs": []}
        elif self.graph:
            self.store.clear_graph(self._graph_node)
        self.store.bulk_load(path=str(source), format=ox.RdfFormat.TURTLE,
                             to_graph=self._graph_node if self.graph else None)
        self.store.flush()
        state["graphs"] = sorted(set(state.get("graphs", [])) | {key})
        state["source"] = str(source)
        state["quads"] = len(self.store)
        state["source_stamp"] = stamp
        _write_atomic(marker, (json.dumps(state, indent=2) + "\n").encode("utf-8"))
        return True

    # ---- the protocol ------------------------------------------------------------------------
    def query(self, text: str, bindings: dict[str, str] | None = None, *, limit: int | None = None,
              default_graphs: list[str] | None = None, named_graphs: list[str] | None = None) -> Results:
        try:
            if default_graphs or named_graphs:
                options: dict = {}
                if default_graphs:
                    options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
                elif self.graph:
                    options["default_graph"] = self._graph_node
                if named_graphs:
                    options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
            else:
                options = {"default_graph": self._graph_node} if self.graph else _NO_OPTIONS
            result = self._run(text, bindings, options)
            if isinstance(result, ox.QuerySolutions):
                shape = (text, tuple(bindings)) if bindings else text  # (SELECT * may project a bound one)
                names = _PROJECTED.get(shape)
                if names is None:  # a property of the text: read once, not as new objects per call
                    if len(_PROJECTED) > 1024:
                        _PROJECTED.clear()
                    names = _PROJECTED[shape] = tuple(v.value for v in result.variables)
                variables = list(names)
                solutions = iter(result if limit is None else islice(result, limit + 1))
                # the engine's rows as they are (Results converts them on first use) ...
                raw = list(map(tuple, islice(solutions, _LAZY_ROWS + 1)))
                if len(raw) > _LAZY_ROWS:  # ... unless it is a long listing: converted as it streams
                    rows = _converted(variables, chain(raw, solutions))
                    truncated = limit is not None and len(rows) > limit
                    return Results(variables, rows[:limit] if truncated else rows, truncated=truncated)
            elif isinstance(result, ox.QueryBoolean):
                return Results.ask(bool(result))
            else:
                triples = list(result if limit is None else islice(result, limit + 1))
                out = Results.graph([(to_term(t.subject), to_term(t.predicate), to_term(t.object))
                                     for t in triples[:limit]])
                out.truncated = limit is not None and len(triples) > limit
                return out
        except SyntaxError as exc:
            raise malformed(exc) from None
        except (OSError, ValueError) as exc:  # a failing evaluation, a bad dataset IRI
            raise AxialKGError(f"query failed: {str(exc).splitlines()[0] if str(exc) else exc!r}") from None
        truncated = limit is not None and len(raw) > limit
        if len(_TERMS) > _TERMS_MAX:
            _TERMS.clear()
        return Results.lazy(variables, raw[:limit] if truncated else raw, to_term, memo=_TERMS, truncated=truncated)

    def _run(self, text: str, bindings: dict[str, str] | None, options: dict):
        """Bind by pyoxigraph substitutions; SEP-0007 allows them only for projected variables,
        so otherwise by a VALUES block of the same (validated) terms."""
        if not bindings:
            return self.store.query(text, **options)
        subs: dict = {}
        for k, v in bindings.items():
            var, node = _VARIABLES.get(k), _NODES.get(v)
            if var is None:
                var = _VARIABLES[k] = ox.Variable(k)
            if node is None:
                node = ox.NamedNode(v)  # validates the IRI (ValueError: not one)
                if len(_NODES) > 4096:
                    _NODES.clear()
                _NODES[v] = node
            subs[var] = node
        key = (text, tuple(bindings))
        if key not in _VALUES_ONLY:
            try:
                return self.store.query(text, substitutions=subs, **options)
            except RuntimeError as exc:
                if "projection" not in str(exc):
                    raise
                if len(_VALUES_ONLY) > 1024:
                    _VALUES_ONLY.clear()
                _VALUES_ONLY.add(key)  # skip the failing parse next time
        bound = (text, tuple(bindings.items()))
        injected = _INJECTED.get(bound)
        if injected is None:  # the VALUES text, checked and placed once per query and values
            if len(_INJECTED) > 1024:
                _INJECTED.clear()
            injected = _INJECTED[bound] = inject_values(text, {k: t.value for k, t in zip(bindings, subs.values())})
        return self.store.query(injected, **options)

    def update(self, text: str) -> None:
        try:
            self.store.update(text)
        except SyntaxError as exc:
            raise malformed(exc) from None
        except OSError as exc:
            raise AxialKGError(f"update failed: {str(exc).splitlines()[0] if str(exc) else exc!r}") from None
        if self.directory:
            self.store.flush()
            self._bump_generation()

    def _bump_generation(self) -> None:
        """Count the writes in the marker: what is cached beside the store (the graph projection)
        is keyed by the marker, so a write invalidates it."""
        marker = self.directory / MARKER  # type: ignore[operator]  # only on-disk stores write it
        try:
            state = json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            state = {}
        state["generation"] = int(state.get("generation", 0)) + 1
        _write_atomic(marker, (json.dumps(state, indent=2) + "\n").encode("utf-8"))

    def dump(self) -> tuple[bytes, str]:
        return self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=self._graph_node) or b"", \
            "application/n-triples"

    def pairs(self, predicate: str, obj: str | None = None):
        """(subject, object) values of the triples of ``predicate`` (and ``obj``) in the store's
        graph, streamed from its index: no query, no result terms (the compact projection's pass)."""
        target = None if obj is None else ox.NamedNode(obj)
        for q in self.store.quads_for_pattern(None, ox.NamedNode(predicate), target, self._graph_node):
            s, o = q.subject, q.object
            if type(s) is not ox.Triple and type(o) is not ox.Triple:  # RDF-star quoted triples: no entity
                yield s.value, o.value

    def triple_count(self) -> int:
        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, self._graph_node))

    def close(self) -> None:
        if self.directory:
            self.store.flush()
        self.store = None  # type: ignore[assignment]  # closed: the Store is released
