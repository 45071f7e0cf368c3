"""The differential's knowledge, read once from the store: causes, what the article says each shows
(with its hedge and sources), HPO annotations, the finding hierarchy, and the tests.

P(finding | cause) comes from the cause's own evidence first: the article's claim (its hedge gives a
frequency band), else its HPO annotation (frequency, discounted when it has none or when the cause is
grounded to a narrower disease), else what its group (subtype or parent) or the pattern itself shows,
at a share. Matching runs up the hierarchy (HPO is-a, the graph's *form of* links, a finding's HPO
mapping): a cause that shows a finding more specific than the patient's matches fully. One that shows
only a broader HPO term is credited by LIRICAL's rule for a query below an annotation, with the data
the release carries: P(query | cause) = P(broader | cause) * bg(query) / bg(broader), the share of all
the diseases HPO annotates that show the broader term and show the query too (``hpoBackground``), so a
close parent counts much and a vague one little. A near match is read only where the cause has no
full match of its own, and never counts below silence. Without both backgrounds (a finding of the
graph without an HPO term) a broader finding matches at a fixed share. LIRICAL's other case, a sibling
or cousin through a common ancestor, is not credited: on the simulated patients (3 terms; 3 terms with
2 broader and 2 noise) every share of it tried (the full rule, capped at 0.25 or 0.1, a quarter of
it, siblings only, only where it is evidence for the cause) lowered top-1 by 1 to 20 points, since a
cause that HPO annotates richly gains a near match on nearly any term; the full rule, measured once
on the held-out records after that choice, lowered them too (top-3 52.9 -> 42.6 %).

Where the graph is silent, the probability is a share of the finding's background: the mean over
the causes of what their evidence gives it (LIRICAL divides by a background frequency in the same
spirit). The share is the same for every cause, however much the graph knows of it: silence must not
favour the causes known least (a fixed floor, higher for them, let a cause with one claim outrank the
true cause on its own HPO findings), and the output says when a cause is known little. A finding HPO
says the cause's disease lacks (a NOT row) gets a hundredth of the background: less than silence.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from dataclasses import dataclass, field

from ..names import Resolver
from ..queries import internal
from ..stores import inject_values
from ..vocab import NAMESPACE

HEDGE_BANDS = {"hedge-stated": 0.7, "hedge-possible": 0.4, "hedge-limited-evidence": 0.3,
               "hedge-selected-cases": 0.15}
STATED = 0.7
RED_FLAG = 0.5           # a red flag's feature suggests the cause: a likely, not a stated, finding
PATTERN_SHARE = 0.5      # a feature of the pattern itself, for every cause
PARENT_SHARE = 0.6       # a subtype inherits its group's claims, a group its subtypes', at this share
HPO_NO_FREQUENCY = 0.3   # an HPO row without frequency
HPO_NARROW = 0.6         # the cause is grounded to a narrower disease
HPO_CAP = 0.9
PARTIAL = 0.25           # the cause shows only a broader finding than the patient's
PARTIAL_MAX_DESCENDANTS = 25  # broader terms than this say nothing
EXCLUDED = 0.01          # HPO says the disease does not show it: this share of the background
SILENT = 0.25           # where the graph is silent: this share of the finding's background
MIN_BACKGROUND = 0.005   # no finding is rarer than this in the differential
# LIRICAL credits only a non-root common ancestor: HPO's root and its phenotype root share nothing
ROOTS = frozenset({"http://purl.obolibrary.org/obo/HP_0000001", "http://purl.obolibrary.org/obo/HP_0000118"})


@dataclass
class Evidence:
    """Why a cause gives a finding the probability it does."""

    probability: float
    kind: str                   # article | red-flag | pattern | group | hpo | hpo-excluded | background
    via: str | None = None      # the feature or HPO term that matched
    sources: list[str] = field(default_factory=list)
    match: float = 1.0          # below 1: a near match (the cause shows a broader or related term)


@dataclass
class Cause:
    iri: str
    label: str
    secondary: bool
    parents: set[str] = field(default_factory=set)
    children: set[str] = field(default_factory=set)
    claims: dict[str, list[tuple[float, str, list[str]]]] = field(default_factory=dict)  # feature → (p, kind, sources)
    hpo: list[tuple[str, float, str, list[str]]] = field(default_factory=list)  # (term, p, kind, sources)

    @property
    def knowledge(self) -> str:
        if len(self.hpo) >= 5:
            return "well"
        return "some" if len(self.claims) >= 2 else "little"


@dataclass
class Test:
    iri: str
    label: str
    shows: set[str] = field(default_factory=set)
    indicates: set[str] = field(default_factory=set)


class Model:
    """Everything ``diagnose`` needs, from a handful of internal queries."""

    def __init__(self, store):
        self._store = weakref.ref(store)   # for what is read only when needed (HPO names)
        self.labels: dict[str, str] = {}
        self.up: dict[str, set[str]] = defaultdict(set)   # node → the nodes directly broader (or equal)
        self._read_features(store)
        self._read_parents(store)
        self.hpo_background: dict[str, float] = {}
        self._read_backgrounds(store)
        self.causes: dict[str, Cause] = {}
        self._read_causes(store)
        self.pattern_claims: dict[str, list[tuple[float, str, list[str]]]] = {}
        self._read_claims(store)
        self._read_hpo(store)
        self.tests: dict[str, Test] = {}
        self._read_tests(store)
        self._implied: dict[str, frozenset[str]] = {}
        self._down_count: dict[str, int] | None = None
        self._terms: Resolver | None = None
        self._term_rows: list[tuple[str, str, int]] | None = None
        self._matches: dict[str, dict[str, float]] = {}
        self._shown: set[str] = set()
        self._below: dict[str, set[str]] | None = None   # node → the shown nodes that imply it
        self._likelihoods: dict[tuple[str, str], Evidence] = {}
        self._evidence: dict[tuple[str, str], Evidence | None] = {}
        self._background: dict[str, float] = {}
        self.rates: dict[tuple[str, str], float] = {}  # (test, cause) → P(positive), filled by rank

    # ---- reading ---------------------------------------------------------------------------
    def _read_features(self, store) -> None:
        self.features: set[str] = set()
        for r in store.query(internal("diagnosis-features")):
            f = r["feature"].value
            self.features.add(f)
            self.labels[f] = r["label"].value
            key = r["key"].value if r.get("key") else None
            value = r["value"].value if r.get("value") else None
            if key == "exact" and value:
                hp = _hp_iri(value)
                self.up[f].add(hp)
                self.up[hp].add(f)
            elif key == "narrow" and value and value.startswith(_HP):
                self.up[value].add(f)
            elif key == "formOf" and value:
                self.up[f].add(value)

    def _read_parents(self, store) -> None:
        for r in store.query(internal("diagnosis-term-parents")):
            self.up[r["term"].value].add(r["parent"].value)

    def _read_backgrounds(self, store) -> None:
        for r in store.query(internal("diagnosis-term-backgrounds")):
            self.hpo_background[r["term"].value] = float(r["background"].value)

    def term_background(self, node: str) -> float | None:
        """The HPO background of a term, or of the HPO term a finding is the same as; None if neither."""
        if node in self.hpo_background:
            return self.hpo_background[node]
        same = [self.hpo_background[n] for n in self.up.get(node, ()) if n in self.hpo_background
                and node in self.up.get(n, ())]
        return min(same) if same else None

    def _read_causes(self, store) -> None:
        for r in store.query(internal("diagnosis-causes")):
            c = r["cause"].value
            cause = self.causes.setdefault(c, Cause(c, r["label"].value, r["secondary"].value == "true"))
            self.labels[c] = cause.label
            if r.get("parent"):
                cause.parents.add(r["parent"].value)
        for c in self.causes.values():
            for p in c.parents:
                if p in self.causes:
                    self.causes[p].children.add(c.iri)

    def _read_claims(self, store) -> None:
        grouped: dict[tuple[str, str, str], tuple[str | None, list[str]]] = {}
        for r in store.query(internal("diagnosis-claims")):
            key = (r["subject"].value, r["feature"].value, r["via"].value)
            hedge = r["hedge"].value if r.get("hedge") else None
            prev = grouped.setdefault(key, (hedge, []))
            if r.get("sourceLabel") and r["sourceLabel"].value not in prev[1]:
                prev[1].append(r["sourceLabel"].value)
        for (subject, feature, via), (hedge, sources) in sorted(grouped.items()):
            red_flag = not via.startswith(NAMESPACE + "has")
            p = RED_FLAG if red_flag else HEDGE_BANDS.get(hedge.removeprefix(NAMESPACE) if hedge else "", STATED)
            entry = (p, "red-flag" if red_flag else "article", sorted(sources))
            if subject in self.causes:
                self.causes[subject].claims.setdefault(feature, []).append(entry)
            elif not red_flag:
                self.pattern_claims.setdefault(feature, []).append(entry)

    def _read_hpo(self, store) -> None:
        for r in store.query(internal("diagnosis-hpo")):
            c = r["cause"].value
            if c not in self.causes:
                continue
            src = f"HPO {r['disease'].value}" + (f" ({r['evidence'].value})" if r.get("evidence") else "")
            if r["property"].value.endswith("lacksPhenotype"):
                self.causes[c].hpo.append((r["term"].value, 0.0, "hpo-excluded", [src]))
                continue
            p = float(r["frequency"].value) if r.get("frequency") else HPO_NO_FREQUENCY
            if r["grounding"].value == "narrow":
                p *= HPO_NARROW
            self.causes[c].hpo.append((r["term"].value, min(p, HPO_CAP), "hpo", [src]))

    def _read_tests(self, store) -> None:
        for r in store.query(internal("diagnosis-tests")):
            t = self.tests.setdefault(r["test"].value, Test(r["test"].value, r["label"].value))
            self.labels[t.iri] = t.label
            (t.shows if r["kind"].value == "shows" else t.indicates).add(r["target"].value)

    @property
    def term_rows(self) -> list[tuple[str, str, int]]:
        """The HPO terms' labels, exact synonyms and CURIEs as (iri, text, kind) rows for a
        names.Resolver, read on first use (most patients are described in the graph's own words)."""
        if self._term_rows is None:
            rows: list[tuple[str, str, int]] = []
            for r in self._query(internal("diagnosis-terms")):
                t, key, value = r["term"].value, r["key"].value, r["value"].value
                if key == "label":
                    self.labels.setdefault(t, value)
                rows.append((t, value, {"label": 0, "synonym": 1, "curie": 2}[key]))
            self._term_rows = rows
        return self._term_rows

    @property
    def term_resolver(self) -> Resolver | None:
        """HPO terms by label, exact synonym or CURIE (made on first use)."""
        if self._terms is None and self.term_rows:
            self._terms = Resolver(self.term_rows)
        return self._terms

    def label(self, iri: str) -> str:
        """The label of a cause, finding, test or HPO term (the IRI itself when it has none)."""
        if iri not in self.labels:
            self.read_labels([iri])
        return self.labels.get(iri, iri)

    def read_labels(self, iris) -> None:
        """Read the labels of the IRIs not known yet, in one query."""
        missing = sorted({i for i in iris if i and i not in self.labels})
        if not missing:
            return
        for r in self._query(inject_values(internal("labels-of"), {"s": missing})):
            self.labels.setdefault(r["s"].value, r["label"].value)
        for i in missing:
            self.labels.setdefault(i, i)

    def _query(self, text: str):
        store = self._store()
        # a model kept past its store (model_of(axialkg.open())) still ranks; it names HPO terms by IRI
        return store.query(text) if store is not None else []

    # ---- the hierarchy ---------------------------------------------------------------------
    def implied(self, node: str) -> frozenset[str]:
        """The node and everything broader: what having it implies having."""
        if node not in self._implied:
            seen, todo = {node}, [node]
            while todo:
                for p in self.up.get(todo.pop(), ()):
                    if p not in seen:
                        seen.add(p)
                        todo.append(p)
            self._implied[node] = frozenset(seen)
        return self._implied[node]

    def descendants(self, node: str) -> int:
        if self._down_count is None:
            counts: dict[str, int] = defaultdict(int)
            for n in list(self.up):
                for a in self.implied(n):
                    counts[a] += 1
            self._down_count = dict(counts)
        return self._down_count.get(node, 0)

    def match(self, shown: str, query: str) -> float:
        """1 when showing ``shown`` implies ``query``; when they share an HPO ancestor, P(query |
        ancestor) for the most specific one; PARTIAL when ``shown`` is a broader (not vague) finding
        off HPO; 0 otherwise."""
        return self.matches(query).get(shown, 0.0)

    def matches(self, query: str) -> dict[str, float]:
        """Every finding or HPO term some cause (or the pattern) shows that matches ``query``, with
        its match (worked out once per query)."""
        if query not in self._matches:
            if self._below is None:
                shown = set(self.pattern_claims)
                for c in self.causes.values():
                    shown.update(c.claims)
                    shown.update(t for t, _, _, _ in c.hpo)
                below: dict[str, set[str]] = defaultdict(set)
                for s in shown:
                    for a in self.implied(s):
                        below[a].add(s)
                self._shown, self._below = shown, below
            broader = self.implied(query) & self._shown   # what a cause shows that is broader than the query
            bq = self.term_background(query)
            out = {s: PARTIAL for s in broader   # without both backgrounds, a fixed share
                   if (bq is None or self.term_background(s) is None) and self.descendants(s) <= PARTIAL_MAX_DESCENDANTS}
            if bq is not None:
                # LIRICAL's rule, through the most specific ancestor with a background (the lowest first)
                shared = sorted((self.hpo_background[a], a) for a in self.implied(query)
                                if a in self.hpo_background and a not in ROOTS)
                for b, a in shared:
                    for s in self._below.get(a, ()):
                        # only what is broader than the query: a sibling or cousin (LIRICAL's other case)
                        # lowered the simulated patients' ranks on every share tried (see the docstring)
                        if s in broader and out.get(s, 0.0) < bq / b:
                            out[s] = bq / b
            out.update((s, 1.0) for s in self._below.get(query, ()))
            self._matches[query] = out
        return self._matches[query]

    # ---- likelihoods -----------------------------------------------------------------------
    def _best(self, claims, query: str, share: float, kind: str | None = None):
        """The likeliest of the claims that match ``query``: a full match before any near one (LIRICAL
        reads an exact or implied annotation before a related one)."""
        best = None
        matches = self.matches(query)
        for feature, entries in claims.items():
            m = matches.get(feature)
            if not m:
                continue
            for p, k, sources in entries:
                value = p * m * share
                if best is None or (m == 1, value) > (best.match == 1, best.probability):
                    best = Evidence(value, kind or k, feature, list(sources), m)
        return best

    def likelihood(self, cause_iri: str, query: str) -> Evidence:
        """P(query | cause), with the evidence behind it (worked out once per pair)."""
        key = (cause_iri, query)
        if key not in self._likelihoods:
            self._likelihoods[key] = self._likelihood(cause_iri, query)
        return self._likelihoods[key]

    def _likelihood(self, cause_iri: str, query: str) -> Evidence:
        found = self.evidence(cause_iri, query)
        if found is not None and found.kind == "hpo-excluded":
            # far below what silence gives (LIRICAL: a likelihood ratio of 1/1000)
            return Evidence(self.background(query) * EXCLUDED, found.kind, found.via, found.sources)
        silent = self.background(query) * SILENT
        if found is not None and found.match < 1 and found.probability < silent:
            return Evidence(silent, "background")   # a near match is never worse than silence
        if found is not None and found.probability > 0:
            return found
        return Evidence(silent, "background")

    def background(self, query: str) -> float:
        """The mean over the causes of P(query | cause) from their evidence (0 where silent)."""
        if query not in self._background:
            total = 0.0
            for c in self.causes:
                e = self.evidence(c, query)
                total += e.probability if e is not None else 0.0
            self._background[query] = max(MIN_BACKGROUND, total / max(len(self.causes), 1))
        return self._background[query]

    def evidence(self, cause_iri: str, query: str) -> Evidence | None:
        """What the graph says of P(query | cause): the cause's article claim, else its HPO
        annotation, else its group's claims or the pattern's; None when it says nothing."""
        key = (cause_iri, query)
        if key not in self._evidence:
            self._evidence[key] = self._find_evidence(cause_iri, query)
        return self._evidence[key]

    def _find_evidence(self, cause_iri: str, query: str) -> Evidence | None:
        c = self.causes[cause_iri]
        broader = self.implied(query)
        for term, _, kind, sources in c.hpo:
            if kind == "hpo-excluded" and term in broader:
                return Evidence(0.0, kind, term, list(sources))   # likelihood() scales it
        article = self._best(c.claims, query, 1.0)
        if article is not None and article.match == 1:
            return article
        matches = self.matches(query)
        hpo = [Evidence(p * matches[term], kind, term, list(sources), matches[term])
               for term, p, kind, sources in c.hpo if kind == "hpo" and matches.get(term)]
        full = [e for e in hpo if e.match == 1]
        # the cause's own annotation of the term (or a narrower one) is read before any near match
        found: list[Evidence] = full or hpo + ([article] if article is not None else [])
        for other in sorted(c.parents | c.children):
            if other in self.causes:
                group = self._best(self.causes[other].claims, query, PARENT_SHARE, "group")
                if group is not None:
                    found.append(group)
        pattern = self._best(self.pattern_claims, query, PATTERN_SHARE, "pattern")
        if pattern is not None:
            found.append(pattern)
        # on a tie, the most specific term explains it (then the IRI): the same answer from any store's row order
        return max(found, key=lambda e: (e.probability, -self.hpo_background.get(e.via or "", 1.0), e.via or ""),
                   default=None)


_HP = "http://purl.obolibrary.org/obo/HP_"


def _hp_iri(curie: str) -> str:
    return _HP + curie.split(":", 1)[1]


__all__ = ["Cause", "Evidence", "Model", "Test"]
