"""Graph questions over a projection of the knowledge graph: paths, metapaths, DWPC, neighbourhoods.

Rooms, each a module:

* :mod:`.projection` — the networkx ``MultiDiGraph`` of entities and claims, built from plain rows
  and the schema model (:func:`project_edges`).
* :mod:`.metagraph` — metanodes (classes, with the kind a node stands for) and metaedges, and
  the names metapaths print.
* :mod:`.search` — simple paths, shortest first, with ``via``/``avoid`` (:func:`find_paths`,
  :func:`iter_paths`); :mod:`.walk` — how the searches step through the projection.
* :mod:`.metapaths` — metapath counts by meeting in the middle (:func:`count_metapaths`).
* :mod:`.dwpc` — degree products and DWPC as pure functions; :mod:`.connections` ranks
  connections with them (:func:`connect`).
* :mod:`.compact` — the projection as integer ids and CSR arrays, cached beside an on-disk store;
  it shows networkx's adjacency, so every question above runs on it unchanged.
* :mod:`.hetmat` — per-predicate sparse matrices of a compact projection: metapath counts and
  one-pair DWPC by matrix products, simple paths by inclusion-exclusion (hetmatpy's way).
* :mod:`.frontier` — paths and neighbourhoods on a remote engine by frontier expansion (batched
  questions per hop, the region met made into a small compact projection), never copying the graph.
* :mod:`.permute` — p-values of connections against degree-preserving edge permutations.
* :mod:`.neighborhood` — neighbourhood subgraphs (their GraphML: :func:`axialkg.export.write_graphml`).
* :mod:`.model` — the records answers come as; :mod:`.params` — parameter defaults and bounds;
  :mod:`.collector` — the garbage collector paused around questions.

Functions take the projection and IRIs (entities, classes); nothing here runs a query or
resolves a name. :class:`axialkg.api.KnowledgeGraph` resolves what users type and calls down:
``kg.paths``, ``kg.metapaths``, ``kg.connect``, ``kg.neighbors``.

The names below load their module on first use, so that the API can take its defaults from
:mod:`.params` without importing the rest (the command line's start stays short); no name is
also a module's, so each means one thing whatever was imported before.
"""

from __future__ import annotations

import importlib

from .collector import quiet_gc

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy reads the name)
if TYPE_CHECKING:
    from typing import Any

_HOMES = {
    "connections": ["connect", "pair_dwpc"],
    "dwpc": ["Degrees", "metaedge_degree", "path_degree_product", "path_degrees"],
    "metagraph": ["Metagraph", "categories_of", "kind_of", "metaedges"],
    "metapaths": ["count_metapaths"],
    "model": ["BACKWARD", "FORWARD", "Connection", "Metaedge", "Metapath", "MetapathCount", "Path"],
    "neighborhood": ["neighborhood_of"],
    "permute": ["DEFAULT_PERMUTATIONS", "Judged", "judge", "metapath_dwpc", "permuted"],
    "params": ["DAMPING", "DEFAULT_AVOID_CATEGORIES", "DEFAULT_MAX_HOPS", "MAX_HOPS_LIMIT", "ParameterError",
               "check_damping", "check_ends", "check_hops", "check_limit", "check_lists"],
    "projection": ["project_edges"],
    "search": ["find_paths", "iter_paths"],
}
_MODULE_OF = {name: module for module, names in _HOMES.items() for name in names}
_MODULES = set(_HOMES) | {"collector", "compact", "frontier", "hetmat", "walk"}


def _load(module: str):
    """Import a module of the package with the cyclic collector paused: once a large projection
    exists, the import's allocations would set off a full collection over its millions of dicts."""
    with quiet_gc():
        return importlib.import_module(f"{__name__}.{module}")


def __getattr__(name: str) -> Any:
    if name in _MODULES:  # importing a module binds it here
        return _load(name)
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = globals()[name] = getattr(_load(module), name)
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_MODULE_OF) | _MODULES)


__all__ = sorted(_MODULE_OF)
