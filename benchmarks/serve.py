"""Benchmark of ``axialkg serve``: throughput beside ``oxigraph serve`` on the same data and query
mix, and fairness under runaway queries (cheap clients' p99, errors, memory of server + workers).

    python benchmarks/serve.py                 # release and a synthetic 10^6 graph, ~3 minutes
    python benchmarks/serve.py --quick         # release only, short runs

Writes benchmarks/results/serve.md and serve.json. Each client is a process of its own (forked
from this one) with one persistent connection, the same client code for both servers. Threads of
one process (``--clients threads``, the earlier runs) share one interpreter lock: past ~5,000
requests/s the client itself is the limit, and what it spends reading each answer's headers
counts against the server. Besides requests/s each run gives the CPU the server spent per request
(its process and any workers), the figure that holds when other jobs share the machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

MIX = [
    "SELECT ?l WHERE { <https://w3id.org/axialkg/ruxolitinib> <http://www.w3.org/2000/01/rdf-schema#label> ?l }",
    "ASK { ?s a <http://www.w3.org/2002/07/owl#NamedIndividual> }",
    "SELECT ?s ?o WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o } LIMIT 20",
    "SELECT ?p ?o WHERE { <https://w3id.org/axialkg/ruxolitinib> ?p ?o }",
]  # cheap at every scale: throughput of the servers, not of one heavy query
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ACCEPT = "application/sparql-results+json"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, proc: subprocess.Popen, timeout: float = 300) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def oxigraph_binary() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else "oxigraph"


def start_oxigraph(data: Path, work: Path):
    loc = work / "oxigraph"
    subprocess.run([oxigraph_binary(), "load", "--location", str(loc), "--file", str(data)], check=True,
                   capture_output=True)
    port = free_port()
    proc = subprocess.Popen([oxigraph_binary(), "serve-read-only", "--location", str(loc), "--bind",
                             f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    wait_up(url, proc)
    return url, proc


def start_ours(data: Path | None, workers: int, timeout: float, worker_memory: int, answer_cache_mb: int = 64,
               source: str | None = None):
    """``source``: another checkout's ``src`` to serve from (the run before a change, beside it)."""
    port = free_port()
    cfg = {"port": port, "data": str(data) if data else None, "workers": workers, "timeout": timeout,
           "worker_memory": worker_memory, "answer_cache_mb": answer_cache_mb}
    log = tempfile.NamedTemporaryFile(prefix="axialkg-serve-bench-", suffix=".log", delete=False)
    env = {**os.environ, "PYTHONPATH": source} if source else None
    proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(cfg)],
                            stdout=subprocess.DEVNULL, stderr=log, env=env)
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        wait_up(url, proc, timeout=1200)
    except RuntimeError as exc:
        raise RuntimeError(f"{exc}: {Path(log.name).read_text(errors='replace')[-800:]}") from None
    finally:
        log.close()
        os.unlink(log.name)
    return url, proc


def child(cfg: dict) -> None:
    """Our server on a StoreSpec (the data file in memory), as ``axialkg serve`` runs it."""
    from axialkg.server import ServerConfig, serve
    from axialkg.stores import StoreSpec

    spec = StoreSpec("memory", cfg["data"]) if cfg["data"] else None
    serve(ServerConfig(port=cfg["port"], store=spec, workers=cfg["workers"], timeout=cfg["timeout"],  # type: ignore[arg-type]
                       worker_memory=cfg["worker_memory"], quiet=True, answer_cache_mb=cfg.get("answer_cache_mb", 64)))


def client(url: str, queries: list[str], stop_at: float, out: list, timeout: float = 60) -> None:
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    i = 0
    while time.monotonic() < stop_at:
        q = queries[i % len(queries)]
        i += 1
        t = time.monotonic()
        try:
            conn.request("GET", parts.path + "?query=" + urllib.parse.quote(q), headers={"Accept": ACCEPT})
            r = conn.getresponse()
            r.read()
            status = r.status
            if r.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        except (OSError, http.client.HTTPException):
            status = 0
            conn.close()
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        out.append((time.monotonic() - t, status))
    conn.close()


def _tree_sum(pid: int, measure) -> float:
    """``measure`` summed over a process and its children (a server and its workers)."""
    import psutil

    try:
        p = psutil.Process(pid)
        procs = [p] + p.children(recursive=True)
    except psutil.Error:
        return 0.0
    total = 0.0
    for q in procs:
        try:
            total += measure(q)
        except psutil.Error:
            pass
    return total


def tree_rss_mb(pid: int) -> float:
    return _tree_sum(pid, lambda q: q.memory_info().rss) / 2**20


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children."""
    return _tree_sum(pid, lambda q: sum(q.cpu_times()[:2]))


def _client_process(url: str, queries: list[str], stop_at: float, conn) -> None:
    out: list = []
    client(url, queries, stop_at, out)
    conn.send(out)
    conn.close()


CLIENTS = "processes"  # or "threads" (--clients)


def load(url: str, pid: int, clients: list[list[str]], seconds: float) -> dict:
    import multiprocessing

    stop_at = time.monotonic() + seconds
    outs: list[list] = [[] for _ in clients]
    peak = 0.0
    cpu = tree_cpu_seconds(pid)
    started = time.monotonic()
    if CLIENTS == "threads":
        runners = [threading.Thread(target=client, args=(url, qs, stop_at, out)) for qs, out in zip(clients, outs)]
        pipes = []
    else:  # forked: the client's code and state as in a thread, without sharing an interpreter lock
        ctx = multiprocessing.get_context("fork")
        pipes = [ctx.Pipe(False) for _ in clients]
        runners = [ctx.Process(target=_client_process, args=(url, qs, stop_at, w)) for qs, (_, w) in zip(clients, pipes)]
    for t in runners:
        t.start()
    while any(t.is_alive() for t in runners) and time.monotonic() < stop_at:
        peak = max(peak, tree_rss_mb(pid))
        time.sleep(0.2)
    for i, (r, _) in enumerate(pipes):  # a client process exits once its answers are read
        while not r.poll(0.2):
            peak = max(peak, tree_rss_mb(pid))
        outs[i] = r.recv()
    for t in runners:
        while t.is_alive():
            peak = max(peak, tree_rss_mb(pid))
            t.join(0.2)
    took = time.monotonic() - started
    cpu = tree_cpu_seconds(pid) - cpu
    return {"outs": outs, "seconds": took, "peak_rss_mb": round(peak, 1), "server_cpu_s": cpu}


def summary(outs: list[list], seconds: float) -> dict:
    lat = sorted(x for out in outs for x, _ in out)
    errors = sum(1 for out in outs for _, s in out if s != 200)
    if not lat:
        return {"requests": 0, "errors": errors}
    p = lambda f: round(lat[min(len(lat) - 1, int(f * len(lat)))] * 1000, 1)  # noqa: E731
    return {"requests": len(lat), "errors": errors, "rps": round(len(lat) / seconds, 1), "p50_ms": p(0.5),
            "p99_ms": p(0.99), "max_ms": round(lat[-1] * 1000, 1), "mean_ms": round(statistics.mean(lat) * 1000, 2)}


def _measure(url: str, proc, seconds: float) -> dict:
    load(url, proc.pid, [MIX] * 8, 2)  # warm up
    r = load(url, proc.pid, [MIX[i:] + MIX[:i] for i in range(4)] * 2, seconds)
    out = {**summary(r["outs"], r["seconds"]), "peak_rss_mb": r["peak_rss_mb"]}
    if out.get("requests"):
        out["server_cpu_us_per_request"] = round(r["server_cpu_s"] / out["requests"] * 1e6, 1)
    return out


def throughput(data: Path, work: Path, seconds: float, workers: int, rounds: int = 2, baseline: str | None = None) -> dict:
    """Both servers running side by side, measured in turn (oxigraph, ours, ours without the answer
    cache; with ``baseline``, the same two served from that source tree too) ``rounds`` times: on a
    shared machine the ratio of neighbouring runs is what holds; the median of each is reported."""
    servers: dict = {}
    starts = {"oxigraph": lambda: start_oxigraph(data, work), "axialkg": lambda: start_ours(data, workers, 30, 0),
              "axialkg_no_answer_cache": lambda: start_ours(data, workers, 30, 0, answer_cache_mb=0)}
    if baseline:
        starts["baseline"] = lambda: start_ours(data, workers, 30, 0, source=baseline)
        starts["baseline_no_answer_cache"] = lambda: start_ours(data, workers, 30, 0, answer_cache_mb=0, source=baseline)
    runs: dict[str, list[dict]] = {name: [] for name in starts}
    try:
        for name, start in starts.items():  # inside the try: one that fails to start stops those before it
            servers[name] = start()
        for _ in range(rounds):
            for name, (url, proc) in servers.items():
                runs[name].append(_measure(url, proc, seconds))
    finally:
        for _, proc in servers.values():
            proc.terminate()
            proc.wait(30)
    out: dict = {}
    for name, rs in runs.items():
        out[name] = sorted(rs, key=lambda r: r.get("rps", 0))[len(rs) // 2]
        out[name]["rounds_rps"] = [r.get("rps") for r in rs]
        cpu = [r["server_cpu_us_per_request"] for r in rs if "server_cpu_us_per_request" in r]
        out[name]["server_cpu_us_per_request_median"] = statistics.median(cpu) if cpu else None
    ox_rps = max(out["oxigraph"].get("rps", 1), 1e-9)
    out["ratio_of_medians"] = round(out["axialkg"].get("rps", 0) / ox_rps, 2)
    out["ratio_per_round"] = [round(a.get("rps", 0) / max(o.get("rps", 1), 1e-9), 2)
                              for a, o in zip(runs["axialkg"], runs["oxigraph"])]
    out["ratio_no_answer_cache_per_round"] = [round(a.get("rps", 0) / max(o.get("rps", 1), 1e-9), 2)
                                              for a, o in zip(runs["axialkg_no_answer_cache"], runs["oxigraph"])]
    # neighbouring runs share the machine's load: the median of the per-round ratios is the figure
    out["ratio"] = statistics.median(out["ratio_per_round"])
    out["ratio_no_answer_cache"] = statistics.median(out["ratio_no_answer_cache_per_round"])
    for name in ("baseline", "baseline_no_answer_cache"):
        if name in runs:
            out[f"ratio_{name}_per_round"] = [round(a.get("rps", 0) / max(o.get("rps", 1), 1e-9), 2)
                                              for a, o in zip(runs[name], runs["oxigraph"])]
            out[f"ratio_{name}"] = statistics.median(out[f"ratio_{name}_per_round"])
    return out


def fairness(seconds: float, workers: int, worker_memory: int, timeout: float, work: Path) -> dict:
    """8 clients, 4 of them sending runaway queries; what the other 4 see, on ours and on oxigraph."""
    from axialkg.resources import release_path

    res = {}
    clients = [[RUNAWAY]] * 4 + [MIX] * 4
    url, proc = start_ours(None, workers, timeout, worker_memory)
    try:
        r = load(url, proc.pid, clients, seconds)
        res["axialkg"] = {"cheap": summary(r["outs"][4:], r["seconds"]), "runaway": summary(r["outs"][:4], r["seconds"]),
                          "peak_rss_mb": r["peak_rss_mb"],
                          "memory_cap_mb": workers * worker_memory + 300 if worker_memory else None}
    finally:
        proc.terminate()
        proc.wait(30)
    url, proc = start_oxigraph(release_path("ttl"), work / "fair")
    try:
        r = load(url, proc.pid, clients, seconds)
        res["oxigraph"] = {"cheap": summary(r["outs"][4:], r["seconds"]), "runaway": summary(r["outs"][:4], r["seconds"]),
                           "peak_rss_mb": r["peak_rss_mb"]}
    finally:
        proc.kill()
        proc.wait(30)
    return res


def _run_line(doc: dict) -> str:
    return (f"Run {doc['when']} on {doc['cpus']} CPUs (shared); {doc['seconds']} s per load, {doc.get('rounds', 2)} "
            f"rounds, 8 loopback clients ({doc.get('clients', 'threads')}, one persistent connection each); load average "
            f"{doc.get('load_average', '?')} at the start, {doc.get('load_average_end', '?')} at the end; httptools "
            f"{doc.get('httptools', '?')}, uvloop {doc.get('uvloop', '?')}.")


def _throughput_table(doc: dict) -> list[str]:
    lines = ["| scale | axialkg req/s | oxigraph req/s | ratio (median of rounds) | axialkg p99 ms | oxigraph p99 ms "
             "| errors (ours/theirs) | without the answer cache: req/s, ratio, p99 ms "
             "| server CPU µs per request: ours / without the cache / oxigraph (median of rounds) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, t in doc["throughput"].items():
        a, o, n = t["axialkg"], t["oxigraph"], t.get("axialkg_no_answer_cache", {})
        cpu = " / ".join(str(x.get("server_cpu_us_per_request_median", "?")) for x in (a, n, o))
        lines.append(f"| {name} | {a.get('rps')} | {o.get('rps')} | {t['ratio']} {t.get('ratio_per_round')} | "
                     f"{a.get('p99_ms')} | {o.get('p99_ms')} | {a['errors']}/{o['errors']} | "
                     f"{n.get('rps')}, {t.get('ratio_no_answer_cache')} {t.get('ratio_no_answer_cache_per_round')}, "
                     f"{n.get('p99_ms')} | {cpu} |")
        if "baseline" in t:  # the same servers from the source before the change, in the same rounds
            b, bn = t["baseline"], t["baseline_no_answer_cache"]
            cpu = " / ".join(str(x.get("server_cpu_us_per_request_median", "?")) for x in (b, bn, o))
            lines.append(f"| {name}, before ({doc.get('baseline', '?')}) | {b.get('rps')} | {o.get('rps')} | "
                         f"{t['ratio_baseline']} {t.get('ratio_baseline_per_round')} | {b.get('p99_ms')} | "
                         f"{o.get('p99_ms')} | {b['errors']}/{o['errors']} | {bn.get('rps')}, "
                         f"{t.get('ratio_baseline_no_answer_cache')} {t.get('ratio_baseline_no_answer_cache_per_round')}, "
                         f"{bn.get('p99_ms')} | {cpu} |")
    return lines


def report(doc: dict) -> str:
    lines = ["# `axialkg serve` benchmark", "", _run_line(doc), "",
             "## Throughput beside `oxigraph serve` (same data, same query mix)", "", *_throughput_table(doc)]
    for other in doc.get("also", []):  # the same servers measured otherwise (thread clients, as earlier runs)
        lines += ["", f"### With {other.get('clients')} as clients", "", _run_line(other), "", *_throughput_table(other)]
    f = doc.get("fairness")
    if f:
        a, o = f["axialkg"], f["oxigraph"]
        lines += ["", f"## Runaway queries: 4 clients send `{RUNAWAY}`, 4 send the cheap mix (release, timeout "
                  f"{doc['fair_timeout']} s, {doc['workers']} workers, --worker-memory {doc['worker_memory']})", "",
                  "| server | cheap requests | cheap p99 ms | cheap max ms | cheap errors | runaway answers (non-200) "
                  "| peak RSS MB (server + workers) |",
                  "|---|---|---|---|---|---|---|",
                  f"| axialkg | {a['cheap'].get('requests')} | {a['cheap'].get('p99_ms')} | {a['cheap'].get('max_ms')} | "
                  f"{a['cheap']['errors']} | {a['runaway'].get('requests')} ({a['runaway']['errors']}) | {a['peak_rss_mb']} "
                  f"(cap {a['memory_cap_mb']}) |",
                  f"| oxigraph | {o['cheap'].get('requests')} | {o['cheap'].get('p99_ms')} | {o['cheap'].get('max_ms')} | "
                  f"{o['cheap']['errors']} | {o['runaway'].get('requests')} ({o['runaway']['errors']}) | {o['peak_rss_mb']} |"]
    if doc.get("notes"):  # what the figures mean, written beside a run (kept in serve.json)
        lines += ["", "## Notes", ""] + [f"- {n}" for n in doc["notes"]]
    return "\n".join(lines) + "\n"


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="release only, 3 s loads")
    ap.add_argument("--seconds", type=float, help="seconds per load (default 10; 3 with --quick)")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of the servers in turn (median reported)")
    ap.add_argument("--workers", type=int, default=min(4, max(2, os.cpu_count() or 2)), help="as serve's default")
    ap.add_argument("--worker-memory", type=int, default=1024)
    ap.add_argument("--clients", choices=["processes", "threads"], default="processes",
                    help="the 8 clients as processes (default) or as threads of this process (earlier runs)")
    ap.add_argument("--release-only", action="store_true", help="no synthetic 10^6 graph")
    ap.add_argument("--baseline", metavar="SRC", help="also serve from this src directory (the code before a change), "
                                                       "in the same rounds")
    ap.add_argument("--baseline-name", default="baseline", help="what the report calls it (a commit)")
    ap.add_argument("--no-fairness", action="store_true", help="skip the runaway-query run")
    ap.add_argument("--out", type=Path, default=HERE / "results")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--report-only", action="store_true", help="rewrite serve.md from serve.json")
    args = ap.parse_args(argv)
    if args.child:
        child(json.loads(args.child))
        return 0
    if args.report_only:
        (args.out / "serve.md").write_text(report(json.loads((args.out / "serve.json").read_text())))
        return 0
    from axialkg.resources import release_path

    global CLIENTS
    CLIENTS = args.clients
    seconds = args.seconds or (3 if args.quick else 10)
    doc: dict = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpus": os.cpu_count(), "seconds": seconds,
                 "rounds": args.rounds, "clients": args.clients, "baseline": args.baseline_name if args.baseline else None,
                 "httptools": _has("httptools"), "uvloop": _has("uvloop"),
                 "workers": args.workers, "worker_memory": args.worker_memory, "fair_timeout": 10, "throughput": {},
                 "load_average": [round(x, 2) for x in os.getloadavg()]}
    with tempfile.TemporaryDirectory(prefix="axialkg-serve-bench-") as tmp:
        work = Path(tmp)
        scales = [("release", release_path("ttl"))]
        if not (args.quick or args.release_only):
            import synth

            m = synth.ensure(work / "synth-1e6.nt", 1_000_000)
            scales.append(("synth-1e6", Path(m["file"])))
        for name, data in scales:
            print(f"throughput at {name} ...", file=sys.stderr)
            (work / name).mkdir()
            doc["throughput"][name] = throughput(data, work / name, seconds, args.workers, args.rounds, args.baseline)
            print(json.dumps(doc["throughput"][name]), file=sys.stderr)
        if not args.no_fairness:
            print("runaway fairness ...", file=sys.stderr)
            (work / "fair").mkdir()
            doc["fairness"] = fairness(seconds, args.workers, args.worker_memory, 10, work)
            print(json.dumps(doc["fairness"]), file=sys.stderr)
    doc["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "serve.json").write_text(json.dumps(doc, indent=2) + "\n")
    (args.out / "serve.md").write_text(report(doc))
    print(report(doc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
