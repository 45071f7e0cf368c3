"""Search: building the index and answering, beside the peers measured in the same run.

* build: the FTS5 index of a store (its SPARQL reads + SQLite), beside the resolver's label index
  (the ``label-index`` query every name-taking command already runs once);
* cached: reading the index beside an on-disk store, beside building it;
* search: one ``kg.search`` beside one ``kg.resolve`` (a dict lookup) of its top hit's label.

On the release and on seeded synthetic graphs (``synth.py``). Writes ``results/search.md`` and ``.json``.

    python benchmarks/search.py [--triples 1e5 1e6]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

TEXTS = ["mastocytosis", "Janus kinase", "low marrow signal", "osteosclerosis", "ruxolitinib"]


def timed(fn, reps: int = 5) -> float:
    """The median seconds of ``reps`` calls."""
    out = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out)


def measure(name: str, store) -> dict:
    from axialkg.api import KnowledgeGraph
    from axialkg.queries import internal
    from axialkg.search import SearchIndex

    kg = KnowledgeGraph(store)
    build = timed(lambda: SearchIndex.build(store), reps=3)
    labels = timed(lambda: store.query(internal("label-index")), reps=3)
    kg.search("warm up")
    texts = TEXTS if name == "release" else [kg.resolver.labels[next(iter(kg.resolver.labels))]]
    search = statistics.median(timed(lambda t=t: kg.search(t)) for t in texts)
    known = [kg.search(t)[0].label for t in texts]  # the peer resolves names it knows (no suggestions)
    resolve = statistics.median(timed(lambda t=t: kg.resolve(t)) for t in known)
    return {"graph": name, "triples": store.triple_count(), "entities": len(kg._search or []),
            "build_s": build, "label_index_s": labels, "build_ratio": build / labels,
            "search_ms": search * 1000, "resolve_ms": resolve * 1000, "search_ratio": search / resolve}


def cached(tmp: Path) -> dict:
    """Reading the cache beside an on-disk store vs building it."""
    import axialkg
    from axialkg.search import SearchIndex, cache_path

    with axialkg.open(f"oxigraph:{tmp / 'store'}") as kg:
        kg.search("kit")
        store = kg.store
        read = timed(lambda: SearchIndex.for_store(store))
        build = timed(lambda: SearchIndex.build(store), reps=3)
        size = cache_path(store).stat().st_size
    return {"read_cache_ms": read * 1000, "build_ms": build * 1000, "ratio": read / build, "cache_bytes": size}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--triples", nargs="*", type=float, default=[1e5], help="synthetic graph sizes (default 1e5)")
    args = p.parse_args(argv)
    from axialkg.stores.embedded import OxigraphStore
    from synth import ensure

    rows = [measure("release", OxigraphStore.in_memory())]
    with tempfile.TemporaryDirectory() as tmp:
        disk = cached(Path(tmp))
        from axialkg.progress import track

        for n in track(args.triples, "synthetic graphs", unit="graph"):
            path = Path(tmp) / f"synth-{int(n)}.nt"
            ensure(path, int(n))
            data = OxigraphStore.in_memory(source=None)
            data.store.clear()
            data.store.bulk_load(path=str(path), format=__import__("pyoxigraph").RdfFormat.N_TRIPLES)
            rows.append(measure(f"synthetic {int(n):.0e}", data))
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "search.json").write_text(json.dumps({"graphs": rows, "on_disk_cache": disk}, indent=2) + "\n")
    lines = ["# search", "", "| graph | triples | entities | index build (s) | label index, the peer (s) | ratio "
             "| search (ms) | resolve, the peer (ms) | ratio |", "|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['graph']} | {r['triples']} | {r['entities']} | {r['build_s']:.3f} | {r['label_index_s']:.3f} "
              f"| {r['build_ratio']:.2f} | {r['search_ms']:.2f} | {r['resolve_ms']:.3f} | {r['search_ratio']:.1f} |"
              for r in rows]
    lines += ["", f"On-disk cache ({disk['cache_bytes']} bytes): read {disk['read_cache_ms']:.1f} ms vs build "
              f"{disk['build_ms']:.1f} ms (ratio {disk['ratio']:.3f}).", ""]
    (out / "search.md").write_text("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
