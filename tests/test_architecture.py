"""The house's import rules, read from the source (no module is imported): data flows one way, so no
module imports one later in the flow, no two modules import each other, and a few rooms keep out of
others. Every import counts, also those inside a function or under ``TYPE_CHECKING``: a lazy import
is still a tie. A failure names the offending import (file, line, what it imports).

The flow, lowest first (docs/architecture.md draws it)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "axialkg"

# (floor, top-level modules or packages of axialkg on it); a module may import its own floor and those below
FLOORS: list[tuple[str, tuple[str, ...]]] = [
    ("foundation", ("_version", "errors", "vocab", "files", "progress", "resources", "records")),
    ("shared knowledge", ("rdfio", "sparql", "schema", "results", "queries")),
    ("curation", ("curation",)),
    ("build", ("build", "hpo")),
    ("stores", ("stores",)),
    ("questions", ("names", "graph", "diagnosis", "search", "reasoned", "reasoning", "shacl", "validation")),
    ("api", ("api",)),
    ("faces", ("export", "server", "load")),
    ("command line", ("cli", "__main__", "")),  # "": the package itself (axialkg/__init__.py)
]
FLOOR_OF = {room: i for i, (_, rooms) in enumerate(FLOORS) for room in rooms}

# rooms that must never import these (by dotted prefix under axialkg)
NEVER = {
    "graph": ("names", "stores", "queries", "api"),   # pure functions over IRIs: no query, no name resolved
    "stores": ("names", "graph", "diagnosis", "api"),  # stores know nothing of drugs or of questions
    "curation": ("build", "rdfio"),                    # parsing never builds RDF
}
# engines are chosen by the registry; nothing outside stores/ imports an engine's module
ENGINES = ("stores.embedded", "stores.rdflib_store", "stores.remote", "stores.cached")
# imports of an engine module from outside stores/ that are known and reported, each with its reason;
# the test fails when one of them is gone, so the list cannot go stale
KNOWN_ENGINE_IMPORTS = {
    ("api", "stores.embedded"): "api._store_version reads the on-disk store's MARKER file name",
    ("reasoned", "stores.embedded"): "the OWL 2 RL closure is materialised in a pyoxigraph copy (OxigraphStore.from_data)",
}


@dataclass(frozen=True)
class Import:
    source: str   # dotted module name under axialkg ("" for the package), e.g. "graph.compact"
    target: str   # dotted module name under axialkg that it imports
    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.path.relative_to(SRC.parent)}:{self.line} imports axialkg.{self.target or '(package)'}"


def module_of(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_of(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _target(module: str, name: str | None) -> str:
    """``from module import name``: the submodule when ``name`` is one, else the module."""
    if name is not None:
        sub = f"{module}.{name}" if module else name
        if sub in MODULES:
            return sub
    return module


def imports_of(module: str, path: Path) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "axialkg" or alias.name.startswith("axialkg."):
                    found.append(Import(module, alias.name.removeprefix("axialkg").lstrip("."), path, node.lineno))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and (node.module == "axialkg" or node.module.startswith("axialkg.")):
                target = node.module.removeprefix("axialkg").lstrip(".")
            else:
                continue
            for alias in node.names:
                found.append(Import(module, _target(target, alias.name), path, node.lineno))
    return [i for i in found if i.target != i.source]


IMPORTS = [i for m, p in MODULES.items() for i in imports_of(m, p)]


def room(module: str) -> str:
    return module.split(".", 1)[0]


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def test_every_module_has_a_floor():
    assert not sorted({room(m) for m in MODULES} - set(FLOOR_OF)), "add the new room to FLOORS (and docs/architecture.md)"


def test_no_module_imports_one_later_in_the_flow():
    bad = [f"{i} ({FLOORS[FLOOR_OF[room(i.target)]][0]}, above {FLOORS[FLOOR_OF[room(i.source)]][0]})"
           for i in IMPORTS if FLOOR_OF[room(i.target)] > FLOOR_OF[room(i.source)]]
    assert not bad, "imports up the flow:\n" + "\n".join(bad)


def test_rooms_keep_out_of_rooms_they_must_not_know():
    bad = [str(i) for i in IMPORTS for src, banned in NEVER.items() if within(i.source, src)
           for b in banned if within(i.target, b)]
    assert not bad, "\n".join(bad)


def test_only_the_registry_imports_engines():
    outside = {(i.source, e): i for i in IMPORTS for e in ENGINES
               if within(i.target, e) and not within(i.source, "stores")}
    unknown = [str(i) for key, i in outside.items() if key not in KNOWN_ENGINE_IMPORTS]
    assert not unknown, "engine modules imported outside stores/ (open engines through stores.open_store):\n" + "\n".join(unknown)
    assert not set(KNOWN_ENGINE_IMPORTS) - set(outside), "a known engine import is gone: drop it from KNOWN_ENGINE_IMPORTS"


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a list of modules (first == last), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for m in sorted(edges.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m not in state and (found := visit(m)):
                return found
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(edges):
        if n not in state and (found := visit(n)):
            return found
    return None


def module_edges() -> dict[str, set[str]]:
    """Imports between modules, less a package's own ``__init__`` naming its submodules (the face
    that hands them out, or the registry that opens them on first use)."""
    edges: dict[str, set[str]] = {}
    for i in IMPORTS:
        if MODULES[i.source].name == "__init__.py" and within(i.target, i.source):
            continue
        edges.setdefault(i.source, set()).add(i.target)
    return edges


def test_no_import_cycle():
    found = _cycle(module_edges())
    if found:
        lines = [str(next(i for i in IMPORTS if i.source == a and i.target == b)) for a, b in zip(found, found[1:])]
        pytest.fail("import cycle " + " -> ".join(found) + ":\n" + "\n".join(lines))


# ---- the checks themselves can fail: each rule on a made-up import --------------------------------


def test_a_made_up_upward_import_is_named():
    fake = Import("stores.embedded", "api", PACKAGE / "stores" / "embedded.py", 7)
    assert FLOOR_OF[room(fake.target)] > FLOOR_OF[room(fake.source)]
    assert str(fake) == "src/axialkg/stores/embedded.py:7 imports axialkg.api"


def test_a_made_up_cycle_is_found():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}}) is None


def test_relative_imports_resolve_to_the_module_meant():
    assert {"queries", "stores", "stores.http"} <= {i.target for i in IMPORTS if i.source == "stores.remote"}
    assert "server.protocol" in {i.target for i in IMPORTS if i.source == "server.http"}  # from . import protocol
    assert "hpo" in {i.target for i in IMPORTS if i.source == "build"}  # from . import hpo


def test_tests_use_public_names_only():
    """Tests go through the public API: no ``from axialkg… import _name``, no private module."""
    bad = []
    for path in sorted((SRC.parent / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "axialkg":
                names = [node.module or ""] + [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names if a.name.split(".")[0] == "axialkg"]
            if any(part.startswith("_") and not part.startswith("__") for n in names for part in n.split(".")):
                bad.append(f"{path.relative_to(SRC.parent)}:{node.lineno} {ast.unparse(node)}")
    assert not bad, "tests import private names:\n" + "\n".join(bad)


def test_the_architecture_document_names_every_module_on_its_floor():
    """docs/architecture.md has one line per module, on the floor this test puts it: the drawing
    cannot drift from the code."""
    import re

    text = (SRC.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    listed: dict[str, str] = {}
    for floor, cell in re.findall(r"^\| ([a-z ]+) \| `([^|]+)` \|", text, flags=re.M):
        for name in re.split(r"`?, `?", cell):
            listed[name.strip("`")] = floor
    files = {str(p.relative_to(PACKAGE)): module_of(p) for p in PACKAGE.rglob("*.py")}
    missing = sorted(f for f in files if f not in listed)
    assert not missing, f"docs/architecture.md has no line for {missing}"
    wrong = sorted(f for f, m in files.items() if listed[f] != FLOORS[FLOOR_OF[room(m)]][0])
    assert not wrong, f"docs/architecture.md puts these on another floor than FLOORS: {wrong}"
