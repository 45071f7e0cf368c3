# One chunk holding blank nodes into the staging graph. SPARQL 1.1 gives INSERT { … } WHERE {} the
# meaning of INSERT DATA (fresh nodes, labels scoped to the request), and Virtuoso, which refuses blank
# nodes in INSERT DATA, accepts it.
INSERT { GRAPH ?graph { ?triples } } WHERE {}
