"""The report's inputs and machine-readable outputs.

    load(graded)                       the engine's results in GRADED/results/*/*.json, and the files
                                       that could not be read (path, why)
    differences(results, gradebook)    how many scores nbgrader has too, and where they differ
    write_items / write_mistakes / write_pairs / write_canvas   (the plain grades.csv is the engine's)
"""
from __future__ import annotations

import csv
import json
import math
from pathlib import Path

from ..engine.result import SubmissionResult
from .stats import Item, discrimination

MAX_RESULT_BYTES = 64 * 2 ** 20
CANVAS_STUDENT_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
CANVAS_POINTS_ROW = "    Points Possible"


def load(graded: Path) -> tuple[list[SubmissionResult], list[tuple[str, str]]]:
    """Every result the engine wrote, sorted by assignment then student, and (path, why) for
    each file that is not one (a killed run, a hand edit): those are reported, never skipped silently."""
    results, unreadable = [], []
    for path in sorted((graded / "results").glob("*/*.json")):
        try:
            if path.is_symlink() or not path.is_file():
                raise ValueError("not a regular file")
            if path.stat().st_size > MAX_RESULT_BYTES:
                raise ValueError("too large")
            result = SubmissionResult.from_dict(json.loads(path.read_text(encoding="utf-8")))
            if (result.assignment, result.student) != (path.parent.name, path.stem):
                raise ValueError("its student or assignment is not the file's")
            results.append(result)
        except (OSError, ValueError, RecursionError, UnicodeDecodeError) as exc:
            unreadable.append((str(path.relative_to(graded)), str(exc)[:200]))
    return results, unreadable


def differences(results: list[SubmissionResult], gradebook: Path) -> tuple[int, list[dict]]:
    """(how many exercises nbgrader graded too, the rows where its score differs from the
    engine's: student, assignment, notebook, exercise, engine_score, nbgrader_score)."""
    from ..engine.run import compare_with_nbgrader, nbgrader_scores

    graded = [r.to_dict() for r in results if not r.not_graded]
    compared, rows = compare_with_nbgrader(graded, nbgrader_scores(gradebook))
    keys = ("student", "assignment", "notebook", "exercise", "engine_score", "nbgrader_score")
    return compared, [dict(zip(keys, [*row[:4], f"{row[4]:g}", f"{row[5]:g}"])) for row in rows]


def _number(x: float) -> str:
    return "" if isinstance(x, float) and math.isnan(x) else f"{x:.4g}"


def write_items(path: Path, all_items: list[Item]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["assignment", "notebook", "exercise", "max_score", "students", "attempted", "passed",
                    "attempt_rate", "pass_rate", "mean_score", "discrimination"])
        for item in all_items:
            w.writerow([item.assignment, item.notebook, item.exercise, f"{item.max_score:g}", item.graded,
                        len(item.attempted), len(item.passed), _number(item.attempt_rate), _number(item.pass_rate),
                        _number(item.mean_score), _number(discrimination(item, all_items))])


def write_mistakes(path: Path, all_items: list[Item]) -> None:
    """One row per (exercise, cause): kind is mistake, property or unknown; share is of the attempts."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["assignment", "exercise", "mistake", "kind", "count", "share"])
        for item in all_items:
            for cause, count in item.cause_counts():
                w.writerow([item.assignment, item.exercise, cause.label, cause.kind, count,
                            _number(item.share_of_attempts(count))])


def write_pairs(path: Path, pairs: dict) -> None:
    """pairs: (assignment, exercise) -> list of SimilarPair."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["assignment", "exercise", "first", "second", "similarity"])
        for (assignment, exercise), found in pairs.items():
            for pair in found:
                w.writerow([assignment, exercise, pair.first, pair.second, f"{pair.similarity:.3f}"])


def read_roster(path: Path) -> dict:
    """A Canvas gradebook export: nbgrader student id -> its five student cells. A student is
    matched by SIS Login ID, else SIS User ID, else Canvas ID."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    missing = [c for c in CANVAS_STUDENT_COLUMNS if rows and c not in rows[0]]
    if not rows or missing:
        raise ValueError(f"{path} is not a Canvas gradebook export (its columns lack {', '.join(missing) or 'rows'})")
    roster = {}
    for row in rows:
        if row["Student"].strip() in ("Points Possible", "Student, Test"):
            continue
        cells = [row[c] for c in CANVAS_STUDENT_COLUMNS]
        for key in ("ID", "SIS User ID", "SIS Login ID"):   # the last match wins
            if row[key].strip():
                roster[row[key].strip()] = cells
    return roster


def write_canvas(path: Path, results: list[SubmissionResult], roster: dict | None = None) -> list[str]:
    """Canvas's gradebook import layout: Student, ID, SIS User ID, SIS Login ID, Section, then one
    column per assignment (its points), a Points Possible row, one row per student. Without a
    roster the nbgrader id goes in SIS User ID and SIS Login ID (and is the name); a submission
    that was not graded is left empty (Canvas keeps the grade it had). Returns the students
    not found in the roster (written with their id, so nothing is lost)."""
    assignments = sorted({r.assignment for r in results})
    possible = {a: max((r.max_score for r in results if r.assignment == a and not r.not_graded), default=0.0)
                for a in assignments}
    by_student: dict[str, dict] = {}
    for r in results:
        by_student.setdefault(r.student, {})[r.assignment] = "" if r.not_graded else f"{r.score:g}"
    unmatched = []
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(CANVAS_STUDENT_COLUMNS + assignments)
        w.writerow([CANVAS_POINTS_ROW, "", "", "", ""] + [f"{possible[a]:g}" for a in assignments])
        for student in sorted(by_student):
            cells = (roster or {}).get(student)
            if cells is None:
                if roster is not None:
                    unmatched.append(student)
                cells = [student, "", student, student, ""]
            w.writerow(cells + [by_student[student].get(a, "") for a in assignments])
    return unmatched
