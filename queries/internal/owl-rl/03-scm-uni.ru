# OWL 2 RL rule scm-uni: each member of a unionOf is a subclass of the union.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?m rdfs:subClassOf ?c }
WHERE { ?c owl:unionOf ?list . ?list rdf:rest*/rdf:first ?m . FILTER NOT EXISTS { ?m rdfs:subClassOf ?c } }
