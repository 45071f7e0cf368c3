# OWL 2 RL rule prp-dom: the subject of a link is in the property's domain.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?s a ?c }
WHERE { ?p rdfs:domain ?c . ?p a owl:ObjectProperty . ?s ?p ?o . FILTER NOT EXISTS { ?s a ?c } }
