"""Trusted comparison of a learner's output (a Snapshot) with an expected value.

The expected value is built by checker itself: a float, an ndarray, or a tuple/list of them.
Every numpy function used here is bound when checker is imported.
"""
from __future__ import annotations

import numpy as np

from .harness.snapshot import Snapshot, SnapshotKind
from .verdict import Problem, ProblemKind as K, Text

_abs, _isfinite, _isnan, _argmax = np.abs, np.isfinite, np.isnan, np.argmax
_unravel, _where, _any, _all = np.unravel_index, np.where, np.any, np.all
_asarray, _float64, _ndarray = np.asarray, np.float64, np.ndarray

STRICT = (1e-6, 1e-9)    # (rtol, atol) for a float64 computation
FLOAT32 = (1e-4, 1e-6)   # the same computation done in float32


def describe(snap: Snapshot) -> Text:
    """What snap is (kind, type, shape, dtype), for messages."""
    if snap.kind == SnapshotKind.SEQUENCE:
        return Text("value.sequence", {"type": snap.type_name, "n": len(snap.items)})
    if snap.kind == SnapshotKind.ARRAY:
        if snap.values is None:   # numbers could not be read from it (an object or string array)
            return Text("value.array_of_objects", {"dtype": snap.dtype})
        return Text("value.array", {"shape": snap.shape, "dtype": snap.dtype})
    if snap.kind == SnapshotKind.SCALAR:
        return Text("value.scalar", {"type": snap.type_name})
    return Text("value.other", {"type": snap.type_name})


def plain(snap: Snapshot | None):
    """The learner's output as plain data: a float64 array (a number is 0-d), a list of them for
    a sequence, or None for anything else."""
    if snap is None:
        return None
    if snap.kind == SnapshotKind.SEQUENCE:
        return [plain(item) for item in snap.items]
    if snap.kind in (SnapshotKind.ARRAY, SnapshotKind.SCALAR) and snap.values is not None and snap.dtype != "bool":
        return _asarray(snap.values, dtype=_float64)
    return None


def close(got: np.ndarray, want: np.ndarray, rtol: float, atol: float) -> np.ndarray:
    """Elementwise |got − want| ≤ atol + rtol·|want|, with NaN matching NaN and inf matching inf."""
    with np.errstate(all="ignore"):
        near = _abs(got - want) <= atol + rtol * _abs(want)
    same_special = (got == want) | (_isnan(got) & _isnan(want))
    return near | same_special


def compare(want, snap: Snapshot, tolerance=STRICT, path: str = "") -> Problem | None:
    """The first problem of snap against want, or None when they agree within tolerance."""
    if snap.kind == SnapshotKind.NONE:   # an entry of a list left None: a loop that missed it
        return Problem(K.RETURNED_NONE, "entry", path=path, mistake="layer_left_none") if path else \
            Problem(K.RETURNED_NONE, path=path)
    if isinstance(want, (tuple, list)):
        return _compare_sequence(want, snap, tolerance, path)
    if isinstance(want, float):
        return _compare_number(want, snap, tolerance, path)
    return _compare_array(_asarray(want, dtype=_float64), snap, tolerance, path)


def _compare_sequence(want, snap, tolerance, path):
    is_tuple = isinstance(want, tuple)
    if snap.kind != SnapshotKind.SEQUENCE:
        return Problem(K.WRONG_TYPE, "expected_tuple" if is_tuple else "expected_list",
                       {"n": len(want), "got": describe(snap)}, path)
    if len(snap.items) != len(want):
        return Problem(K.WRONG_SHAPE, "tuple_length" if is_tuple else "list_length",
                       {"n": len(want), "length": len(snap.items)}, path)
    names = getattr(want, "names", None)
    for i, (w, item) in enumerate(zip(want, snap.items)):
        sub = names[i] if names else f"{path}[{i}]"
        problem = compare(w, item, tolerance, sub)
        if problem is not None:
            return problem
    return None


def number_value(snap):
    """The single number in snap (a scalar or a size-1 array), or None."""
    if snap.values is None or snap.dtype == "bool" or snap.kind not in (SnapshotKind.SCALAR, SnapshotKind.ARRAY):
        return None
    if snap.values.size != 1:
        return None
    return float(snap.values.reshape(()))


def _compare_number(want, snap, tolerance, path):
    got = number_value(snap)
    if got is None:
        return Problem(K.WRONG_TYPE, "expected_number", {"got": describe(snap)}, path)
    return _compare_values(_asarray(want, dtype=_float64), _asarray(got, dtype=_float64), tolerance, path)


def _compare_array(want, snap, tolerance, path):
    if snap.kind != SnapshotKind.ARRAY:
        if snap.kind == SnapshotKind.SCALAR and want.shape == ():
            return _compare_values(want, snap.values, tolerance, path)
        detail = "expected_array_not_list" if snap.kind == SnapshotKind.SEQUENCE else "expected_array"
        return Problem(K.WRONG_TYPE, detail, {"shape": want.shape, "got": describe(snap)}, path)
    if snap.dtype[0] in "iu":
        return Problem(K.INTEGER_DTYPE, data={"dtype": snap.dtype}, path=path)
    if snap.values is None or snap.dtype == "bool":
        return Problem(K.WRONG_TYPE, "expected_floats", {"dtype": snap.dtype}, path)
    if snap.shape != want.shape:
        return Problem(K.WRONG_SHAPE, "shape", {"want_shape": want.shape, "got_shape": snap.shape}, path,
                       want=want, got=snap.values)
    return _compare_values(want, snap.values, tolerance, path)


def _compare_values(want, got, tolerance, path):
    ok = close(got, want, *tolerance)
    if _all(ok):
        return None
    bad_finite = ~_isfinite(got) & _isfinite(want)
    if _any(bad_finite):
        where = tuple(int(i) for i in _unravel(_argmax(bad_finite), got.shape)) if got.shape else None
        return Problem(K.NOT_FINITE, "text" if where is None else "at", {}, path, where, want=want, got=got)
    with np.errstate(all="ignore"):
        err = _where(ok, 0.0, _abs(got - want))
    where = tuple(int(i) for i in _unravel(_argmax(err), got.shape)) if got.shape else None
    return Problem(K.VALUE, "text" if where is None else "at", {"difference": float(err.max())}, path, where,
                   want=want, got=got)


class Named(tuple):
    """A tuple whose items have names for messages, e.g. Named((dW, db), names=('dW', 'db'))."""

    def __new__(cls, items, names):
        self = super().__new__(cls, items)
        self.names = tuple(names)
        return self


class NamedList(list):
    """A list whose items have names for messages, e.g. dWs with names ('dWs[0]', …)."""

    def __init__(self, items, names):
        super().__init__(items)
        self.names = tuple(names)
