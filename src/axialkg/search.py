"""Search over the graph's names and definitions: an SQLite FTS5 index, built once per store version.

Entities (named individuals) and our classes are found. Ranking runs in tiers, each entity at its
best one: the exact label (score 1.0), an exact synonym or brand name (0.9), a cross-reference, with
its prefix or without (0.85), a related synonym (0.8), a label or synonym that starts with the text
(0.6–0.7, the closer in length the higher), then full text over labels, synonyms and definitions (up to 0.5: how much of a name the
words cover as a phrase, and BM25 with labels weighted above synonyms above definitions). Text is
compared case- and accent-insensitively; full text also matches word stems and word prefixes.

The index lives in memory for the embedded and remote stores; beside an on-disk store it is cached as
``axialkg-search.sqlite`` (one per graph), keyed by the store's release marker, so a later process
reads it instead of querying the store again. :func:`forget` drops the cache when the store is updated.

>>> import axialkg
>>> hit = axialkg.open().search("mastocytosis", limit=1)[0]
>>> hit.label, hit.category, hit.matched
('systemic mastocytosis', 'haematological or marrow disease', 'mastocytosis')
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable

from .files import write_atomic
from .queries import internal

CACHE = "axialkg-search"  # + ".sqlite" beside an on-disk store
FORMAT = 2  # bump when the tables change: older caches are rebuilt (2: bare accessions of cross-references)
MARKER = "axialkg-release.json"  # the on-disk store's record of what it holds (stores/embedded.py)

OWL_CLASS, CLASS = "http://www.w3.org/2002/07/owl#Class", "class"  # classes are found too, as category "class"

# name tiers: (kind in search-records.rq, score of an exact match)
EXACT = {"label": 1.0, "synonym": 0.9, "xref": 0.85, "related": 0.8}
PREFIX_SCORE, FULL_TEXT_SCORE = 0.6, 0.5
FULL_TEXT_POOL = 200  # full-text hits re-ranked by phrase cover (all of them when every hit is asked for)

_TABLES = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE entity (id INTEGER PRIMARY KEY, iri TEXT UNIQUE, label TEXT, category TEXT);
CREATE TABLE name (id INTEGER, kind TEXT, text TEXT, norm TEXT);
CREATE INDEX name_norm ON name (norm);
CREATE TABLE member (id INTEGER, class TEXT);
CREATE INDEX member_class ON member (class, id);
CREATE VIRTUAL TABLE doc USING fts5 (label, synonyms, definition, tokenize = 'porter unicode61 remove_diacritics 2');
"""


@dataclass(frozen=True)
class Hit:
    """One search result: the entity, its label and most specific class, the score and the text that matched."""

    iri: str
    label: str
    category: str
    score: float
    matched: str

    def as_dict(self) -> dict:
        return asdict(self)

    def _repr_html_(self) -> str:
        from .results import html_table

        return html_table(["score", "label", "category", "matched", "iri"],
                          [[f"{self.score:.3f}", self.label, self.category, self.matched, self.iri]])


class Hits(list):
    """The hits of one search, best first: a list of :class:`Hit` that Jupyter shows as one table (a plain
    list of hits would show as its repr), with the JSON and DataFrame forms beside it."""

    def to_json(self) -> dict:
        return as_json(self)

    def to_dataframe(self):
        import pandas as pd

        return pd.DataFrame([h.as_dict() for h in self], columns=["iri", "label", "category", "score", "matched"])

    def _repr_html_(self) -> str:
        from .results import html_table

        return html_table(["score", "label", "category", "matched", "iri"],
                          [[f"{h.score:.3f}", h.label, h.category, h.matched, h.iri] for h in self],
                          caption=f"{len(self)} hit{'' if len(self) == 1 else 's'}")


def normalize(text: str) -> str:
    """Casefolded, accents removed, whitespace collapsed: how names are compared."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def as_json(hits: Iterable[Hit]) -> dict:
    """``{"results": [{"iri", "label", "category", "score", "matched"}, …]}``."""
    return {"results": [h.as_dict() for h in hits]}


class SearchIndex:
    """The FTS5 index of one store's entities (see the module docstring)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    # ---- building ------------------------------------------------------------------------------
    @classmethod
    def for_store(cls, store) -> "SearchIndex":
        """The store's index: read from the cache beside an on-disk store when it is current, else built
        from the store (and cached there)."""
        directory = getattr(store, "directory", None)
        if directory is None:
            return cls.build(store)
        path, version = cache_path(store), store_version(store)
        cached = cls._read(path, version)
        if cached is not None:
            return cached
        index = cls.build(store, version)
        try:
            write_atomic(path, index.db.serialize())
        except OSError:  # a read-only directory: search still works, from memory
            pass
        return index

    @classmethod
    def build(cls, store, version: str = "") -> "SearchIndex":
        from .schema import SchemaModel

        schema = SchemaModel.from_results(store.query(internal("schema")))
        values: dict[str, dict[str, list[str]]] = {}
        for r in store.query(internal("search-records")):
            values.setdefault(r["entity"].value, {}).setdefault(r["key"].value, []).append(r["value"].value)
        db = sqlite3.connect(":memory:", check_same_thread=False)
        db.executescript(_TABLES)
        db.execute("INSERT INTO meta VALUES ('version', ?)", (version,))
        for n, iri in enumerate(sorted(values), start=1):
            v = {k: sorted(set(xs)) for k, xs in values[iri].items()}
            types = v.get("type", [])
            label = (v.get("label") or [iri])[0]
            specific = schema.most_specific(types)
            category = CLASS if OWL_CLASS in types else schema.label(specific[0]) if specific else ""
            db.execute("INSERT INTO entity VALUES (?, ?, ?, ?)", (n, iri, label, category))
            db.executemany("INSERT INTO name VALUES (?, ?, ?, ?)",
                           [(n, kind, text, norm) for kind in EXACT for text in v.get(kind, []) for norm in _norms(kind, text)])
            db.executemany("INSERT INTO member VALUES (?, ?)", [(n, c) for c in sorted(schema.closure(types))])
            synonyms = v.get("synonym", []) + v.get("related", [])
            db.execute("INSERT INTO doc (rowid, label, synonyms, definition) VALUES (?, ?, ?, ?)",
                       (n, " ; ".join(v.get("label", [])), " ; ".join(synonyms), " ".join(v.get("definition", []))))
        db.commit()
        return cls(db)

    @classmethod
    def _read(cls, path: Path, version: str) -> "SearchIndex | None":
        try:
            data = path.read_bytes()
        except OSError:
            return None
        db = sqlite3.connect(":memory:", check_same_thread=False)
        try:
            db.deserialize(data)
            row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        except sqlite3.DatabaseError:  # not an index (a torn or foreign file): rebuild it
            return None
        return cls(db) if row and row[0] == version else None

    # ---- searching -----------------------------------------------------------------------------
    def search(self, text: str, *, category: str | None = None, limit: int = 20) -> Hits:
        """Entities for ``text``, best first; ``category`` a class IRI its members must belong to,
        ``limit`` 0 for every hit."""
        norm = normalize(text)
        if not norm:
            return Hits()
        best: dict[int, tuple[float, str]] = {}

        def offer(rowid: int, score: float, matched: str) -> None:
            if rowid not in best or score > best[rowid][0]:
                best[rowid] = (score, matched)

        allowed = "" if category is None else " AND id IN (SELECT id FROM member WHERE class = :category)"
        args = {"norm": norm, "category": category, "upper": norm + "\U0010ffff"}
        for rowid, kind, matched in self.db.execute(
                f"SELECT id, kind, text FROM name WHERE norm = :norm{allowed}", args):
            offer(rowid, EXACT[kind], matched)
        for rowid, matched, norm_len in self.db.execute(  # a range on the index, not a LIKE scan
                f"SELECT id, text, length(norm) FROM name WHERE norm >= :norm AND norm < :upper "
                f"AND kind != 'xref'{allowed}", args):
            offer(rowid, round(PREFIX_SCORE + 0.1 * len(norm) / norm_len, 6), matched)
        match = _match_expression(norm)
        if match:
            cap = "" if not limit else f" LIMIT {max(FULL_TEXT_POOL, 10 * limit)}"  # the best by BM25, then re-ranked
            rows = self.db.execute(
                "SELECT rowid, -bm25(doc, 10.0, 5.0, 1.0) FROM doc "
                f"WHERE doc MATCH :match{allowed.replace(' id IN', ' rowid IN')} ORDER BY bm25(doc, 10.0, 5.0, 1.0){cap}",
                {**args, "match": match}).fetchall()
            top = max((r[1] for r in rows), default=0.0) or 1.0
            names: dict[int, list[str]] = {}
            for rowid, m in self.db.execute(
                    f"SELECT id, norm FROM name WHERE kind != 'xref' AND id IN ({','.join('?' * len(rows))})",
                    [r[0] for r in rows]):
                names.setdefault(rowid, []).append(m)
            phrase = re.compile(r"(?<!\w)" + re.escape(norm) + r"(?!\w)")
            for rowid, relevance in rows:
                # a name holding the words as a phrase ranks by how much of it they cover: "axial
                # osteosclerosis" above a question that mentions it
                cover = max((len(norm) / len(m) for m in names.get(rowid, []) if phrase.search(m)), default=0.0)
                score = round(FULL_TEXT_SCORE * (0.6 * cover + 0.4 * max(relevance, 0.0) / top), 6)
                if rowid not in best or score > best[rowid][0]:
                    best[rowid] = (score, "")  # its snippet is made only if it is shown
        entities = {r[0]: r[1:] for r in self.db.execute(
            f"SELECT id, iri, label, category FROM entity WHERE id IN ({','.join('?' * len(best))})", list(best))}
        order = sorted(best, key=lambda i: (-best[i][0], entities[i][1].casefold(), entities[i][0]))
        shown = order[:limit] if limit else order
        wanted = [i for i in shown if not best[i][1]]
        if wanted:
            for rowid, snippet in self.db.execute(
                    f"SELECT rowid, snippet(doc, -1, '', '', '…', 12) FROM doc WHERE doc MATCH ? "
                    f"AND rowid IN ({','.join('?' * len(wanted))})", [match, *wanted]):
                best[rowid] = (best[rowid][0], " ".join(snippet.split()))
        return Hits(Hit(entities[i][0], entities[i][1], entities[i][2], best[i][0], best[i][1]) for i in shown)

    def __len__(self) -> int:
        return self.db.execute("SELECT count(*) FROM entity").fetchone()[0]

    def close(self) -> None:
        self.db.close()


def _norms(kind: str, text: str) -> list[str]:
    """The forms a name is found by: itself, and for a cross-reference its bare accession too
    ("DB08877" finds DRUGBANK:DB08877, as a researcher pastes it from DrugBank's page)."""
    norm = normalize(text)
    if kind == "xref" and ":" in norm:
        local = norm.split(":", 1)[1]
        if local and local != norm:
            return [norm, local]
    return [norm]


def _match_expression(norm: str) -> str:
    """An FTS5 query from the words of the text: each word quoted (no FTS5 syntax from the user) and
    a prefix ("jak" finds JAK1), all required."""
    return " ".join('"' + w.replace('"', '""') + '"*' for w in re.findall(r"\w+", norm))


def store_version(store) -> str:
    """What the on-disk store holds, as the cache's key: its release marker, the graph and the index format."""
    try:
        marker = (Path(store.directory) / MARKER).read_bytes()
    except OSError:
        marker = b""
    key = json.dumps({"format": FORMAT, "graph": store.graph or "", "marker": hashlib.sha256(marker).hexdigest()})
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def cache_path(store) -> Path:
    """The cache file beside an on-disk store: one per graph, so two graphs do not evict each other."""
    graph = store.graph or ""
    suffix = "-" + hashlib.sha256(graph.encode("utf-8")).hexdigest()[:12] if graph else ""
    return Path(store.directory) / f"{CACHE}{suffix}.sqlite"


def forget(store) -> None:
    """Drop the cached indexes beside an on-disk store (after an update changed what it holds)."""
    directory = getattr(store, "directory", None)
    if directory is not None:
        for path in Path(directory).glob(CACHE + "*.sqlite"):
            path.unlink(missing_ok=True)


__all__ = ["CACHE", "Hit", "Hits", "SearchIndex", "as_json", "cache_path", "forget", "normalize", "store_version"]
