"""Record classes without ``dataclasses``: equality, hash and repr by the fields a class names in
``_fields``, as dataclasses give them.

Importing ``dataclasses`` (it imports ``inspect``) and generating each class's methods cost a start
of the command line ~10 ms and ~1 ms a class; the records every start creates are these instead.

>>> class Point(Frozen):
...     _fields = __slots__ = ("x", "y")
...     def __init__(self, x, y):
...         set_fields(self, x=x, y=y)
>>> Point(1, 2) == Point(1, 2), len({Point(1, 2), Point(1, 2)}), Point(1, 2)
(True, 1, Point(x=1, y=2))
"""

from __future__ import annotations

set_field = object.__setattr__  # how a frozen record's __init__ fills its fields


def set_fields(record: object, **values) -> None:
    for name, value in values.items():
        set_field(record, name, value)


class Record:
    """Mutable, equal field by field, unhashable (a dataclass with ``eq`` and without ``frozen``)."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    __hash__ = None  # type: ignore[assignment]

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Record)
        return self._values() == other._values()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{n}={v!r}' for n, v in zip(self._fields, self._values()))})"


class Frozen(Record):
    """Immutable and hashable (a frozen dataclass); ``__init__`` fills the fields with :func:`set_fields`
    and takes them in ``_fields`` order (pickling relies on it)."""

    __slots__ = ()

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError(f"cannot assign to field '{name}': a {type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field '{name}': a {type(self).__name__} is immutable")

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(self._values())

    def __reduce__(self):
        return type(self), self._values()


__all__ = ["Frozen", "Record", "set_field", "set_fields"]
