# OWL 2 RL rule prp-eqp: equivalent properties are mutual sub-properties.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?p rdfs:subPropertyOf ?q . ?q rdfs:subPropertyOf ?p }
WHERE { ?p owl:equivalentProperty ?q . FILTER(?p != ?q) }
