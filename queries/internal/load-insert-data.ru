# One chunk of ground triples into the staging graph (?graph: its IRI; ?triples: N-Triples lines).
INSERT DATA { GRAPH ?graph { ?triples } }
