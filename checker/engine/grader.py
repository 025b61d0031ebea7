"""Grade one submission: the trusted side.

A task carries the submission's notebooks as text (so a remote Dask worker needs no shared
disk), the instructor's source notebooks, and nothing else. The learner's code runs only in the
sandboxed child; this side reads the child's plain observations and judges them with the same
judges as checker.check, on the visible and the hidden cases (as the notebook's test cell does).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..exercises import REGISTRY
from ..grading import CHECK_SEED, GRADE_SEED
from ..judge import judge
from . import sandbox, wire
from .extract import BadSubmission, build_program, graded_exercises
from .scan import scan


@dataclass
class Task:
    student: str
    assignment: str
    files: dict                      # notebook file name -> submitted text ("" if unreadable)
    sources: dict                    # notebook file name -> the instructor's source notebook text
    hidden: list = field(default_factory=list)   # folders the child must not see


def _read_text(text: str, name: str):
    try:
        return nbformat.reads(text, as_version=4)
    except Exception as exc:
        raise BadSubmission(f"{name} cannot be read as a notebook ({type(exc).__name__})") from None


def grade(task: Task, limits: sandbox.Limits | None = None) -> dict:
    """Plain, JSON-ready result: per exercise score, max, mistake id and message; flags; problems."""
    rows, flags, problems, program, cases = [], [], [], {"notebooks": []}, {}
    reference_users = set()
    expected_files = sorted(task.sources)
    for extra in sorted(set(task.files) - set(task.sources)):
        problems.append(f"unexpected file {extra} (renamed?); it was not graded")
    planned = []
    for name in expected_files:
        source = nbformat.reads(task.sources[name], as_version=4)
        exercises = graded_exercises(source)
        if name not in task.files:
            problems.append(f"{name} is missing")
            rows += _zeros(name, exercises, f"{name} was not submitted")
            continue
        try:
            submitted = _read_text(task.files[name], name)
            built = build_program(source, submitted)
        except (BadSubmission, KeyError, TypeError, AttributeError) as exc:
            problems.append(str(exc) if isinstance(exc, BadSubmission) else f"{name} is damaged ({exc!r:.100})")
            rows += _zeros(name, exercises, f"{name} could not be read")
            continue
        problems += [f"{name}: {p}" for p in built.problems]
        for label, src, from_learner in built.cells:
            if from_learner:
                for finding in scan(f"{name}, cell {label}", src):
                    flags.append(str(finding))
                    if finding.uses_reference and label in exercises:
                        reference_users.add((name, label))
        program["notebooks"].append({"name": name, "cells": [[label, src] for label, src, _ in built.cells]})
        cases[name] = {ex: REGISTRY[ex].cases(CHECK_SEED) + REGISTRY[ex].cases(GRADE_SEED) for ex in exercises}
        planned.append((name, exercises))
    run = None
    if planned:
        document, arrays = wire.encode_cases(cases)
        run = sandbox.run(program, document, arrays, hidden=[Path(h) for h in task.hidden], limits=limits)
        if run.problem:
            problems.append(run.problem)
    for name, exercises in planned:
        for exercise, points in exercises.items():
            rows.append(_verdict(name, exercise, points, cases[name][exercise], run,
                                 (name, exercise) in reference_users))
    return {"student": task.student, "assignment": task.assignment, "exercises": rows, "flags": flags,
            "problems": problems, "isolation": run.isolation if run else ""}


def _zeros(notebook, exercises, why):
    return [_row(notebook, ex, 0.0, points, None, why) for ex, points in exercises.items()]


def _row(notebook, exercise, score, max_score, mistake, message):
    return {"notebook": notebook, "exercise": exercise, "score": float(score), "max_score": float(max_score),
            "mistake": mistake, "message": message}


def _verdict(notebook, exercise, points, cases, run, used_reference) -> dict:
    if used_reference:
        return _row(notebook, exercise, 0, points, "uses_reference",
                    f"✗ {exercise}: your answer imports or calls checker's reference implementation (0 points).")
    document = (run.document or {}).get("notebooks", {}).get(notebook) if run else None
    if document is None:
        return _row(notebook, exercise, 0, points, None,
                    f"✗ {exercise}: not graded: {run.problem if run else 'nothing ran'}")
    try:
        observed = document["results"].get(exercise)
        if observed is None:
            errors = "; ".join(document.get("cell_errors", [])[:3])
            return _row(notebook, exercise, 0, points, None, f"✗ {exercise}: your notebook does not define "
                        f"{exercise}()" + (f" (errors: {errors})" if errors else ""))
        observations = [wire.decode_observation(o, run.arrays) for o in observed]
        if len(observations) != len(cases):
            raise wire.WireError("wrong number of observations")
    except (wire.WireError, KeyError, TypeError, AttributeError) as exc:
        return _row(notebook, exercise, 0, points, None, f"✗ {exercise}: the sandbox's report was unusable ({exc})")
    verdict = judge(REGISTRY[exercise], cases, observations, reveal=False)
    return _row(notebook, exercise, points if verdict.passed else 0, points, verdict.mistake, verdict.message)
