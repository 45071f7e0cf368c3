// Every SPARQL text the page sends itself (class pages, term autocomplete), in one place. Values reach
// a query only through bindValues(), which puts a VALUES block of RDF terms checked against the
// SPARQL grammar first in its WHERE group; a value is never written into the text any other way.

// The project's usual prefixes (axialkg.vocab.PREFIXES; tests/test_web.py checks they agree).
export const PREFIXES = {
  axkg: "https://w3id.org/axialkg/",
  owl: "http://www.w3.org/2002/07/owl#",
  rdf: "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
  rdfs: "http://www.w3.org/2000/01/rdf-schema#",
  xsd: "http://www.w3.org/2001/XMLSchema#",
  skos: "http://www.w3.org/2004/02/skos/core#",
  dcterms: "http://purl.org/dc/terms/",
  prov: "http://www.w3.org/ns/prov#",
  obo: "http://purl.obolibrary.org/obo/",
  oboInOwl: "http://www.geneontology.org/formats/oboInOwl#",
  biolink: "https://w3id.org/biolink/vocab/",
  foaf: "http://xmlns.com/foaf/0.1/",
  vann: "http://purl.org/vocab/vann/",
  void: "http://rdfs.org/ns/void#",
  dcat: "http://www.w3.org/ns/dcat#",
};

const PROLOGUE = Object.entries(PREFIXES).map(([p, ns]) => `PREFIX ${p}: <${ns}>`).join("\n") + "\n";

// Every term of the graph's namespace with a label: the editor's term autocomplete.
export const TERMS = PROLOGUE + `SELECT ?term (SAMPLE(?l) AS ?label) WHERE {
  ?term rdfs:label ?l .
  FILTER(isIRI(?term) && STRSTARTS(STR(?term), STR(axkg:)))
} GROUP BY ?term ORDER BY ?term`;

// A class: its label, definition and comment (?class bound by bindValues).
export const CLASS_INFO = PROLOGUE + `SELECT ?label ?definition ?comment WHERE {
  ?class a owl:Class ; rdfs:label ?label .
  OPTIONAL { ?class obo:IAO_0000115 ?definition }
  OPTIONAL { ?class rdfs:comment ?comment }
}`;

export const CLASS_PARENTS = PROLOGUE + `SELECT ?parent (SAMPLE(?l) AS ?label) WHERE {
  ?class rdfs:subClassOf ?parent . FILTER(isIRI(?parent))
  OPTIONAL { ?parent rdfs:label ?l }
} GROUP BY ?parent ORDER BY ?label`;

export const CLASS_CHILDREN = PROLOGUE + `SELECT ?child (SAMPLE(?l) AS ?label) WHERE {
  ?child rdfs:subClassOf ?class . FILTER(isIRI(?child))
  OPTIONAL { ?child rdfs:label ?l }
} GROUP BY ?child ORDER BY ?label`;

// Members, direct or through a subclass; ?via names the class they are typed by.
export const CLASS_MEMBERS = PROLOGUE + `SELECT ?member (SAMPLE(?l) AS ?label) (SAMPLE(?v) AS ?via) WHERE {
  ?member a ?v . ?v rdfs:subClassOf* ?class .
  ?member rdfs:label ?l .
} GROUP BY ?member ORDER BY ?label`;

// An IRI as a SPARQL term, refusing what IRIREF forbids (so nothing can close the term early).
export function iriTerm(iri) {
  if (typeof iri !== "string" || !/^[a-zA-Z][a-zA-Z0-9+.-]*:[^\u0000-\u0020<>"{}|^`\\]*$/.test(iri)) {
    throw new Error("not an IRI: " + iri);
  }
  return "<" + iri + ">";
}

// A plain string as a SPARQL literal, every special character escaped.
export function literalTerm(text) {
  return '"' + String(text).replace(/[\\"\n\r\t]/g, (c) => ({ "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t" })[c]) + '"';
}

// The query with "VALUES (?a ?b) { (t1 t2) }" placed first inside its outermost WHERE group, as
// axialkg.stores does for remote endpoints: there (unlike a trailing VALUES, joined after GROUP BY) the
// bound variables constrain the pattern. bindings: {name: {iri} | {literal}}.
export function bindValues(query, bindings) {
  const names = Object.keys(bindings);
  if (!names.length) return query;
  for (const n of names) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(n)) throw new Error("bad variable name: " + n);
  const terms = names.map((n) => {
    const b = bindings[n];
    return b.iri !== undefined ? iriTerm(b.iri) : literalTerm(b.literal);
  });
  const at = whereGroupStart(query);
  return `${query.slice(0, at)} VALUES (${names.map((n) => "?" + n).join(" ")}) { (${terms.join(" ")}) }${query.slice(at)}`;
}

// Index just after the "{" that opens the outermost WHERE group: the first "{" at depth 0 after a
// depth-0 WHERE keyword, or, where WHERE is left out (SELECT/ASK/DESCRIBE), the first "{" at depth 0.
// Strings, comments and IRIs are skipped, so their braces do not count.
const TOKEN = /"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|#[^\n]*|<[^<>"{}|^`\\\u0000-\u0020]*>|[{}]|\bwhere\b|\bconstruct\b/gi;
export function whereGroupStart(query) {
  let depth = 0, afterWhere = false, construct = false, firstOpen = -1, m;
  TOKEN.lastIndex = 0;
  while ((m = TOKEN.exec(query)) !== null) {
    const t = m[0];
    if (t === "{") {
      if (depth === 0) {
        if (afterWhere) return m.index + 1;
        if (firstOpen < 0 && !construct) firstOpen = m.index + 1;
      }
      depth++;
    } else if (t === "}") depth--;
    else if (depth === 0 && /^where$/i.test(t)) afterWhere = true;
    else if (depth === 0 && /^construct$/i.test(t)) construct = true;
  }
  if (firstOpen >= 0) return firstOpen;
  throw new Error("no WHERE group to bind the parameters in");
}

// A property: label, definition, kind, domain, range, inverse, mappings, and how often it is asserted
// (?property bound by bindValues).
export const PROPERTY_INFO = PROLOGUE + `SELECT ?label ?definition ?kind ?domain ?range ?inverse ?match
    (COUNT(DISTINCT ?use) AS ?uses) WHERE {
  VALUES ?kind { owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty }
  ?property a ?kind ; rdfs:label ?label .
  OPTIONAL { ?property obo:IAO_0000115 ?definition }
  OPTIONAL { ?property rdfs:domain ?domain . FILTER(isIRI(?domain)) }
  OPTIONAL { ?property rdfs:range ?range . FILTER(isIRI(?range)) }
  OPTIONAL { { ?property owl:inverseOf ?inverse } UNION { ?inverse owl:inverseOf ?property } }
  OPTIONAL { ?property skos:exactMatch ?match }
  OPTIONAL { ?use ?property ?anything }
} GROUP BY ?property ?label ?definition ?kind ?domain ?range ?inverse ?match`;
