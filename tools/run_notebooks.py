"""Re-execute the notebooks in place on a fresh kernel, so their committed outputs are current.

    python tools/run_notebooks.py                     # every notebooks/*.ipynb
    python tools/run_notebooks.py notebooks/02-sparql.ipynb

The kernel is this interpreter (``sys.executable``), so run it with the venv that has axialkg
and the ``test`` extra installed. Timing metadata is not recorded, to keep diffs small.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
KERNEL = "axialkg-notebooks"


def write_kernelspec(data: Path) -> None:
    """A kernelspec for this interpreter in a Jupyter data dir (nothing installed for the user)."""
    spec = data / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (axialkg)", "language": "python"}))


def execute(path: Path, timeout: int = 300) -> nbformat.NotebookNode:
    """Run one notebook top to bottom in its own directory; raises on the first failing cell."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name=KERNEL, timeout=timeout, record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def main(argv: list[str]) -> int:
    import os

    paths = [Path(a) for a in argv] or sorted(NOTEBOOKS.glob("*.ipynb"))
    with tempfile.TemporaryDirectory(prefix="axialkg-kernel-") as data:
        write_kernelspec(Path(data))
        os.environ["JUPYTER_PATH"] = data + os.pathsep + os.environ.get("JUPYTER_PATH", "")
        for path in paths:
            start = time.perf_counter()
            nb = execute(path)
            nbformat.write(nb, path)
            print(f"{path.name}: {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
