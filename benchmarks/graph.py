"""Benchmark: graph commands on synthetic on-disk stores, the compact projection beside networkx.

Per scale (synth.py graphs): loading the on-disk store (the peer of building the projection
cache), building the cache, and then, each in a fresh process as a command sees it (store opened,
cache loaded): ``path`` 4 hops, ``neighbors`` 1 hop, ``metapaths`` 4 hops; beside the networkx
projection doing the same in the same run (skipped at 10^7 unless --networkx-1e7: minutes and
gigabytes). Peak memory is each process's own maximum resident set. Writes
``benchmarks/results/graph.md`` and ``graph.json``.

With ``--virtuoso``: a throwaway Virtuoso 7 (tests/servers.py, more buffers) bulk-loads the same
file the Virtuoso way (``ld_dir`` + ``rdf_loader_run()`` from its DirsAllowed directory, through
``isql-vt``), then ``path`` runs on it by frontier expansion (``kg.paths`` in a fresh process, and
the ``axialkg path --store http://…/sparql`` command) beside the embedded on-disk store, same
questions, and the answers are compared whole (every hop's sources, hedge, asserter).

    python benchmarks/graph.py --scales 1e6 1e7 --work /tmp/axkg-graph
    python benchmarks/graph.py --scales 1e6 --virtuoso --skip neighbors metapaths --out benchmarks/results/graph-virtuoso
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

TARGETS = {"path_s": 2.0, "neighbors_s": 2.0, "peak_gb": 2.0, "metapaths_s": 10.0, "virtuoso_path_s": 10.0}
VIRTUOSO_GRAPH = "https://w3id.org/axialkg/graph/bench"
PATH_LIMITS = (20, 0)  # the CLI's default, and every path within the bound


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
    elif what == "kg-path":  # the API's paths, as the remote run answers them, for the comparison
        out.update(_api_paths(kg, task))
    elif what in ("nx-path", "nx-neighbors", "nx-metapaths"):
        t = time.perf_counter()
        G = kg.graph()
        out["networkx_build_s"] = time.perf_counter() - t
        out.update(_question(kg, task, G))
    out["total_s"], out["cpu_s"] = time.perf_counter() - t0, time.process_time() - c0
    out["peak_mb"] = _peak_mb()
    kg.close()
    return out


def _api_paths(kg, task: dict) -> dict:
    """``kg.paths`` for each pair and limit of the task: times and whole records."""
    out: dict = {"answers": {}, "seconds": {}}
    for source, target in task["pairs"]:
        for limit in PATH_LIMITS:
            key = f"{source} {target} limit={limit}"
            t, c = time.perf_counter(), time.process_time()
            found = kg.paths(source, target, max_hops=4, limit=limit)
            out["seconds"][key] = time.perf_counter() - t
            out.setdefault("cpu_seconds", {})[key] = time.process_time() - c
            out["answers"][key] = [p.to_dict() for p in found]
    return out


def remote_work(task: dict) -> dict:
    """``kg.paths`` on a remote endpoint, in this process (a command's cost: open, ask, answer)."""
    import axialkg

    t0, c0 = time.perf_counter(), time.process_time()
    kg = axialkg.open(task["url"], graph=task["graph"], timeout=task.get("timeout", 120))
    out = _api_paths(kg, task)
    out["total_s"], out["cpu_s"] = time.perf_counter() - t0, time.process_time() - c0
    out["peak_mb"] = _peak_mb()
    return out


class _Virtuoso:
    """A throwaway Virtuoso 7 (the tests' server) with buffers for 10^6-10^7 triples, loaded by
    its bulk loader from a file in its DirsAllowed directory."""

    def __init__(self, location: Path, buffers: int):
        sys.path.insert(0, str(HERE.parent / "tests"))
        from servers import VirtuosoServer

        shutil.rmtree(location, ignore_errors=True)
        self.server = VirtuosoServer(location)
        ini = location / "virtuoso.ini"
        text = ini.read_text(encoding="utf-8")
        text = text.replace("NumberOfBuffers    = 10000", f"NumberOfBuffers    = {buffers}")
        text = text.replace("MaxDirtyBuffers    = 6000", f"MaxDirtyBuffers    = {buffers * 3 // 4}")
        ini.write_text(text, encoding="utf-8")

    def load(self, data: Path) -> dict:
        """Start, bulk-load ``data`` into :data:`VIRTUOSO_GRAPH`, checkpoint; the loader's figures."""
        import urllib.parse
        import urllib.request

        here = self.server.location / data.name
        try:
            os.link(data, here)
        except OSError:
            shutil.copyfile(data, here)
        self.server.start()
        t = time.perf_counter()
        sql = (f"ld_dir('{self.server.location}', '{data.name}', '{VIRTUOSO_GRAPH}'); rdf_loader_run(); checkpoint; "
               "SELECT ll_state, ll_error FROM DB.DBA.load_list;")
        done = subprocess.run(["isql-vt", str(self.server.sql_port), self.server.user, self.server.password,
                               f"exec={sql}"], capture_output=True, text=True, timeout=3600)
        seconds = time.perf_counter() - t
        if done.returncode or "NULL" not in done.stdout.split("ll_error")[-1]:
            raise RuntimeError(f"Virtuoso bulk load failed: {(done.stdout + done.stderr)[-400:]}")
        here.unlink()
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{VIRTUOSO_GRAPH}> {{ ?s ?p ?o }} }}"
        url = self.server.sparql_url + "?" + urllib.parse.urlencode({"query": query, "format": "json"})
        with urllib.request.urlopen(url, timeout=300) as r:
            n = int(json.load(r)["results"]["bindings"][0]["n"]["value"])
        return {"load_s": seconds, "triples": n, "peak_mb": self.peak_mb()}

    def peak_mb(self) -> float:
        status = Path(f"/proc/{self.server.proc.pid}/status").read_text() if self.server.proc else ""
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def cpu_s(self) -> float:
        """The server's CPU seconds so far (user + system): what the engine spent, whatever the load."""
        if not self.server.proc:
            return 0.0
        fields = Path(f"/proc/{self.server.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.server.stop()
        shutil.rmtree(self.server.location, ignore_errors=True)


def virtuoso_paths(base: dict, data: Path, work_dir: Path, name: str, timeout: float) -> dict:
    """Load ``data`` into Virtuoso, then the same paths there and on the embedded on-disk store."""
    pairs = base["pairs"]
    res: dict = {}
    res["kg-path"] = run({**base, "what": "kg-path"}, timeout)
    print(f"  {name} embedded kg.paths: {_brief(res['kg-path'])}", file=sys.stderr, flush=True)
    v = _Virtuoso(work_dir / f"virtuoso-{name}", buffers=170_000 if float(name) <= 1e6 else 1_000_000)
    try:
        res["virtuoso-load"] = v.load(data)
        print(f"  {name} virtuoso load: {_brief(res['virtuoso-load'])}", file=sys.stderr, flush=True)
        task = {"url": v.server.sparql_url, "graph": VIRTUOSO_GRAPH, "pairs": pairs}
        for round_ in ("cold", "warm"):  # the first run after the load meets Virtuoso's cold caches
            before = v.cpu_s()
            res[f"remote-path-{round_}"] = run({**task, "what": "remote"}, timeout)
            res[f"remote-path-{round_}"]["server_cpu_s"] = v.cpu_s() - before
            print(f"  {name} remote kg.paths ({round_}): {_brief(res[f'remote-path-{round_}'])}", file=sys.stderr,
                  flush=True)
        exe = str(Path(sys.executable).with_name("axialkg"))
        cli = []
        for source, target in pairs:
            cmd = [exe, "path", source, target, "--store", v.server.sparql_url, "--graph", VIRTUOSO_GRAPH,
                   "--max-hops", "4", "--format", "json"]
            t, before = time.perf_counter(), v.cpu_s()
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
            seconds, server_cpu = time.perf_counter() - t, v.cpu_s() - before
            got = json.loads(done.stdout)["paths"] if done.returncode == 0 else None
            want = res["kg-path"].get("answers", {}).get(f"{source} {target} limit=20")
            cli.append({"pair": [source, target], "wall_s": seconds, "server_cpu_s": server_cpu, "exit": done.returncode,
                        "paths": len(got or []), "same_as_embedded": got == want,
                        "error": done.stderr.strip()[-300:] if done.returncode else None})
            print(f"  {name} axialkg path --store virtuoso: {seconds:.2f} s, exit {done.returncode}, "
                  f"same={got == want}", file=sys.stderr, flush=True)
        res["remote-cli"] = cli
        res["virtuoso-peak_mb"] = v.peak_mb()
    finally:
        v.stop()
    return res


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


def scale(name: str, work_dir: Path, seed: int, networkx, timeout: float, skip: set, virtuoso: bool = False) -> dict:
    import synth

    n = int(float(name))
    data = work_dir / f"synth-{name}.nt"
    manifest = synth.ensure(data, n, seed)  # generated unless the same seed and size made it
    store = work_dir / f"store-{name}"
    shutil.rmtree(store, ignore_errors=True)
    base = {"dir": str(store), "data": str(data), "source": manifest["path"]["source"],
            "target": manifest["path"]["target"], "from": "Drug", "to": "Symptom",
            "pairs": [[manifest["path"]["source"], manifest["path"]["target"]],
                      [manifest["params"]["cause"], manifest["params"]["symptom"]]]}
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
    if virtuoso:
        res["virtuoso"] = virtuoso_paths(base, data, work_dir, name, timeout)
    shutil.rmtree(store, ignore_errors=True)
    return res


def _brief(r: dict) -> str:
    return ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in r.items()
                     if k not in ("answer", "answers"))


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
    lines += _virtuoso_report(doc)
    out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


def _virtuoso_report(doc: dict) -> list[str]:
    rows = [(name, r["virtuoso"]) for name, r in doc["scales"].items() if "virtuoso" in r]
    if not rows:
        return []
    lines = ["", "`path` (4 hops) on a remote Virtuoso 7 holding the same graph (frontier expansion, batched VALUES "
             "questions; nothing copied out), beside the embedded on-disk store (cache present), same questions "
             f"(limit 20 and 0 = every path; target < {TARGETS['virtuoso_path_s']:g} s, same paths):", "",
             "| scale | Virtuoso bulk load (s) | Virtuoso triples | pair | limit | embedded kg.paths (s) | "
             "Virtuoso kg.paths cold / warm (s) | paths | same paths |", "|---|---|---|---|---|---|---|---|---|"]
    for name, v in rows:
        emb, load = v.get("kg-path") or {}, v.get("virtuoso-load") or {}
        cold, warm = v.get("remote-path-cold") or {}, v.get("remote-path-warm") or {}
        for key in emb.get("seconds", {}):
            src, dst, limit = key.split(" ")
            got = warm.get("answers", {}).get(key)
            same = got == emb["answers"][key] and cold.get("answers", {}).get(key) == emb["answers"][key]
            lines.append(f"| {name} | {load.get('load_s', 0):.1f} | {load.get('triples', '–')} | "
                         f"{src.rsplit('/', 1)[-1]} → {dst.rsplit('/', 1)[-1]} | {limit.split('=')[1]} | "
                         f"{emb['seconds'][key]:.2f} | {cold.get('seconds', {}).get(key, float('nan')):.2f} / "
                         f"{warm.get('seconds', {}).get(key, float('nan')):.2f} | {len(emb['answers'][key])} | {same} |")
        for c in v.get("remote-cli", []):
            lines.append(f"| {name} | | | `axialkg path {c['pair'][0].rsplit('/', 1)[-1]} {c['pair'][1].rsplit('/', 1)[-1]} "
                         f"--store http://…/sparql` (shell to answer) | 20 | | {c['wall_s']:.2f} (exit {c['exit']}; server "
                         f"{c.get('server_cpu_s', 0):.2f} CPU s) | "
                         f"{c['paths']} | {c['same_as_embedded']} |")
        for what, r in (("embedded", emb), ("Virtuoso (cold)", cold), ("Virtuoso (warm)", warm)):
            if "total_s" in r:
                lines.append(f"| {name} | | | whole {what} process, every question above | | "
                             f"{r['total_s']:.2f} s, {r.get('cpu_s', 0):.2f} CPU s, {r.get('peak_mb', 0):.0f} MB"
                             + (f"; server {r['server_cpu_s']:.2f} CPU s" if "server_cpu_s" in r else "") + " | | | |")
            elif "error" in r:
                lines.append(f"| {name} | | | {what}: {r['error'][:80]} | | | | | |")
        lines.append(f"| {name} | | | Virtuoso server peak RSS | | {v.get('virtuoso-peak_mb', 0):.0f} MB | | | |")
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scales", nargs="+", default=["1e6"])
    ap.add_argument("--work", type=Path, default=Path("/tmp/axkg-graph-bench"))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--networkx-1e7", action="store_true", help="also run the networkx peer above 10^6")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "graph")
    ap.add_argument("--skip", nargs="*", default=[], help="commands to leave out (path, neighbors, metapaths)")
    ap.add_argument("--no-networkx", action="store_true", help="leave the networkx peer out (minutes at 10^6)")
    ap.add_argument("--virtuoso", action="store_true", help="also path on a throwaway Virtuoso 7 holding the graph")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        task = json.loads(args.worker)
        print(json.dumps(remote_work(task) if task["what"] == "remote" else work(task)))
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    doc = {"started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "seed": args.seed,
           "machine": f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start",
           "scales": {}}
    for name in args.scales:
        doc["scales"][name] = scale(name, args.work, args.seed,
                                    False if args.no_networkx else "all" if args.networkx_1e7 else True, args.timeout,
                                    set(args.skip), args.virtuoso)
        report(doc, args.out)
    print(args.out.with_suffix(".md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
