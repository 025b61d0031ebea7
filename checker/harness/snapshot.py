"""Plain copies of whatever a learner's function returned.

A Snapshot holds only plain data (float64 ndarrays, strings, tuples), so that what the learner
returned cannot change, or fake its comparisons, after the call. An ndarray subclass is copied
from its data buffer, whatever it overrides (``__eq__``, ``__array__``, ``shape``, ``astype``);
other objects (a fake with ``__array__``, a pandas Series) are only named, never called. The numpy
functions used here and in the judges are bound when checker is imported, so a learner's
``np.allclose = ...`` does not reach them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

import numpy as np

_array = np.array
_ndarray = np.ndarray
_generic = np.generic
_float64 = np.float64
_float_value = float.__float__
_int_value = int.__index__

MAX_ITEMS = 64  # longest sequence copied (lists of layer gradients are far shorter)
MAX_TEXT = 2000  # characters of a string copied (a typed expression is far shorter)
_str_value = str.__str__   # an exact str copy, whatever a subclass overrides


class SnapshotKind(str, Enum):
    """What a learner's function returned. str-valued: equal to its name, and JSON-ready."""

    ARRAY = "array"
    SCALAR = "scalar"
    NONE = "none"
    SEQUENCE = "sequence"
    TEXT = "text"          # a string (a derivation's answer), at most MAX_TEXT + 1 characters kept
    OTHER = "other"


class ErrorKind(str, Enum):
    """How a call of the learner's function failed (an Observation's error; None: it returned)."""

    NOT_ATTEMPTED = "not_attempted"
    TIMEOUT = "timeout"
    EXCEPTION = "exception"


@dataclass(frozen=True)
class Snapshot:
    """kind: a SnapshotKind ('array', 'scalar', 'none', 'sequence' or 'other').

    type_name: the Python type of the returned value; dtype: its numpy dtype ('float', 'int'
    for Python numbers); values: a plain float64 copy for 'array' and 'scalar' (None when it has
    no real numeric values); items: the element snapshots of a list or tuple; text: a string's first MAX_TEXT + 1
    characters (one more than is ever read, so that a longer one is known to be too long).
    """

    kind: SnapshotKind
    type_name: str
    dtype: str | None = None
    values: np.ndarray | None = None
    items: tuple = field(default=())
    text: str | None = None

    @property
    def shape(self):
        return None if self.values is None else self.values.shape

    def is_float32(self) -> bool:
        if self.kind == SnapshotKind.SEQUENCE:
            return any(item.is_float32() for item in self.items)
        return self.dtype in ("float32", "float16")


def _plain_float64(raw: np.ndarray) -> np.ndarray | None:
    if raw.dtype.kind in "biuf":
        return _array(raw, dtype=_float64, copy=True)
    return None  # complex, object, strings: no real numeric values


def take(value, depth: int = 0) -> Snapshot:
    """A plain Snapshot of value; no method of a learner-defined class is called."""
    cls = type(value)  # type() cannot be faked the way isinstance can (through __class__)
    type_name = cls.__name__
    if value is None:
        return Snapshot(SnapshotKind.NONE, "NoneType")
    if issubclass(cls, bool):
        return Snapshot(SnapshotKind.OTHER, type_name)
    if issubclass(cls, _ndarray):
        raw = _array(value, copy=True, subok=False)  # the real buffer, whatever the subclass says
        return Snapshot(SnapshotKind.ARRAY, type_name, str(raw.dtype), _plain_float64(raw))
    if issubclass(cls, _generic):
        raw = _array(value, copy=True, subok=False)
        return Snapshot(SnapshotKind.SCALAR, type_name, str(raw.dtype), _plain_float64(raw))
    if issubclass(cls, float):
        return Snapshot(SnapshotKind.SCALAR, type_name, "float", _array(_float_value(value), dtype=_float64))
    if issubclass(cls, int):
        return Snapshot(SnapshotKind.SCALAR, type_name, "int", _array(_int_value(value), dtype=_float64))
    if issubclass(cls, str):
        return Snapshot(SnapshotKind.TEXT, type_name, text=_str_value(value)[:MAX_TEXT + 1])
    if issubclass(cls, (list, tuple)) and depth < 2:
        iterate = list.__iter__ if issubclass(cls, list) else tuple.__iter__
        items = []
        for item in iterate(value):
            if len(items) == MAX_ITEMS:
                break
            items.append(take(item, depth + 1))
        items = tuple(items)
        return Snapshot(SnapshotKind.SEQUENCE, type_name, items=items)
    # Anything else (a pandas Series, a generator, an object with __array__ or __float__) is
    # reported by its type name; none of its methods is called.
    return Snapshot(SnapshotKind.OTHER, type_name)
