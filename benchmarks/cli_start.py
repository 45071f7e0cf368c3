"""The command line's start (issue #18): shell to answer for one named query, beside Python's own.

Three commands run in turn, round after round (A B C A B C ...), each a fresh process:

* ours: ``axialkg query drugs-for-cause --param cause=myelofibrosis --format json`` on the default
  store (the packaged release, from the cached on-disk store in the user cache);
* the yardstick: ``python -c "import pyoxigraph"``;
* the floor: bare pyoxigraph doing the same work (open the cached store read-only, the same query
  bound by VALUES, W3C JSON written), what no Python layer on pyoxigraph can go below.

CPU is the child's user + system time from the operating system (``os.wait4``), wall a monotonic
clock around start and reap; the figures are medians, and the ratios are taken round by round.
``-X importtime`` runs give what the imports cost, module by module (the least of several runs).

    python benchmarks/cli_start.py [--rounds 30] [--out benchmarks/results]

Writes ``cli-start.json`` and ``cli-start.md``. Byte-compiled modules are assumed (as an installed
package has them): run once before, or unset ``PYTHONDONTWRITEBYTECODE``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["query", "drugs-for-cause", "--param", "cause=myelofibrosis", "--format", "json"]
FLOOR = '''import sys, pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
text = open(sys.argv[2], encoding="utf-8").read().replace(
    "WHERE {", "WHERE { VALUES ?cause { <https://w3id.org/axialkg/myelofibrosis> }", 1)
sys.stdout.buffer.write(store.query(text).serialize(format=ox.QueryResultsFormat.JSON))
'''


def run_once(cmd: list[str], env: dict | None = None) -> tuple[float, float]:
    """(wall s, cpu s) of one run of ``cmd``, its output thrown away."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status:
        raise RuntimeError(f"{cmd} failed (status {status})")
    return wall, usage.ru_utime + usage.ru_stime


def imports(args: list[str], runs: int = 5) -> dict[str, int]:
    """Microseconds each module's own import costs (``-X importtime``'s self column) in ``python ARGS``,
    the least of ``runs``."""
    best: dict[str, int] = {}
    for _ in range(runs):
        err = subprocess.run([sys.executable, "-X", "importtime", *args], capture_output=True, text=True).stderr
        for m in re.finditer(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", err):
            us, name = int(m.group(1)), m.group(2)
            best[name] = min(best.get(name, us), us)
    return best


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    ap.add_argument("--name", default="cli-start", help="stem of the result files")
    ap.add_argument("--before", type=Path, help="the src/ of another checkout (e.g. main's): its CLI runs in the "
                                                 "same rounds, as 'before'")
    args = ap.parse_args(argv)
    from axialkg.resources import queries_dir, release_path
    from axialkg.stores import open_store

    from axialkg.stores.cached import COMPLETE, cache_root

    open_store(None).close()  # builds the cached store if it is not there yet
    root = cache_root()
    found = sorted(root.glob("release-*"), key=lambda p: (p / COMPLETE).stat().st_mtime) if root else []
    directory = found[-1] if found else None
    if directory is None:
        raise SystemExit("cli_start: no cached release store (AXIALKG_CACHE_DIR is off?)")
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(FLOOR)
    exe = str(Path(sys.executable).with_name("axialkg"))
    commands = {"ours": [exe, *ARGS], "import_pyoxigraph": [sys.executable, "-c", "import pyoxigraph"],
                "floor": [sys.executable, f.name, str(directory), str(queries_dir() / "drugs-for-cause.rq")]}
    envs: dict[str, dict | None] = {k: None for k in commands}
    if args.before:
        commands["before"] = commands["ours"]
        envs["before"] = {**os.environ, "PYTHONPATH": str(args.before.resolve())}
    load_start = os.getloadavg()
    for key, cmd in commands.items():  # warm the page cache and the .pyc files
        run_once(cmd, envs[key])
    runs: dict[str, list[tuple[float, float]]] = {k: [] for k in commands}
    for _ in range(args.rounds):
        for key, cmd in commands.items():
            runs[key].append(run_once(cmd, envs[key]))
    load_end = os.getloadavg()
    os.unlink(f.name)

    def med(key: str, i: int) -> float:
        return statistics.median(r[i] for r in runs[key])

    def ratio(a: str, b: str, i: int) -> float:
        return statistics.median(x[i] / y[i] for x, y in zip(runs[a], runs[b]))

    ours, peer = imports([exe, *ARGS]), imports(["-c", "import pyoxigraph"])
    extra = {k: v for k, v in ours.items() if k not in peer}
    top = sorted(extra.items(), key=lambda kv: -kv[1])[:25]
    doc = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "command": "axialkg " + " ".join(ARGS),
           "rounds": args.rounds, "load_average_start": [round(x, 2) for x in load_start],
           "load_average_end": [round(x, 2) for x in load_end], "release": str(release_path("ttl").name),
           **{f"{k}_{w}_ms": round(med(k, i) * 1000, 1) for k in commands for i, w in ((0, "wall"), (1, "cpu"))},
           "ratio_wall": round(ratio("ours", "import_pyoxigraph", 0), 2),
           "ratio_cpu": round(ratio("ours", "import_pyoxigraph", 1), 2),
           "floor_ratio_wall": round(ratio("floor", "import_pyoxigraph", 0), 2),
           "floor_ratio_cpu": round(ratio("floor", "import_pyoxigraph", 1), 2),
           **({"before_ratio_wall": round(ratio("before", "import_pyoxigraph", 0), 2),
               "before_ratio_cpu": round(ratio("before", "import_pyoxigraph", 1), 2)} if args.before else {}),
           "imports_beyond_peer_ms": round(sum(extra.values()) / 1000, 1),
           "imports_beyond_peer": {k: round(v / 1000, 2) for k, v in top}}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{args.name}.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    lines = [f"# CLI start, shell to answer ({doc['date']}, {args.rounds} rounds, load "
             f"{doc['load_average_start'][0]} → {doc['load_average_end'][0]})", "",
             "| command | wall ms (median) | CPU ms (median) | ratio to `import pyoxigraph`, wall / CPU |",
             "|---|---:|---:|---:|",
             f"| `axialkg {' '.join(ARGS)}` | {doc['ours_wall_ms']} | {doc['ours_cpu_ms']} | "
             f"{doc['ratio_wall']}× / {doc['ratio_cpu']}× |",
             *([f"| the same, before (`{args.before}`) | {doc['before_wall_ms']} | {doc['before_cpu_ms']} | "
                f"{doc['before_ratio_wall']}× / {doc['before_ratio_cpu']}× |"] if args.before else []),
             f"| bare pyoxigraph, the same work (the floor) | {doc['floor_wall_ms']} | {doc['floor_cpu_ms']} | "
             f"{doc['floor_ratio_wall']}× / {doc['floor_ratio_cpu']}× |",
             f"| `python -c \"import pyoxigraph\"` | {doc['import_pyoxigraph_wall_ms']} | "
             f"{doc['import_pyoxigraph_cpu_ms']} | 1× |", "",
             f"Imports beyond the yardstick's: {doc['imports_beyond_peer_ms']} ms (self times, least of 5 runs); "
             "the largest:", "", "| module | ms |", "|---|---:|"]
    lines += [f"| `{k}` | {v} |" for k, v in doc["imports_beyond_peer"].items()]
    (args.out / f"{args.name}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
