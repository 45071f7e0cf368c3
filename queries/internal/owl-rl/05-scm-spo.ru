# OWL 2 RL rule scm-spo: subPropertyOf is transitive.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?p rdfs:subPropertyOf ?r }
WHERE { ?p rdfs:subPropertyOf ?q . ?q rdfs:subPropertyOf ?r . FILTER(?p != ?r) FILTER NOT EXISTS { ?p rdfs:subPropertyOf ?r } }
