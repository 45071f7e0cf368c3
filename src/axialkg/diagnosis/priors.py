"""Prior weights of the causes, from what the article says about how often each is seen.

The overview names five causes as the common ones; the "Types" section says secondary (acquired)
forms are the more common kind; the article calls osteomesopyknosis and the other genetic dysplasias
rare. Weights are relative (normalised over the candidates); a cause not named gets its kind's weight.
"""

from __future__ import annotations

COMMON, SECONDARY, PRIMARY, RARE = 4.0, 2.0, 1.0, 0.5

# slug → (weight, why), each reason naming the article section it rests on
NAMED = {
    "myelofibrosis": (COMMON, "a common cause (section-overview)"),
    "systemic-mastocytosis": (COMMON, "a common cause (section-overview)"),
    "renal-osteodystrophy": (COMMON, "a common cause (section-overview)"),
    "osteopetrosis": (COMMON, "a common cause (section-overview)"),
    "paget-disease-of-bone": (COMMON, "a common cause (section-overview)"),
    "osteomesopyknosis": (RARE, "rare, in a few families (section-overview)"),
    "other-genetic-sclerosing-dysplasias": (RARE, "rare genetic dysplasias (section-overview)"),
}
KIND = {True: (SECONDARY, "secondary forms are the more common (section-types)"),
        False: (PRIMARY, "primary, or of no stated frequency")}


def article_weight(slug: str, secondary: bool) -> tuple[float, str]:
    """The article's prior weight of a cause, and why."""
    return NAMED.get(slug) or KIND[secondary]


def describe() -> str:
    """The prior in one line, as the output states it."""
    common = ", ".join(s for s, (w, _) in NAMED.items() if w == COMMON)
    return (f"article: common causes ×{COMMON:g} ({common}); other secondary causes ×{SECONDARY:g}; "
            f"rare dysplasias ×{RARE:g}; the rest ×{PRIMARY:g}")


__all__ = ["article_weight", "describe", "NAMED"]
