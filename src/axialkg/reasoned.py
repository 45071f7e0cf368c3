"""The reasoned view: the OWL 2 RL closure of the graph, materialised in an in-memory pyoxigraph copy.

Rules (names from the OWL 2 RL profile, texts in ``queries/internal/owl-rl/``): scm-sco (subClassOf is transitive), scm-eqc1 (equivalent
classes are mutual subclasses), scm-uni (each member of a unionOf is a subclass of the union),
cax-sco (members of a class are members of its superclasses), scm-spo and prp-spo1 (subPropertyOf),
prp-inv1/2 (inverseOf), prp-symp (symmetric properties), prp-dom and prp-rng (domain and range),
prp-eqp (equivalentProperty). Each rule is a SPARQL update that inserts what is missing; the set is
applied until nothing new appears (a fixpoint). Annotation properties and literals are left alone.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from .queries import internal, internal_names


def rules() -> dict[str, str]:
    """The rules by name (``scm-sco``…), in the order they are applied (``queries/internal/owl-rl``)."""
    return {name.split("/", 1)[1].split("-", 1)[1]: internal(name) for name in internal_names("owl-rl")}


MAX_ROUNDS = 20


@dataclass
class ReasoningReport:
    asserted: int
    added: int
    rounds: int
    seconds: float
    per_rule: dict

    def as_dict(self) -> dict:
        return {"asserted_triples": self.asserted, "inferred_triples": self.added, "rounds": self.rounds,
                "milliseconds": round(self.seconds * 1000, 1), "per_rule": self.per_rule}


def close(store) -> ReasoningReport:
    """Apply the rules to a pyoxigraph Store's default graph until nothing new is inferred."""
    start = time.perf_counter()
    asserted = size = len(store)  # len() walks the whole store: counted once per rule, not twice
    texts = rules()
    per_rule = {name: 0 for name in texts}
    rounds = 0
    while rounds < MAX_ROUNDS:
        rounds += 1
        before_round = size
        for name, rule in texts.items():
            store.update(rule)
            now = len(store)
            per_rule[name] += now - size
            size = now
        if size == before_round:
            break
    return ReasoningReport(asserted, size - asserted, rounds, time.perf_counter() - start, per_rule)


def reasoned_store(engine):
    """An in-memory pyoxigraph engine holding ``engine``'s graph plus its OWL 2 RL closure (in its
    default graph); its spec is ``engine``'s, marked reasoned."""
    from .stores.embedded import OxigraphStore

    t0 = time.perf_counter()
    data, media_type = engine.dump()
    closed = OxigraphStore.from_data(data, media_type)
    closed.spec = engine.spec.replace(reasoned=True)
    report = close(closed.store)
    report.seconds = time.perf_counter() - t0  # the whole cost: copy + closure
    engine.close()
    return closed, report
