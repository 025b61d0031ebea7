"""Call a learner's function on one case, guarded, and keep only plain data about what happened.

This is the untrusted half of a check: it maps inputs to outputs and records
- what the function returned (a Snapshot) or how it failed (exception type, message, the
  learner's own traceback frames; NotImplementedError; the time limit);
- which inputs it changed in place, what it printed, which warnings it raised;
- whether it called into ``checker.reference``.
The verdict is made elsewhere (``checker.judge``) from this Observation alone.
"""
from __future__ import annotations

import contextlib
import copy
import io
import os
import signal
import sys
import threading
import time
import traceback
import warnings
from dataclasses import dataclass, field

import numpy as np

from . import snapshot
from .snapshot import ErrorKind

_array = np.array
_array_equal = np.array_equal
_abs = np.abs
_max = np.max
_ndarray = np.ndarray
CHECKER_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))   # checker/
REFERENCE_DIR = os.path.join(CHECKER_DIR, "reference")
MAX_PRINTED = 4000  # characters of the learner's printed output kept


@dataclass
class Observation:
    """What one call of the learner's function did, as plain data."""

    output: snapshot.Snapshot | None = None
    error: ErrorKind | None = None    # None: it returned
    exception_type: str = ""
    exception_message: str = ""
    learner_traceback: str = ""       # only the learner's frames
    modified_inputs: list = field(default_factory=list)
    rounded_inputs: list = field(default_factory=list)   # back only to within rounding (x[i] += ε … −= ε)
    printed: str = ""
    warnings: list = field(default_factory=list)
    used_reference: str = ""          # qualified name of the reference function it called
    seconds: float = 0.0


class _TimeLimit(BaseException):
    """Raised inside learner code when its time is up (a BaseException: `except Exception` cannot swallow it)."""


class _BoundedText(io.TextIOBase):
    def __init__(self):
        self.parts, self.size = [], 0

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        if self.size < MAX_PRINTED:
            self.parts.append(text[: MAX_PRINTED - self.size])
        self.size += len(text)
        return len(text)

    def getvalue(self):
        text = "".join(self.parts)
        return text + ("\n…" if self.size > MAX_PRINTED else "")   # no words here: the harness has no catalogue


def _is_learner_frame(filename: str) -> bool:
    if filename.startswith(CHECKER_DIR):
        return False
    for prefix in {sys.prefix, sys.base_prefix, sys.exec_prefix}:
        if filename.startswith(prefix) and ("site-packages" in filename or "/lib/python" in filename):
            return False
    return True


def learner_traceback(exc: BaseException) -> str:
    """The traceback of exc, trimmed to the frames of the learner's own code."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if _is_learner_frame(f.filename)]
    return "".join(traceback.format_list(frames)).rstrip()


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Interrupt the block after `seconds` (SIGALRM, main thread only), re-firing every 50 ms
    in case the learner's code catches the first interrupt."""
    def on_alarm(signum, frame):
        raise _TimeLimit()

    old_handler = signal.signal(signal.SIGALRM, on_alarm)
    old_delay, _ = signal.setitimer(signal.ITIMER_REAL, max(seconds, 1e-3), 0.05)
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
        if old_delay:  # someone else's alarm (pytest-timeout, say) was pending: re-arm it
            remaining = old_delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(remaining, 1e-3))


def _can_use_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


class _ReferenceWatch:
    """A profile hook that notes the first call into checker.reference."""

    def __init__(self):
        self.called = ""

    def __call__(self, frame, event, arg):
        if event == "call" and not self.called and frame.f_code.co_filename.startswith(REFERENCE_DIR):
            self.called = f"checker.reference.{frame.f_code.co_name}"


def _inputs_changed(passed, pristine, path="") -> tuple[list[str], list[str]]:
    """(names of the arrays in `passed` whose contents differ from their `pristine` copies, names
    of those that differ by rounding only: x[i] += ε … x[i] -= ε, which is no change of value)."""
    if isinstance(pristine, _ndarray):
        if not issubclass(type(passed), _ndarray):
            return [path], []  # the learner put something else in its place
        now = _array(passed, copy=True, subok=False)
        if now.shape != pristine.shape or now.dtype != pristine.dtype:
            return [path], []
        if _array_equal(now, pristine, equal_nan=True):
            return [], []
        drift = _max(_abs(now - pristine), initial=0.0)
        return ([], [path]) if drift <= 1e-12 * _max(_abs(pristine), initial=0.0) else ([path], [])
    if isinstance(pristine, (list, tuple)):
        if not isinstance(passed, (list, tuple)) or len(passed) != len(pristine):
            return [path], []
        changed, rounded = [], []
        for i, (a, b) in enumerate(zip(passed, pristine)):
            c, r = _inputs_changed(a, b, f"{path}[{i}]")
            changed, rounded = changed + c, rounded + r
        return changed, rounded
    return [], []


def _call(fn, args: dict, observation: Observation):
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
        warnings.simplefilter("always")
        result = fn(*args.values())  # positionally: the learner may name parameters freely
        try:
            observation.output = snapshot.take(result)
        except Exception:  # e.g. an int too large for a float
            observation.output = snapshot.Snapshot(snapshot.SnapshotKind.OTHER, type(result).__name__)
    observation.warnings = sorted({f"{w.category.__name__}: {w.message}" for w in caught})


def observe(fn, args: dict, time_limit: float = 5.0) -> Observation:
    """Call fn with args (in order, positionally) on private copies and record what happened.
    Never raises."""
    passed = copy.deepcopy(args)
    pristine = copy.deepcopy(args)
    observation = Observation()
    printed = _BoundedText()
    watch = _ReferenceWatch()
    started = time.perf_counter()
    try:
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            if _can_use_alarm():
                with _time_limit(time_limit):
                    sys.setprofile(watch)
                    try:
                        _call(fn, passed, observation)
                    finally:
                        sys.setprofile(None)
            else:
                _call_in_thread(fn, passed, observation, time_limit, watch)
    except _TimeLimit:
        observation.error = ErrorKind.TIMEOUT
    except NotImplementedError:
        observation.error = ErrorKind.NOT_ATTEMPTED
    except BaseException as exc:  # the learner's code may raise anything, SystemExit included
        observation.error = ErrorKind.EXCEPTION
        observation.exception_type = type(exc).__name__
        observation.exception_message = _safe_str(exc)
        observation.learner_traceback = learner_traceback(exc)
    observation.seconds = time.perf_counter() - started
    observation.printed = printed.getvalue()
    observation.used_reference = watch.called
    for key in args:
        changed, rounded = _inputs_changed(passed[key], pristine[key], key)
        observation.modified_inputs += changed
        observation.rounded_inputs += rounded
    if observation.error is not None:
        observation.output = None
    return observation


def _safe_str(exc: BaseException) -> str:
    try:
        return str(exc)[:1000]
    except BaseException:
        return ""   # its __str__ failed: the message shows the exception's type alone


def _call_in_thread(fn, args, observation, time_limit, watch):
    """Fallback where SIGALRM is unavailable: a daemon thread we stop waiting for."""
    box = {}

    def target():
        threading.setprofile(watch)
        sys.setprofile(watch)
        try:
            _call(fn, args, observation)
        except BaseException as exc:
            box["exc"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(time_limit)
    if worker.is_alive():
        raise _TimeLimit()
    if "exc" in box:
        raise box["exc"]


def observe_all(fn, arg_list: list, time_limit: float) -> list[Observation]:
    """fn on every args dict in turn, within one time budget for all of them. Once the answer is
    settled (not attempted, out of time, or calling the reference) the rest are not run."""
    observations, deadline = [], time.monotonic() + time_limit
    for args in arg_list:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            observations.append(Observation(error=ErrorKind.TIMEOUT))
            continue
        obs = observe(fn, args, time_limit=remaining)
        observations.append(obs)
        if obs.error in (ErrorKind.NOT_ATTEMPTED, ErrorKind.TIMEOUT) or obs.used_reference:
            observations.extend(Observation(error=obs.error, used_reference=obs.used_reference)
                                for _ in arg_list[len(observations):])
            break
    return observations

