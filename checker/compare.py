"""Trusted comparison of a learner's output (a Snapshot) with an expected value.

The expected value is built by checker itself: a float, an ndarray, or a tuple/list of them.
Every numpy function used here is bound when checker is imported.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .snapshot import Snapshot

_abs, _isfinite, _isnan, _argmax = np.abs, np.isfinite, np.isnan, np.argmax
_unravel, _where, _any, _all = np.unravel_index, np.where, np.any, np.all
_asarray, _float64, _ndarray = np.asarray, np.float64, np.ndarray

STRICT = (1e-6, 1e-9)    # (rtol, atol) for a float64 computation
FLOAT32 = (1e-4, 1e-6)   # the same computation done in float32


@dataclass
class Problem:
    """What is wrong with one case. kind is a MISTAKES id or 'value' (values differ)."""

    kind: str
    detail: str = ""
    path: str = ""
    where: tuple | None = None
    mistake: str | None = None   # a more precise MISTAKES id, when the problem itself tells
    want: np.ndarray | None = None  # the expected and the learner's values of the item that
    got: np.ndarray | None = None   # disagrees (for messages that may show them)


def describe(snap: Snapshot) -> str:
    if snap.kind == "sequence":
        return f"a {snap.type_name} of {len(snap.items)} items"
    if snap.kind == "array":
        return f"an array of shape {snap.shape} and dtype {snap.dtype}"
    if snap.kind == "scalar":
        return f"a single number ({snap.type_name})"
    return f"a {snap.type_name} object"


def _label(path: str) -> str:
    return f"{path}: " if path else ""


def close(got: np.ndarray, want: np.ndarray, rtol: float, atol: float) -> np.ndarray:
    """Elementwise |got − want| ≤ atol + rtol·|want|, with NaN matching NaN and inf matching inf."""
    with np.errstate(all="ignore"):
        near = _abs(got - want) <= atol + rtol * _abs(want)
    same_special = (got == want) | (_isnan(got) & _isnan(want))
    return near | same_special


def compare(want, snap: Snapshot, tolerance=STRICT, path: str = "") -> Problem | None:
    """The first problem of snap against want, or None when they agree within tolerance."""
    if snap.kind == "none":
        return Problem("returned_none", f"{_label(path)}got None", path)
    if isinstance(want, (tuple, list)):
        return _compare_sequence(want, snap, tolerance, path)
    if isinstance(want, float):
        return _compare_number(want, snap, tolerance, path)
    return _compare_array(_asarray(want, dtype=_float64), snap, tolerance, path)


def _compare_sequence(want, snap, tolerance, path):
    what = "a tuple" if isinstance(want, tuple) else "a list"
    if snap.kind != "sequence":
        return Problem("wrong_type", f"{_label(path)}expected {what} of {len(want)} items, "
                       f"got {describe(snap)}", path)
    if len(snap.items) != len(want):
        return Problem("wrong_shape", f"{_label(path)}expected {what} of {len(want)} items, "
                       f"got {len(snap.items)}", path)
    names = getattr(want, "names", None)
    for i, (w, item) in enumerate(zip(want, snap.items)):
        sub = names[i] if names else f"{path}[{i}]"
        problem = compare(w, item, tolerance, sub)
        if problem is not None:
            return problem
    return None


def number_value(snap):
    """The single number in snap (a scalar or a size-1 array), or None."""
    if snap.values is None or snap.dtype == "bool" or snap.kind not in ("scalar", "array"):
        return None
    if snap.values.size != 1:
        return None
    return float(snap.values.reshape(()))


def _compare_number(want, snap, tolerance, path):
    got = number_value(snap)
    if got is None:
        return Problem("wrong_type", f"{_label(path)}expected a single number, got {describe(snap)}", path)
    return _compare_values(_asarray(want, dtype=_float64), _asarray(got, dtype=_float64), tolerance, path)


def _compare_array(want, snap, tolerance, path):
    if snap.kind != "array":
        if snap.kind == "scalar" and want.shape == ():
            return _compare_values(want, snap.values, tolerance, path)
        hint = " (np.array(...) turns a list into an array)" if snap.kind == "sequence" else ""
        return Problem("wrong_type", f"{_label(path)}expected a numpy array of shape {want.shape}, "
                       f"got {describe(snap)}{hint}", path)
    if snap.dtype[0] in "iu":
        return Problem("integer_dtype", f"{_label(path)}your array has dtype {snap.dtype}", path)
    if snap.values is None or snap.dtype == "bool":
        return Problem("wrong_type", f"{_label(path)}expected an array of floats, got dtype {snap.dtype}", path)
    if snap.shape != want.shape:
        return Problem("wrong_shape", f"{_label(path)}expected shape {want.shape}, got {snap.shape}", path,
                       want=want, got=snap.values)
    return _compare_values(want, snap.values, tolerance, path)


def _compare_values(want, got, tolerance, path):
    ok = close(got, want, *tolerance)
    if _all(ok):
        return None
    bad_finite = ~_isfinite(got) & _isfinite(want)
    if _any(bad_finite):
        where = tuple(int(i) for i in _unravel(_argmax(bad_finite), got.shape)) if got.shape else None
        return Problem("not_finite", f"{_label(path)}NaN or inf at index {where}", path, where,
                       want=want, got=got)
    with np.errstate(all="ignore"):
        err = _where(ok, 0.0, _abs(got - want))
    where = tuple(int(i) for i in _unravel(_argmax(err), got.shape)) if got.shape else None
    return Problem("value", f"{_label(path)}largest difference {float(err.max()):.3g}"
                   + (f" at index {where}" if where is not None else ""), path, where, want=want, got=got)


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
