// Resolver URL patterns for cross-reference prefixes, from bioregistry 0.15.6
// (bioregistry.get_uri_format; tests/test_web.py checks them against the installed package).
// A prefix not listed resolves through bioregistry.io, which redirects to the provider.
export const URI_FORMATS = {
  "CHEBI": "http://purl.obolibrary.org/obo/CHEBI_$1",
  "DOID": "http://purl.obolibrary.org/obo/DOID_$1",
  "DRUGBANK": "https://go.drugbank.com/drugs/$1",
  "GO": "http://purl.obolibrary.org/obo/GO_$1",
  "HP": "http://purl.obolibrary.org/obo/HP_$1",
  "MESH": "https://meshb.nlm.nih.gov/record/ui?ui=$1",
  "MONDO": "http://purl.obolibrary.org/obo/MONDO_$1",
  "NCBIGene": "https://www.ncbi.nlm.nih.gov/gene/$1",
  "OMIM": "https://omim.org/MIM:$1",
  "ORPHA": "http://www.orpha.net/ORDO/Orphanet_$1",
  "PMC": "http://europepmc.org/articles/$1",
  "PMID": "https://pubmed.ncbi.nlm.nih.gov/$1/",
  "UBERON": "http://purl.obolibrary.org/obo/UBERON_$1"
};

// "DRUGBANK:DB08877" -> its resolver URL, or null for text that is not a CURIE.
export function resolverUrl(curie) {
  const match = /^([A-Za-z][\w.-]*):(\S+)$/.exec(curie);
  if (!match) return null;
  const [, prefix, local] = match;
  const format = URI_FORMATS[prefix];
  if (format) return format.replace("$1", encodeURIComponent(local));
  return "https://bioregistry.io/" + encodeURIComponent(prefix) + ":" + encodeURIComponent(local);
}
