"""Graph comparison for the tests: rdflib.compare.isomorphic, decided component by component.

An isomorphism fixes every IRI and literal, so two graphs are isomorphic exactly when their
blank-node-free triples are equal and their blank-node components pair up isomorphically. rdflib
on the whole release (about 900 blank nodes) takes about a minute; piece by piece, a second.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import BNode, Graph
from rdflib.compare import isomorphic


def components(g: Graph) -> tuple[set, list[list]]:
    """The triples without blank nodes, and the triples of each blank-node-connected component."""
    parent: dict = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for s, _, o in g:
        if isinstance(s, BNode) and isinstance(o, BNode):
            parent[find(s)] = find(o)
    ground, comps = set(), defaultdict(list)
    for t in g:
        b = next((x for x in (t[0], t[2]) if isinstance(x, BNode)), None)
        if b is None:
            ground.add(t)
        else:
            comps[find(b)].append(t)
    return ground, list(comps.values())


def _invariant(triples) -> tuple:
    return tuple(sorted(tuple("_" if isinstance(x, BNode) else x.n3() for x in t) for t in triples))


def _graph(triples) -> Graph:
    g = Graph()
    for t in triples:
        g.add(t)
    return g


def same_graph(a: Graph, b: Graph) -> bool:
    """Whether ``a`` and ``b`` are isomorphic (what rdflib.compare.isomorphic says of them)."""
    ga, ca = components(a)
    gb, cb = components(b)
    if ga != gb or len(ca) != len(cb):
        return False
    pool = defaultdict(list)
    for c in cb:
        pool[_invariant(c)].append(c)
    for c in ca:
        candidates = pool.get(_invariant(c), [])
        match = next((i for i, d in enumerate(candidates) if isomorphic(_graph(c), _graph(d))), None)
        if match is None:
            return False
        candidates.pop(match)
    return True
