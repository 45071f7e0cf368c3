"""Sorted, canonical N-Triples streamed from the store's dump, for graphs too large for an rdflib copy.

The store's N-Triples go to a file and are put in order by an external sort (``LC_ALL=C sort``, which
spills to disk), so memory does not grow with the graph; one pass in Python then names blank nodes
from their content, as :func:`axialkg.rdfio.canonical_graph` does for trees (a node's name hashes its
outgoing triples, nested blank nodes by their content, and where it hangs), and spells decimals as the
release does. Only the blank nodes' digests stay in memory. Lines with blank nodes are renamed and sorted
again, then merged with the rest. A graph whose blank nodes are not trees (a cycle, or two nodes that
would get one name) is refused here; the in-memory writer handles it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Callable
from decimal import InvalidOperation
from pathlib import Path

from ..errors import AxialKGError
from ..rdfio import release_decimal
from ..vocab import XSD_DECIMAL

DECIMAL = f"^^<{XSD_DECIMAL}>".encode()
SORT_MEMORY = "512M"  # GNU sort's buffer; it spills to temporary files beyond it


class NotTrees(AxialKGError):
    """The graph's blank nodes cannot be named by content in one pass."""


def _sort(paths: list[Path], out: Path, tmp: Path, *, merge: bool = False) -> None:
    """Bytewise sort (or merge of sorted files) of N-Triples lines into ``out``."""
    exe = shutil.which("sort")
    if exe is None:  # no coreutils: sort in memory
        lines = sorted(line for p in paths for line in p.read_bytes().splitlines(keepends=True))
        out.write_bytes(b"".join(lines))
        return
    cmd = [exe, "-S", SORT_MEMORY, "-T", str(tmp), *(["-m"] if merge else []), "-o", str(out), *map(str, paths)]
    subprocess.run(cmd, check=True, env={**os.environ, "LC_ALL": "C"})


def sort_lines(paths: list[Path], out: Path, tmp: Path) -> None:
    """Bytewise (``LC_ALL=C``) external sort of the lines of ``paths`` into ``out``, spilling to ``tmp``."""
    _sort(paths, out, tmp)


def _respell(obj: bytes) -> bytes:
    if not obj.endswith(DECIMAL):
        return obj
    text = obj[1:-len(DECIMAL) - 1].decode()
    try:
        spelled = release_decimal(text)
    except InvalidOperation:
        return obj
    return b'"' + spelled.encode() + b'"' + DECIMAL


def _digest(parts: list[bytes]) -> bytes:
    return hashlib.sha256(b"\n".join(sorted(parts))).hexdigest()[:32].encode()


def write_ntriples(data: bytes | Callable[[Path], None], out: Path) -> int:
    """Write N-Triples ``data`` (or what a function writes to the path it is given) to ``out`` sorted, with
    content-derived blank-node names and the release's decimals; return the number of triples. Raises
    NotTrees where that cannot be done in a pass."""
    with tempfile.TemporaryDirectory(prefix="axialkg-export-", dir=out.parent) as name:
        tmp = Path(name)
        raw, ordered = tmp / "raw.nt", tmp / "sorted.nt"
        if callable(data):
            data(raw)  # the dump is freed when the function returns, before the sort
        else:
            raw.write_bytes(data)
        del data
        with open(raw, "ab") as fh:  # a last line without its newline would sort glued to the next
            fh.write(b"\n")
        _sort([raw], ordered, tmp)
        raw.unlink()
        ground, blank = tmp / "ground.nt", tmp / "blank.nt"
        content: dict[bytes, bytes] = {}  # blank node → digest of its outgoing triples (leaf nodes)
        nested: dict[bytes, list[tuple[bytes, bytes]]] = {}  # blank nodes with blank objects: their triples
        into: dict[bytes, list[tuple[bytes, bytes]]] = defaultdict(list)
        count, respelled = 0, False
        group: bytes | None = None
        parts: list[tuple[bytes, bytes]] = []

        def close_group() -> None:
            if group is None:
                return
            if any(o.startswith(b"_:") for _, o in parts):
                nested[group] = list(parts)
            else:
                content[group] = _digest([p + b" " + o for p, o in parts])

        with open(ordered, "rb") as src, open(ground, "wb") as g, open(blank, "wb") as b:
            write_ground = g.write
            for line in src:
                if b"_:" not in line and DECIMAL not in line:  # most lines: written as they are
                    if len(line) > 1:
                        count += 1
                        write_ground(line)
                    continue
                count += 1
                s, p, rest = line.split(b" ", 2)
                o = rest.rstrip(b"\n").removesuffix(b" .")
                if DECIMAL in o:
                    o2 = _respell(o)
                    if o2 != o:
                        respelled, o = True, o2
                        line = b" ".join((s, p, o)) + b" .\n"
                s_blank, o_blank = s.startswith(b"_:"), o.startswith(b"_:")
                if s_blank:
                    if s != group:
                        close_group()
                        group, parts = s, []
                    parts.append((p, o))
                if o_blank:
                    into[o].append((s, p))
                (b if s_blank or o_blank else g).write(line)
            close_group()
        ordered.unlink()
        names = _names(content, nested, into)
        renamed = tmp / "renamed.nt"
        with open(blank, "rb") as src, open(renamed, "wb") as dst:
            for line in src:
                s, p, rest = line.split(b" ", 2)
                o = rest.rstrip(b"\n").removesuffix(b" .")
                dst.write(b" ".join((names.get(s, s), p, names.get(o, o))) + b" .\n")
        blank.unlink()
        final_blank = tmp / "renamed-sorted.nt"
        _sort([renamed], final_blank, tmp)
        if respelled:
            resorted = tmp / "ground-sorted.nt"
            _sort([ground], resorted, tmp)
            ground = resorted
        _sort([ground, final_blank], out, tmp, merge=True)
    return count


def _names(content: dict[bytes, bytes], nested: dict[bytes, list[tuple[bytes, bytes]]],
           into: dict[bytes, list[tuple[bytes, bytes]]]) -> dict[bytes, bytes]:
    """Blank node → ``_:c14n…``: the digest of its content and of where it hangs (as canonical_graph)."""
    busy: set[bytes] = set()

    def down(node: bytes) -> bytes:
        if node in content:
            return content[node]
        if node not in nested:  # a blank node with no triples of its own
            content[node] = _digest([])
            return content[node]
        if node in busy:
            raise NotTrees("blank nodes that are not trees")
        busy.add(node)
        content[node] = _digest([p + b" " + (down(o) if o.startswith(b"_:") else o) for p, o in nested[node]])
        busy.discard(node)
        return content[node]

    names: dict[bytes, bytes] = {}
    climbing: set[bytes] = set()

    def up(node: bytes) -> bytes:
        if node in names:
            return names[node]
        if node in climbing:
            raise NotTrees("blank nodes that are not trees")
        climbing.add(node)
        where = [b"^" + (up(s)[2:] if s.startswith(b"_:") else s) + b" " + p for s, p in into.get(node, ())]
        names[node] = b"_:c14n" + _digest([down(node), *where])
        climbing.discard(node)
        return names[node]

    for node in sorted(set(content) | set(nested) | set(into)):
        up(node)
    if len(set(names.values())) != len(names):
        raise NotTrees("two blank nodes with one content")
    return names


def dump_to(kg, path: Path) -> None:
    """Write the store's triples as N-Triples (in the store's order) to ``path``; refuse an empty store."""
    import pyoxigraph as ox

    from .source import no_triples

    data, media_type = kg.store.dump()
    if "n-triples" not in media_type:  # a remote store's Turtle, re-spelled as N-Triples by the engine
        data = ox.serialize(ox.parse(data, format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES) or b""
    if not data.strip():
        raise no_triples(kg.store)
    path.write_bytes(data)


def sorted_dump(kg, tmp: Path) -> Path:
    """The store's N-Triples sorted bytewise (so each subject's triples are contiguous) in ``tmp``."""
    raw, ordered = tmp / "dump.nt", tmp / "dump-sorted.nt"
    dump_to(kg, raw)
    with open(raw, "ab") as fh:  # a last line without its newline would sort glued to the next
        fh.write(b"\n")
    _sort([raw], ordered, tmp)
    raw.unlink()
    return ordered


def export_ntriples(kg, out: Path) -> int:
    """The store's triples as sorted canonical N-Triples in ``out``; the triple count."""
    from .rdf import snapshot, to_ntriples

    try:
        return write_ntriples(lambda path: dump_to(kg, path), Path(out))
    except NotTrees:
        g = snapshot(kg)
        Path(out).write_bytes(to_ntriples(g))
        return len(g)


__all__ = ["NotTrees", "dump_to", "export_ntriples", "sort_lines", "sorted_dump", "write_ntriples"]
