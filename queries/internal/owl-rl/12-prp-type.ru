# OWL 2 RL rule prp-type: inverses and sub-properties of object properties are object properties.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?q a owl:ObjectProperty }
WHERE { { ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p } UNION { ?q rdfs:subPropertyOf ?p } ?p a owl:ObjectProperty . FILTER NOT EXISTS { ?q a owl:ObjectProperty } }
