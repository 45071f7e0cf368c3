# OWL 2 RL rule prp-spo1: a sub-property's links hold for its super-property.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?s ?q ?o }
WHERE { ?p rdfs:subPropertyOf ?q . ?p a owl:ObjectProperty . ?s ?p ?o . FILTER NOT EXISTS { ?s ?q ?o } }
