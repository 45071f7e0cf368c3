"""The reasoned view: the OWL 2 RL closure of the graph, materialised in an in-memory pyoxigraph copy.

Rules (names from the OWL 2 RL profile): scm-sco (subClassOf is transitive), scm-eqc1 (equivalent
classes are mutual subclasses), scm-uni (each member of a unionOf is a subclass of the union),
cax-sco (members of a class are members of its superclasses), scm-spo and prp-spo1 (subPropertyOf),
prp-inv1/2 (inverseOf), prp-symp (symmetric properties), prp-dom and prp-rng (domain and range),
prp-eqp (equivalentProperty). Each rule is a SPARQL update that inserts what is missing; the set is
applied until nothing new appears (a fixpoint). Annotation properties and literals are left alone.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""

RULES = {
    "scm-sco": "INSERT { ?a rdfs:subClassOf ?c } WHERE { ?a rdfs:subClassOf ?b . ?b rdfs:subClassOf ?c . "
               "FILTER(?a != ?c) FILTER NOT EXISTS { ?a rdfs:subClassOf ?c } }",
    "scm-eqc1": "INSERT { ?a rdfs:subClassOf ?b . ?b rdfs:subClassOf ?a } WHERE { ?a owl:equivalentClass ?b . "
                "FILTER(?a != ?b) }",
    "scm-uni": "INSERT { ?m rdfs:subClassOf ?c } WHERE { ?c owl:unionOf ?list . ?list rdf:rest*/rdf:first ?m . "
               "FILTER NOT EXISTS { ?m rdfs:subClassOf ?c } }",
    "cax-sco": "INSERT { ?x a ?d } WHERE { ?c rdfs:subClassOf ?d . ?x a ?c . "
               "FILTER NOT EXISTS { ?x a ?d } }",
    "scm-spo": "INSERT { ?p rdfs:subPropertyOf ?r } WHERE { ?p rdfs:subPropertyOf ?q . ?q rdfs:subPropertyOf ?r . "
               "FILTER(?p != ?r) FILTER NOT EXISTS { ?p rdfs:subPropertyOf ?r } }",
    "prp-eqp": "INSERT { ?p rdfs:subPropertyOf ?q . ?q rdfs:subPropertyOf ?p } WHERE { ?p owl:equivalentProperty ?q . "
               "FILTER(?p != ?q) }",
    "prp-spo1": "INSERT { ?s ?q ?o } WHERE { ?p rdfs:subPropertyOf ?q . ?p a owl:ObjectProperty . ?s ?p ?o . "
                "FILTER NOT EXISTS { ?s ?q ?o } }",
    "prp-inv": "INSERT { ?o ?q ?s } WHERE { { ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p } ?s ?p ?o . "
               "FILTER(!isLiteral(?o)) FILTER NOT EXISTS { ?o ?q ?s } }",
    "prp-symp": "INSERT { ?o ?p ?s } WHERE { ?p a owl:SymmetricProperty . ?s ?p ?o . "
                "FILTER NOT EXISTS { ?o ?p ?s } }",
    "prp-dom": "INSERT { ?s a ?c } WHERE { ?p rdfs:domain ?c . ?p a owl:ObjectProperty . ?s ?p ?o . "
               "FILTER NOT EXISTS { ?s a ?c } }",
    "prp-rng": "INSERT { ?o a ?c } WHERE { ?p rdfs:range ?c . ?p a owl:ObjectProperty . ?s ?p ?o . "
               "FILTER(!isLiteral(?o)) FILTER NOT EXISTS { ?o a ?c } }",
    # inverses and sub-properties of object properties are object properties too
    "prp-type": "INSERT { ?q a owl:ObjectProperty } WHERE { { ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p } "
                "UNION { ?q rdfs:subPropertyOf ?p } ?p a owl:ObjectProperty . FILTER NOT EXISTS { ?q a owl:ObjectProperty } }",
}
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
    asserted = len(store)
    per_rule = {name: 0 for name in RULES}
    rounds = 0
    while rounds < MAX_ROUNDS:
        rounds += 1
        before_round = len(store)
        for name, rule in RULES.items():
            before = len(store)
            store.update(PREFIXES + rule)
            per_rule[name] += len(store) - before
        if len(store) == before_round:
            break
    return ReasoningReport(asserted, len(store) - asserted, rounds, time.perf_counter() - start, per_rule)


def reasoned_store(engine):
    """An in-memory pyoxigraph engine holding ``engine``'s graph plus its OWL 2 RL closure."""
    import pyoxigraph as ox

    from .stores.embedded import OxigraphStore

    t0 = time.perf_counter()
    data, media_type = engine.dump()
    closed = OxigraphStore.__new__(OxigraphStore)
    closed.graph = None  # the copy keeps the data in its default graph
    closed.directory = None
    closed.spec = (engine.spec or "memory") + " (reasoned)"
    closed._graph_node = ox.DefaultGraph()
    closed.store = ox.Store()
    fmt = ox.RdfFormat.N_TRIPLES if "n-triples" in media_type else ox.RdfFormat.TURTLE
    closed.store.bulk_load(data, format=fmt)
    closed.loaded_now = True
    report = close(closed.store)
    report.seconds = time.perf_counter() - t0  # the whole cost: copy + closure
    engine.close()
    return closed, report
