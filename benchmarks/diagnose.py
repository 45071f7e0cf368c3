"""How well ``axialkg diagnose`` ranks the true cause, beside a Phenomizer-style baseline on the same
patients, and how many tests its information-gain workup needs against a fixed order.

Patients:
* simulated from the HPO annotations (phenotype.hpoa rows in the release) of every cause HPO
  annotates, seeded, 100 per cause, after Smedley et al. 2015: (1) all annotated terms; (2) 3 terms
  drawn at random; (3) those 3 with 2 made less specific (a random is-a parent) plus 2 random noise
  terms from all of HPO. Terms are drawn uniformly from the annotation list, not by frequency, and
  rows whose frequency is 0 (HPO's "excluded" band) are never drawn: the draw uses which terms HPO
  lists, which the baseline sees too, not the model's probabilities (hedge bands, discounts,
  backgrounds), so neither side ranks patients drawn from its own parameters;
* held out (``held_out``): for each cause grounded to two or more HPO records (OMIM and Orphanet,
  curated apart), patients from its largest record, ranked by both methods from a release without
  that record: what neither has read;
* the article's patients (``benchmarks/data/article-patients.yaml``), written from its text before tuning.

Baseline: pyhpo's set similarity, best-match average of Resnik (OMIM information content), of the
patient's HPO terms against the union of each cause's HPO annotations; a cause HPO does not annotate
scores 0 (ties broken at random, seeded). Article patients' findings enter the baseline as the HPO
terms our findings map to. Noise terms outside the release's HPO closure carry no evidence for
``diagnose`` (it knows only the terms the release holds) and enter the baseline as they are.
``diagnose`` runs with its default prior (the article's) and, beside it, the uniform one.

Workup: see ``workup``; test results come from a simulated world (the model's rates, or those rates
perturbed), drawn once per run and read by both orders.

    python benchmarks/diagnose.py [--per-cause 100] [--seed 16]
"""

from __future__ import annotations

import argparse
import json
import math
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
MIN_GAIN = 0.01   # bits: a workup stops when no test left is expected to teach more


def curie(iri: str) -> str:
    return "HP:" + iri.removeprefix(HP)


def simulate(model, pyhpo_ont, per_cause: int, rng: random.Random):
    """{set name: [(true cause, [HPO IRIs])]} for the causes HPO annotates."""
    everything = [t for t in pyhpo_ont if t.id != "HP:0000118" and
                  any(p.id == "HP:0000118" for p in t.all_parents)]  # phenotypic abnormalities
    sets: dict[str, list] = {"all terms": [], "3 terms": [], "3 terms, 2 broader, 2 noise": []}
    for c in sorted(model.causes):
        terms = sorted({t for t, p, kind, _ in model.causes[c].hpo if kind == "hpo" and p > 0})
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
    return summarise(collect(patients, rankers))


def collect(patients, rankers, into: dict | None = None) -> dict:
    """{ranker: ([rank of the truth], [its posterior])}, added to ``into`` when given."""
    from axialkg import progress

    out = into if into is not None else {}
    patients = list(patients)
    for name, ranker in rankers.items():
        ranks, posts = out.setdefault(name, ([], []))
        with progress.counter(name, unit="patient") as tick:  # a bar on a terminal, silent when piped
            for done, (truth, present, absent) in enumerate(patients, 1):
                order, post = ranker(present, absent)
                ranks.append(rank_of(order, truth))
                if post is not None:
                    posts.append(post[truth])
                tick(done, len(patients))
    return out


def summarise(collected: dict) -> dict:
    return {name: {**{f"top-{k}": sum(r <= k for r in ranks) / len(ranks) for k in TOPS},
                   "mean posterior": statistics.fmean(posts) if posts else None, "n": len(ranks)}
            for name, (ranks, posts) in collected.items()}


def held_out(ont, per_cause: int, seed: int) -> dict:
    """Patients from an HPO record neither method has read: for each cause grounded to two or more
    HPO diseases (an OMIM and an Orphanet record, curated apart), its largest record is removed from
    a fresh copy of the release, and 3 random terms of that record (not all of them, seeded) make each
    patient; ``diagnose`` and the baseline rank from the other records and everything else (the HPO
    backgrounds of that release are counted again without the record; the baseline's information
    content, pyhpo's own, still counts it)."""
    import axialkg
    from axialkg.diagnosis.model import Model

    from axialkg.hpo import backgrounds, data_dir, read_obo

    full = Model(axialkg.open().store)
    hpoa, obo = data_dir() / "phenotype.hpoa", read_obo(data_dir() / "hp.obo")
    rng = random.Random(seed)
    sets: dict[str, dict] = {"held-out record, 3 terms": {}, "held-out record, all its terms": {}}
    for c in sorted(full.causes):
        records: dict[str, set[str]] = {}
        for term, p, kind, sources in full.causes[c].hpo:
            if kind == "hpo" and p > 0:
                records.setdefault(sources[0].split()[1], set()).add(term)
        if len(records) < 2:
            continue
        record = max(sorted(records), key=lambda r: len(records[r]))
        terms = sorted(records[record])
        kg = axialkg.open()
        kg.update(f"""PREFIX owl: <http://www.w3.org/2002/07/owl#>
            DELETE {{ ?ax ?p ?o }} WHERE {{ ?ax owl:annotatedSource <{c}> ;
                <{AX}hpoDisease> "{record}" ; ?p ?o }}""")
        # nor has it read the record through the backgrounds: they are counted again without it
        bg = backgrounds(hpoa, obo, {curie(t) for t in full.hpo_background}, frozenset({record}))
        kg.update(f"DELETE WHERE {{ ?t <{AX}hpoBackground> ?b }} ;\nINSERT DATA {{ "
                  + " ".join(f'<{HP}{t.removeprefix("HP:")}> <{AX}hpoBackground> {b} .' for t, b in sorted(bg.items()))
                  + " }")
        model = Model(kg.store)
        rankers = make_rankers(model, ont, random.Random(seed + 1))
        three = [(c, rng.sample(terms, 3), []) for _ in range(per_cause)] if len(terms) >= 3 else []
        collect(three, rankers, sets["held-out record, 3 terms"])
        collect([(c, terms, [])], rankers, sets["held-out record, all its terms"])
        sys.stderr.write(f"held out {record} of {c.removeprefix(AX)} ({len(terms)} terms)\n")
    return {name: summarise(got) for name, got in sets.items() if got}


def make_rankers(model, ont, rng: random.Random):
    from pyhpo import HPOSet

    from axialkg.diagnosis.rank import posterior, priors

    known = set(model.up) | set(model.labels)
    cause_sets = {}
    for c, cause in model.causes.items():
        terms = {curie(t) for t, _, kind, _ in cause.hpo if kind == "hpo"}
        if terms:
            cause_sets[c] = HPOSet.from_queries(sorted(terms))

    def ours_with(prior):
        def ours(present, absent):
            p = [t for t in present if t in known]
            a = [t for t in absent if t in known]
            post = posterior(model, p, a, prior) if p or a else dict(prior)
            return sorted(post, key=lambda c: (-post[c], c)), post
        return ours

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

    return {"diagnose": ours_with(priors(model, "article")),
            "diagnose, uniform prior": ours_with(priors(model, "uniform")),
            "Phenomizer-style baseline": baseline}


def world_rates(model, truths, sigma: float, rng: random.Random) -> dict[tuple[str, str], float]:
    """P(test positive | true cause) in the simulated world: the model's rate with seeded noise on the
    logit scale (sigma 0 is the model's own rates), so a policy is not judged in exactly the world it
    assumes."""
    from axialkg.diagnosis.rank import positive_rate

    out = {}
    for t in sorted(model.tests):
        for c in sorted(truths):
            p = min(max(positive_rate(model, t, c), 1e-6), 1 - 1e-6)
            logit = math.log(p / (1 - p)) + (rng.gauss(0, sigma) if sigma else 0.0)
            out[t, c] = 1 / (1 + math.exp(-logit))
    return out


def workup(model, patients, fixed: list[str], world: dict, rng: random.Random, repeats: int = 20) -> dict:
    """Tests until the true cause passes 90 % posterior, information gain against the fixed order, on
    the same draws: each run draws every test's result once and both orders read the same results.
    Both choose from the same tests (those the model can read: they show a finding or point to a
    cause) and stop by the same rule: at 90 %, or when no test left is expected to teach MIN_GAIN bits
    (under the model), or when none is left."""
    from axialkg.diagnosis.rank import done_tests, next_tests, positive_rate, posterior, priors

    prior = priors(model, "article")
    usable = [t for t in fixed if model.tests[t].shows or model.tests[t].indicates]
    runs: dict[str, list[tuple[int, bool, bool]]] = {"information gain": [], "fixed (article order)": []}
    from axialkg import progress

    with progress.counter("workup", unit="patient") as tick:
        for done, (truth, present, _) in enumerate(patients, 1):
            start = present[:1]
            for _ in range(repeats):
                draw = {t: rng.random() < world[t, truth] for t in usable}
                for name in runs:
                    post = posterior(model, start, [], prior)
                    skip = set(done_tests(model, start))
                    left = [t for t in usable if t not in skip]
                    n = 0
                    while post[truth] < 0.9 and left:
                        ranked = next_tests(model, post, set(model.tests) - set(left), len(left))
                        if not ranked or ranked[0][1] < MIN_GAIN:
                            break   # nothing left to learn, for either order
                        if name == "information gain":
                            t = ranked[0][0]
                        else:
                            t = left[0]
                        left.remove(t)
                        n += 1
                        rate = {c: positive_rate(model, t, c) for c in post}
                        w = {c: post[c] * (rate[c] if draw[t] else 1 - rate[c]) for c in post}
                        total = sum(w.values())
                        post = {c: v / total for c, v in w.items()}
                    runs[name].append((n, post[truth] >= 0.9, max(post, key=lambda c: (post[c], c)) == truth))
            tick(done, len(patients))
    out = {}
    both = [i for i in range(len(runs["information gain"])) if all(r[i][1] for r in runs.values())]
    for name, rows in runs.items():
        out[name] = {"mean tests": statistics.fmean(n for n, _, _ in rows),
                     "reached 90 %": sum(ok for _, ok, _ in rows) / len(rows),
                     "true cause first at the end": sum(first for _, _, first in rows) / len(rows),
                     "mean tests, runs both reach": statistics.fmean(rows[i][0] for i in both) if both else None,
                     "runs": len(rows)}
    return out


def table(results: dict) -> list[str]:
    lines = ["| patients | n | method | top-1 | top-3 | top-10 | mean posterior of the true cause |",
             "| --- | ---: | --- | ---: | ---: | ---: | ---: |"]
    for name, by in results.items():
        for method, r in by.items():
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
    results.update(held_out(ont, args.per_cause, args.seed + 4))
    article = article_patients(kg, model)
    results["article patients"] = evaluate(model, article, rankers)
    hpo_causes = {c for c, cause in model.causes.items() if any(k == "hpo" for _, _, k, _ in cause.hpo)}
    unannotated = [p for p in article if p[0] not in hpo_causes]
    results["article patients, causes HPO does not annotate"] = evaluate(model, unannotated, rankers)

    tests_in_order = [AX + e["id"] for e in yaml.safe_load((ROOT / "ontology" / "curation" / "tests.yaml").read_text())["entities"]]
    fixed = [t for t in tests_in_order if t in model.tests]
    truths = {t for t, _, _ in article}
    work = {"model's own rates": workup(model, article, fixed, world_rates(model, truths, 0, random.Random(0)),
                                        random.Random(args.seed + 2)),
            "rates perturbed (logit noise, sd 1)": workup(model, article, fixed,
                                                          world_rates(model, truths, 1.0, random.Random(args.seed + 3)),
                                                          random.Random(args.seed + 2))}
    def saving(w: dict, key: str) -> float | None:
        a, b = w["information gain"][key], w["fixed (article order)"][key]
        return 1 - a / b if a is not None and b else None

    savings = {world: {key: saving(w, key) for key in ("mean tests, runs both reach", "mean tests")}
               for world, w in work.items()}
    seconds = time.perf_counter() - t0

    lines = ["# Differential diagnosis: benchmark", "",
             f"`python benchmarks/diagnose.py --per-cause {args.per_cause} --seed {args.seed}` "
             f"({seconds:.0f} s). Simulated patients from the HPO annotations of the {len(hpo_causes)} causes HPO "
             "annotates (Smedley et al. 2015 protocol; terms drawn uniformly from each cause's annotation list); "
             "held out: patients from a cause's largest HPO record (OMIM or Orphanet) ranked from a release "
             "without that record, for the causes with two or more; the article's patients from "
             "`benchmarks/data/article-patients.yaml`. Baseline: pyhpo set similarity, BMA of Resnik, on HPO "
             "annotations alone, in the same run on the same patients.", ""]
    lines += table(results)
    lines += ["", "## Workup: tests until the true cause passes 90 % posterior", "",
              "Article patients, from their first finding, 20 seeded runs each. Every run draws each test's result "
              "once, from the simulated world's P(positive | true cause), and both orders read the same results "
              "from the same tests (those that show a finding or point to a cause), and stop by the same rule: at "
              f"90 %, when no test left is expected to teach {MIN_GAIN} bits, or when none is left. The world is the "
              "model's own rates, or those rates with seeded logit noise so the policy is not judged in exactly the "
              "world it assumes. The fixed order is the article's (tests.yaml).", "",
              "| world | order | reached 90 % | true cause first at the end | mean tests, all runs | "
              "mean tests, runs both orders bring to 90 % |", "| --- | --- | ---: | ---: | ---: | ---: |"]
    for world, w in work.items():
        for name, r in w.items():
            both = f"{r['mean tests, runs both reach']:.2f}" if r["mean tests, runs both reach"] is not None else "—"
            lines.append(f"| {world} | {name} | {r['reached 90 %']:.0%} | {r['true cause first at the end']:.0%} | "
                         f"{r['mean tests']:.2f} | {both} |")
    lines.append("")
    for world, sv in savings.items():
        a, b = sv["mean tests, runs both reach"], sv["mean tests"]
        lines.append(f"- {world}: information gain needs {b:.0%} fewer tests than the fixed order over all runs, "
                     f"{a:.0%} fewer on the runs both bring to 90 %." if a is not None else f"- {world}: no run reached 90 %.")
    lines.append("")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "diagnose.md").write_text("\n".join(lines), encoding="utf-8")
    (args.out / "diagnose.json").write_text(json.dumps({"ranking": results, "workup": work, "saving": savings,
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
