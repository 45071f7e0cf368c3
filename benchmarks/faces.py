"""The fast faces of issue #18, each beside its peer in the same run.

* validate: SHACL shapes + ROBOT checks on pyoxigraph (ours) vs pySHACL on the same file (the engine
  we had; skipped above --pyshacl-max triples, where it does not finish), and vs a bare pyoxigraph load.
* opening an on-disk store that is already loaded: ``OxigraphStore.on_disk`` vs ``pyoxigraph.Store(dir)``.
* the CLI, shell to answer: ``axialkg query …`` vs ``python -c "import pyoxigraph"``.

* with ``--store DIR --source FILE`` (an on-disk store already loaded from FILE, e.g. the one
  ``export.py --keep-store`` leaves): opening it, and ``claim-sources`` for its busiest entity (the
  most claims, as subject or object: the entity page) through our API beside bare pyoxigraph running
  the same text with the entity substituted, each in a fresh process (first call) and then warm.

    python benchmarks/faces.py --triples 1e5 [--out benchmarks/results]
    python benchmarks/faces.py --store /tmp/exp/store-1e+07 --source /tmp/exp/synth-1e+07.nt --name faces-1e7

Writes ``faces.md`` and ``faces.json`` (``--name``: another stem); synthetic graphs come from
``benchmarks/synth.py``.
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
PAGE = 50  # claims on the entity page's first page


def timed(fn, repeats: int = 1, clock=time.perf_counter) -> float:
    """Median seconds per call by ``clock`` (``time.process_time``: this process's CPU, on shared cores
    the robust figure)."""
    runs = []
    for _ in range(repeats):
        start = clock()
        fn()
        runs.append(clock() - start)
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


def busiest_entity(directory: Path) -> tuple[str, int]:
    """The entity in the most claim axioms, as subject or object (read from the store's index)."""
    import pyoxigraph as ox
    from collections import Counter

    owl = "http://www.w3.org/2002/07/owl#"
    store = ox.Store.read_only(str(directory))
    counts: Counter = Counter()
    for end in ("annotatedSource", "annotatedTarget"):
        for q in store.quads_for_pattern(None, ox.NamedNode(owl + end), None):
            counts[q.object.value] += 1
    del store
    return max(counts.items(), key=lambda kv: (kv[1], kv[0]))


def store_worker(task: dict) -> dict:
    """One fresh process: open the store (ours, or bare) and run claim-sources for the entity,
    first call and then warm (median of ``repeats``)."""
    import pyoxigraph as ox

    t0 = time.perf_counter()
    if task["what"] == "ours":
        from axialkg.api import KnowledgeGraph
        from axialkg.stores.embedded import OxigraphStore

        kg = KnowledgeGraph(OxigraphStore.on_disk(task["dir"], source=Path(task["source"])))
        opened = time.perf_counter() - t0

        def ask():
            return len(kg.query("claim-sources", entity=task["entity"]).rows)

        def page():
            return len(kg.entity(task["entity"], limit=PAGE).claims)
    else:
        from axialkg.queries import find_query
        from axialkg.stores import inject_values

        # ?entity is not projected, so pyoxigraph's substitutions cannot bind it: the same VALUES
        # block our layer puts in, written into the text here, outside the timing
        text = inject_values(find_query("claim-sources").sparql, {"entity": task["entity"]})
        store = ox.Store(task["dir"])
        opened = time.perf_counter() - t0

        def ask():
            return len(list(store.query(text)))

        from axialkg.queries import internal

        entity = ox.NamedNode(task["entity"])
        annotations = internal("entity-annotations")
        claims_text = inject_values(internal("entity-claims"), {"entity": task["entity"]})

        def page():
            """The entity page's three queries as KnowledgeGraph.entity(limit=PAGE) asks them."""
            list(store.query(annotations, substitutions={ox.Variable("entity"): entity}))
            claims = sorted({(r[1].value, r[0].value, r[2].value) for r in store.query(claims_text)})[:PAGE]
            text = inject_values(internal("claim-page"), {"subject": [c[1] for c in claims],
                                                          "predicate": [c[0] for c in claims],
                                                          "object": [c[2] for c in claims]})
            return len(list(store.query(text)))
    figures: dict = {"open_s": opened}
    for key, fn in (("", ask), ("page_", page)):
        t, c = time.perf_counter(), time.process_time()
        figures[key + "rows"] = fn()
        figures[key + "first_s"], figures[key + "first_cpu_s"] = time.perf_counter() - t, time.process_time() - c
        figures[key + "warm_s"] = timed(fn, task["repeats"])
        figures[key + "warm_cpu_s"] = timed(fn, task["repeats"], time.process_time)
    return {**figures, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def store_figures(directory: Path, source: Path, repeats: int) -> dict:
    """Opening the loaded store and the entity page's claim-sources, ours beside bare pyoxigraph,
    alternating fresh processes (``repeats`` each)."""
    entity, claims = busiest_entity(directory)
    out: dict = {"store": str(directory), "entity": entity, "entity_claims": claims, "runs": {"ours": [], "bare": []}}
    for _ in range(repeats):
        for what in ("ours", "bare"):
            task = {"what": what, "dir": str(directory), "source": str(source), "entity": entity, "repeats": 5}
            done = subprocess.run([sys.executable, __file__, "--worker", json.dumps(task)], capture_output=True,
                                  text=True, timeout=1800)
            if done.returncode:
                raise RuntimeError((done.stderr.strip().splitlines() or ["worker failed"])[-1])
            out["runs"][what].append(json.loads(done.stdout.strip().splitlines()[-1]))
    for what, runs in out["runs"].items():
        out[what] = {k: round(statistics.median(r[k] for r in runs), 4) for k in runs[0] if k.endswith("_s")}
        out[what]["rows"], out[what]["page_rows"] = runs[0]["rows"], runs[0]["page_rows"]
    return out


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
    ap.add_argument("--store", type=Path, help="a loaded on-disk store: opening it and claim-sources only")
    ap.add_argument("--source", type=Path, help="the file --store was loaded from")
    ap.add_argument("--name", default="faces", help="stem of the result files")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(store_worker(json.loads(args.worker))))
        return 0
    if args.store:
        return store_main(args)
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


def store_main(args) -> int:
    import os

    doc = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
           "load_average_start": [round(x, 1) for x in os.getloadavg()],
           **store_figures(args.store, args.source, args.repeats)}
    doc["load_average_end"] = [round(x, 1) for x in os.getloadavg()]
    triples = None
    manifest = args.source.with_suffix(".json")
    if manifest.is_file():
        triples = json.loads(manifest.read_text(encoding="utf-8")).get("triples")
    doc["triples"] = triples
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{args.name}.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    o, b = doc["ours"], doc["bare"]
    lines = [f"# Faces on a loaded on-disk store of {triples or '?'} triples (benchmarks/faces.py --store)", "",
             f"{doc['date']}; load average {doc['load_average_start']} at the start, {doc['load_average_end']} at "
             f"the end (2 cores). Each figure is the median over {args.repeats} fresh processes of each, ours and "
             "bare pyoxigraph alternating; warm is the median of 5 more calls in the same process.", "",
             f"`claim-sources` for the busiest entity, `{doc['entity']}` ({doc['entity_claims']} claim axioms name "
             f"it; {o['rows']} rows, bare {b['rows']}):", "",
             "| figure | ours (s) | bare pyoxigraph (s) | ratio | target |", "|---|---|---|---|---|",
             f"| opening the on-disk store | {o['open_s']} | {b['open_s']} | {o['open_s'] / b['open_s']:.2f}× | < 0.5 s |",
             f"| claim-sources, first call | {o['first_s']} | {b['first_s']} | {o['first_s'] / b['first_s']:.2f}× | "
             "< 0.1 s |",
             f"| claim-sources, warm | {o['warm_s']} | {b['warm_s']} | {o['warm_s'] / b['warm_s']:.2f}× | < 0.1 s |",
             f"| claim-sources, warm, CPU | {o['warm_cpu_s']} | {b['warm_cpu_s']} | "
             f"{o['warm_cpu_s'] / b['warm_cpu_s']:.2f}× | < 0.1 s |",
             *[f"| entity page (`entity(limit={PAGE})`: {o['page_rows']} rows), {label} | {o[k]} | {b[k]} | "
               f"{o[k] / b[k]:.2f}× | < 0.1 s |"
               for label, k in (("first call", "page_first_s"), ("first call, CPU", "page_first_cpu_s"),
                                ("warm", "page_warm_s"), ("warm, CPU", "page_warm_cpu_s"))], "",
             "The entity page asks three queries (annotations; the claims naming the entity, without their "
             "sources; the sources of one page of them) where claim-sources asks the sources of every claim.", ""]
    (args.out / f"{args.name}.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
