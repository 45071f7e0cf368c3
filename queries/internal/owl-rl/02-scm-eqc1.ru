# OWL 2 RL rule scm-eqc1: equivalent classes are mutual subclasses.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?a rdfs:subClassOf ?b . ?b rdfs:subClassOf ?a }
WHERE { ?a owl:equivalentClass ?b . FILTER(?a != ?b) }
