"""Reading SPARQL text without running it: a lexer for the SPARQL 1.1 terminals and the grammar of
the prologue, so every face decides the same way what a text is.

:func:`analyse` tells a query (and its form) from an update by the first keyword after the
prologue (``BASE``/``PREFIX`` declarations, comments and white space, as the grammar defines
them: a comment ends at CR or LF), and records what the rest of the text uses: prefixes,
variables, ``SERVICE`` endpoints, and where the outermost ``WHERE`` group opens (where
:func:`axialkg.stores.inject_values` binds parameters). Comments, strings and IRIs are tokens of
their own, so a keyword inside them never counts.

>>> analyse("PREFIX x: <http://e/> # a comment\\rDROP ALL").kind
'update'
>>> a = analyse("SELECT ?s WHERE { ?s a axkg:Drug }")
>>> (a.kind, a.form, sorted(a.variables), sorted(a.prefixes_used))
('query', 'SELECT', ['s'], ['axkg'])
"""

from __future__ import annotations

import functools
import re

from .errors import UsageError
from .records import Frozen, set_field, set_fields

QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
UPDATE_VERBS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})

_PN_CHARS_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
                  "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF")
_PN_CHARS_EXTRA = r"\-0-9\u00B7\u0300-\u036F\u203F-\u2040"  # what PN_CHARS adds to PN_CHARS_U
_VARNAME_EXTRA = "0-9\u00B7\u0300-\u036F\u203F-\u2040"  # what VARNAME's later characters add to PN_CHARS_U
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_ECHAR = r"\\[tbnrf\\\"']"


def _grammar(base: str, pn_extra: str, var_extra: str) -> dict[str, str]:
    """The name terminals over a given PN_CHARS_BASE. Compiling the grammar's Unicode classes costs
    tens of milliseconds, so ASCII text (nearly every query) is read with the same terminals over
    their ASCII members, which on ASCII input match exactly what the full ones match; the full
    classes are compiled only when a text holds other characters."""
    u = base + "_"
    chars = u + pn_extra
    return {"PN_PREFIX": f"[{base}](?:[{chars}.]*[{chars}])?",
            "PN_LOCAL": f"(?:[{u}:0-9]|{_PLX})(?:(?:[{chars}.:]|{_PLX})*(?:[{chars}:]|{_PLX}))?",
            "VARNAME": f"[{u}0-9][{u}{var_extra}]*",
            "BNODE": f"_:[{u}0-9](?:[{chars}.]*[{chars}])?"}


def _token_patterns(g: dict[str, str]) -> list[tuple[str, str]]:
    # Order matters: long strings before short ones, IRIs before '<', names before keywords.
    return [
        ("WS", r"[ \t\r\n]+"),
        ("COMMENT", r"#[^\r\n]*"),
        ("STRING", "'''(?:(?:'|'')?(?:[^'\\\\]|" + _ECHAR + "))*'''"),
        ("STRING", '"""(?:(?:"|"")?(?:[^"\\\\]|' + _ECHAR + '))*"""'),
        ("STRING", "'(?:[^'\\\\\\n\\r]|" + _ECHAR + ")*'"),
        ("STRING", '"(?:[^"\\\\\\n\\r]|' + _ECHAR + ')*"'),
        ("IRI", r"<[^<>\"{}|^`\\\x00-\x20]*>"),
        ("VAR", f"[?$]{g['VARNAME']}"),
        ("BNODE", g["BNODE"]),
        ("PNAME", f"(?:{g['PN_PREFIX']})?:(?:{g['PN_LOCAL']})?"),
        ("LANGTAG", r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*"),
        ("NUMBER", r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"),
        ("WORD", r"[A-Za-z_][A-Za-z0-9_]*"),
        ("PUNCT", r"\^\^|&&|\|\||!=|<=|>=|[{}()\[\];,.=<>!+\-*/^|?]"),
    ]


@functools.lru_cache(maxsize=2)
def _lexer(ascii_only: bool) -> tuple[re.Pattern, dict[str, str], re.Pattern]:
    """(token scanner, group name → kind, PNAME_NS) for ASCII text or for any text, compiled on first use."""
    g = _grammar("A-Za-z", r"\-0-9", "0-9") if ascii_only else \
        _grammar(_PN_CHARS_BASE, _PN_CHARS_EXTRA, _VARNAME_EXTRA)
    patterns = _token_patterns(g)
    scanner = re.compile("|".join(f"(?P<{kind}{i}>{pattern})" for i, (kind, pattern) in enumerate(patterns)))
    kinds = {f"{kind}{i}": kind for i, (kind, _) in enumerate(patterns)}
    return scanner, kinds, re.compile(f"(?:{g['PN_PREFIX']})?:")


class Token(Frozen):
    __slots__ = _fields = ("kind", "text", "start")
    kind: str    # WS COMMENT STRING IRI VAR BNODE PNAME LANGTAG NUMBER WORD PUNCT ERROR
    text: str
    start: int

    def __init__(self, kind: str, text: str, start: int):
        set_field(self, "kind", kind)
        set_field(self, "text", text)
        set_field(self, "start", start)

    @property
    def word(self) -> str:
        """The upper-cased keyword for a WORD token ('' otherwise): SPARQL keywords ignore case."""
        return self.text.upper() if self.kind == "WORD" else ""


def tokens(text: str) -> list[Token]:
    """Every token of ``text`` in order; a character no terminal accepts becomes an ERROR token."""
    scanner, kinds, _ = _lexer(text.isascii())
    out, at, n = [], 0, len(text)
    while at < n:
        m = scanner.match(text, at)
        if m is None:
            out.append(Token("ERROR", text[at], at))
            at += 1
            continue
        out.append(Token(kinds[m.lastgroup or ""], m.group(), at))
        at = m.end()
    return out


class Analysis(Frozen):
    """What a SPARQL text is and uses. ``kind`` is "query" or "update" ("query" also when the text
    is malformed: the engine's query parser then says why, and a query path never runs updates)."""

    __slots__ = _fields = ("kind", "form", "prologue_end", "prefixes_declared", "prefixes_used", "variables", "services",
                 "where_open", "keywords")
    kind: str
    form: str | None                       # SELECT, CONSTRUCT, DESCRIBE or ASK for a query
    prologue_end: int                      # offset where the prologue ends
    prefixes_declared: dict
    prefixes_used: frozenset
    variables: frozenset
    services: tuple                        # SERVICE targets: IRIs, "prefix:local" names, or "?var"
    where_open: int | None                 # offset just after the '{' of the outermost WHERE group
    keywords: frozenset                    # the words of the body, upper-cased (functions such as NOW, RAND)

    def __init__(self, kind: str, form: str | None, prologue_end: int, prefixes_declared: dict | None = None,
                 prefixes_used: frozenset = frozenset(), variables: frozenset = frozenset(), services: tuple = (),
                 where_open: int | None = None, keywords: frozenset = frozenset()):
        set_fields(self, kind=kind, form=form, prologue_end=prologue_end,
                   prefixes_declared={} if prefixes_declared is None else prefixes_declared, prefixes_used=prefixes_used,
                   variables=variables, services=services, where_open=where_open, keywords=keywords)

    @property
    def is_update(self) -> bool:
        return self.kind == "update"


_SKIP = re.compile(r"(?:[ \t\r\n]+|#[^\r\n]*)*")
_IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_CODEPOINT = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))|\\.", re.S)


def unescape_codepoints(text: str) -> str:
    """SPARQL's \\u and \\U escapes, which the grammar applies to the whole text before parsing."""
    if "\\" not in text:
        return text

    def one(m: re.Match) -> str:
        code = m.group(1) or m.group(2)
        if code is None:
            return m.group(0)
        try:
            return chr(int(code, 16))
        except ValueError:  # beyond U+10FFFF: left for the engine to refuse
            return m.group(0)
    return _CODEPOINT.sub(one, text)


def _skip(text: str, at: int) -> int:
    """Past white space and comments from ``at`` (the pattern matches the empty string too)."""
    m = _SKIP.match(text, at)
    return m.end() if m else at


def _prologue(text: str) -> tuple[int, dict]:
    """Parse ``( BaseDecl | PrefixDecl )*`` as a PEG parser does (keywords need no space after them:
    ``PREFIX:<…>`` declares the empty prefix); where it ends and the prefixes it declares."""
    pname_ns = _lexer(text.isascii())[2]
    at, declared = _skip(text, 0), {}
    while True:
        head = text[at:at + 6].upper()
        if head.startswith("BASE"):
            p = _skip(text, at + 4)
            m = _IRIREF.match(text, p)
            if not m:
                break
            at = _skip(text, m.end())
        elif head == "PREFIX":
            p = _skip(text, at + 6)
            ns = pname_ns.match(text, p)
            if not ns:
                break
            q = _skip(text, ns.end())
            m = _IRIREF.match(text, q)
            if not m:
                break
            declared[ns.group()[:-1]] = m.group()[1:-1]
            at = _skip(text, m.end())
        else:
            break
    return at, declared


def _scan(text: str):
    prologue_end, declared = _prologue(text)
    rest = text[prologue_end:prologue_end + 9].upper()
    if not rest.strip():
        kind, form = "update", None  # an empty request is an empty update
    else:
        form = next((f for f in QUERY_FORMS if rest.startswith(f)), None)
        verb = next((v for v in UPDATE_VERBS if rest.startswith(v)), None)
        kind = "update" if verb and not form else "query"
    body = [t for t in tokens(text[prologue_end:]) if t.kind not in ("WS", "COMMENT")]
    services = []
    for j, t in enumerate(body):
        if t.word == "SERVICE":
            k = j + 1
            if k < len(body) and body[k].word == "SILENT":
                k += 1
            if k < len(body):
                target = body[k]
                services.append(target.text[1:-1] if target.kind == "IRI" else target.text)
    return prologue_end, declared, kind, form, body, services


# Functions whose value differs each time a query runs: an answer that uses one is never kept.
NONDETERMINISTIC = frozenset({"RAND", "NOW", "UUID", "STRUUID", "BNODE"})


def analyse(text: str) -> Analysis:
    """Analyse SPARQL text (cached: named queries, and the endpoint's repeated requests, are
    analysed again and again; texts over 16 KiB are not kept, so the cache stays small).

    Some engines apply SPARQL's codepoint escapes to the whole text before parsing (pyoxigraph does
    not), so the text is also read with them applied: a text that is an update, or calls SERVICE,
    either way counts as one."""
    return _analyse_cached(text) if len(text) <= 16384 else _analyse(text)


def _analyse(text: str) -> Analysis:
    prologue_end, declared, kind, form, body, services = _scan(text)
    words = {t.text.upper() for t in body if t.kind == "WORD"}
    unescaped = unescape_codepoints(text)
    if unescaped != text:
        _, _, kind2, _, body2, services2 = _scan(unescaped)
        words.update(t.text.upper() for t in body2 if t.kind == "WORD")
        if kind2 == "update":
            kind, form = "update", None
        services = services + [s for s in services2 if s not in services]
    used = {t.text.split(":", 1)[0] for t in body if t.kind == "PNAME"}
    variables = {t.text[1:] for t in body if t.kind == "VAR"}
    where = _where_open(body, form) if kind == "query" else None
    return Analysis(kind, form, prologue_end, declared, frozenset(used), frozenset(variables), tuple(services),
                    None if where is None else where + prologue_end, frozenset(words))


_analyse_cached = functools.lru_cache(maxsize=1024)(_analyse)


def _where_open(body: list[Token], form: str | None) -> int | None:
    """Just after the '{' opening the query's outermost WHERE group (CONSTRUCT's template skipped)."""
    depth, seen_where, first_group = 0, False, None
    for t in body:
        if t.kind != "PUNCT" and t.kind != "WORD":
            continue
        if t.text == "{":
            if depth == 0:
                if seen_where:
                    return t.start + 1
                if first_group is None:
                    first_group = t.start + 1
            depth += 1
        elif t.text == "}":
            depth -= 1
        elif depth == 0 and t.word == "WHERE":
            seen_where = True
    # SELECT * { … }, ASK { … }, DESCRIBE ?x { … } may leave out the keyword; a CONSTRUCT's first
    # group is its template.
    return first_group if form in ("SELECT", "ASK", "DESCRIBE") else None


def with_prefixes(text: str) -> str:
    """The text with PREFIX lines added for the project's usual prefixes it uses without declaring
    (as the Wikidata Query Service does); a prefix that is neither declared nor usual is named in one line.

    The declarations go on the text's first line, so the line numbers of a syntax error stay right.

    >>> with_prefixes("SELECT ?d WHERE { ?d a axkg:Drug }")
    'PREFIX axkg: <https://w3id.org/axialkg/> SELECT ?d WHERE { ?d a axkg:Drug }'
    """
    from .vocab import PREFIXES

    a = analyse(text)
    missing = sorted(a.prefixes_used - set(a.prefixes_declared))
    unknown = [p for p in missing if p not in PREFIXES]
    if unknown:
        raise UsageError(f"unknown prefix '{unknown[0]}:' (declare it with PREFIX {unknown[0]}: <…>; these need no "
                         f"declaration: {', '.join(sorted(PREFIXES))})")
    if not missing:
        return text
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}> " for p in missing) + text


def is_update(text: str) -> bool:
    """Whether SPARQL text is an update (decided by :func:`analyse`)."""
    return analyse(text).is_update


def with_values(text: str, values: str) -> str:
    """The query with ``values`` (a VALUES block) placed first inside its outermost WHERE group."""
    a = analyse(text)
    if a.where_open is None:
        raise UsageError("cannot bind parameters: no WHERE group found in the query")
    return text[:a.where_open] + values + text[a.where_open:]


__all__ = ["Analysis", "NONDETERMINISTIC",
           "QUERY_FORMS", "Token", "UPDATE_VERBS", "analyse", "is_update", "tokens", "unescape_codepoints", "with_prefixes",
           "with_values"]
