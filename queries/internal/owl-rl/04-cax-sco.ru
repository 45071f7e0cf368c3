# OWL 2 RL rule cax-sco: members of a class are members of its superclasses.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?x a ?d }
WHERE { ?c rdfs:subClassOf ?d . ?x a ?c . FILTER NOT EXISTS { ?x a ?d } }
