"""Benchmark: ``axialkg validate`` on synthetic graphs (synth.py), beside bare pyoxigraph running the same
queries in the same run (issue #18: under 120 s and 4 GB at 10^6 triples).

"ours" is the whole check as the command runs it (load, HermiT on what it can take, every SHACL shape and
ROBOT report check, the report built); "shapes+report" is the shapes and report checks alone. The peer
loads the same file into a bare ``pyoxigraph.Store`` and runs every query text our engine sent (recorded
during our run), reading each answer to the end. Each measurement runs in its own process, so its CPU and
peak RSS (VmHWM) are its own.

    python benchmarks/validate.py --triples 1e5 1e6
Writes benchmarks/results/validate.md and validate.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def worker(spec: dict) -> dict:
    import pyoxigraph as ox

    path = Path(spec["file"])
    cpu0, t = _cpu(), time.perf_counter()
    out: dict = {"what": spec["what"]}
    if spec["what"] == "ours":
        from axialkg.validation import validate

        report = validate(path)
        out.update(defects=len(report.defects), scope=report.reasoning_scope)
    elif spec["what"] == "shapes+report":
        from axialkg import shacl
        from axialkg.resources import shapes_path
        from axialkg.validation import load_graph, load_shapes, report_rules, run_report, run_shapes

        sent: list[str] = []
        select = shacl._select

        def recording(store, text):
            sent.append(text)
            return select(store, text)
        shacl._select = recording  # type: ignore[assignment]
        graph = load_graph(path)
        found = run_shapes(graph, load_shapes(shapes_path()))
        checks = report_rules()
        sent += [text for _, text in checks]
        found += run_report(graph, checks)
        out.update(defects=len(found), queries=len(sent))
        Path(spec["queries"]).write_text(json.dumps(sent), encoding="utf-8")
    else:  # the peer: bare pyoxigraph, the same file, the same query texts
        store = ox.Store()
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
        rows = 0
        for text in json.loads(Path(spec["queries"]).read_text(encoding="utf-8")):
            for _ in store.query(text):
                rows += 1
        out.update(rows=rows)
    out.update(cpu_s=round(_cpu() - cpu0, 2), wall_s=round(time.perf_counter() - t, 2), peak_rss_mb=round(_hwm_mb()))
    return out


def run_worker(spec: dict, timeout: float) -> dict:
    try:
        proc = subprocess.run([sys.executable, __file__, "--worker", json.dumps(spec)], capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"what": spec["what"], "error": f"did not finish in {timeout:.0f} s"}
    if proc.returncode:
        return {"what": spec["what"], "error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", nargs="+", default=["1e5", "1e6"])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--results", type=Path, default=HERE / "results")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(json.loads(args.worker))))
        return 0
    import os

    import synth

    with tempfile.TemporaryDirectory(prefix="axialkg-bench-validate-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        scales = []
        for n in (int(float(x)) for x in args.triples):
            nt = work / f"synth-{n:.0e}.nt"
            manifest = synth.ensure(nt, n, args.seed)
            queries = work / f"queries-{n:.0e}.json"
            rows = [run_worker({"what": w, "file": str(nt), "queries": str(queries)}, args.timeout)
                    for w in ("shapes+report", "bare", "ours")]
            bare = rows[1].get("cpu_s")
            for r in (rows[0], rows[2]):
                if bare and "cpu_s" in r:
                    r["cpu_vs_bare"] = round(r["cpu_s"] / bare, 2)
            scales.append({"triples": manifest.get("triples", n), "rows": rows})
    doc = {"machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}",
           "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load_average": os.getloadavg(),
           "scales": scales}
    lines = ["# Validate benchmark", "",
             f"{doc['machine']}; {doc['date']}; load average {', '.join(f'{x:.1f}' for x in doc['load_average'])}. "
             "CPU is user+system of the worker (and java, for ours); the peer is bare pyoxigraph loading the same "
             "file and running the same query texts, in the same run.", "",
             "| triples | what | CPU s | wall s | peak RSS MB | CPU vs bare | defects |", "|---:|---|---:|---:|---:|---:|---:|"]
    for s in scales:
        for r in s["rows"]:
            if "error" in r:
                lines.append(f"| {s['triples']:,} | {r['what']} | error: {r['error'][:60]} | | | | |")
            else:
                lines.append(f"| {s['triples']:,} | {r['what']} | {r['cpu_s']} | {r['wall_s']} | {r['peak_rss_mb']} | "
                             f"{r.get('cpu_vs_bare', '')} | {r.get('defects', '')} |")
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "validate.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    (args.results / "validate.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
