"""Grade one submission: the trusted side.

A task carries the submission's notebooks as bytes (so a remote Dask worker needs no shared
disk), the instructor's source notebooks, and the student's hidden-case seed (derived from the
course secret; the secret itself never leaves the scheduler). The learner's code runs only in
the sandboxed child; this side checks every field of the child's report and judges it with the
same judges as checker.check: the visible cases and the student's hidden cases, each as a check
of its own, as the notebook's test cell does with checker.grade.

Whatever the submission holds, grade() returns a result: a failure of the submission is a
grade (0 with a message); a failure of the grader or the sandbox is "not graded", with a reason.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import nbformat

from ..exercises import REGISTRY
from ..seeds import CHECK_SEED
from ..judge import judge
from .. import messages
from . import sandbox, wire
from .extract import BadSubmission, build_program, graded_exercises, parse_notebook
from .scan import scan

NOT_GRADED = "not graded"
MAX_LISTED = 50


@dataclass
class Task:
    student: str
    assignment: str
    files: dict                      # notebook file name -> submitted bytes, or the text of why it was not read
    sources: dict                    # notebook file name -> the instructor's source notebook text
    seed: int = 0                    # this student's hidden cases
    problems: list = field(default_factory=list)   # found while collecting the files


def grade(task: Task, limits: sandbox.Limits | None = None) -> dict:
    """Plain, JSON-ready result: per exercise score, max, mistake id, message and status; flags;
    problems; isolation; not_graded ('' or why the grader could not grade it)."""
    try:
        return _grade(task, limits or sandbox.Limits())
    except Exception as exc:  # a grader bug, or a resource the grader lacks: loud, never a silent 0
        why = f"the grader failed on this submission ({type(exc).__name__}: {str(exc)[:200]})"
        return not_graded(task, why)


def not_graded(task: Task, why: str, isolation: str = "") -> dict:
    rows = []
    for name, text in sorted(task.sources.items()):
        try:
            exercises = graded_exercises(nbformat.reads(text, as_version=4))
        except Exception:  # the course's own notebook is broken: the reason says what failed
            exercises = {}
        for exercise, points in exercises.items():
            rows.append(_row(name, exercise, 0, points, None,
                             messages.text("engine.not_graded", exercise=exercise), NOT_GRADED))
    return {"student": task.student, "assignment": task.assignment, "exercises": rows, "flags": [],
            "problems": list(task.problems), "isolation": isolation, "not_graded": why}


def _grade(task: Task, limits: sandbox.Limits) -> dict:
    rows, flags, problems = [], [], list(task.problems)
    planned, notebooks, cases, reference_users = [], [], {}, set()
    for extra in sorted(set(task.files) - set(task.sources)):
        problems.append(messages.text("engine.unexpected_file", name=extra[:100]))
    for name in sorted(task.sources):
        source = nbformat.reads(task.sources[name], as_version=4)
        exercises = graded_exercises(source)
        data = task.files.get(name)
        if data is None or isinstance(data, str):
            why = messages.text("engine.missing", notebook=name) if data is None else data
            problems.append(why)
            rows += [_zero(name, ex, pts, why) for ex, pts in exercises.items()]
            continue
        try:
            built = build_program(source, parse_notebook(data, name))
        except BadSubmission as exc:
            problems.append(str(exc))
            rows += [_zero(name, ex, pts, str(exc)) for ex, pts in exercises.items()]
            continue
        problems += [f"{name}: {p}" for p in built.problems]
        for label, src in built.learner_cells:
            for finding in scan(f"{name}, cell {label}", src):
                flags.append(str(finding))
                if finding.uses_reference and label in exercises:
                    reference_users.add((name, label))
        notebooks.append({"name": name, "steps": built.steps})
        cases[name] = {ex: (REGISTRY[ex].cases(CHECK_SEED), REGISTRY[ex].cases(task.seed)) for ex in exercises}
        planned.append((name, exercises))
    run = None
    if planned:
        program = {"notebooks": notebooks, "cases": {
            nb: {ex: wire.encode_cases(visible + hidden) for ex, (visible, hidden) in by_ex.items()}
            for nb, by_ex in cases.items()}}
        run = sandbox.run(program, limits)
        if not run.started:
            log = " | ".join(run.log.strip().splitlines()[-3:])
            return {**not_graded(task, f"the sandbox did not start: {run.ended}" + (f" ({log})" if log else ""),
                                  run.isolation), "flags": flags}
        if run.ended:
            problems.append(messages.text("engine.stopped", ended=run.ended))
    observed, cell_errors = _collect(run.messages if run else [])
    budget = [limits.report_bytes]
    for name, exercises in planned:
        for exercise, points in exercises.items():
            rows.append(_verdict(name, exercise, points, cases[name][exercise], observed.get((name, exercise)),
                                 cell_errors.get(name, []), run.ended, budget, (name, exercise) in reference_users))
    problems += [f"{nb}: cell {e}" for nb, errs in cell_errors.items() for e in errs[:5]]
    return {"student": task.student, "assignment": task.assignment, "exercises": rows,
            "flags": _bounded(flags, "flags"), "problems": _bounded(problems, "problems"),
            "isolation": run.isolation if run else "", "not_graded": ""}


def _bounded(items: list, what: str) -> list:
    """At most MAX_LISTED items (a hostile notebook can produce millions), each of bounded length."""
    kept = [str(item)[:500] for item in items[:MAX_LISTED]]
    return kept + ([f"… and {len(items) - MAX_LISTED} more {what}"] if len(items) > MAX_LISTED else [])


def _collect(messages: list) -> tuple[dict, dict]:
    """(notebook, exercise) -> its message (the first one counts); notebook -> cell errors."""
    observed, cell_errors = {}, {}
    for m in messages:
        notebook = m.get("notebook")
        if not isinstance(notebook, str):
            continue
        if isinstance(m.get("observed"), str):
            observed.setdefault((notebook, m["observed"]), m)
        elif isinstance(m.get("cell_error"), str):
            cell_errors.setdefault(notebook, []).append(m["cell_error"][:400])
    return observed, cell_errors


def _row(notebook, exercise, score, max_score, mistake, message, status="graded"):
    return {"notebook": notebook, "exercise": exercise, "score": float(score), "max_score": float(max_score),
            "mistake": mistake, "message": message, "status": status}


def _zero(notebook, exercise, points, why: str) -> dict:
    return _row(notebook, exercise, 0, points, None, messages.text("engine.zero", exercise=exercise, why=why))


def _verdict(notebook, exercise, points, groups, message, cell_errors, ended, budget, used_reference) -> dict:
    if used_reference:
        return _row(notebook, exercise, 0, points, "uses_reference",
                    messages.text("engine.uses_reference", exercise=exercise))
    if message is None:
        why = messages.text("engine.stopped_before", exercise=exercise, ended=ended) if ended else \
            messages.text("engine.never_reached", exercise=exercise)
        return _zero(notebook, exercise, points, why)
    if "observations" not in message:
        why = (messages.text("engine.not_defined_errors", exercise=exercise, errors=cell_errors[:3]) if cell_errors
               else messages.text("engine.not_defined", exercise=exercise))
        return _zero(notebook, exercise, points, why)
    visible, hidden = groups
    try:
        raw = message["observations"]
        if not isinstance(raw, list) or len(raw) != len(visible) + len(hidden):
            raise wire.WireError("wrong number of observations")
        observations = [wire.decode_observation(o, budget) for o in raw]
    except (wire.WireError, RecursionError) as exc:
        return _zero(notebook, exercise, points, messages.text("engine.unusable", why=str(exc)))
    verdict = judge(REGISTRY[exercise], visible, observations[:len(visible)])
    if verdict.passed:
        verdict = judge(REGISTRY[exercise], hidden, observations[len(visible):])
    return _row(notebook, exercise, points if verdict.passed else 0, points, verdict.mistake,
                messages.render(verdict, reveal=False).message)
