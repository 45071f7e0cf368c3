r"""Query results in one engine-neutral form, and every way they are written out.

Every engine turns its answers into :class:`Term` values, so a result from pyoxigraph, rdflib
or a remote endpoint compares equal row for row. The command line, the Python API and the
endpoint write them with the same serializers: W3C SPARQL 1.1 Query Results JSON, XML, CSV and
TSV, a terminal table, and for CONSTRUCT/DESCRIBE answers the RDF syntaxes of
:mod:`axialkg.rdfio`. Light on purpose: no rdflib or pandas imports here.

>>> Results.ask(True).serialize("csv")
b'true\r\n'
"""

from __future__ import annotations

import json
import re

from .records import Frozen
from .vocab import RDF_LANG_STRING, XSD_NS, XSD_STRING, short

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy reads the name)
if TYPE_CHECKING:
    from typing import Any, Callable, Iterable, Iterator

XSD = XSD_NS
# media types of the SELECT/ASK serializations, by key; the first is the endpoint's default
RESULT_MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}


class Term(Frozen):
    """An RDF term as the W3C SPARQL JSON results describe it: ``uri``, ``literal`` or ``bnode``.

    ``datatype`` is None for plain strings (xsd:string) and language-tagged literals.
    """

    _fields = ("type", "value", "datatype", "lang")
    type: str
    value: str
    datatype: str | None
    lang: str | None

    def __init__(self, type: str, value: str, datatype: str | None = None, lang: str | None = None):  # noqa: A002
        self.__dict__.update(type=type, value=value, datatype=datatype, lang=lang)

    def __eq__(self, other: object) -> bool:  # the fields spelled out: terms are compared by the million
        if other.__class__ is not Term:
            return NotImplemented
        assert isinstance(other, Term)
        return (self.type, self.value, self.datatype, self.lang) == (other.type, other.value, other.datatype, other.lang)

    def __hash__(self) -> int:  # type: ignore[override]
        return hash((self.type, self.value, self.datatype, self.lang))

    @classmethod
    def uri(cls, value: str) -> "Term":
        return cls("uri", value)

    @classmethod
    def _trusted(cls, kind: str, value: str, datatype: str | None = None, lang: str | None = None) -> "Term":
        """For engines converting already-normal values (IRIs, plain and language strings), once per
        value of every row: fills the fields directly, skipping the frozen __init__'s setattr calls."""
        term = object.__new__(cls)
        term.__dict__.update(type=kind, value=value, datatype=datatype, lang=lang)
        return term

    @classmethod
    def literal(cls, value: str, datatype: str | None = None, lang: str | None = None) -> "Term":
        if lang:
            return cls("literal", value, None, lang.lower())
        if datatype == XSD + "decimal":
            from .rdfio import canonical_decimal  # decimal and rdfio load only for a decimal

            value = canonical_decimal(value)
        return cls("literal", value, None if datatype in (None, XSD_STRING, RDF_LANG_STRING) else datatype)

    @classmethod
    def from_json(cls, d: dict) -> "Term":
        """A term from a W3C SPARQL JSON binding (``typed-literal`` is the old JSON name)."""
        kind = d["type"]
        if kind in ("literal", "typed-literal"):
            return cls.literal(d["value"], d.get("datatype"), d.get("xml:lang"))
        return cls("bnode" if kind == "bnode" else "uri", d["value"])

    def to_json(self) -> dict:
        out = {"type": self.type, "value": self.value}
        if self.lang:
            out["xml:lang"] = self.lang
        elif self.datatype:
            out["datatype"] = self.datatype
        return out

    def n3(self) -> str:
        """The term in N-Triples/SPARQL syntax."""
        if self.type == "uri":
            return f"<{self.value}>"
        if self.type == "bnode":
            return f"_:{self.value}"
        text = '"' + _escape(self.value) + '"'
        if self.lang:
            return f"{text}@{self.lang}"
        if self.datatype:
            return f"{text}^^<{self.datatype}>"
        return text

    def short(self) -> str:
        """What a person reads in a table: IRIs as CURIEs (ours, and the mapped resources' standard
        ones), literals as their text."""
        if self.type == "uri":
            return short(self.value)
        if self.type == "bnode":
            return "_:" + self.value
        return self.value

    def key(self) -> tuple:
        """A total sort order (type, value, datatype, language)."""
        return (self.type, self.value, self.datatype or "", self.lang or "")

    def __str__(self) -> str:
        return self.value


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r").replace("\t", "\\t"))


# Turtle's short forms for numbers and booleans, which the W3C TSV format uses.
_SHORT = {
    XSD + "integer": re.compile(r"[+-]?\d+"),
    XSD + "decimal": re.compile(r"[+-]?\d*\.\d+"),
    XSD + "double": re.compile(r"[+-]?(\d+\.\d*|\.?\d+)[eE][+-]?\d+"),
    XSD + "boolean": re.compile(r"true|false"),
}


def _tsv_term(term: Term) -> str:
    pattern = _SHORT.get(term.datatype or "")
    if term.type == "literal" and pattern and pattern.fullmatch(term.value):
        return term.value
    return term.n3()


class Results:
    """The answer to a query: ``variables`` + ``rows`` (SELECT), ``boolean`` (ASK),
    or rows of subject/predicate/object (CONSTRUCT/DESCRIBE, ``kind == "graph"``).

    A row maps variable name → :class:`Term`; unbound variables are absent from the row. An
    engine may hand over its own rows instead (:meth:`lazy`): they become :class:`Term` rows on
    first use, so ``len()`` and a result nobody reads cost no conversion.
    """

    def __init__(self, variables: list[str], rows: list[dict[str, Term]] | None = None,
                 boolean: bool | None = None, kind: str = "bindings", truncated: bool = False):
        self.variables = variables
        self._rows: list[dict[str, Term]] = [] if rows is None else rows
        self.boolean = boolean
        self.kind = kind
        self.truncated = truncated  # the engine had more rows than the ``limit`` asked for
        self._raw: list[tuple] | None = None  # the engine's rows, not yet converted
        self._convert: Callable[[Any], Term] | None = None
        self._memo: dict = {}
        self._rewrites: list[tuple[tuple[str, ...], Callable[[Term], Term]]] = []

    @classmethod
    def lazy(cls, variables: list[str], raw: list[tuple], convert: Callable[[Any], Term], *,
             memo: dict | None = None, truncated: bool = False) -> "Results":
        """Rows as an engine gave them (tuples of its terms in ``variables`` order, None where
        unbound), each distinct term converted by ``convert`` once, when the rows are first used.
        ``memo`` (engine term → Term) may be shared across results: terms are immutable."""
        out = cls(variables, None, truncated=truncated)
        out._raw, out._convert = raw, convert
        if memo is not None:
            out._memo = memo
        return out

    @property
    def rows(self) -> list[dict[str, Term]]:
        if self._raw is not None:
            self._build()
        return self._rows

    @rows.setter
    def rows(self, value: list[dict[str, Term]]) -> None:
        self._rows, self._raw, self._rewrites = value, None, []

    def _build(self) -> None:
        raw, variables, memo, convert = self._raw, self.variables, self._memo, self._convert
        assert raw is not None and convert is not None
        get = memo.get
        rows = []
        for values in raw:  # the hot loop of every lazy answer: locals only, one dict probe per value
            row = {}
            for v, x in zip(variables, values):
                if x is not None:
                    term = get(x)
                    if term is None:
                        term = memo[x] = convert(x)
                    row[v] = term
            rows.append(row)
        rewrites, self._rewrites = self._rewrites, []
        self._rows, self._raw = rows, None
        for columns, fn in rewrites:
            self._rewrite(columns, fn)

    def rewrite(self, columns: Iterable[str], fn: Callable[[Term], Term]) -> None:
        """Replace each value of ``columns`` by ``fn(value)``, called once per distinct value: now,
        or when the rows are first built (``fn`` returning its argument leaves a value as it is)."""
        columns = tuple(columns)
        if self._raw is not None:
            self._rewrites.append((columns, fn))
        else:
            self._rewrite(columns, fn)

    def _rewrite(self, columns: tuple[str, ...], fn: Callable[[Term], Term]) -> None:
        done: dict[int, Term] = {}  # by identity: the rows share one Term per distinct value
        for row in self._rows:
            for col in columns:
                term = row.get(col)
                if term is not None:
                    new = done.get(id(term))
                    if new is None:
                        new = done[id(term)] = fn(term)
                    if new is not term:
                        row[col] = new

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Results)
        return (self.variables, self.boolean, self.kind, self.truncated) == \
            (other.variables, other.boolean, other.kind, other.truncated) and self.rows == other.rows

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass it was

    def __getstate__(self) -> dict:
        """Pickled as Term rows (the server's workers send results through pipes): an engine's own
        terms and its converter stay in the process that made them."""
        return {"variables": self.variables, "rows": self.rows, "boolean": self.boolean, "kind": self.kind,
                "truncated": self.truncated}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["variables"], state["rows"], state["boolean"], state["kind"],  # type: ignore[misc]
                      state["truncated"])

    @classmethod
    def ask(cls, value: bool) -> "Results":
        return cls([], [], bool(value), "boolean")

    @classmethod
    def graph(cls, triples) -> "Results":
        rows = [dict(zip(("subject", "predicate", "object"), t)) for t in triples]
        return cls(["subject", "predicate", "object"], sorted(rows, key=_row_key), None, "graph")

    def __iter__(self) -> Iterator[dict[str, Term]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self._raw if self._raw is not None else self._rows)

    def __bool__(self) -> bool:
        return bool(self.boolean) if self.kind == "boolean" else len(self) > 0

    def _terms(self, name: str) -> list[Term | None]:
        """One column's terms (None where unbound); a lazy answer converts only this column."""
        if self._raw is None or any(name in columns for columns, _ in self._rewrites) or name not in self.variables:
            return [r.get(name) for r in self.rows]
        i, memo, convert = self.variables.index(name), self._memo, self._convert
        assert convert is not None
        out: list[Term | None] = []
        for values in self._raw:
            x = values[i]
            if x is None:
                out.append(None)
                continue
            term = memo.get(x)
            if term is None:
                term = memo[x] = convert(x)
            out.append(term)
        return out

    def column(self, name: str) -> list[str]:
        """The plain values of one column (blank where unbound)."""
        return ["" if t is None else t.value for t in self._terms(name)]

    def values(self, name: str) -> set[str]:
        """The distinct plain values of one column."""
        return {t.value for t in self._terms(name) if t is not None}

    def records(self) -> list[dict[str, str]]:
        """Rows as plain dicts of strings (unbound variables left out)."""
        return [{k: v.value for k, v in r.items()} for r in self.rows]

    def row_set(self) -> list[tuple]:
        """Rows in a canonical order, for comparing answers across engines."""
        return sorted(tuple(r[v].key() if v in r else () for v in self.variables) for r in self.rows)

    # ---- formats -----------------------------------------------------------------------
    def as_sparql_json(self) -> dict:
        """The W3C SPARQL 1.1 Query Results JSON document, as a dict."""
        if self.kind == "boolean":
            return {"head": {}, "boolean": bool(self.boolean)}
        return {"head": {"vars": list(self.variables)},
                "results": {"bindings": [{k: v.to_json() for k, v in r.items()} for r in self.rows]}}

    def to_json(self, indent: int | None = 2) -> str:
        """W3C SPARQL 1.1 Query Results JSON."""
        return json.dumps(self.as_sparql_json(), indent=indent, ensure_ascii=False,
                          separators=None if indent else (",", ":"))

    def to_csv(self) -> str:
        """W3C SPARQL 1.1 Query Results CSV: plain values, CRLF line ends."""
        if self.kind == "boolean":
            return "true\r\n" if self.boolean else "false\r\n"
        import csv
        import io

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(self.variables)
        for r in self.rows:
            w.writerow([("_:" + r[v].value if r[v].type == "bnode" else r[v].value) if v in r else ""
                        for v in self.variables])
        return buf.getvalue()

    def to_tsv(self) -> str:
        """W3C SPARQL 1.1 Query Results TSV: ``?var`` header, terms in SPARQL syntax."""
        if self.kind == "boolean":
            return "true\n" if self.boolean else "false\n"
        lines = ["\t".join("?" + v for v in self.variables)]
        lines += ["\t".join(_tsv_term(r[v]) if v in r else "" for v in self.variables) for r in self.rows]
        return "\n".join(lines) + "\n"

    def to_xml(self) -> str:
        """W3C SPARQL Query Results XML."""
        from xml.sax.saxutils import quoteattr  # not at import: it pulls in urllib.request and http.client

        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
        if self.kind == "boolean":
            out.append(f"</head>\n<boolean>{'true' if self.boolean else 'false'}</boolean>\n</sparql>\n")
            return "".join(out)
        out += [f"<variable name={quoteattr(v)}/>" for v in self.variables]
        out.append("</head>\n<results>\n")
        for row in self.rows:
            out.append("<result>")
            out += [f"<binding name={quoteattr(v)}>{_xml_term(row[v])}</binding>" for v in self.variables if v in row]
            out.append("</result>\n")
        out.append("</results>\n</sparql>\n")
        return "".join(out)

    def to_ntriples(self) -> str:
        if self.kind != "graph":
            raise ValueError("only CONSTRUCT/DESCRIBE results are triples")
        return "".join(f"{r['subject'].n3()} {r['predicate'].n3()} {r['object'].n3()} .\n" for r in self.rows)

    def to_rdf(self, syntax: str, prefixes: dict[str, str] | None = None) -> bytes:
        """A CONSTRUCT/DESCRIBE answer in an RDF syntax of :mod:`axialkg.rdfio` (by name)."""
        import pyoxigraph as ox

        from .rdfio import BY_NAME

        if self.kind != "graph":
            raise ValueError("only CONSTRUCT/DESCRIBE results are triples")
        target = BY_NAME[syntax]
        if target.name == "ntriples":
            return self.to_ntriples().encode("utf-8")
        triples = [ox.Triple(*(_ox_term(r[k]) for k in ("subject", "predicate", "object"))) for r in self.rows]
        if prefixes and target.name in ("turtle", "rdfxml"):
            return ox.serialize(triples, format=target.ox(), prefixes=prefixes) or b""
        return ox.serialize(triples, format=target.ox()) or b""

    def serialize(self, key: str) -> bytes:
        """The bytes the endpoint sends: ``key`` is a results format (json, xml, csv, tsv) for
        SELECT/ASK, an RDF syntax name for CONSTRUCT/DESCRIBE."""
        if self.kind == "graph":
            from .vocab import PREFIXES

            return self.to_rdf(key, PREFIXES if key == "turtle" else None)
        if key == "json":
            return self.to_json(indent=None).encode("utf-8")
        writers = {"xml": self.to_xml, "csv": self.to_csv, "tsv": self.to_tsv}
        if key not in writers:
            raise ValueError(f"unknown results format {key!r}")
        return writers[key]().encode("utf-8")

    def to_table(self, max_width: int = 60) -> str:
        """A readable terminal table; long cells are cut at ``max_width`` with an ellipsis (0: never,
        the wide mode).

        >>> r = Results(["x"], [{"x": Term.literal("a" * 70)}])
        >>> len(r.to_table().splitlines()[2]), len(r.to_table(max_width=0).splitlines()[2])
        (60, 70)
        """
        if self.kind == "boolean":
            return "true" if self.boolean else "false"

        def cell(r, v):
            text = r[v].short() if v in r else ""
            text = " ".join(text.split())
            return text if not max_width or len(text) <= max_width else text[: max_width - 1] + "…"

        cells = [[cell(r, v) for v in self.variables] for r in self.rows]
        widths = [max([len(v)] + [len(c[i]) for c in cells]) for i, v in enumerate(self.variables)]

        def line(vals):
            return "  ".join(x.ljust(w) for x, w in zip(vals, widths)).rstrip()

        out = [line(self.variables), line(["-" * w for w in widths])] + [line(c) for c in cells]
        out.append(f"({len(self.rows)} row{'' if len(self.rows) == 1 else 's'})")
        return "\n".join(out)

    def format(self, fmt: str, *, wide: bool = False) -> str:
        """Text in one of: table (``wide``: no cell cut short), json, xml, csv, tsv, ntriples."""
        if fmt == "table":
            return self.to_table(max_width=0 if wide else 60) + "\n"
        if fmt == "json":
            return self.to_json() + "\n"
        if fmt == "xml":
            return self.to_xml()
        if fmt == "csv":
            return self.to_csv()
        if fmt == "tsv":
            return self.to_tsv()
        if fmt == "ntriples":
            return self.to_ntriples()
        raise ValueError(f"unknown format {fmt!r}")

    def to_dataframe(self):
        """A pandas DataFrame of plain strings (labels stay readable); needs pandas."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            from .errors import AxialKGError

            raise AxialKGError("to_dataframe needs pandas: pip install pandas") from None
        if self.kind == "boolean":
            return pd.DataFrame({"boolean": [bool(self.boolean)]})
        return pd.DataFrame([[r[v].value if v in r else None for v in self.variables] for r in self.rows],
                            columns=list(self.variables))

    def _repr_html_(self) -> str:
        """Jupyter's view: the table, IRIs of our namespaces as CURIEs."""
        if self.kind == "boolean":
            return f"<p>{'true' if self.boolean else 'false'}</p>"
        cells = [[r[v].short() if v in r else "" for v in self.variables] for r in self.rows]
        n = len(self.rows)
        return html_table(self.variables, cells, caption=f"{n} row{'' if n == 1 else 's'}"
                          + (" (truncated)" if self.truncated else ""))

    def __repr__(self) -> str:
        if self.kind == "boolean":
            return f"Results(boolean={self.boolean})"
        return f"Results(variables={self.variables}, rows={len(self)})"


HTML_ROWS = 200  # rows a notebook shows before saying how many more there are


def html_table(columns: list[str], rows: list[list[str]], *, caption: str = "") -> str:
    """An HTML table of plain texts, escaped: what Jupyter shows for results, entities and paths.

    >>> html_table(["a"], [["<x>"]])
    '<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>&lt;x&gt;</td></tr></tbody></table>'
    """
    from html import escape as esc

    head = "".join(f"<th>{esc(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in r) + "</tr>" for r in rows[:HTML_ROWS])
    more = f"<p>… {len(rows) - HTML_ROWS} more rows</p>" if len(rows) > HTML_ROWS else ""
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def _xml_term(term: Term) -> str:
    from xml.sax.saxutils import escape, quoteattr

    if term.type == "uri":
        return f"<uri>{escape(term.value)}</uri>"
    if term.type == "bnode":
        return f"<bnode>{escape(term.value)}</bnode>"
    attrs = ""
    if term.lang:
        attrs = f" xml:lang={quoteattr(term.lang)}"
    elif term.datatype:
        attrs = f" datatype={quoteattr(term.datatype)}"
    return f"<literal{attrs}>{escape(term.value)}</literal>"


def _ox_term(term: Term):
    import pyoxigraph as ox

    if term.type == "uri":
        return ox.NamedNode(term.value)
    if term.type == "bnode":
        return ox.BlankNode(term.value)
    if term.lang:
        return ox.Literal(term.value, language=term.lang)
    return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype)) if term.datatype else ox.Literal(term.value)


def _row_key(row: dict) -> tuple:
    return tuple(row[k].key() for k in ("subject", "predicate", "object"))
