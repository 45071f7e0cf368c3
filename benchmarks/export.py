"""Benchmark: ``export --format ntriples`` streamed from an on-disk store, beside a bare pyoxigraph dump of
the same store in the same run (issue #18: at 10^7 triples, at most 2x the bare dump's CPU, under 4 GB).

Each measurement runs in its own worker process, so its CPU (its own plus the external sort's) and its
peak RSS are its own. The store is loaded once per scale (synth.py graphs), before anything is timed.

    python benchmarks/export.py --triples 1e5 1e6          # minutes
    python benchmarks/export.py --triples 1e7              # one 10^7 run, about ten minutes
Writes benchmarks/results/export.md and export.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _hwm_mb() -> float:
    """This process's peak RSS since exec (VmHWM; ru_maxrss would carry the parent's over from fork)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _usage() -> tuple[float, float]:
    """CPU seconds (self and waited-for children) and peak RSS in MB (the larger of this process's and the
    children's, whose figure starts from this process's RSS at fork: an upper bound)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return (me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime), max(_hwm_mb(), kids.ru_maxrss / 1024)


def worker(spec: dict) -> dict:
    import pyoxigraph as ox

    out = Path(spec["out"])
    if spec["what"] == "bare":
        cpu0, _ = _usage()
        t = time.perf_counter()
        store = ox.Store(spec["dir"])
        store.dump(output=str(out), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    else:
        from axialkg import export as ex
        from axialkg.api import KnowledgeGraph
        from axialkg.stores.embedded import OxigraphStore

        kg = KnowledgeGraph(OxigraphStore.on_disk(spec["dir"], source=Path(spec["source"])))
        cpu0, _ = _usage()  # opening (and its source check) is the store's cost, not the export's
        t = time.perf_counter()
        ex.export(spec["what"], out, kg=kg)
    wall = time.perf_counter() - t
    cpu, rss = _usage()
    size = sum(p.stat().st_size for p in ([out] if out.is_file() else out.iterdir()))
    return {"what": spec["what"], "cpu_s": round(cpu - cpu0, 2), "wall_s": round(wall, 2), "peak_rss_mb": round(rss),
            "bytes": size}


def run_worker(spec: dict) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--worker", json.dumps(spec)], capture_output=True, text=True)
    if proc.returncode:
        return {"what": spec["what"], "error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def scale(triples: int, work: Path, seed: int, formats: list[str], keep: bool = False) -> dict:
    import synth

    from axialkg.stores.embedded import OxigraphStore

    nt = work / f"synth-{triples:.0e}.nt"
    manifest = synth.ensure(nt, triples, seed)
    store_dir = work / f"store-{triples:.0e}"
    t = time.perf_counter()
    OxigraphStore.on_disk(store_dir, source=nt).close()
    load = time.perf_counter() - t
    rows = []
    for what in ["bare", *formats]:
        out = work / f"out-{what}-{triples:.0e}"
        rows.append(run_worker({"what": what, "dir": str(store_dir), "source": str(nt), "out": str(out)}))
        rows[-1]["load_average"] = round(os.getloadavg()[0], 1)  # after the run: how shared the cores were
        shutil.rmtree(out, ignore_errors=True) if out.is_dir() else out.unlink(missing_ok=True)
    bare = rows[0].get("cpu_s")
    for r in rows[1:]:
        if bare and "cpu_s" in r:
            r["cpu_vs_bare"] = round(r["cpu_s"] / bare, 2)
    if not keep:  # kept, the next benchmark (faces.py --store) opens it without loading again
        shutil.rmtree(store_dir, ignore_errors=True)
    return {"triples": manifest.get("triples", triples), "load_s": round(load, 1), "rows": rows}


def report(doc: dict) -> str:
    lines = ["# Export benchmark", "",
             f"{doc['machine']}; {doc['date']}; load average {doc.get('load_average')} at the start. "
             "CPU is user+system of the worker and its children (the external "
             "sort); the bare dump is `pyoxigraph.Store(dir).dump()` of the same on-disk store, in the same run.", "",
             "| triples | what | CPU s | wall s | peak RSS MB | CPU vs bare | load average after |",
             "|---:|---|---:|---:|---:|---:|---:|"]
    for s in doc["scales"]:
        for r in s["rows"]:
            if "error" in r:
                lines.append(f"| {s['triples']:,} | {r['what']} | error: {r['error'][:60]} | | | | |")
            else:
                lines.append(f"| {s['triples']:,} | {r['what']} | {r['cpu_s']} | {r['wall_s']} | {r['peak_rss_mb']} | "
                             f"{r.get('cpu_vs_bare', '')} | {r.get('load_average', '')} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", nargs="+", default=["1e5", "1e6"])
    ap.add_argument("--formats", nargs="+", default=["ntriples"])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--work", type=Path, default=None, help="directory for graphs and stores (default: a temp dir)")
    ap.add_argument("--results", type=Path, default=HERE / "results")
    ap.add_argument("--keep-store", action="store_true", help="leave the loaded store in --work")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(json.loads(args.worker))))
        return 0
    with tempfile.TemporaryDirectory(prefix="axialkg-bench-export-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        doc = {"machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}",
               "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "load_average": [round(x, 1) for x in os.getloadavg()],
               "scales": [scale(int(float(n)), work, args.seed, args.formats, args.keep_store) for n in args.triples]}
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "export.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    (args.results / "export.md").write_text(report(doc), encoding="utf-8")
    print(report(doc))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
