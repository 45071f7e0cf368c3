# Remove the loader's staging graph (?graph is filled in with its IRI).
DROP SILENT GRAPH ?graph
