"""Defaults and bounds of the graph questions' parameters, checked in one place for every face.

An error names the parameter as the Python API spells it; a face that spells it otherwise (the
command line's ``--max-hops``) passes its own ``name``, or renames a :class:`ParameterError`
raised deeper down with :meth:`ParameterError.renamed`.

>>> check_hops(4)
4
>>> check_hops(9)
Traceback (most recent call last):
axialkg.graph.params.ParameterError: max_hops must be a whole number from 1 to 8, not 9
>>> str(ParameterError("max_hops", "{name} is too long").renamed("--max-hops"))
'--max-hops is too long'
"""

from __future__ import annotations

from ..errors import UsageError
from ..vocab import NAMESPACE

DEFAULT_MAX_HOPS = 4
MAX_HOPS_LIMIT = 8  # beyond this simple-path enumeration stops being a question anyone can read
DAMPING = 0.4  # Hetionet's damping exponent for DWPC
# Editorial entities (the article's FAQ) link to everything by "is about"; paths through them say
# nothing about biology, so path questions step around them unless asked not to.
DEFAULT_AVOID_CATEGORIES = (NAMESPACE + "Question",)


class ParameterError(UsageError):
    """A parameter out of bounds; ``template`` holds ``{name}`` where the parameter is named."""

    def __init__(self, parameter: str, template: str, exit_code: int | None = None):
        self.parameter, self.template = parameter, template
        super().__init__(template.format(name=parameter), exit_code)

    def renamed(self, name: str) -> ParameterError:
        return ParameterError(name, self.template, self.exit_code)


def _shown(value) -> str:
    """``value!r`` made safe inside a template."""
    return repr(value).replace("{", "{{").replace("}", "}}")


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_hops(value, *, name: str = "max_hops", least: int = 1) -> int:
    """A hop count from ``least`` to :data:`MAX_HOPS_LIMIT`."""
    if not _whole(value) or not least <= value <= MAX_HOPS_LIMIT:
        raise ParameterError(name, f"{{name}} must be a whole number from {least} to {MAX_HOPS_LIMIT}, "
                                   f"not {_shown(value)}")
    return value


def check_limit(value, *, name: str = "limit") -> int:
    """How many answers to keep: 0 (all) or more."""
    if not _whole(value) or value < 0:
        raise ParameterError(name, f"{{name}} must be 0 (no limit) or a positive whole number, not {_shown(value)}")
    return value


def check_lists(**values) -> None:
    """Parameters that take a list of names or IRIs were not given one string (whose letters
    would be read as the list)."""
    for name, value in values.items():
        if isinstance(value, str):
            raise ParameterError(name, "{name} takes a list, not a string")


def check_ends(source, from_category, target, to_category) -> None:
    """One entity or one category at each end of a connection."""
    if (source is None) == (from_category is None) or (target is None) == (to_category is None):
        raise UsageError("name one entity or one category at each end (source or from_category, "
                         "target or to_category)")


def check_damping(value, *, name: str = "damping") -> float:
    """DWPC's damping exponent, from 0 (plain path counts) to 10."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 10:
        raise ParameterError(name, f"{{name}} must be a number from 0 to 10, not {_shown(value)}")
    return value


__all__ = ["DAMPING", "DEFAULT_AVOID_CATEGORIES", "DEFAULT_MAX_HOPS", "MAX_HOPS_LIMIT", "ParameterError",
           "check_damping", "check_ends", "check_hops", "check_limit", "check_lists"]
