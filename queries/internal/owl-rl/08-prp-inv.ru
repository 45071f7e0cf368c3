# OWL 2 RL rule prp-inv: inverseOf (prp-inv1, prp-inv2).
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?o ?q ?s }
WHERE { { ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p } ?s ?p ?o . FILTER(!isLiteral(?o)) FILTER NOT EXISTS { ?o ?q ?s } }
