"""How well ``axialkg diagnose`` ranks the true cause, beside a Phenomizer-style baseline on the same
patients, and how many tests its information-gain workup needs against a fixed order.

Patients:
* simulated from the HPO annotations of every cause HPO annotates (in the release), seeded, 100 per
  cause, after Smedley et al. 2015: (1) all annotated terms; (2) 3 random annotated terms; (3) those 3
  with 2 made less specific (a random is-a parent) plus 2 random noise terms from all of HPO;
* the article's patients (``benchmarks/data/article-patients.yaml``), written from its text before tuning.

Baseline: pyhpo's set similarity, best-match average of Resnik (OMIM information content), of the
patient's HPO terms against the union of each cause's HPO annotations; a cause HPO does not annotate
scores 0 (ties broken at random, seeded). Article patients' findings enter the baseline as the HPO
terms our findings map to. Noise terms outside the release's HPO closure carry no evidence for
``diagnose`` (it knows only the terms the release holds) and enter the baseline as they are.

Workup: from each article patient's first finding, order tests until the true cause passes 90 %
posterior, results drawn (seeded) from the model's own P(test positive | true cause); the next test by
expected information gain against the tests in the article's order.

    python benchmarks/diagnose.py [--per-cause 100] [--seed 16]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "results"
HP = "http://purl.obolibrary.org/obo/HP_"
AX = "https://w3id.org/axialkg/"
TOPS = (1, 3, 10)


def curie(iri: str) -> str:
    return "HP:" + iri.removeprefix(HP)


def simulate(model, pyhpo_ont, per_cause: int, rng: random.Random):
    """{set name: [(true cause, [HPO IRIs])]} for the causes HPO annotates."""
    everything = [t for t in pyhpo_ont if t.id != "HP:0000118" and
                  any(p.id == "HP:0000118" for p in t.all_parents)]  # phenotypic abnormalities
    sets: dict[str, list] = {"all terms": [], "3 terms": [], "3 terms, 2 broader, 2 noise": []}
    for c in sorted(model.causes):
        terms = sorted({t for t, _, kind, _ in model.causes[c].hpo if kind == "hpo"})
        if len(terms) < 3:
            continue
        for _ in range(per_cause):
            sets["all terms"].append((c, terms))
            three = rng.sample(terms, 3)
            sets["3 terms"].append((c, three))
            vague = []
            for n, t in enumerate(three):
                parents = sorted(p.id for p in pyhpo_ont.get_hpo_object(curie(t)).parents) if n < 2 else []
                vague.append(HP + rng.choice(parents).removeprefix("HP:") if parents else t)
            noise = [HP + t.id.removeprefix("HP:") for t in rng.sample(everything, 2)]
            sets["3 terms, 2 broader, 2 noise"].append((c, vague + noise))
    return sets


def article_patients(kg, model):
    from axialkg.diagnosis import resolve_findings

    rows = yaml.safe_load((ROOT / "benchmarks" / "data" / "article-patients.yaml").read_text())["patients"]
    out = []
    for p in rows:
        present = [f.iri for f in resolve_findings(kg, model, p["present"])]
        absent = [f.iri for f in resolve_findings(kg, model, p.get("absent", []))]
        out.append((AX + p["cause"], present, absent))
    return out


def hpo_terms_of(model, iri: str) -> list[str]:
    """The HPO terms a finding of ours maps to (itself for an HPO term)."""
    if iri.startswith(HP):
        return [iri]
    return sorted(n for n in model.up.get(iri, ()) if n.startswith(HP))


def rank_of(order: list[str], truth: str) -> int:
    return order.index(truth) + 1


def evaluate(model, patients, rankers) -> dict:
    """{ranker: {top-k: share, mean posterior, n}}; patients are (truth, present, absent)."""
    out = {}
    for name, ranker in rankers.items():
        ranks, posts = [], []
        for truth, present, absent in patients:
            order, post = ranker(present, absent)
            ranks.append(rank_of(order, truth))
            if post is not None:
                posts.append(post[truth])
        out[name] = {**{f"top-{k}": sum(r <= k for r in ranks) / len(ranks) for k in TOPS},
                     "mean posterior": statistics.fmean(posts) if posts else None, "n": len(ranks)}
    return out


def make_rankers(model, ont, rng: random.Random):
    from pyhpo import HPOSet

    from axialkg.diagnosis.rank import posterior, priors

    prior = priors(model, "article")
    known = set(model.up) | set(model.labels)
    cause_sets = {}
    for c, cause in model.causes.items():
        terms = {curie(t) for t, _, kind, _ in cause.hpo if kind == "hpo"}
        if terms:
            cause_sets[c] = HPOSet.from_queries(sorted(terms))

    def ours(present, absent):
        p = [t for t in present if t in known]
        a = [t for t in absent if t in known]
        post = posterior(model, p, a, prior) if p or a else dict(prior)
        return sorted(post, key=lambda c: (-post[c], c)), post

    memo: dict[tuple[str, ...], dict[str, float]] = {}

    def similarities(terms: tuple[str, ...]) -> dict[str, float]:
        if terms not in memo:
            patient = HPOSet.from_queries(list(terms)) if terms else None
            memo[terms] = {c: patient.similarity(s, kind="omim", method="resnik", combine="BMA")
                           for c, s in cause_sets.items()} if patient is not None else {}
        return memo[terms]

    def baseline(present, absent):
        terms = tuple(sorted({curie(t) for f in present for t in hpo_terms_of(model, f)}))
        sims = similarities(terms)
        scores = {c: (sims.get(c, 0.0), rng.random()) for c in model.causes}
        return sorted(scores, key=lambda c: (-scores[c][0], scores[c][1])), None

    return {"diagnose": ours, "Phenomizer-style baseline": baseline}


def workup(model, patients, order_name: str, fixed: list[str], rng: random.Random, repeats: int = 20) -> dict:
    """Mean tests until the true cause passes 90 % (a patient never reaching it counts every test)."""
    from axialkg.diagnosis.rank import done_tests, next_tests, positive_rate, posterior, priors

    prior = priors(model, "article")
    counts, reached = [], 0
    for truth, present, absent in patients:
        start = present[:1]
        for _ in range(repeats):
            post = posterior(model, start, [], prior)
            skip = set(done_tests(model, start))
            n = 0
            while post[truth] < 0.9:
                if order_name == "information gain":
                    best = next_tests(model, post, skip, 1)
                    if not best:
                        break
                    t = best[0][0]
                else:
                    left = [t for t in fixed if t not in skip]
                    if not left:
                        break
                    t = left[0]
                skip.add(t)
                n += 1
                positive = rng.random() < positive_rate(model, t, truth)
                rate = {c: positive_rate(model, t, c) for c in post}
                w = {c: post[c] * (rate[c] if positive else 1 - rate[c]) for c in post}
                total = sum(w.values())
                post = {c: v / total for c, v in w.items()}
            if post[truth] >= 0.9:
                reached += 1
            counts.append(n)
    return {"mean tests": statistics.fmean(counts), "reached 90 %": reached / len(counts), "runs": len(counts)}


def table(results: dict, ours: str = "diagnose", peer: str = "Phenomizer-style baseline") -> list[str]:
    lines = ["| patients | n | method | top-1 | top-3 | top-10 | mean posterior of the true cause |",
             "| --- | ---: | --- | ---: | ---: | ---: | ---: |"]
    for name, by in results.items():
        for method in (ours, peer):
            r = by[method]
            mp = f"{r['mean posterior']:.3f}" if r["mean posterior"] is not None else "—"
            lines.append(f"| {name} | {r['n']} | {method} | {r['top-1']:.1%} | {r['top-3']:.1%} | {r['top-10']:.1%} | {mp} |")
    return lines


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-cause", type=int, default=100)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)

    import axialkg
    from axialkg.diagnosis import model_of
    from pyhpo import Ontology

    t0 = time.perf_counter()
    kg = axialkg.open()
    model = model_of(kg)
    ont = Ontology()
    rng = random.Random(args.seed)
    sim = simulate(model, ont, args.per_cause, rng)
    rankers = make_rankers(model, ont, random.Random(args.seed + 1))
    results = {name: evaluate(model, [(c, t, []) for c, t in pts], rankers) for name, pts in sim.items()}
    article = article_patients(kg, model)
    results["article patients"] = evaluate(model, article, rankers)
    hpo_causes = {c for c, cause in model.causes.items() if any(k == "hpo" for _, _, k, _ in cause.hpo)}
    unannotated = [p for p in article if p[0] not in hpo_causes]
    results["article patients, causes HPO does not annotate"] = evaluate(model, unannotated, rankers)

    tests_in_order = [AX + e["id"] for e in yaml.safe_load((ROOT / "ontology" / "curation" / "tests.yaml").read_text())["entities"]]
    fixed = [t for t in tests_in_order if t in model.tests]
    work = {name: workup(model, article, name, fixed, random.Random(args.seed + 2))
            for name in ("information gain", "fixed (article order)")}
    saving = 1 - work["information gain"]["mean tests"] / work["fixed (article order)"]["mean tests"]
    seconds = time.perf_counter() - t0

    lines = ["# Differential diagnosis: benchmark", "",
             f"`python benchmarks/diagnose.py --per-cause {args.per_cause} --seed {args.seed}` "
             f"({seconds:.0f} s). Simulated patients from the HPO annotations of the {len(hpo_causes)} causes HPO "
             "annotates (Smedley et al. 2015 protocol); the article's patients from "
             "`benchmarks/data/article-patients.yaml`. Baseline: pyhpo set similarity, BMA of Resnik, on HPO "
             "annotations alone, in the same run on the same patients.", ""]
    lines += table(results)
    lines += ["", "## Workup: tests until the true cause passes 90 % posterior (article patients, from their first finding, "
              "20 seeded runs each)", "", "| order | mean tests | reached 90 % |", "| --- | ---: | ---: |"]
    for name, w in work.items():
        lines.append(f"| {name} | {w['mean tests']:.2f} | {w['reached 90 %']:.0%} |")
    lines += ["", f"Information gain needs {saving:.0%} fewer tests than the fixed order.", ""]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "diagnose.md").write_text("\n".join(lines), encoding="utf-8")
    (args.out / "diagnose.json").write_text(json.dumps({"ranking": results, "workup": work, "saving": saving,
                                                          "seconds": seconds, "seed": args.seed,
                                                          "per_cause": args.per_cause}, indent=2), encoding="utf-8")
    _plot(results, args.out / "diagnose.png")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _plot(results: dict, path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    names = list(results)
    fig, ax = plt.subplots(figsize=(9, 4))
    width = 0.38
    for i, method in enumerate(("diagnose", "Phenomizer-style baseline")):
        vals = [results[n][method]["top-1"] for n in names]
        ax.bar([x + (i - 0.5) * width for x in range(len(names))], vals, width, label=method)
    ax.set_xticks(range(len(names)), [n.replace(", ", ",\n") for n in names], fontsize=8)
    ax.set_ylabel("top-1 accuracy")
    ax.set_ylim(0, 1)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
