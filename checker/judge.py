"""The trusted half of a check: from (cases, observations) to a Verdict (plain data, no words;
``checker.messages.render`` writes them).

Nothing here calls learner code. The observations are plain data (``checker.harness.running``).
Diagnosis compares the learner's outputs with the exercise's mutants on the same cases
(a mutant explains the answer when it agrees on every case, exceptions included), then
with ratio signatures (≡ −1, ≡ 2, ≡ N, ≡ 1/N), then with the properties every right answer
has (checked on the exercise's probes and cases: the first that fails is named), then says
whether the answer is a constant multiple of the right one.
"""
from __future__ import annotations

import re

import numpy as np

from .compare import FLOAT32, compare, plain
from .exercises.base import Case, Exercise, run_quietly
from .mistakes import MISTAKES
from .harness.snapshot import ErrorKind, SnapshotKind
from .verdict import FailingCase, Note, NoteKind, ProblemKind, Text, Verdict

# Problems no mutant can explain: the answer is not a value to compare, or was cut short.
_UNDIAGNOSABLE = {ProblemKind.RETURNED_NONE, ProblemKind.INTEGER_DTYPE, ProblemKind.TOO_SLOW}
_MAX_PRINTED_LINES = 8
# Problems after which a failing property is the best explanation (a NaN or a wrong type says more itself).
_PROPERTY_KINDS = {ProblemKind.VALUE, ProblemKind.PROPERTY, ProblemKind.WRONG_SHAPE}


def _agrees(mutant_fn, case: Case, obs) -> bool:
    try:
        out = run_quietly(mutant_fn, case.args)
    except Exception as exc:
        return obs.error == ErrorKind.EXCEPTION and obs.exception_type == type(exc).__name__
    if obs.error is not None or obs.output is None:
        return False
    return compare(out, obs.output, FLOAT32) is None


_SIGNATURE_ERROR = re.compile(r"takes \d+ positional arguments? but \d+ (were|was) given|"
                              r"missing \d+ required positional arguments?|got an unexpected keyword argument")


def _is_signature_error(obs) -> bool:
    """The call itself failed: the learner's def takes other parameters than the contract's."""
    return obs.error == ErrorKind.EXCEPTION and obs.exception_type == "TypeError" and \
        not obs.learner_traceback.strip() and bool(_SIGNATURE_ERROR.search(obs.exception_message))


def _matching_mutant(ex: Exercise, cases, observations):
    changed = any(o.modified_inputs for o in observations)
    for mutant in list(ex.mutants) + list(ex.fitted_mutants(cases, observations)):
        if mutant.in_place and not changed:
            continue
        if all(_agrees(mutant.fn, c, o) for c, o in zip(cases, observations)):
            return mutant
    return None


def _flat_values(snap):
    if snap is None:
        return None
    if snap.kind == SnapshotKind.SEQUENCE:
        parts = [_flat_values(item) for item in snap.items]
        return None if any(p is None for p in parts) else np.concatenate(parts) if parts else None
    return None if snap.values is None else snap.values.reshape(-1)


def _flat_want(want):
    if isinstance(want, (list, tuple)):
        return np.concatenate([_flat_want(w) for w in want])
    return np.asarray(want, dtype=np.float64).reshape(-1)


def _ratio_signature(ex: Exercise, cases, observations, wants):
    """(mistake id, None) or (None, the constant factor) when learner/expected is the same
    constant on every informative case; None otherwise."""
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
        return "sign_flipped", None
    if np.allclose(values, 2.0, rtol=1e-6):
        return "factor_two", None
    sizes = [n for _, n in ratios]
    if all(n is not None for n in sizes) and any(n > 1 for n in sizes):
        if np.allclose(values, sizes, rtol=1e-6):
            return "missing_1_over_N", None
        if np.allclose(values, 1.0 / np.array(sizes, dtype=float), rtol=1e-6):
            return "extra_1_over_N", None
    if np.allclose(values, values[0], rtol=1e-6):
        return None, float(values[0])
    return None


def _violated_property(ex: Exercise, cases, observations, failing: int):
    """(name, case index, fields) of the property of a right answer that the outputs break: one
    that fails on the first failing case if there is one, else the first in the exercise's order."""
    order = [failing] + sorted((i for i in range(len(cases)) if i != failing), key=lambda i: not cases[i].public)
    outputs = [plain(observations[i].output) if observations[i].error is None else None for i in order]
    found = []
    for prop in ex.properties:
        try:
            where = prop.check([cases[i] for i in order], outputs)
        except Exception:   # an output of a shape the property cannot read: it cannot tell
            continue
        if where is not None:
            found.append((prop.name, order[where[0]], where[1]))
    return next((f for f in found if f[1] == failing), found[0] if found else None)


def _diagnose(ex, cases, observations, wants, problem, failing_obs, failing: int):
    """(mistake id or None, diagnosis Text or None, explanation Text or None, (property, case
    index) or None): a matching mutant first, then what the failing problem says, then inputs
    changed in place, then a ratio signature, then a property of right answers that fails, then
    a constant factor, then the kind of problem."""
    if _is_signature_error(failing_obs):
        return "wrong_signature", Text("diagnosis.signature", {"signature": ex.signature}), None, None
    if problem.kind not in _UNDIAGNOSABLE:
        mutant = _matching_mutant(ex, cases, observations)
        if mutant is not None:
            return mutant.mistake, Text(f"mutant.{mutant.detail}", mutant.data) if mutant.detail else None, None, None
    if problem.mistake is not None:
        return problem.mistake, None, None, None
    if problem.kind == ProblemKind.INPUT_MODIFIED:  # the results were right; only the inputs changed
        return "input_modified", None, None, None
    if failing_obs.modified_inputs:
        return ("input_modified", Text("diagnosis.also_wrong", {"changed": list(failing_obs.modified_inputs)}),
                None, None)
    if problem.kind in _UNDIAGNOSABLE:
        return problem.kind.value, None, None, None
    signature = _ratio_signature(ex, cases, observations, wants)
    if signature is not None and signature[0] is not None:
        return signature[0], None, None, None
    violated = _violated_property(ex, cases, observations, failing) if problem.kind in _PROPERTY_KINDS else None
    if violated is not None:
        name, index, fields = violated
        return None, None, Text(f"property.{ex.id}.{name}", fields), (name, index)
    if signature is not None:
        factor = signature[1]
        return None, None, Text("explanation.all_zero" if factor == 0 else "explanation.constant_factor",
                                {"factor": factor}), None
    return (problem.kind.value if problem.kind.value in MISTAKES else None), None, None, None


def judge(ex: Exercise, cases: list[Case], observations: list) -> Verdict:
    """The verdict on one exercise, from its cases and the learner's observations on them."""
    if ex.derivation:
        from .exercises.derivation import judge_answer
        return judge_answer(ex, cases, observations)

    def failed(mistake, **parts):
        return Verdict(ex.id, False, 0.0, float(ex.points), mistake, cases=len(cases), **parts)

    for obs in observations:
        if obs.used_reference:
            return failed("uses_reference", diagnosis=Text("diagnosis.uses_reference", {"called": obs.used_reference}))
    if any(obs.error == ErrorKind.NOT_ATTEMPTED for obs in observations):
        return failed("not_attempted")

    wants = [ex.expected(case) for case in cases]
    assessed = ex.assess(cases, observations, wants)
    failing = [i for i, (problem, _) in enumerate(assessed) if problem is not None]
    notes = _notes(observations, assessed, passed=not failing)
    if not failing:
        return Verdict(ex.id, True, float(ex.points), float(ex.points), notes=notes, cases=len(cases))

    i = failing[0]
    problem, obs = assessed[i][0], observations[i]
    mistake, diagnosis, explanation, violated = _diagnose(ex, cases, observations, wants, problem, obs, i)
    prop = None
    if violated is not None:
        prop, at = violated
        if assessed[at][0] is not None:   # show the case where the property fails
            i = at
            problem, obs = assessed[i][0], observations[i]
    if obs.modified_inputs and mistake != "input_modified":
        notes.append(Note(NoteKind.INPUTS_CHANGED, {"changed": list(obs.modified_inputs)}))
    if mistake is not None and mistake in ex.known_mistakes():
        notes.append(Note(NoteKind.SEE_CALLOUT, {"mistake": mistake}))
    case = cases[i]
    return failed(mistake, case=FailingCase(ex.describe(case), case.args, case.shown, case.public),
                  problem=problem, diagnosis=diagnosis, explanation=explanation, failed_property=prop,
                  explained=ex.explain(case, obs.output),
                  traceback=obs.learner_traceback if obs.error == ErrorKind.EXCEPTION else "", notes=notes)


def _notes(observations, assessed, passed: bool) -> list[Note]:
    notes = []
    returns_float32 = any(o.output is not None and o.output.is_float32() for o in observations)
    if passed and returns_float32:
        notes.append(Note(NoteKind.FLOAT32_PASSES))
    elif passed and any(loose for _, loose in assessed):
        notes.append(Note(NoteKind.LOOSE_PASSES))
    elif returns_float32:
        notes.append(Note(NoteKind.FLOAT32))
    rounded = sorted({name for o in observations for name in o.rounded_inputs})
    if passed and rounded:
        notes.append(Note(NoteKind.INPUT_ROUNDED, {"changed": rounded[:5]}))
    warned = sorted({w for o in observations for w in o.warnings if "underflow" not in w})
    if warned:
        notes.append(Note(NoteKind.WARNINGS, {"warnings": warned[:3]}))
    printed = next((o.printed for o in observations if o.printed.strip()), "")
    if printed:
        lines = printed.strip().splitlines()
        shown = "\n".join(lines[:_MAX_PRINTED_LINES]) + ("\n…" if len(lines) > _MAX_PRINTED_LINES else "")
        notes.append(Note(NoteKind.PRINTED, {"printed": shown}))
    return notes
