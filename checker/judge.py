"""The trusted half of a check: from (cases, observations) to a CheckResult.

Nothing here calls learner code. The observations are plain data (``checker.running``).
Diagnosis compares the learner's outputs with the exercise's mutants on the same cases
(a mutant explains the answer when it agrees on every case, exceptions included), then
with ratio signatures (≡ −1, ≡ 2, ≡ N, ≡ 1/N, ≡ c).
"""
from __future__ import annotations

import re

import numpy as np

from .compare import FLOAT32, STRICT, Problem, compare
from .exercises.base import Case, Exercise, run_quietly
from .mistakes import MISTAKES
from .result import CheckResult

# Problems no mutant can explain: the answer is not a value to compare, or was cut short.
_UNDIAGNOSABLE = {"returned_none", "integer_dtype", "too_slow"}
_MAX_SHOWN_ELEMENTS = 40


def _assess(ex: Exercise, case: Case, obs, want):
    """(problem or None, passed only at float32 tolerance) for one case."""
    if obs.error == "timeout":
        return Problem("too_slow", f"it was stopped after {obs.seconds:.1f} s, at the time limit"), False
    if obs.error == "exception":
        return Problem("raised_exception", f"{obs.exception_type}: {obs.exception_message}"), False
    if obs.error == "not_attempted":
        return Problem("not_attempted"), False
    loose = False
    problem = compare(want, obs.output, STRICT)
    if problem is not None and problem.kind in ("value", "not_finite"):
        if compare(want, obs.output, FLOAT32) is None:
            problem, loose = None, True
    if problem is None:
        problem = ex.extra_problem(case, obs.output)
    if problem is None and obs.modified_inputs:
        problem = Problem("input_modified", f"it changed {', '.join(obs.modified_inputs)} in place")
    return problem, loose


def _agrees(mutant_fn, case: Case, obs) -> bool:
    try:
        out = run_quietly(mutant_fn, case.args)
    except Exception as exc:
        return obs.error == "exception" and obs.exception_type == type(exc).__name__
    if obs.error is not None or obs.output is None:
        return False
    return compare(out, obs.output, FLOAT32) is None


def _matching_mutant(ex: Exercise, cases, observations):
    for mutant in list(ex.mutants) + list(ex.fitted_mutants(cases, observations)):
        if all(_agrees(mutant.fn, c, o) for c, o in zip(cases, observations)):
            return mutant
    return None


def _flat_values(snap):
    if snap is None:
        return None
    if snap.kind == "sequence":
        parts = [_flat_values(item) for item in snap.items]
        return None if any(p is None for p in parts) else np.concatenate(parts) if parts else None
    return None if snap.values is None else snap.values.reshape(-1)


def _flat_want(want):
    if isinstance(want, (list, tuple)):
        return np.concatenate([_flat_want(w) for w in want])
    return np.asarray(want, dtype=np.float64).reshape(-1)


def _ratio_signature(ex: Exercise, cases, observations, wants):
    """A (mistake, detail) when learner/expected is the same constant on every informative case."""
    ratios = []
    for case, obs, want in zip(cases, observations, wants):
        got, w = _flat_values(obs.output), _flat_want(want)
        if got is None or got.shape != w.shape:
            return None
        use = np.abs(w) > 1e-12
        if not use.any():
            continue
        with np.errstate(all="ignore"):
            r = got[use] / w[use]
        if not np.all(np.isfinite(r)) or np.ptp(r) > 1e-6 * max(1.0, np.abs(r).max()):
            return None
        ratios.append((float(r.mean()), ex.batch_size(case)))
    if not ratios:
        return None
    values = np.array([r for r, _ in ratios])
    if np.allclose(values, 1.0, rtol=1e-6):
        return None
    if np.allclose(values, -1.0, rtol=1e-6):
        return "sign_flipped", ""
    if np.allclose(values, 2.0, rtol=1e-6):
        return "factor_two", ""
    sizes = [n for _, n in ratios]
    if all(n is not None for n in sizes) and any(n > 1 for n in sizes):
        if np.allclose(values, sizes, rtol=1e-6):
            return "missing_1_over_N", ""
        if np.allclose(values, 1.0 / np.array(sizes, dtype=float), rtol=1e-6):
            return "extra_1_over_N", ""
    if np.allclose(values, values[0], rtol=1e-6):
        return None, f"Your results are exactly {values[0]:.4g} times the expected ones on every case."
    return None


def _array_text(a) -> str:
    return np.array2string(np.asarray(a, dtype=np.float64), precision=4, suppress_small=False,
                           max_line_width=88, threshold=_MAX_SHOWN_ELEMENTS)


def _small(value) -> bool:
    if isinstance(value, (list, tuple)):
        return sum(np.size(v) for v in value) <= _MAX_SHOWN_ELEMENTS
    return callable(value) or np.size(value) <= _MAX_SHOWN_ELEMENTS


def _value_text(value) -> str:
    if callable(value):
        return getattr(value, "__doc__", None) or getattr(value, "__name__", "a function")
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_array_text(v) for v in value) + "]"
    return _array_text(value)


def _case_details(ex, case, obs, problem, reveal: bool) -> str:
    lines = [f"Failing case: {ex.describe(case)}"]
    if reveal and case.shown and all(_small(v) for v in case.args.values()):
        for name, value in case.args.items():
            if isinstance(value, (list, tuple)):
                for i, item in enumerate(value):
                    label = f"{name}[{i}]"
                    lines.append(f"  {label} = " + _indented(_value_text(item), len(label) + 5))
            else:
                lines.append(f"  {name} = " + _indented(_value_text(value), len(name) + 5))
    if reveal and problem.want is not None and problem.got is not None:
        item = f" {problem.path}" if problem.path else ""
        if _small(problem.want) and _small(problem.got):
            lines.append(f"  expected{item}: " + _indented(_array_text(problem.want), len(item) + 12))
            lines.append(f"  yours{item}:    " + _indented(_array_text(problem.got), len(item) + 12))
        elif problem.where is not None:
            lines.append(f"  at index {problem.where}{item}: expected {problem.want[problem.where]:.6g}, "
                         f"yours {problem.got[problem.where]:.6g}")
    if problem.detail:
        lines.append(f"  Problem: {problem.detail if reveal else _hidden_detail(problem)}")
    if obs.error == "exception" and obs.learner_traceback:
        lines.append("  Where, in your code:")
        lines.extend("    " + line for line in obs.learner_traceback.splitlines())
    return "\n".join(lines)


def _indented(text: str, width: int) -> str:
    return text.replace("\n", "\n" + " " * width)


def _hidden_detail(problem: Problem) -> str:
    """The problem's detail without numbers computed from the expected values."""
    if problem.kind == "value":
        return f"{problem.path + ': ' if problem.path else ''}your values differ from the expected ones" + (
            f" (first at index {problem.where})" if problem.where is not None else "")
    if problem.kind in ("property", "not_finite"):  # their figures come from the hidden case
        return _FIGURE.sub("…", problem.detail)
    return problem.detail


# a number with a fraction or an exponent (counts and shapes such as 3×4 are kept)
_FIGURE = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+(?=[eE]))(?:[eE][-+]?\d+)?|\b(?:nan|inf)\b")


def _diagnose(ex, cases, observations, wants, problem, failing_obs):
    """(mistake id or None, extra words): a matching mutant first, then what the failing
    property says, then inputs changed in place, then a ratio signature, then the kind of problem."""
    if problem.kind not in _UNDIAGNOSABLE:
        mutant = _matching_mutant(ex, cases, observations)
        if mutant is not None:
            return mutant.mistake, mutant.detail
    if problem.mistake is not None:
        return problem.mistake, ""
    if problem.kind == "input_modified":  # the results were right; only the inputs changed
        return "input_modified", ""
    if failing_obs.modified_inputs:
        return "input_modified", (f"(It changed {', '.join(failing_obs.modified_inputs)} in place, "
                                  "and its results are wrong too.)")
    if problem.kind not in _UNDIAGNOSABLE:
        signature = _ratio_signature(ex, cases, observations, wants)
        if signature is not None:
            return signature
    return (problem.kind if problem.kind in MISTAKES else None), ""


def judge(ex: Exercise, cases: list[Case], observations: list, *, reveal: bool = True) -> CheckResult:
    """The verdict on one exercise. reveal=False leaves out input and expected values (for grading)."""
    def result(passed, mistake=None, explanation="", hint="", details="", notes=()):
        score = float(ex.points) if passed else 0.0
        headline = (f"✓ {ex.id}: passed ({score:g}/{ex.points} points)" if passed else
                    f"✗ {ex.id}: not attempted yet (0/{ex.points} points)" if mistake == "not_attempted" else
                    f"✗ {ex.id}: not right yet (0/{ex.points} points)")
        text = "\n".join(p for p in [headline, explanation, ("Hint: " + hint) if hint else "", details]
                         + [f"Note: {n}" for n in notes] if p)
        return CheckResult(ex.id, passed, score, float(ex.points), mistake, text,
                           headline, explanation, hint, details, list(notes))

    def known(mistake, extra=""):
        entry = MISTAKES[mistake]
        return entry.explanation + (f" {extra}" if extra else ""), entry.hint

    for obs in observations:
        if obs.used_reference:
            explanation, hint = known("uses_reference", f"(It called {obs.used_reference}.)")
            return result(False, "uses_reference", explanation, hint)
    if any(obs.error == "not_attempted" for obs in observations):
        explanation, hint = known("not_attempted")
        return result(False, "not_attempted", explanation, hint)

    wants = [ex.expected(case) for case in cases]
    assessed = ex.assess(cases, observations, wants, _assess)
    failing = [i for i, (problem, _) in enumerate(assessed) if problem is not None]
    notes = _notes(observations, assessed, reveal, passed=not failing)
    if not failing:
        return result(True, explanation=f"{len(cases)} cases agree with {ex.summary}", notes=notes)

    i = failing[0]
    problem = assessed[i][0]
    details = _case_details(ex, cases[i], observations[i], problem, reveal)
    explained = ex.explain(cases[i], observations[i].output)
    if explained:
        details += "\n  " + explained
    mistake, extra = _diagnose(ex, cases, observations, wants, problem, observations[i])
    if mistake is None and not reveal:
        extra = ""  # "exactly c times the expected" would let hidden values be worked out
    changed = observations[i].modified_inputs
    if changed and mistake != "input_modified":
        notes.append(f"Your function also changed {', '.join(changed)} in place; "
                     "a function should leave its inputs as they were.")
    if mistake is not None:
        explanation, hint = known(mistake, extra)
    else:
        explanation = (extra or "Your result differs from the expected one, and it does not match "
                       "a mistake the checker knows.")
        hint = "Compare your code with the formula step by step on the failing case below."
    return result(False, mistake, explanation, hint, details, notes)


def _notes(observations, assessed, reveal: bool, passed: bool) -> list[str]:
    notes = []
    returns_float32 = any(o.output is not None and o.output.is_float32() for o in observations)
    if passed and (returns_float32 or any(loose for _, loose in assessed)):
        notes.append("Your results match only to float32 precision (about 7 significant digits), "
                     "which passes. Computing in float64, numpy's default, would match exactly.")
    elif returns_float32:
        notes.append("Your function returns float32 arrays; compute in float64, numpy's default.")
    warned = sorted({w for o in observations for w in o.warnings if "underflow" not in w})
    if warned:
        notes.append("Python/numpy warned while your function ran: " + "; ".join(warned[:3]))
    printed = next((o.printed for o in observations if o.printed.strip()), "")
    if printed and reveal:
        lines = printed.strip().splitlines()
        shown = "\n".join(lines[:8]) + ("\n…" if len(lines) > 8 else "")
        notes.append("Your function printed:\n" + shown)
    return notes
