"""pyoxigraph engine: in memory (the default) or persistent on disk (``oxigraph:DIR``).

The on-disk store records which release it was loaded from (its SHA-256, per graph) in a marker
file, so it loads once, is reused after that, and reloads by itself when the release changes.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox

from ..errors import AxialKGError
from ..files import write_atomic
from ..resources import release_path
from ..results import Results, Term
from . import inject_values

MARKER = "axialkg-release.json"


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# (query text, variables) that pyoxigraph substitutions cannot bind (not projected): a property
# of the text alone, so shared by every store.
_VALUES_ONLY: set[tuple] = set()


def to_term(t) -> Term:
    kind = type(t)  # exact-type checks first: this runs for every value of every row
    if kind is ox.NamedNode:
        return Term._trusted("uri", t.value)
    if kind is ox.Literal:
        lang = t.language
        if lang:
            return Term._trusted("literal", t.value, None, lang.lower())
        datatype = t.datatype.value
        return Term._trusted("literal", t.value) if datatype == _XSD_STRING else Term.literal(t.value, datatype)
    if isinstance(t, ox.NamedNode):
        return Term("uri", t.value)
    if isinstance(t, ox.BlankNode):
        return Term("bnode", t.value)
    if isinstance(t, ox.Literal):
        return Term.literal(t.value, t.datatype.value, t.language)
    raise AxialKGError(f"unsupported RDF term in result: {t!r}")


def malformed(exc: Exception) -> AxialKGError:
    """One line naming where the SPARQL went wrong (pyoxigraph says 'error at LINE:COL: …')."""
    first = (str(exc).strip().splitlines() or ["syntax error"])[0]
    return AxialKGError(f"malformed SPARQL: {first}")


def release_digest(path: Path) -> str:
    with open(path, "rb") as fh:  # streamed: a large graph must not be read into memory whole
        return hashlib.file_digest(fh, "sha256").hexdigest()


class OxigraphStore:
    """The pyoxigraph Store is ``self.store`` (axialkg serve reaches it there)."""

    def __init__(self, directory: str | None, *, graph: str | None = None, source: Path | None = None):
        self.graph = graph
        self.directory = directory
        self.spec = f"oxigraph:{directory}" if directory else ""
        self._graph_node = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        source = source or release_path("ttl")
        if not source.is_file():
            raise AxialKGError(f"no release at {source}; run 'axialkg build' first")
        if directory is None:
            self.store = ox.Store()
            self.store.bulk_load(path=str(source), format=ox.RdfFormat.TURTLE,
                                 to_graph=self._graph_node if graph else None)
            self.loaded_now = True
        else:
            self.store = self._open_dir(Path(directory).expanduser())
            self.loaded_now = self._ensure_loaded(Path(directory).expanduser(), source)

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

    def _ensure_loaded(self, path: Path, source: Path) -> bool:
        """Load the release into this graph unless the marker says this very release is there."""
        marker = path / MARKER
        digest = release_digest(source)
        try:
            state = json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            state = {}
        key = self.graph or ""
        if state.get("release_sha256") == digest and key in state.get("graphs", []):
            return False
        if state.get("release_sha256") != digest:
            self.store.clear()  # another release (or a half-finished load): start again
            state = {"release_sha256": digest, "graphs": []}
        elif self.graph:
            self.store.clear_graph(self._graph_node)
        self.store.bulk_load(path=str(source), format=ox.RdfFormat.TURTLE,
                             to_graph=self._graph_node if self.graph else None)
        self.store.flush()
        state["graphs"] = sorted(set(state.get("graphs", [])) | {key})
        state["source"] = str(source)
        write_atomic(marker, (json.dumps(state, indent=2) + "\n").encode("utf-8"))
        return True

    def _kwargs(self) -> dict:
        return {"default_graph": self._graph_node} if self.graph else {}

    def query(self, text: str, bindings: dict[str, str] | None = None) -> Results:
        try:
            result = self._run(text, bindings or {})
            if isinstance(result, ox.QueryBoolean):
                return Results.ask(bool(result))
            if isinstance(result, ox.QueryTriples):
                return Results.graph([(to_term(t.subject), to_term(t.predicate), to_term(t.object))
                                      for t in result])
            variables = [v.value for v in result.variables]
            rows = []
            memo: dict = {}  # labels, classes and IRIs recur across rows: convert each term once
            for solution in result:
                row = {}
                for v, x in zip(variables, solution):
                    if x is not None:
                        term = memo.get(x)
                        if term is None:
                            term = memo[x] = to_term(x)
                        row[v] = term
                rows.append(row)
        except SyntaxError as exc:
            raise malformed(exc) from None
        except OSError as exc:
            raise AxialKGError(f"query failed: {str(exc).splitlines()[0] if str(exc) else exc!r}") from None
        return Results(variables, rows)

    def _run(self, text: str, bindings: dict[str, str]):
        """Bind by pyoxigraph substitutions; SEP-0007 allows them only for projected variables,
        so otherwise by a VALUES block of the same (validated) terms."""
        if not bindings:
            return self.store.query(text, **self._kwargs())
        subs = {ox.Variable(k): ox.NamedNode(v) for k, v in bindings.items()}
        key = (text, tuple(bindings))
        if key not in _VALUES_ONLY:
            try:
                return self.store.query(text, substitutions=subs, **self._kwargs())
            except RuntimeError as exc:
                if "projection" not in str(exc):
                    raise
                if len(_VALUES_ONLY) > 1024:
                    _VALUES_ONLY.clear()
                _VALUES_ONLY.add(key)  # skip the failing parse next time
        return self.store.query(inject_values(text, {k: t.value for k, t in
                                                     zip(bindings, subs.values())}), **self._kwargs())

    def update(self, text: str) -> None:
        try:
            self.store.update(text)
        except SyntaxError as exc:
            raise malformed(exc) from None
        except OSError as exc:
            raise AxialKGError(f"update failed: {str(exc).splitlines()[0] if str(exc) else exc!r}") from None
        if self.directory:
            self.store.flush()

    def dump(self) -> tuple[bytes, str]:
        return self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=self._graph_node), "application/n-triples"

    def __len__(self) -> int:
        if not self.graph:
            return sum(1 for _ in self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, self._graph_node))

    def close(self) -> None:
        if self.directory:
            self.store.flush()
        self.store = None
