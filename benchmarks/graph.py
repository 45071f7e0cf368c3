"""Benchmark: graph commands on synthetic on-disk stores, the compact projection beside networkx.

Per scale (synth.py graphs): loading the on-disk store (the peer of building the projection
cache), building the cache, and then, each in a fresh process as a command sees it (store opened,
cache loaded): ``path`` 4 hops, ``neighbors`` 1 hop, ``metapaths`` 4 hops; beside the networkx
projection doing the same in the same run (skipped at 10^7 unless --networkx-1e7: minutes and
gigabytes). Peak memory is each process's own maximum resident set. Writes
``benchmarks/results/graph.md`` and ``graph.json``.

    python benchmarks/graph.py --scales 1e6 1e7 --work /tmp/axkg-graph
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

TARGETS = {"path_s": 2.0, "neighbors_s": 2.0, "peak_gb": 2.0, "metapaths_s": 10.0}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def work(task: dict) -> dict:
    """One measurement, in this process."""
    from axialkg.api import PROJECTION_CACHE, KnowledgeGraph
    from axialkg.stores.embedded import OxigraphStore

    directory, source = Path(task["dir"]), Path(task["data"])
    if task["what"] == "ox-load":  # the peer of building the projection: a bare pyoxigraph bulk load
        import pyoxigraph as ox

        bare = directory.with_name(directory.name + "-bare")
        shutil.rmtree(bare, ignore_errors=True)
        t0, c0 = time.perf_counter(), time.process_time()
        st = ox.Store(str(bare))
        st.bulk_load(path=str(source), format=ox.RdfFormat.N_TRIPLES)
        st.flush()
        out = {"load_s": time.perf_counter() - t0, "load_cpu_s": time.process_time() - c0, "triples": len(st)}
        del st
        shutil.rmtree(bare, ignore_errors=True)
        out["peak_mb"] = _peak_mb()
        return out
    t0, c0 = time.perf_counter(), time.process_time()
    kg = KnowledgeGraph(OxigraphStore.on_disk(directory, source=source))
    opened = time.perf_counter() - t0
    out: dict = {"open_s": opened, "open_cpu_s": time.process_time() - c0, "loaded_now": kg.store.loaded_now}
    what = task["what"]
    if what == "load":
        out["triples"] = kg.store.triple_count()
    elif what == "build":
        (directory / PROJECTION_CACHE).unlink(missing_ok=True)
        t, c = time.perf_counter(), time.process_time()
        G = kg.projection()
        out.update(build_s=time.perf_counter() - t, build_cpu_s=time.process_time() - c, nodes=len(G), edges=G.number_of_edges(),
                   cache_mb=(directory / PROJECTION_CACHE).stat().st_size / 2**20)
    elif what in ("path", "neighbors", "metapaths"):
        t, c = time.perf_counter(), time.process_time()
        kg.projection()
        out["cache_load_s"], out["cache_load_cpu_s"] = time.perf_counter() - t, time.process_time() - c
        out.update(_question(kg, task, kg.projection()))
    elif what in ("nx-path", "nx-neighbors", "nx-metapaths"):
        t = time.perf_counter()
        G = kg.graph()
        out["networkx_build_s"] = time.perf_counter() - t
        out.update(_question(kg, task, G))
    out["total_s"], out["cpu_s"] = time.perf_counter() - t0, time.process_time() - c0
    out["peak_mb"] = _peak_mb()
    kg.close()
    return out


def _question(kg, task: dict, G) -> dict:
    from axialkg import graph as P  # noqa: N812 - P for the package, as the tests name it

    what = task["what"].removeprefix("nx-")
    t, c = time.perf_counter(), time.process_time()
    if what == "path":
        found = P.find_paths(G, task["source"], task["target"], max_hops=4, limit=10)
        answer = [str(p) for p in found]
    elif what == "neighbors":
        sub = P.neighborhood_of(G, task["source"], 1)
        answer = [sub.number_of_nodes(), sub.number_of_edges()]
    else:
        found = P.count_metapaths(G, kg.category(task["from"]), kg.category(task["to"]), max_hops=4)
        answer = [[str(m.metapath), m.count] for m in found]
    return {"question_s": time.perf_counter() - t, "question_cpu_s": time.process_time() - c, "answer": answer}


def run(task: dict, timeout: float) -> dict:
    """``work(task)`` in a fresh process."""
    cmd = [sys.executable, __file__, "--worker", json.dumps(task)]
    t = time.perf_counter()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:g} s"}
    if done.returncode:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    out = json.loads(done.stdout.strip().splitlines()[-1])
    out["wall_s"] = time.perf_counter() - t
    return out


def scale(name: str, work_dir: Path, seed: int, networkx, timeout: float, skip: set) -> dict:
    import synth

    n = int(float(name))
    data = work_dir / f"synth-{name}.nt"
    manifest = synth.ensure(data, n, seed)  # generated unless the same seed and size made it
    store = work_dir / f"store-{name}"
    shutil.rmtree(store, ignore_errors=True)
    base = {"dir": str(store), "data": str(data), "source": manifest["path"]["source"],
            "target": manifest["path"]["target"], "from": "Drug", "to": "Symptom"}
    res: dict = {"triples": manifest["triples"], "entities": manifest["entities"], "claims": manifest["claims"]}
    for what in ("ox-load", "load", "build", "path", "neighbors", "metapaths"):
        if (what == "metapaths" and n > 1_000_000) or what in skip:
            continue
        res[what] = run({**base, "what": what}, timeout)
        print(f"  {name} {what}: {_brief(res[what])}", file=sys.stderr, flush=True)
    if networkx and (n <= 1_000_000 or networkx == "all"):
        for what in ("nx-path", "nx-neighbors", "nx-metapaths"):
            # networkx's metapaths at 10^6 grew past 8 GB in an earlier run (dicts per prefix): not rerun
            if (what == "nx-metapaths" and n >= 1_000_000) or what.removeprefix("nx-") in skip:
                continue
            res[what] = run({**base, "what": what}, timeout)
            print(f"  {name} {what}: {_brief(res[what])}", file=sys.stderr, flush=True)
    shutil.rmtree(store, ignore_errors=True)
    return res


def _brief(r: dict) -> str:
    return ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in r.items() if k != "answer")


def report(doc: dict, out: Path) -> None:
    lines = ["# Graph commands at scale (benchmarks/graph.py)", "",
             f"Run {doc['started']} on {doc['machine']}; synthetic graphs of benchmarks/synth.py (seed "
             f"{doc['seed']}), on-disk pyoxigraph store, a fresh process per command (store opened, cache "
             "loaded: the times are what a command costs). Peer: the networkx projection in the same run.", "",
             "| scale | bare pyoxigraph load (CPU s) | store load (CPU s) | build cache (CPU s) | build / bare load | "
             "cache (MB) | path 4 hops (s) | neighbors 1 hop (s) | metapaths 4 hops (s, CPU s) | peak (MB) |",
             "|---|---|---|---|---|---|---|---|---|---|"]

    def f(r, key, fmt="{:.2f}"):
        return fmt.format(r[key]) if isinstance(r, dict) and key in r else (r or {}).get("error", "–")

    for name, r in doc["scales"].items():
        peak = max((r[w].get("peak_mb", 0) for w in ("path", "neighbors", "metapaths") if w in r), default=0)
        bare, built = r.get("ox-load") or {}, r.get("build") or {}
        ratio = (f"{built['build_cpu_s'] / bare['load_cpu_s']:.2f}×" if "build_cpu_s" in built and "load_cpu_s" in bare
                 else "–")
        mp = r.get("metapaths")
        lines.append(f"| {name} | {f(bare, 'load_cpu_s')} | {f(r.get('load'), 'open_cpu_s')} | "
                     f"{f(built, 'build_cpu_s')} | {ratio} | {f(built, 'cache_mb', '{:.1f}')} | "
                     f"{f(r.get('path'), 'total_s')} | {f(r.get('neighbors'), 'total_s')} | "
                     f"{f(mp, 'total_s')}, {f(mp, 'question_cpu_s')} | {peak:.0f} |")
    lines += ["", "Peer (networkx projection, built from the store per call, then the same question):", "",
              "| scale | command | networkx total (s) | networkx peak (MB) | compact total (s) | ratio | same answer |",
              "|---|---|---|---|---|---|---|"]
    for name, r in doc["scales"].items():
        for what in ("path", "neighbors", "metapaths"):
            peer = r.get("nx-" + what)
            if not peer or what not in r:
                continue
            ours = r[what]
            same = ours.get("answer") == peer.get("answer") if "answer" in peer else "–"
            ratio = (f"{peer['total_s'] / ours['total_s']:.0f}× faster" if "total_s" in peer and "total_s" in ours
                     else "–")
            lines.append(f"| {name} | {what} | {f(peer, 'total_s')} | {f(peer, 'peak_mb', '{:.0f}')} | "
                         f"{f(ours, 'total_s')} | {ratio} | {same} |")
    out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scales", nargs="+", default=["1e6"])
    ap.add_argument("--work", type=Path, default=Path("/tmp/axkg-graph-bench"))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--networkx-1e7", action="store_true", help="also run the networkx peer above 10^6")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "graph")
    ap.add_argument("--skip", nargs="*", default=[], help="commands to leave out (path, neighbors, metapaths)")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(work(json.loads(args.worker))))
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    doc = {"started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "seed": args.seed,
           "machine": f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start",
           "scales": {}}
    for name in args.scales:
        doc["scales"][name] = scale(name, args.work, args.seed, "all" if args.networkx_1e7 else True, args.timeout,
                                    set(args.skip))
        report(doc, args.out)
    print(args.out.with_suffix(".md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
