"""One case judged alone: (problem or None, passed only at float32 tolerance).

Shared by the judge and by exercises that assess some cases their own way; it calls back
into neither.
"""
from __future__ import annotations

from .compare import FLOAT32, STRICT, compare
from .harness.snapshot import ErrorKind
from .verdict import Problem, ProblemKind


def assess_case(ex, case, obs, want) -> tuple[Problem | None, bool]:
    """Agreement of obs with want, then ex.extra_problem(case, output), then inputs changed."""
    if obs.error == ErrorKind.TIMEOUT:
        return Problem(ProblemKind.TOO_SLOW, data={"seconds": obs.seconds}), False
    if obs.error == ErrorKind.EXCEPTION:
        return Problem(ProblemKind.RAISED_EXCEPTION, data={"type": obs.exception_type,
                                                           "message": obs.exception_message}), False
    if obs.error == ErrorKind.NOT_ATTEMPTED:
        return Problem(ProblemKind.NOT_ATTEMPTED), False
    loose = False
    problem = compare(want, obs.output, STRICT)
    if problem is not None and problem.kind in (ProblemKind.VALUE, ProblemKind.NOT_FINITE):
        if compare(want, obs.output, FLOAT32) is None:
            problem, loose = None, True
    if problem is None:
        problem = ex.extra_problem(case, obs.output)
    if problem is None and obs.modified_inputs:
        problem = inputs_modified(obs)
    return problem, loose


def inputs_modified(obs) -> Problem:
    return Problem(ProblemKind.INPUT_MODIFIED, data={"changed": list(obs.modified_inputs)})
