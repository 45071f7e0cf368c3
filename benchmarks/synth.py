"""Seeded synthetic graphs of the axialkg schema, streamed to N-Triples.

The graph has the release's shape, scaled: the schema (TBox) as is, then individuals typed with
our leaf classes (label, definition, synonyms, xrefs) and claims with our object properties between
entities that fit each property's domain and range, every claim asserted and reified as an
owl:Axiom with dcterms:source, furtherSourceCount and prov:wasDerivedFrom, as ``build.py`` writes
them. Class and property frequencies follow the release (add-one smoothed); objects are picked
with a skew, so a few entities become hubs, as in real graphs.

Lines are written directly (no rdflib), so 10^7 triples take tens of seconds. Beside each
``X.nt`` a ``X.json`` manifest records the seed, counts and typical query parameters (the most
connected entity of each kind).

    python benchmarks/synth.py --triples 1e6 --seed 7 --out /tmp/synth-1e6.nt
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

AXKG = "https://w3id.org/axialkg/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OBO = "http://purl.obolibrary.org/obo/"
OIO = "http://www.geneontology.org/formats/oboInOwl#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
FOAF = "http://xmlns.com/foaf/0.1/"

GENERATOR_VERSION = 3  # bump when the output for a given seed and size changes
ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "ontology" / "schema" / "axialkg-schema.ttl"

# Provenance individuals: kept out of the pool of generic entities.
SPECIAL = {"Source", "ArticleSection", "Article", "DoseRegimen"}

# Release frequencies (entities per class, claims per property) at the time of writing; other
# classes and properties get weight 1 (smoothing), so every part of the schema is exercised.
CLASS_WEIGHTS = {
    "Mechanism": 16, "Symptom": 15, "ImagingFinding": 14, "Condition": 12, "LaboratoryFinding": 8,
    "LaboratoryTest": 7, "GeneticSclerosingDysplasia": 7, "AnatomicalSite": 6, "PhysicalExamination": 5,
    "HaematologicalCause": 5, "ImagingTest": 5, "BedsideTest": 5, "AdverseEffect": 4, "RadiologicalPattern": 3,
    "ToxicEnvironmentalCause": 3, "MolecularTarget": 3, "ElectrodiagnosticTest": 3, "JAKInhibitor": 3,
}
PROPERTY_WEIGHTS = {
    "indicates": 45, "causesPattern": 44, "hasFinding": 40, "showsFinding": 35, "involvesSite": 28,
    "hasMechanism": 28, "hasSymptom": 19, "subtypeOf": 7, "targets": 6, "treats": 5, "actsThrough": 3,
    "hasDoseRegimen": 3, "hasAdverseEffect": 2, "mimics": 2, "participatesIn": 2,
}
CLAIMS_PER_ENTITY = 1.5  # the release has about 284 claims on 190 entities


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def schema_lines() -> list[str]:
    """The schema as N-Triples lines, blank nodes numbered in parse order (deterministic)."""
    import pyoxigraph as ox

    names: dict[str, str] = {}

    def term(x) -> str:
        if isinstance(x, ox.BlankNode):  # parser ids are random: number them in parse order instead
            return names.setdefault(x.value, f"_:tbox{len(names)}")
        return str(x)

    out = [f"{term(t.subject)} {t.predicate} {term(t.object)} .\n"
           for t in ox.parse(path=str(SCHEMA), format=ox.RdfFormat.TURTLE)]
    return sorted(out)


def schema_model():
    """Leaf classes (with labels), and for each claim property the leaf classes of its domain/range."""
    sys.path.insert(0, str(ROOT / "src"))
    from axialkg.schema import Schema

    s = Schema.load(SCHEMA)
    unions = set(s.union_classes)
    parents = {c: s.superclasses(c) for c in s.classes}
    has_child = {p for c, sups in parents.items() for p in sups if p != c}
    leaves = sorted(c for c in s.classes if c not in has_child and c not in unions)
    labels = {}
    from rdflib import URIRef
    from rdflib.namespace import RDFS as R

    for c in leaves:
        labels[c] = str(s.graph.value(URIRef(AXKG + c), R.label) or c)
    props = {}
    for p in sorted(s.object_properties):
        canon, flipped = s.canonical(p)
        if flipped or canon != p:
            continue
        dom, rng = s.domain(p), s.range(p)
        subj = [c for c in leaves if s.fits([c], dom) and c not in SPECIAL]
        obj = [c for c in leaves if s.fits([c], rng) and c not in SPECIAL]
        if p == "hasDoseRegimen":
            obj = ["DoseRegimen"]
        if subj and obj:
            props[p] = (subj, obj)
    supers = {c: s.superclasses(c) for c in leaves}
    return leaves, labels, props, supers


def generate(out: Path, triples: int, seed: int = 7) -> dict:
    """Write about ``triples`` triples to ``out`` (N-Triples) and its manifest; return the manifest."""
    t0 = time.perf_counter()
    rng = random.Random(seed)
    leaves, labels, props, supers = schema_model()
    pool = [c for c in leaves if c not in SPECIAL]
    tbox = schema_lines()

    n_sources = max(20, int(triples ** 0.5 / 5))
    n_sections = 20
    per_entity = 6.0 + CLAIMS_PER_ENTITY * 8.4  # entity triples + its share of claim triples
    n_entities = max(len(pool), int((triples - len(tbox) - 4 * n_sources) / per_entity))
    weights = {c: CLASS_WEIGHTS.get(c, 1) for c in pool}
    total_w = sum(weights.values())
    counts = {c: max(1, int(n_entities * w / total_w)) for c, w in weights.items()}

    def iri(cls: str, i: int) -> str:
        return f"<{AXKG}x/{cls}-{i}>"

    A, T, NI = f"<{RDF}type>", f"<{OWL}Axiom>", f"<{OWL}NamedIndividual>"
    LABEL, DEF, SYN, XREF = f"<{RDFS}label>", f"<{OBO}IAO_0000115>", f"<{OIO}hasExactSynonym>", f"<{OIO}hasDbXref>"
    ASRC, APROP, ATGT = f"<{OWL}annotatedSource>", f"<{OWL}annotatedProperty>", f"<{OWL}annotatedTarget>"
    SRC, FURTHER, DERIVED = f"<{DCT}source>", f"<{AXKG}furtherSourceCount>", f"<{PROV}wasDerivedFrom>"
    INT = f"^^<{XSD}integer>"

    written = 0
    buf: list[str] = []
    tmp = out.with_name(out.name + ".part")
    fh = open(tmp, "w", encoding="utf-8", buffering=1 << 22)

    def flush():
        nonlocal buf
        fh.writelines(buf)
        buf = []

    buf.extend(tbox)
    written += len(tbox)
    article = f"<{AXKG}x/article>"
    buf += [f"{article} {A} {NI} .\n", f"{article} {A} <{AXKG}Article> .\n",
            f"{article} {LABEL} {_lit('synthetic article')} .\n"]
    sections = [f"<{AXKG}x/section-{i}>" for i in range(n_sections)]
    for i, s in enumerate(sections):
        buf += [f"{s} {A} {NI} .\n", f"{s} {A} <{AXKG}ArticleSection> .\n",
                f"{s} {LABEL} {_lit(f'synthetic section {i}')} .\n", f"{s} <{DCT}isPartOf> {article} .\n"]
    sources = [f"<{AXKG}x/source-{i}>" for i in range(n_sources)]
    for i, s in enumerate(sources):
        buf += [f"{s} {A} {NI} .\n", f"{s} {A} <{AXKG}Source> .\n", f"{s} {LABEL} {_lit(f'synthetic source {i}')} .\n",
                f"{s} <{FOAF}homepage> <https://example.org/source/{i}> .\n"]
    written += 3 + 4 * n_sections + 4 * n_sources

    # ---- entities
    extra = {"RedFlag": (f"<{AXKG}urgency>", ("urgent", "soon")),
             "Question": (f"<{AXKG}answer>", ("a synthetic answer",)),
             "FoodToFavour": (f"<{AXKG}rationale>", ("a synthetic rationale",)),
             "FoodToLimit": (f"<{AXKG}rationale>", ("a synthetic rationale",))}
    for ci, c in enumerate(pool):
        cls, lab = f"<{AXKG}{c}>", labels[c]
        ann = extra.get(c)
        for i in range(counts[c]):
            s = iri(c, i)
            buf.append(f"{s} {A} {NI} .\n{s} {A} {cls} .\n{s} {LABEL} \"{lab} {i}\" .\n"
                       f"{s} {DEF} \"A synthetic {lab}, number {i}.\" .\n")
            written += 4
            r = rng.random()
            if r < 0.6:
                buf.append(f"{s} {SYN} \"{lab} {i} (alt)\" .\n")
                written += 1
            if r < 0.2:
                buf.append(f"{s} {SYN} \"{c}-{i}\" .\n")
                written += 1
            if r > 0.6:
                buf.append(f"{s} {XREF} \"SYNTH:{ci:02d}{i:07d}\" .\n")
                written += 1
            if ann:
                buf.append(f"{s} {ann[0]} {_lit(ann[1][i % len(ann[1])])} .\n")
                written += 1
            if len(buf) > 50000:
                flush()

    # ---- claims, until the triple budget is spent
    names = list(props)
    pweights = [PROPERTY_WEIGHTS.get(p, 1) for p in names]
    cum_p = []
    acc = 0
    for w in pweights:
        acc += w
        cum_p.append(acc)
    choice_tables = {}
    for p in names:
        subj, obj = props[p]
        choice_tables[p] = (subj, [counts[c] for c in subj], obj, [counts.get(c, 0) for c in obj])
    dose_n = 0
    claims = 0
    degree: dict[tuple[str, int], int] = {}
    picks = rng.choices
    rand = rng.random
    while written < triples:
        p = picks(names, cum_weights=cum_p)[0]
        subj, sw, obj, ow = choice_tables[p]
        sc = picks(subj, weights=sw)[0]
        si = int(counts[sc] * rand() ** 2)  # skewed: low numbers are hubs
        s = iri(sc, si)
        degree[sc, si] = degree.get((sc, si), 0) + 1
        if p == "hasDoseRegimen":
            o = f"<{AXKG}x/dose-{dose_n}>"
            buf.append(f"{o} {A} {NI} .\n{o} {A} <{AXKG}DoseRegimen> .\n{o} {LABEL} \"dose regimen {dose_n}\" .\n"
                       f"{o} <{AXKG}doseAmount> \"{(dose_n % 50) * 10 + 5}\"^^<{XSD}decimal> .\n"
                       f"{o} <{AXKG}doseUnit> \"mg\" .\n{o} <{AXKG}route> \"oral\" .\n")
            written += 6
            dose_n += 1
        else:
            oc = picks(obj, weights=ow)[0]
            oi = int(counts[oc] * rand() ** 2)
            o = iri(oc, oi)
            degree[oc, oi] = degree.get((oc, oi), 0) + 1
        ax = f"_:sx{claims}"
        pr = f"<{AXKG}{p}>"
        n_src = 1 if rand() < 0.7 else 2
        src = "".join(f"{ax} {SRC} {sources[int(n_sources * rand() ** 2)]} .\n" for _ in range(n_src))
        buf.append(f"{s} {pr} {o} .\n{ax} {A} {T} .\n{ax} {ASRC} {s} .\n{ax} {APROP} {pr} .\n{ax} {ATGT} {o} .\n"
                   f"{src}{ax} {FURTHER} \"{int(rand() * 3)}\"{INT} .\n{ax} {DERIVED} {sections[claims % n_sections]} .\n")
        written += 7 + n_src
        claims += 1
        if len(buf) > 20000:
            flush()
    flush()
    fh.close()
    tmp.replace(out)

    best: dict[str, tuple[int, str, int]] = {}
    for (c, i), d in degree.items():
        for kind in supers[c]:
            if (-d, c, i) < best.get(kind, (1, "", 0)):
                best[kind] = (-d, c, i)

    def hub(kind):
        # The most connected entity of a kind: lookups on it are the worst case.
        return f"{AXKG}x/{best[kind][1]}-{best[kind][2]}" if kind in best else None

    manifest = {
        "generator_version": GENERATOR_VERSION, "seed": seed, "target_triples": triples, "triples": written,
        "entities": sum(counts.values()), "claims": claims, "sources": n_sources, "classes": len(pool),
        "properties": len(props), "seconds": round(time.perf_counter() - t0, 2), "file": str(out),
        "params": {"cause": hub("Cause"), "symptom": hub("Symptom"), "finding": hub("ClinicalFinding"),
                   "drug": hub("Drug"), "entity": hub("Cause"), "target": hub("MolecularTarget")},
        "path": {"source": hub("Drug"), "target": hub("Symptom")},
    }
    out.with_suffix(".json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def ensure(out: Path, triples: int, seed: int = 7) -> dict:
    """The manifest of ``out``, generating it unless the same seed, size and generator made it."""
    man = out.with_suffix(".json")
    if out.is_file() and man.is_file():
        try:
            m = json.loads(man.read_text(encoding="utf-8"))
            if (m.get("seed"), m.get("target_triples"), m.get("generator_version")) == (seed, triples, GENERATOR_VERSION):
                m["cached"] = True
                return m
        except ValueError:
            pass
    m = generate(out, triples, seed)
    m["cached"] = False
    return m


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--triples", type=float, default=1e5, help="about how many triples (default 1e5)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, required=True, help="the N-Triples file to write")
    args = ap.parse_args(argv)
    m = generate(args.out, int(args.triples), args.seed)
    print(json.dumps({k: m[k] for k in ("triples", "entities", "claims", "seconds")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
