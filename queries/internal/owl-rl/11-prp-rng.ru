# OWL 2 RL rule prp-rng: the object of a link is in the property's range.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?o a ?c }
WHERE { ?p rdfs:range ?c . ?p a owl:ObjectProperty . ?s ?p ?o . FILTER(!isLiteral(?o)) FILTER NOT EXISTS { ?o a ?c } }
