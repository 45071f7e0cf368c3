"""The differential diagnosis of axial osteosclerosis: from a patient's findings (present and absent)
to the causes ranked by posterior probability, the evidence for and against each with its sources,
and the diagnostic test to order next by expected information gain.

>>> import axialkg
>>> d = axialkg.open().diagnose(present=["splenomegaly", "anaemia", "low marrow signal on MRI"])
>>> d.candidates[0].label
'myelofibrosis'
"""

from __future__ import annotations

import json
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..errors import UsageError
from .model import Evidence, Model
from .priors import describe
from .rank import done_tests, next_tests, posterior, priors, score

PRIORS = ("article", "uniform")
_models: "weakref.WeakKeyDictionary[object, Model]" = weakref.WeakKeyDictionary()


@dataclass
class Finding:
    input: str
    iri: str
    label: str

    def to_json(self) -> dict:
        return {"input": self.input, "iri": self.iri, "label": self.label}


@dataclass
class Support:
    finding: str
    label: str
    likelihood_ratio: float
    sources: list[str]
    kind: str

    def to_json(self) -> dict:
        return {"finding": self.finding, "label": self.label, "likelihood_ratio": round(self.likelihood_ratio, 4),
                "sources": self.sources}


@dataclass
class Candidate:
    cause: str
    label: str
    probability: float
    supporting: list[Support]
    opposing: list[Support]
    note: str | None = None

    def _repr_html_(self) -> str:
        """Jupyter's view of one cause: each finding for or against it, with its LR and sources."""
        from ..results import html_table

        rows = [[sign, s.label, f"{s.likelihood_ratio:.2f}", s.kind, "; ".join(s.sources)]
                for sign, side in (("+", self.supporting), ("-", self.opposing)) for s in side]
        caption = f"{self.label}: {self.probability:.1%}" + (f" ({self.note})" if self.note else "")
        return html_table(["", "finding", "LR", "evidence", "sources"], rows, caption=caption)

    def to_json(self) -> dict:
        out = {"cause": self.cause, "label": self.label, "probability": round(self.probability, 6),
               "supporting": [s.to_json() for s in self.supporting],
               "opposing": [s.to_json() for s in self.opposing]}
        if self.note:
            out["note"] = self.note
        return out


@dataclass
class NextTest:
    test: str
    label: str
    expected_information_gain: float
    if_positive: list[tuple[str, str, float]]
    if_negative: list[tuple[str, str, float]]

    def to_json(self) -> dict:
        def side(rows):
            return [{"cause": c, "probability": round(p, 6)} for c, _, p in rows]

        return {"test": self.test, "label": self.label,
                "expected_information_gain": round(self.expected_information_gain, 6),
                "if_positive": side(self.if_positive), "if_negative": side(self.if_negative)}


@dataclass
class Diagnosis:
    findings: list[Finding]
    absent: list[Finding]
    prior: str
    candidates: list[Candidate]
    next_tests: list[NextTest] = field(default_factory=list)

    def to_json(self) -> dict:
        """The shape of issue #16: findings, absent, prior, candidates by probability, next_tests."""
        return {"findings": [f.to_json() for f in self.findings], "absent": [f.to_json() for f in self.absent],
                "prior": self.prior, "candidates": [c.to_json() for c in self.candidates],
                "next_tests": [t.to_json() for t in self.next_tests]}

    def _repr_html_(self) -> str:
        """Jupyter's view: the findings read, the ranking with the evidence for and against each cause,
        and the next tests with the leading cause after each result (all text escaped).

        >>> import axialkg
        >>> html = axialkg.open().diagnose(present=["splenomegaly", "anaemia", "low marrow signal on MRI"])._repr_html_()
        >>> html.index("<td>1</td><td>myelofibrosis</td>") < html.index("<td>2</td>")
        True
        """
        from html import escape

        from ..results import html_table

        def names(fs):
            return ", ".join(f.label for f in fs) or "none"

        def evidence(rows):
            return "; ".join(f"{s.label} (LR {s.likelihood_ratio:.2f})" for s in rows)

        head = (f"<p><b>findings</b>: {escape(names(self.findings))}<br><b>absent</b>: {escape(names(self.absent))}"
                f"<br><b>prior</b>: {escape(self.prior)}</p>")
        ranking = html_table(["rank", "cause", "probability", "for", "against", "note"],
                             [[str(n), c.label, f"{c.probability:.1%}", evidence(c.supporting), evidence(c.opposing),
                               c.note or ""] for n, c in enumerate(self.candidates, 1)], caption="causes by posterior")
        if not self.next_tests:
            return head + ranking
        tests = html_table(["test", "expected information gain (bits)", "if positive", "if negative"],
                           [[t.label, f"{t.expected_information_gain:.3f}",
                             f"{t.if_positive[0][1]} {t.if_positive[0][2]:.0%}", f"{t.if_negative[0][1]} {t.if_negative[0][2]:.0%}"]
                            for t in self.next_tests], caption="next test")
        return head + ranking + tests

    def to_table(self) -> str:
        def names(fs):
            return ", ".join(f.label for f in fs) or "none"

        out = [f"findings: {names(self.findings)}", f"absent: {names(self.absent)}", f"prior: {self.prior}", ""]
        for n, c in enumerate(self.candidates, 1):
            out.append(f"{n:>2}. {c.probability:7.2%}  {c.label}")
            for sign, rows in (("+", c.supporting), ("-", c.opposing)):
                for s in rows:
                    src = f"  [{'; '.join(s.sources)}]" if s.sources else ""
                    out.append(f"      {sign} {s.label}  LR {s.likelihood_ratio:.2f} ({s.kind}){src}")
            if c.note:
                out.append(f"      note: {c.note}")
        if self.next_tests:
            out += ["", "next test (expected information gain, top cause after each result):"]
            for t in self.next_tests:
                pos, neg = t.if_positive[0], t.if_negative[0]
                out.append(f"  {t.label}: {t.expected_information_gain:.3f} bits; if positive {pos[1]} {pos[2]:.0%}, "
                           f"if negative {neg[1]} {neg[2]:.0%}")
        return "\n".join(out) + "\n"


def model_of(kg) -> Model:
    """The differential's model of a KnowledgeGraph's store, read once."""
    store = kg.store
    if store not in _models:
        _models[store] = Model(store)
    return _models[store]


HPO_IRI = "http://purl.obolibrary.org/obo/HP_"


def _hpo_term(value: str) -> str | None:
    """The HPO term IRI a value spells (``HP:0001278`` or its PURL), else None."""
    import re

    text = value.strip().strip("<>")
    found = re.fullmatch(r"(?:HP:|http://purl\.obolibrary\.org/obo/HP_)(\d{7})", text, flags=re.IGNORECASE)
    return HPO_IRI + found.group(1) if found else None


def resolve_findings(kg, model: Model, values: list[str]) -> list[Finding]:
    """Each value (label, synonym, HPO CURIE or IRI) as a finding, symptom or HPO term of the graph."""
    out = []
    for value in values:
        try:
            iri = kg.resolve(value)
        except UsageError as exc:
            terms = model.term_resolver   # HPO's own names, read only now
            if terms is None:
                raise
            try:
                iri = terms.resolve(value)
            except UsageError:
                raise exc from None
        if iri not in model.features and not iri.startswith(HPO_IRI):
            term = _hpo_term(value)
            if term is None:  # an entity of ours that is not a finding (a drug's adverse effect, say)
                raise UsageError(f"'{value}' is {model.label(iri)}, not a finding, symptom or HPO term")
            iri = term  # an HPO CURIE a non-finding entity is grounded to still means the HPO term
        out.append(Finding(value, iri, model.label(iri)))
    return out


def read_phenopacket(path: str | Path) -> tuple[list[str], list[str]]:
    """(present, absent) HPO CURIEs of a GA4GH Phenopacket v2 JSON file (``excluded: true`` is absent)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read phenopacket {path}: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"phenopacket {path} is not JSON: {exc}") from None
    features = data.get("phenotypicFeatures") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise UsageError(f"phenopacket {path} has no phenotypicFeatures list")
    present: list[str] = []
    absent: list[str] = []
    for n, feat in enumerate(features, 1):
        term = feat.get("type", {}).get("id") if isinstance(feat, dict) and isinstance(feat.get("type"), dict) else None
        if not isinstance(term, str):
            raise UsageError(f"phenopacket {path}: phenotypicFeatures[{n}] has no type.id")
        (absent if feat.get("excluded") is True else present).append(term)
    return present, absent


def diagnose(kg, present: Iterable[str] = (), absent: Iterable[str] = (), *,
             top: int | None = 10, prior: str = "article", tests: int = 3) -> Diagnosis:
    """Rank the causes for the findings given; suggest the next tests."""
    if prior not in PRIORS:
        raise UsageError(f"unknown prior '{prior}': give one of {', '.join(PRIORS)}")
    if top is not None and (not isinstance(top, int) or top < 1):
        raise UsageError(f"top must be a positive whole number, not {top!r}")
    for name, values in (("present", present), ("absent", absent)):
        if isinstance(values, str):
            raise UsageError(f"{name} findings are a list of names, not one string")
    present, absent = list(present), list(absent)
    for v in present + absent:
        if not isinstance(v, str):
            raise UsageError(f"a finding is named by a string, not {type(v).__name__}")
    if not present and not absent:
        raise UsageError("give at least one finding (present or absent)")
    model = model_of(kg)
    found, missing = resolve_findings(kg, model, present), resolve_findings(kg, model, absent)
    both = {f.iri for f in found} & {f.iri for f in missing}
    if both:
        raise UsageError(f"{model.label(min(both))} is given as both present and absent")
    p_iris, a_iris = [f.iri for f in found], [f.iri for f in missing]
    prior_w = priors(model, prior)
    scored = score(model, p_iris, a_iris, prior_w)

    model.read_labels([ev.via for s in scored for rows in (s.supporting, s.opposing) for _, _, ev in rows])

    def support(rows):
        return [Support(q, model.label(q), lr, ev.sources, _kind(model, ev)) for q, lr, ev in rows]

    candidates = [Candidate(s.cause, model.causes[s.cause].label, s.probability, support(s.supporting),
                            support(s.opposing), s.note) for s in scored]
    post = posterior(model, p_iris, a_iris, prior_w)
    suggested = []
    for t, gain, pos, neg in (next_tests(model, post, done_tests(model, p_iris + a_iris), tests) if tests else ()):
        def best(p):
            return [(c, model.causes[c].label, v) for c, v in sorted(p.items(), key=lambda x: -x[1])[:3]]

        suggested.append(NextTest(t, model.labels[t], gain, best(pos), best(neg)))
    return Diagnosis(found, missing, "uniform" if prior == "uniform" else describe(),
                     candidates[:top] if top else candidates, suggested)


def _kind(model: Model, ev: Evidence) -> str:
    via = f" via {model.label(ev.via)}" if ev.via else ""
    return ev.kind + via


__all__ = ["Candidate", "Diagnosis", "Finding", "Model", "NextTest", "Support", "diagnose", "model_of",
           "read_phenopacket"]
