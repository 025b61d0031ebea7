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

from .. import messages
from ..exercises import REGISTRY
from ..harness import wire
from ..judge import judge
from ..seeds import CHECK_SEED
from ..verdict import Text
from . import sandbox
from .extract import ADDED_CELL, BadSubmission, build_program, graded_exercises, parse_notebook
from .result import MAX_ANSWER_CHARS, NOT_GRADED, ExerciseRow, SubmissionResult
from .scan import scan

MAX_LISTED = 50


@dataclass
class Task:
    student: str
    assignment: str
    files: dict                      # notebook file name -> submitted bytes, or a Text of why it was not read
    sources: dict                    # notebook file name -> the instructor's source notebook text
    seed: int = 0                    # this student's hidden cases
    problems: list = field(default_factory=list)   # Texts: found while collecting the files
    language: str = "en"             # of every learner-facing word in the result


def grade(task: Task, limits: sandbox.Limits | None = None) -> SubmissionResult:
    """Per exercise score, max, mistake id, message and status; flags; problems; isolation;
    not_graded ('' or why the grader could not grade it). Never raises."""
    try:
        return _grade(task, limits or sandbox.Limits())
    except Exception as exc:  # a grader bug, or a resource the grader lacks: loud, never a silent 0
        why = f"the grader failed on this submission ({type(exc).__name__}: {str(exc)[:200]})"
        return not_graded(task, why)


def not_graded(task: Task, why: str, isolation: str = "") -> SubmissionResult:
    """A row 'not graded' (0 of its points) for every exercise of the assignment; why is for the instructor."""
    rows = []
    for name, text in sorted(task.sources.items()):
        try:
            exercises = graded_exercises(nbformat.reads(text, as_version=4))
        except Exception:  # the course's own notebook is broken: the reason says what failed
            exercises = {}
        for exercise, points in exercises.items():
            rows.append(ExerciseRow(name, exercise, 0.0, float(points), None,
                                    _say(task, Text("engine.not_graded", {"exercise": exercise})), NOT_GRADED))
    return SubmissionResult(task.student, task.assignment, rows, [], _bounded(task, task.problems, "more_problems"),
                            isolation, why)


def _say(task: Task, phrase) -> str:
    return messages.say(phrase, task.language) if isinstance(phrase, Text) else str(phrase)


def _grade(task: Task, limits: sandbox.Limits) -> SubmissionResult:
    rows, flags, problems = [], [], list(task.problems)
    planned, notebooks, cases, reference_users, answers = [], [], {}, set(), {}
    for extra in sorted(set(task.files) - set(task.sources)):
        problems.append(Text("engine.unexpected_file", {"name": extra[:100]}))
    for name in sorted(task.sources):
        source = nbformat.reads(task.sources[name], as_version=4)
        exercises = graded_exercises(source)
        data = task.files.get(name)
        if not isinstance(data, bytes):
            why = Text("engine.missing", {"notebook": name}) if data is None else data
            problems.append(why)
            rows += [_zero(task, name, ex, pts, why) for ex, pts in exercises.items()]
            continue
        try:
            built = build_program(source, parse_notebook(data, name))
        except BadSubmission as exc:
            problems.append(exc.text)
            rows += [_zero(task, name, ex, pts, exc.text) for ex, pts in exercises.items()]
            continue
        problems += [Text("engine.notebook_problem", {"notebook": name, "problem": p}) for p in built.problems]
        for label, src in built.learner_cells:
            if label in exercises:
                answers[(name, label)] = src[:MAX_ANSWER_CHARS]
            cell = Text("flag.cell", {"notebook": name, "label": _cell_name(label)})
            for finding in scan(cell, src):
                flags.append(finding.text)
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
            result = not_graded(task, f"the sandbox did not start: {run.ended}"
                                + (f" ({log})" if log else ""), run.isolation)
            result.flags = _bounded(task, flags, "more_flags")
            return result
        if run.stop:
            problems.append(Text("engine.stopped", {"ended": run.stop}))
    observed, cell_errors = _collect(run.messages if run else [])
    budget = [limits.report_bytes]
    for name, exercises in planned:
        errors = [_say(task, Text("engine.cell_error_short", e)) for e in cell_errors.get(name, [])]
        for exercise, points in exercises.items():
            row = _verdict(task, name, exercise, points, cases[name][exercise], observed.get((name, exercise)),
                           errors, run.stop if run else None, budget, (name, exercise) in reference_users)
            row.answer = answers.get((name, exercise), "")
            rows.append(row)
    problems += [Text("engine.cell_error", {"notebook": nb, **e}) for nb, errs in cell_errors.items() for e in errs[:5]]
    return SubmissionResult(task.student, task.assignment, rows, _bounded(task, flags, "more_flags"),
                            _bounded(task, problems, "more_problems"), run.isolation if run else "", "")


def _cell_name(label: str):
    return Text("engine.added_cell") if label == ADDED_CELL else label


def _bounded(task: Task, items: list, what: str) -> list[str]:
    """At most MAX_LISTED items, as words (a hostile notebook can produce millions), each of bounded length."""
    kept = [_say(task, item)[:500] for item in items[:MAX_LISTED]]
    more = Text("engine.more", {"n": len(items) - MAX_LISTED, "what": Text(f"engine.{what}")})
    return kept + ([_say(task, more)] if len(items) > MAX_LISTED else [])


def _collect(reported: list) -> tuple[dict, dict]:
    """(notebook, exercise) -> its message (the first one counts); notebook -> its cell errors
    ({cell, error}), in the order they happened."""
    observed, cell_errors = {}, {}
    for m in reported:
        notebook = m.get("notebook")
        if not isinstance(notebook, str):
            continue
        if isinstance(m.get("observed"), str):
            observed.setdefault((notebook, m["observed"]), m)
        elif isinstance(m.get("cell_error"), str) and isinstance(m.get("cell"), str):
            cell_errors.setdefault(notebook, []).append({"cell": _cell_name(m["cell"][:100]),
                                                         "error": m["cell_error"][:400]})
    return observed, cell_errors


def _zero(task: Task, notebook, exercise, points, why) -> ExerciseRow:
    message = Text("engine.zero", {"exercise": exercise, "why": why})
    return ExerciseRow(notebook, exercise, 0.0, float(points), None, _say(task, message), answer="")


def _verdict(task, notebook, exercise, points, groups, reported, cell_errors, ended, budget,
             used_reference) -> ExerciseRow:
    if used_reference:
        return ExerciseRow(notebook, exercise, 0.0, float(points), "uses_reference",
                           _say(task, Text("engine.uses_reference", {"exercise": exercise})))
    if reported is None:
        why = Text("engine.stopped_before", {"exercise": exercise, "ended": ended}) if ended else \
            Text("engine.never_reached", {"exercise": exercise})
        return _zero(task, notebook, exercise, points, why)
    if "observations" not in reported:
        why = (Text("engine.not_defined_errors", {"exercise": exercise, "errors": cell_errors[:3]}) if cell_errors
               else Text("engine.not_defined", {"exercise": exercise}))
        return _zero(task, notebook, exercise, points, why)
    visible, hidden = groups
    try:
        raw = reported["observations"]
        if not isinstance(raw, list) or len(raw) != len(visible) + len(hidden):
            raise wire.WireError("observation_count")
        observations = [wire.decode_observation(o, budget) for o in raw]
    except (wire.WireError, RecursionError) as exc:
        why = Text(f"wire.{exc.key}", exc.fields) if isinstance(exc, wire.WireError) else Text("wire.too_deep")
        return _zero(task, notebook, exercise, points, Text("engine.unusable", {"why": why}))
    verdict = judge(REGISTRY[exercise], visible, observations[:len(visible)])
    if verdict.passed:
        verdict = judge(REGISTRY[exercise], hidden, observations[len(visible):])
    return ExerciseRow(notebook, exercise, float(points) if verdict.passed else 0.0, float(points), verdict.mistake,
                       messages.render(verdict, reveal=False, language=task.language).message,
                       failed_property=verdict.failed_property)
