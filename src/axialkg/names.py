"""What users type, resolved to the IRI of one entity: a label, an exact synonym or brand name, a
CURIE cross-reference, a related synonym (searched in that order, case-insensitively), an IRI or an
``axkg:`` CURIE. Unknown names get suggestions; ambiguous ones list the entities they match.

>>> r = Resolver([("https://w3id.org/axialkg/ruxolitinib", "ruxolitinib", 0),
...               ("https://w3id.org/axialkg/ruxolitinib", "Jakafi", 1)])
>>> r.resolve("jakafi")
'https://w3id.org/axialkg/ruxolitinib'
"""

from __future__ import annotations

import re

from .errors import UsageError
from .vocab import NAMESPACE, curie


class Resolver:
    """Label, synonym, brand name, CURIE, IRI or slug → the IRI of one entity."""

    def __init__(self, rows=()):
        self.labels: dict[str, str] = {}
        # 0 labels, 1 exact synonyms and brand names, 2 cross-references, 3 related synonyms
        self.tiers: list[dict[str, set[str]]] = [{}, {}, {}, {}]
        self.texts: dict[str, str] = {}  # casefolded → as written, for suggestions
        for iri, value, kind in rows:
            kind = int(kind)
            if kind == 0:
                self.labels.setdefault(iri, value)
            key = value.strip().casefold()
            self.tiers[kind].setdefault(key, set()).add(iri)
            if kind != 2:
                self.texts.setdefault(key, value)
        self.iris = set(self.labels) | {i for tier in self.tiers for s in tier.values() for i in s}

    def state(self) -> tuple:
        """What the resolver knows, as plain containers (``marshal`` writes them; see :meth:`of_state`)."""
        return self.labels, self.tiers, self.texts, self.iris

    @classmethod
    def of_state(cls, state: tuple) -> Resolver:
        """The resolver :meth:`state` described, without reading the label index again.

        >>> r = Resolver([("https://w3id.org/axialkg/x", "Ex", 0)])
        >>> Resolver.of_state(r.state()).resolve("ex")
        'https://w3id.org/axialkg/x'
        """
        resolver = cls()
        resolver.labels, resolver.tiers, resolver.texts, resolver.iris = state
        return resolver

    def display(self, iri: str) -> str:
        slug = curie(iri) if iri.startswith(NAMESPACE) else f"<{iri}>"
        return f"{self.labels[iri]} ({slug})" if iri in self.labels else slug

    def resolve(self, value: str) -> str:
        raw = value.strip()
        if raw.startswith("<") and raw.endswith(">"):
            raw = raw[1:-1]
        if raw.startswith(("http://", "https://")):
            if raw in self.iris:
                return raw
            raise UsageError(f"no entity <{raw}> in the graph")
        if raw.startswith("axkg:"):
            iri = NAMESPACE + raw[5:]
            if iri in self.iris:
                return iri
            return self._unknown(value, raw[5:])
        key = raw.casefold()
        for tier in self.tiers:
            hits = tier.get(key, set())
            if len(hits) == 1:
                return next(iter(hits))
            if len(hits) > 1:
                listed = "; ".join(self.display(i) for i in sorted(hits))
                raise UsageError(f"'{value}' matches {len(hits)} entities: {listed} — give one of the axkg: ids")
        if re.fullmatch(r"[\w.-]+", raw) and NAMESPACE + raw in self.iris:  # a bare slug
            return NAMESPACE + raw
        return self._unknown(value, raw)

    def _unknown(self, value: str, probe: str):
        keys = list(self.texts)
        import difflib  # only for an unknown name's suggestions

        scored = sorted(((difflib.SequenceMatcher(None, probe.casefold(), k).ratio(), k) for k in keys),
                        key=lambda x: (-x[0], x[1]))
        best = [(r, k) for r, k in scored if r >= 0.6][:3]
        if best:
            best = [(r, k) for r, k in best if r >= best[0][0] - 0.1]
        hint = f"; did you mean: {', '.join(self.texts[k] for _, k in best)}?" if best else ""
        raise UsageError(f"no entity '{value}'{hint}")


def elsewhere_hint(error: UsageError, graphs: list[tuple[str, int]]) -> UsageError:
    """``error`` (an unknown name) told where the entities are when the queried graph holds none but
    named graphs do: the user forgot ``--graph``.

    >>> print(elsewhere_hint(UsageError("no entity 'x'"), [("http://ex.org/g", 397)]))  # doctest: +NORMALIZE_WHITESPACE
    no entity 'x': the queried graph holds no entities, but the named graph <http://ex.org/g> holds 397;
    pass --graph http://ex.org/g (graph='http://ex.org/g' in Python)
    """
    if not graphs:
        return error
    (first, n), more = graphs[0], graphs[1:]
    others = f" (also {', '.join(f'<{g}>' for g, _ in more)})" if more else ""
    return UsageError(f"{error}: the queried graph holds no entities, but the named graph <{first}> holds {n}{others}; "
                      f"pass --graph {first} (graph='{first}' in Python)")


__all__ = ["Resolver", "elsewhere_hint"]
