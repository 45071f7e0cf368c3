"""The notebooks run top to bottom on a fresh kernel, on the installed package, and their committed
outputs hold the plots and answers they promise.

The kernel is this test's interpreter (a kernelspec written to a temporary JUPYTER_PATH), so the
notebooks import the same axialkg the tests do. Refresh committed outputs with
``python tools/run_notebooks.py``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
KERNEL = "axialkg-test-python"
CELL_TIMEOUT = 300  # seconds per cell; a hung cell (e.g. a server that never answers) fails the test

# notebook → (least number of PNG plots, texts its outputs must show: real answers from the graph)
NOTEBOOKS = {
    "01-explore.ipynb": (3, ["myelofibrosis", "single-source claims"]),
    "02-sparql.ipynb": (0, ["did you mean: myelofibrosis", "serum tryptase", "systemic mastocytosis",
                            "ruxolitinib", "JAK inhibitor"]),
    "03-paths.ipynb": (2, ["ruxolitinib", "myelofibrosis", "axial osteosclerosis"]),
    "04-interchange.ipynb": (0, ["kgx", "myelofibrosis", "server stopped"]),
    "05-diagnose.ipynb": (3, ["myelofibrosis", "next test", "likelihood_ratio"]),
}


def _texts(nb) -> str:
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.output_type == "stream":
                out.append(o.text)
            elif o.output_type in ("execute_result", "display_data"):
                out.append(str(o.data.get("text/plain", "")) + str(o.data.get("text/html", "")))
    return "\n".join(out)


def _pngs(nb) -> int:
    return sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))


def _check_outputs(nb, name: str) -> None:
    plots, expected = NOTEBOOKS[name]
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, f"{name} has no code cells"
    unrun = [c.source.splitlines()[0] for c in code if c.get("execution_count") is None]
    assert not unrun, f"{name}: cells without outputs (not executed): {unrun[:3]}"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{name}: {errors[0].ename}: {errors[0].evalue}"
    counts = [c.execution_count for c in code]
    assert counts == list(range(1, len(code) + 1)), f"{name}: not run top to bottom in one kernel: {counts}"
    assert _pngs(nb) >= plots, f"{name}: {_pngs(nb)} plots, expected at least {plots}"
    text = _texts(nb)
    missing = [e for e in expected if e not in text]
    assert not missing, f"{name}: outputs do not show {missing}"


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """A kernelspec that runs ipykernel on this interpreter, found first on JUPYTER_PATH."""
    import os

    data = tmp_path_factory.mktemp("jupyter")
    spec = data / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (axialkg tests)", "language": "python"}))
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(data) + (os.pathsep + old if old else "")
    yield KERNEL
    if old is None:
        os.environ.pop("JUPYTER_PATH", None)
    else:
        os.environ["JUPYTER_PATH"] = old


def test_every_notebook_is_listed():
    assert sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb")) == sorted(NOTEBOOKS)


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_committed_outputs(name):
    """The committed notebook was executed in order, without errors, and keeps its plots and answers."""
    _check_outputs(nbformat.read(NOTEBOOK_DIR / name, as_version=4), name)


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_runs_on_fresh_kernel(name, kernel, tmp_path):
    """Execute a copy top to bottom; any cell error fails (nbclient raises CellExecutionError)."""
    nb = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
    for cell in nb.cells:  # start from nothing, so stale outputs cannot pass for fresh ones
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    NotebookClient(nb, kernel_name=kernel, timeout=CELL_TIMEOUT, record_timing=False,
                   resources={"metadata": {"path": str(NOTEBOOK_DIR)}}).execute()
    _check_outputs(nb, name)
    nbformat.write(nb, tmp_path / name)  # readable on failure
