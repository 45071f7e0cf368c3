"""The posterior over the causes (naive Bayes over the findings, present and absent) and the next
test by expected information gain.

A present finding multiplies a cause's weight by P(finding | cause); an absent one by 1 − P, as
LIRICAL treats excluded findings (a cause that usually shows it loses, one that rarely does keeps its
weight). The likelihood ratio shown per finding divides by the prior-weighted P over the other causes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .model import Evidence, Model
from .priors import article_weight

INDICATED = 0.8        # a test that points to a cause is positive in it this often
FALSE_POSITIVE = 0.05  # and positive in a cause it neither shows a finding of nor points to


@dataclass
class Scored:
    cause: str
    probability: float
    supporting: list[tuple[str, float, Evidence]]
    opposing: list[tuple[str, float, Evidence]]
    note: str | None


def priors(model: Model, prior: str) -> dict[str, float]:
    if prior == "uniform":
        w = {c: 1.0 for c in model.causes}
    else:
        w = {c: article_weight(c.removeprefix("https://w3id.org/axialkg/"), cause.secondary)[0]
             for c, cause in model.causes.items()}
    total = sum(w.values())
    return {c: v / total for c, v in w.items()}


def normalise(logw: dict[str, float]) -> dict[str, float]:
    top = max(logw.values())
    w = {c: math.exp(v - top) for c, v in logw.items()}
    total = sum(w.values())
    return {c: v / total for c, v in w.items()}


def entropy(p: dict[str, float]) -> float:
    return -sum(v * math.log2(v) for v in p.values() if v > 0)


def table(model: Model, present: list[str], absent: list[str]) -> dict[str, dict[str, Evidence]]:
    """cause → finding → the evidence for P(finding | cause)."""
    return {c: {q: model.likelihood(c, q) for q in dict.fromkeys(present + absent)} for c in model.causes}


def posterior(model: Model, present: list[str], absent: list[str], prior: dict[str, float],
              lik: dict[str, dict[str, Evidence]] | None = None) -> dict[str, float]:
    lik = lik or table(model, present, absent)
    logw = {}
    for c, p0 in prior.items():
        v = math.log(p0)
        v += sum(math.log(lik[c][q].probability) for q in present)
        v += sum(math.log(1 - lik[c][q].probability) for q in absent)
        logw[c] = v
    return normalise(logw)


def score(model: Model, present: list[str], absent: list[str], prior: dict[str, float]) -> list[Scored]:
    lik = table(model, present, absent)
    post = posterior(model, present, absent, prior, lik)
    out = []
    for c in model.causes:
        rest = {o: prior[o] for o in model.causes if o != c}
        norm = sum(rest.values()) or 1.0
        sup: list[tuple[str, float, Evidence]] = []
        opp: list[tuple[str, float, Evidence]] = []
        for q in present + absent:
            here = lik[c][q].probability
            there = sum(w * lik[o][q].probability for o, w in rest.items()) / norm
            lr = here / there if q in present else (1 - here) / (1 - there)
            (sup if lr > 1 else opp).append((q, lr, lik[c][q]))
        sup.sort(key=lambda x: -x[1])
        opp.sort(key=lambda x: x[1])
        cause = model.causes[c]
        note = None
        if cause.knowledge == "little":
            note = (f"the graph knows little about {cause.label} ({len(cause.claims)} finding(s) from the article, "
                    "no HPO annotation): what it is silent on counts against it as against any cause, so it may "
                    "rank low for want of knowledge rather than of fit")
        out.append(Scored(c, post[c], sup, opp, note))
    out.sort(key=lambda s: (-s.probability, model.causes[s.cause].label))
    return out


def positive_rate(model: Model, test: str, cause: str) -> float:
    """P(test positive | cause): the likeliest of the findings it shows, or that it points to the cause."""
    if (test, cause) not in model.rates:
        model.rates[test, cause] = _positive_rate(model, test, cause)
    return model.rates[test, cause]


def _positive_rate(model: Model, test: str, cause: str) -> float:
    t = model.tests[test]
    c = model.causes[cause]
    p = max((model.likelihood(cause, f).probability for f in t.shows), default=0.0)
    if t.indicates & ({cause} | c.parents):
        p = max(p, INDICATED)
    return max(p, FALSE_POSITIVE)


def done_tests(model: Model, given: list[str]) -> set[str]:
    """Tests whose findings are already known (present or absent), or which were named themselves."""
    known = set(given)
    implied = set().union(*(model.implied(g) for g in given)) if given else set()
    return {t.iri for t in model.tests.values()
            if t.iri in known or t.shows & (known | implied)}


def next_tests(model: Model, post: dict[str, float], skip: set[str], top: int = 3):
    """(test, expected information gain, posterior if positive, if negative), best first."""
    h0 = entropy(post)
    out = []
    for t in sorted(model.tests):
        if t in skip:
            continue
        test = model.tests[t]
        if not (test.shows | test.indicates) or not any(c in model.causes for c in test.indicates) and not test.shows:
            continue
        rate = {c: positive_rate(model, t, c) for c in post}
        p_pos = sum(post[c] * rate[c] for c in post)
        if p_pos <= 0 or p_pos >= 1:
            continue
        pos = {c: post[c] * rate[c] / p_pos for c in post}
        neg = {c: post[c] * (1 - rate[c]) / (1 - p_pos) for c in post}
        gain = h0 - (p_pos * entropy(pos) + (1 - p_pos) * entropy(neg))
        out.append((t, gain, pos, neg))
    out.sort(key=lambda x: (-x[1], model.labels.get(x[0], x[0])))
    return out[:top]


__all__ = ["entropy", "next_tests", "posterior", "priors", "score"]
