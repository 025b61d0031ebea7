"""Plain data across the sandbox wall: JSON for structure, .npz for arrays, never pickle.

to the child:   {"exercises": {notebook: {id: [case args, ...]}}}, where an array is
                {"array": key}, a list stays a list, a test function is {"function": name};
from the child: {"notebooks": {notebook: {"results": {id: [observation, ...] or null},
                "cell_errors": [...]}}}, where a Snapshot is {"kind", "type_name", "dtype",
                "values": key or null, "items": [...]}.
Both sides read arrays with allow_pickle=False, and the parent checks every field it reads.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np


class WireError(Exception):
    """What came back is not well-formed."""


def _encode(value, arrays: dict):
    if isinstance(value, np.ndarray):
        key = f"a{len(arrays)}"
        arrays[key] = value
        return {"array": key}
    if isinstance(value, (list, tuple)):
        return [_encode(v, arrays) for v in value]
    if callable(value):
        return {"function": value.__name__}
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    raise TypeError(f"cannot send a {type(value).__name__}")


def _decode(value, arrays, functions):
    if isinstance(value, dict):
        if "array" in value:
            return np.array(arrays[value["array"]])
        if "function" in value:
            return functions[value["function"]]
        raise WireError(f"unexpected object {sorted(value)}")
    if isinstance(value, list):
        return [_decode(v, arrays, functions) for v in value]
    return value


def write(folder: Path, name: str, document, arrays: dict) -> None:
    np.savez(folder / f"{name}.npz", **arrays)
    (folder / f"{name}.json").write_text(json.dumps(document))


def read(folder: Path, name: str, max_bytes: int = 64 * 2 ** 20):
    """(document, arrays) written by `write`; refuses files larger than max_bytes."""
    paths = [folder / f"{name}.json", folder / f"{name}.npz"]
    for path in paths:
        if not path.is_file():
            raise WireError(f"{path.name} is missing")
        if path.stat().st_size > max_bytes:
            raise WireError(f"{path.name} is too large")
    document = json.loads(paths[0].read_text())
    with np.load(paths[1], allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    return document, arrays


def encode_cases(cases_by_notebook: dict):
    """{notebook: {exercise id: [Case]}} -> (document, arrays)."""
    arrays = {}
    document = {nb: {ex: [{name: _encode(v, arrays) for name, v in case.args.items()} for case in cases]
                     for ex, cases in by_exercise.items()}
                for nb, by_exercise in cases_by_notebook.items()}
    return {"exercises": document}, arrays


def decode_cases(document, arrays, functions) -> dict:
    """The child's side: {id: [args dict]} with arrays and test functions restored."""
    return {ex: [{name: _decode(v, arrays, functions) for name, v in args.items()} for args in cases]
            for ex, cases in document["exercises"].items()}


def encode_snapshot(snap, arrays: dict):
    if snap is None:
        return None
    key = None
    if snap.values is not None:
        key = f"s{len(arrays)}"
        arrays[key] = snap.values
    return {"kind": snap.kind, "type_name": snap.type_name, "dtype": snap.dtype, "values": key,
            "items": [encode_snapshot(item, arrays) for item in snap.items]}


def decode_snapshot(document, arrays, depth: int = 0):
    """The parent's side: a Snapshot rebuilt from checked plain data (float64 arrays only)."""
    from ..snapshot import Snapshot

    if document is None:
        return None
    if not isinstance(document, dict) or depth > 3:
        raise WireError("a snapshot must be an object")
    kind, type_name, dtype = document.get("kind"), document.get("type_name"), document.get("dtype")
    if kind not in {"array", "scalar", "none", "sequence", "other"} or not isinstance(type_name, str):
        raise WireError("bad snapshot kind")
    values = None
    if document.get("values") is not None:
        values = arrays.get(document["values"])
        if not isinstance(values, np.ndarray) or values.dtype != np.float64:
            raise WireError("snapshot values must be float64 arrays")
        values = np.array(values)
    items = tuple(decode_snapshot(i, arrays, depth + 1) for i in document.get("items") or [])
    return Snapshot(kind, type_name[:100], dtype if isinstance(dtype, str) else None, values, items)


OBSERVATION_FIELDS = {"error": (str, type(None)), "exception_type": str, "exception_message": str,
                      "learner_traceback": str, "modified_inputs": list, "printed": str,
                      "warnings": list, "used_reference": str, "seconds": (int, float)}


def encode_observation(obs, arrays: dict) -> dict:
    document = {name: getattr(obs, name) for name in OBSERVATION_FIELDS}
    document["output"] = encode_snapshot(obs.output, arrays)
    return document


def decode_observation(document, arrays):
    from ..running import Observation

    if not isinstance(document, dict):
        raise WireError("an observation must be an object")
    fields = {}
    for name, kind in OBSERVATION_FIELDS.items():
        value = document.get(name)
        if not isinstance(value, kind):
            raise WireError(f"observation field {name} has the wrong type")
        fields[name] = value[:4000] if isinstance(value, str) else value
    if fields["error"] not in (None, "not_attempted", "timeout", "exception"):
        raise WireError("unknown error kind")
    fields["modified_inputs"] = [str(m)[:100] for m in fields["modified_inputs"]][:20]
    fields["warnings"] = [str(w)[:300] for w in fields["warnings"]][:20]
    return Observation(output=decode_snapshot(document.get("output"), arrays), **fields)
