"""Plain data across the sandbox wall: JSON only, arrays as raw little-endian bytes in base64.
No pickle, no compression, no .npz: nothing the parent reads can expand beyond its size.

to the child (a read-only file):
    {"steps": [...], "cases": {exercise: [args, ...]}}, where an array is
    {"array": {"dtype", "shape", "data"}}, a list stays a list, a test function is {"function": name}
from the child (one JSON object per line on a pipe):
    {"hello": PROTOCOL}                                the harness started; no learner code has run
    {"observed": exercise, "observations": [...]}      at that exercise's test cell
    {"cell": label, "cell_error": text}
    {"done": true}
an observation is Observation's fields plus "output", a snapshot {"kind", "type_name", "dtype",
"values": array or null, "items": [...]}.

This file is copied into the sandbox: it imports numpy and the standard library only. The
parent's side (`decode_*`) checks every field against the schema and every size against a budget.
"""
from __future__ import annotations

import base64
import json

import numpy as np

PROTOCOL = 3
MAX_DEPTH = 4             # snapshot nesting: a list of arrays inside a tuple is depth 2
MAX_ITEMS = 64
MAX_TEXT = 2001           # characters of a string answer (snapshot.MAX_TEXT + 1)
MAX_NDIM = 8
SNAPSHOT_KINDS = ("array", "scalar", "none", "sequence", "text", "other")   # snapshot.SnapshotKind's values
ERROR_KINDS = (None, "not_attempted", "timeout", "exception")        # None and snapshot.ErrorKind's
CASE_DTYPES = ("<f8", "<f4", "<i8", "|b1")


class WireError(Exception):
    """What came back is not well-formed: key names the reason (messages' `wire.<key>`), with its fields."""

    def __init__(self, key: str, **fields):
        super().__init__(key)
        self.key, self.fields = key, fields


# ---------------------------------------------------------------- both sides

def encode_array(a: np.ndarray) -> dict:
    a = np.ascontiguousarray(a)
    little = a.astype(a.dtype.newbyteorder("<"), copy=False)
    return {"array": {"dtype": little.dtype.str, "shape": list(a.shape),
                      "data": base64.b64encode(little.tobytes()).decode("ascii")}}


def decode_array(document, allowed=CASE_DTYPES, budget: list | None = None) -> np.ndarray:
    """An ndarray from encode_array's form; budget = [bytes left], charged and checked."""
    if not isinstance(document, dict) or set(document) != {"dtype", "shape", "data"}:
        raise WireError("array_fields")
    dtype, shape, data = document["dtype"], document["shape"], document["data"]
    if dtype not in allowed:
        raise WireError("array_dtype", dtype=str(dtype)[:20])
    if (not isinstance(shape, list) or len(shape) > MAX_NDIM
            or not all(type(n) is int and 0 <= n < 2 ** 31 for n in shape)):
        raise WireError("array_shape")
    if not isinstance(data, str):
        raise WireError("array_data_type")
    count = 1
    for n in shape:
        count *= n
    size = count * np.dtype(dtype).itemsize
    if len(data) != 4 * ((size + 2) // 3):
        raise WireError("array_size")
    if budget is not None:
        budget[0] -= size
        if budget[0] < 0:
            raise WireError("over_budget")
    try:
        raw = base64.b64decode(data, validate=True)
    except ValueError:
        raise WireError("not_base64") from None
    if len(raw) != size:
        raise WireError("array_size")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).astype(np.dtype(dtype).newbyteorder("="))


# ---------------------------------------------------------------- parent -> child

def encode_value(value):
    if isinstance(value, np.ndarray):
        return encode_array(value)
    if isinstance(value, (list, tuple)):
        return [encode_value(v) for v in value]
    if callable(value):
        return {"function": value.__name__}
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    raise TypeError(f"cannot send a {type(value).__name__}")


def decode_value(value, functions: dict):
    if isinstance(value, dict):
        if "array" in value:
            return decode_array(value["array"])
        return functions[value["function"]]
    if isinstance(value, list):
        return [decode_value(v, functions) for v in value]
    return value


def encode_cases(cases: list) -> list:
    """[Case] -> [args document] (names in signature order)."""
    return [[[name, encode_value(v)] for name, v in case.args.items()] for case in cases]


def decode_cases(documents: list, functions: dict) -> list[dict]:
    return [{name: decode_value(v, functions) for name, v in args} for args in documents]


# ---------------------------------------------------------------- child -> parent

OBSERVATION_FIELDS = {"error": (str, type(None)), "exception_type": str, "exception_message": str,
                      "learner_traceback": str, "modified_inputs": list, "rounded_inputs": list, "printed": str,
                      "warnings": list, "used_reference": str, "seconds": (int, float)}


def encode_snapshot(snap):
    if snap is None:
        return None
    return {"kind": snap.kind, "type_name": snap.type_name, "dtype": snap.dtype,
            "values": None if snap.values is None else encode_array(snap.values)["array"],
            "items": [encode_snapshot(item) for item in snap.items], "text": snap.text}


def encode_observation(obs) -> dict:
    document = {name: getattr(obs, name) for name in OBSERVATION_FIELDS}
    document["output"] = encode_snapshot(obs.output)
    return document


def message(**fields) -> bytes:
    return json.dumps(fields, separators=(",", ":")).encode() + b"\n"


def parse_line(line: bytes) -> dict:
    """One message from the child, as a dict; WireError for anything else (deep nesting included)."""
    try:
        document = json.loads(line)
    except RecursionError:
        raise WireError("too_deep") from None
    except (ValueError, UnicodeDecodeError):
        raise WireError("not_json") from None
    if not isinstance(document, dict):
        raise WireError("not_object")
    return document


def _text(value, limit: int) -> str:
    return value[:limit]


def decode_snapshot(document, budget: list, depth: int = 0):
    """A Snapshot rebuilt from checked plain data (its values float64 arrays only)."""
    from .snapshot import Snapshot, SnapshotKind

    if document is None:
        return None
    if not isinstance(document, dict) or depth > MAX_DEPTH:
        raise WireError("snapshot_shape")
    kind, type_name, dtype = document.get("kind"), document.get("type_name"), document.get("dtype")
    items = document.get("items")
    if kind not in SNAPSHOT_KINDS or not isinstance(type_name, str):
        raise WireError("snapshot_kind")
    if dtype is not None and not isinstance(dtype, str):
        raise WireError("snapshot_dtype")
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        raise WireError("snapshot_items")
    text = document.get("text")
    if text is not None and (not isinstance(text, str) or kind != "text"):
        raise WireError("snapshot_text")
    values = document.get("values")
    if values is not None:
        values = decode_array(values, allowed=("<f8",), budget=budget)
    decoded = tuple(decode_snapshot(item, budget, depth + 1) for item in items)
    if any(item is None for item in decoded):
        raise WireError("snapshot_item_missing")
    return Snapshot(SnapshotKind(kind), _text(type_name, 100), None if dtype is None else _text(dtype, 40), values, decoded,
                    None if text is None else _text(text, MAX_TEXT + 1))


def decode_observation(document, budget: list):
    from .running import Observation
    from .snapshot import ErrorKind

    if not isinstance(document, dict):
        raise WireError("observation_shape")
    fields = {}
    for name, kind in OBSERVATION_FIELDS.items():
        value = document.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise WireError("observation_field", name=name)
        fields[name] = _text(value, 4000) if isinstance(value, str) else value
    if fields["error"] not in ERROR_KINDS:
        raise WireError("error_kind")
    fields["error"] = None if fields["error"] is None else ErrorKind(fields["error"])
    if not all(isinstance(m, str) for m in fields["modified_inputs"] + fields["rounded_inputs"]) or \
            not all(isinstance(w, str) for w in fields["warnings"]):
        raise WireError("observation_lists")
    fields["modified_inputs"] = [m[:100] for m in fields["modified_inputs"][:20]]
    fields["rounded_inputs"] = [m[:100] for m in fields["rounded_inputs"][:20]]
    fields["warnings"] = [w[:300] for w in fields["warnings"][:20]]
    seconds = float(fields["seconds"])
    fields["seconds"] = seconds if 0 <= seconds < 1e6 else 0.0
    return Observation(output=decode_snapshot(document.get("output"), budget), **fields)
