"""The doctests of every module of the installed package (editable or not: no file-path imports)."""

import doctest
import importlib
import pkgutil

import pytest

import axialkg


def _modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(axialkg.__path__, "axialkg.") if not m.name.endswith("__main__"))


def _with_examples(name: str) -> bool:
    module = importlib.import_module(name)
    return any(t.examples for t in doctest.DocTestFinder().find(module))


MODULES = [name for name in _modules() if _with_examples(name)]


def test_some_modules_have_doctests():
    assert {"axialkg.sparql", "axialkg.vocab"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"
