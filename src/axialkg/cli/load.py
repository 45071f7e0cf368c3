"""``axialkg load``: replace a graph of a running SPARQL 1.1 server with the release."""

from __future__ import annotations

from pathlib import Path

from . import add_quiet_option


def register(sub) -> None:
    from ..load import DEFAULT_CHUNK

    p = sub.add_parser("load", help="load the graph into a SPARQL server, replacing one graph atomically",
                       description="Upload into a staging graph (Graph Store Protocol PUT with --graph-store-url, "
                                   "else SPARQL Update INSERT DATA in chunks), check its triple count, then MOVE it "
                                   "onto the target graph in one update and check again. A failure before the "
                                   "swap leaves the previous graph as it was. Credentials from AXIALKG_SPARQL_USER "
                                   "and AXIALKG_SPARQL_PASSWORD (Basic, or Digest when the server asks).")
    p.add_argument("--endpoint", required=True, metavar="QUERY_URL", help="the server's SPARQL query endpoint")
    p.add_argument("--update-url", metavar="URL", help="its SPARQL update endpoint (default: the query endpoint)")
    p.add_argument("--graph-store-url", metavar="URL",
                   help="its Graph Store HTTP Protocol endpoint; without it the data go by SPARQL Update")
    p.add_argument("--graph", metavar="IRI", help="the graph to replace (default: the default graph; give one for "
                                                  "Virtuoso, whose default graph is the union of all graphs)")
    p.add_argument("--file", type=Path, metavar="PATH",
                   help="an RDF file to load instead of the packaged release (.ttl, .nt, .owl/.rdf, .jsonld)")
    p.add_argument("--chunk", type=int, default=DEFAULT_CHUNK, metavar="N",
                   help=f"triples per INSERT DATA request (default {DEFAULT_CHUNK})")
    p.add_argument("--timeout", type=float, metavar="S", help="seconds to wait for each request (default 30)")
    add_quiet_option(p)
    p.set_defaults(handler=run)


def run(args) -> int:
    from ..load import Loader, read_triples

    triples = read_triples(args.file)
    from ..progress import counter

    with counter("load", unit="chunk") as uploaded:
        loader = Loader(args.endpoint, graph=args.graph, update_url=args.update_url,
                        graph_store_url=args.graph_store_url, timeout=args.timeout, chunk_size=args.chunk,
                        on_step=lambda stage, done, total: uploaded(done, total) if stage == "chunk" else None)
        report = loader.run(triples)
    print(report.summary())
    return 0
