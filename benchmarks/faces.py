"""The fast faces of issue #18, each beside its peer in the same run.

* validate: SHACL shapes + ROBOT checks on pyoxigraph (ours) vs pySHACL on the same file (the engine
  we had; skipped above --pyshacl-max triples, where it does not finish), and vs a bare pyoxigraph load.
* opening an on-disk store that is already loaded: ``OxigraphStore.on_disk`` vs ``pyoxigraph.Store(dir)``.
* the CLI, shell to answer: ``axialkg query …`` vs ``python -c "import pyoxigraph"``.

    python benchmarks/faces.py --triples 1e5 [--out benchmarks/results]

Writes ``faces.md`` and ``faces.json``; synthetic graphs come from ``benchmarks/synth.py``.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
CLI = ["query", "drugs-for-cause", "--param", "cause=myelofibrosis", "--format", "json"]


def timed(fn, repeats: int = 1) -> float:
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def validate_figures(path: Path, pyshacl_max: int) -> dict:
    import pyoxigraph as ox

    from axialkg.resources import shapes_path
    from axialkg.validation import load_graph, load_shapes, run_report, run_shapes

    out: dict = {"file": path.name}
    load = timed(lambda: ox.Store().bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES
                                              if path.suffix == ".nt" else ox.RdfFormat.TURTLE))
    graph = load_graph(path)
    out["triples"] = graph.triples
    shapes = load_shapes(shapes_path())
    start = time.perf_counter()
    found = run_shapes(graph, shapes) + run_report(graph)
    out.update(bare_load_s=round(load, 3), ours_s=round(time.perf_counter() - start, 3), defects=len(found),
               peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    if graph.triples <= pyshacl_max:
        import pyshacl
        from rdflib import Graph

        g = Graph()
        g.parse(path)
        out["pyshacl_s"] = round(timed(lambda: pyshacl.validate(g, shacl_graph=shapes, inference="none",
                                                                  allow_warnings=True)), 3)
    return out


def open_figures(path: Path, repeats: int) -> dict:
    import pyoxigraph as ox

    from axialkg.stores.embedded import OxigraphStore

    work = Path(tempfile.mkdtemp(prefix="axialkg-faces-"))
    try:
        OxigraphStore.on_disk(work / "store", source=path).close()

        def ours():
            OxigraphStore.on_disk(work / "store", source=path).close()

        def bare():
            ox.Store(str(work / "store")).flush()
        return {"ours_s": round(timed(ours, repeats), 4), "bare_s": round(timed(bare, repeats), 4)}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def cli_figures(repeats: int) -> dict:
    exe = str(Path(sys.executable).with_name("axialkg"))

    def run(cmd):
        return lambda: subprocess.run(cmd, check=True, capture_output=True)
    ours = timed(run([exe, *CLI]), repeats)
    peer = timed(run([sys.executable, "-c", "import pyoxigraph"]), repeats)
    return {"ours_ms": round(ours * 1000, 1), "import_pyoxigraph_ms": round(peer * 1000, 1),
            "ratio": round(ours / peer, 2)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=float, default=1e5, help="synthetic graph size (0: the release only)")
    ap.add_argument("--pyshacl-max", type=float, default=2e4)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = ap.parse_args(argv)
    from axialkg.resources import release_path

    doc: dict = {"validate": [validate_figures(release_path("ttl"), int(args.pyshacl_max))]}
    files = []
    if args.triples:
        import synth

        tmp = Path(tempfile.mkdtemp(prefix="axialkg-faces-synth-"))
        big = tmp / f"synth-{int(args.triples)}.nt"
        synth.ensure(big, int(args.triples))
        files.append(tmp)
        doc["validate"].append(validate_figures(big, int(args.pyshacl_max)))
        doc["open_on_disk"] = open_figures(big, args.repeats)
    else:
        doc["open_on_disk"] = open_figures(release_path("ttl"), args.repeats)
    doc["cli"] = cli_figures(args.repeats)
    for tmp in files:
        shutil.rmtree(tmp, ignore_errors=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "faces.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    lines = ["# Faces (issue #18): each beside its peer, same run", "",
             "| validate file | triples | ours (shapes + ROBOT checks) s | pySHACL s | bare load s | peak MB |",
             "|---|---|---|---|---|---|"]
    for v in doc["validate"]:
        lines.append(f"| {v['file']} | {v['triples']} | {v['ours_s']} | {v.get('pyshacl_s', '—')} | "
                     f"{v['bare_load_s']} | {v['peak_rss_mb']} |")
    o, c = doc["open_on_disk"], doc["cli"]
    lines += ["", f"Opening a loaded on-disk store: ours {o['ours_s']} s, bare pyoxigraph {o['bare_s']} s.",
              f"CLI `axialkg {' '.join(CLI)}`: {c['ours_ms']} ms vs `python -c \"import pyoxigraph\"` "
              f"{c['import_pyoxigraph_ms']} ms ({c['ratio']}×).", ""]
    (args.out / "faces.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
