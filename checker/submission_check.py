"""Checks each submission before nbgrader autograde, so one bad submission cannot stop the rest.

nbgrader autograde aborts the whole run on some submissions (a duplicate grade_id: every student
after that one is left ungraded) and hangs or fails on others (a FIFO, a link to a device,
JSON too deep to parse). `autograde` finds those students first, has nbgrader grade everyone
else in one run, and names each student it left out.
"""
from __future__ import annotations

import glob
import json
import math
import os
import re
import warnings
from pathlib import Path
from typing import Callable

from . import messages
from .engine.files import NotReadable, entry_kind, kind_text, read_regular

MAX_BYTES = 20 * 2**20
SCHEMA_VERSION = 3  # nbgrader 0.9's cell metadata schema
GRADE_ID = re.compile(r"[A-Za-z0-9_\-]*")
FLAGS = ("grade", "solution", "locked")
SHOWN_PER_NOTEBOOK = 3  # problems listed per notebook; the rest are counted

# key -> (test of its value, what the value must be); nbgrader rejects any other key
FIELDS: dict[str, tuple[Callable[[object], bool], str]] = {
    "schema_version": (lambda v: type(v) is int and v == SCHEMA_VERSION, f"the number {SCHEMA_VERSION}"),
    "grade": (lambda v: isinstance(v, bool), "true or false"),
    "solution": (lambda v: isinstance(v, bool), "true or false"),
    "locked": (lambda v: isinstance(v, bool), "true or false"),
    "task": (lambda v: isinstance(v, bool), "true or false"),
    "grade_id": (lambda v: isinstance(v, str) and GRADE_ID.fullmatch(v) is not None,
                 "a string of letters, digits, _ and -"),
    "points": (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
               and v >= 0, "a number ≥ 0"),
    "checksum": (lambda v: isinstance(v, str) and len(v) == 32, "a 32-character string"),
    "cell_type": (lambda v: v in ("code", "markdown", "raw"), "code, markdown or raw"),
}
REQUIRED = ("schema_version", "grade", "solution", "locked")


def kind(path: Path) -> str | None:
    """What a path that is neither a regular file nor a folder is (never following a link)."""
    found = entry_kind(path)
    return None if found in ("file", "folder", "missing") else messages.say(kind_text(found))


def flagged(meta: dict) -> bool:
    """Whether nbgrader tracks the cell by its grade_id."""
    return any(meta.get(flag) is True for flag in FLAGS)


def source_cells(source: Path) -> dict[str, dict[str, tuple[str, bool]]]:
    """notebook file name -> {grade_id: (cell type, is a grade cell)} for the instructor's notebooks."""
    notebooks = {}
    for path in sorted(source.glob("*.ipynb")):
        cells = {}
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if flagged(meta) and "grade_id" in meta:
                cells[meta["grade_id"]] = (cell["cell_type"], meta.get("grade") is True)
        notebooks[path.name] = cells
    return notebooks


def read_notebook(path: Path) -> tuple[dict | None, str | None]:
    """(the notebook as JSON, None) or (None, what is wrong with the file). Never follows a
    link, never opens anything but a regular file, never reads more than MAX_BYTES."""
    if kind(path) or entry_kind(path) == "folder":
        return None, f"is {kind(path) or 'a folder'}, not a notebook file"
    try:
        data = read_regular(path, MAX_BYTES)
    except NotReadable as exc:
        return None, str(exc).removeprefix(path.name).strip().split(";")[0]
    try:
        nb = json.loads(data.decode("utf-8"))
    except RecursionError:
        return None, "is not usable JSON (nested too deeply)"
    except (UnicodeDecodeError, ValueError) as error:
        return None, f"is not valid JSON ({str(error)[:80]})"
    return nb, notebook_format_problem(nb)


def notebook_format_problem(nb: object) -> str | None:
    """None if nb is a valid nbformat 4 notebook, else what is wrong."""
    import nbformat

    if not isinstance(nb, dict) or nb.get("nbformat") != 4:
        return "is not an nbformat 4 notebook"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nbformat.validate(nbformat.from_dict(nb))
    except RecursionError:
        return "is not a valid notebook (nested too deeply)"
    except nbformat.ValidationError as error:
        return f"is not a valid notebook ({str(error.message)[:80]})"
    return None


def metadata_problems(cells: list[dict], source: dict[str, tuple[str, bool]]) -> list[str]:
    """What in the cells' nbgrader metadata would make nbgrader abort or fail on this notebook."""
    problems, seen = [], {}
    for number, cell in enumerate(cells, 1):
        if "nbgrader" not in cell.get("metadata", {}):
            continue
        meta = cell["metadata"]["nbgrader"]
        if not isinstance(meta, dict):
            problems.append(f"cell {number}: its nbgrader metadata is not a dict")
            continue
        problems += [f"cell {number}: nbgrader metadata lacks {key!r}" for key in REQUIRED if key not in meta]
        for key, value in meta.items():
            if key not in FIELDS:
                problems.append(f"cell {number}: unknown nbgrader metadata key {key!r}")
            elif not FIELDS[key][0](value):
                problems.append(f"cell {number}: nbgrader {key!r} must be {FIELDS[key][1]}")
        if flagged(meta):
            problems += grade_id_problems(number, cell["cell_type"], meta, source)
            if isinstance(meta.get("grade_id"), str):
                seen.setdefault(meta["grade_id"], []).append(number)
    for grade_id, numbers in seen.items():
        if len(numbers) > 1:
            problems.append(f"duplicate grade_id {grade_id!r} (cells {', '.join(map(str, numbers))})")
    return problems


def grade_id_problems(number: int, cell_type: str, meta: dict, source: dict[str, tuple[str, bool]]) -> list[str]:
    """What is wrong with a tracked cell's grade_id, given the source notebook's."""
    grade_id = meta.get("grade_id")
    if grade_id is None or grade_id == "":
        return [f"cell {number}: a graded, solution or locked cell without a grade_id"]
    if not isinstance(grade_id, str):
        return []  # reported with the types
    if grade_id not in source:
        return [f"cell {number}: grade_id {grade_id!r} is not in the source notebook"]
    source_type, source_graded = source[grade_id]
    if cell_type != source_type:
        return [f"cell {number}: grade_id {grade_id!r} is a {source_type} cell in the source, {cell_type} here"]
    if meta.get("grade") is True and not source_graded:
        return [f"cell {number}: grade_id {grade_id!r} is marked graded but is not a graded cell in the source"]
    if meta.get("grade") is True and "points" not in meta:
        return [f"cell {number}: graded cell {grade_id!r} has no points"]
    return []


def notebook_problems(path: Path, source: dict[str, tuple[str, bool]]) -> list[str]:
    nb, problem = read_notebook(path)
    if problem:
        return [f"{path.name} {problem}"]
    problems = metadata_problems(nb["cells"], source)
    more = len(problems) - SHOWN_PER_NOTEBOOK
    shown = problems[:SHOWN_PER_NOTEBOOK] + ([f"and {more} more"] if more > 0 else [])
    return [f"{path.name}: {problem}" for problem in shown]


def special_files(folder: Path) -> list[str]:
    """Everything under folder that is not a regular file or folder (nbgrader copies the
    other files of a submission and would block on a FIFO or read a linked device forever)."""
    found = []
    for parent, dirs, files in os.walk(folder):
        for name in sorted(dirs + files):
            path = Path(parent, name)
            what = kind(path)
            if what and path.suffix != ".ipynb":  # notebooks are reported by notebook_problems
                found.append(f"{path.relative_to(folder)} is {what}")
    return found


def timestamp_problem(folder: Path) -> str | None:
    from nbgrader.utils import parse_utc

    path = folder / "timestamp.txt"
    if not os.path.lexists(path) or kind(path):
        return None  # absent, or reported by special_files
    try:
        with open(path, "rb") as f:
            text = f.read(1000).decode("utf-8").strip()
        if text:
            parse_utc(text)
    except (ValueError, OverflowError):
        return "timestamp.txt does not hold a timestamp nbgrader can read"
    return None


def submission_problems(folder: Path, sources: dict[str, dict[str, tuple[str, bool]]]) -> list[str]:
    """Why nbgrader could not grade submitted/<student>/<assignment>/ (an empty list if it can)."""
    notebooks = sorted(Path(p) for p in glob.glob(glob.escape(str(folder)) + "/*.ipynb"))
    known = [path for path in notebooks if path.name in sources]
    if not known:
        return [f"none of the assignment's notebooks ({', '.join(sources)}) was submitted"]
    problems = [p for path in known for p in notebook_problems(path, sources[path.name])]
    problems += special_files(folder)
    problem = timestamp_problem(folder)
    return problems + ([problem] if problem else [])


def check_submissions(root: Path, assignment: str, student: str = "*") -> tuple[list[str], dict[str, list[str]]]:
    """(students nbgrader can grade, {student it cannot grade: problems}) among the students
    matching the glob `student` who submitted the assignment."""
    submitted = root / "submitted"
    sources = source_cells(root / "notebooks" / assignment)
    good, bad = [], {}
    for sid in sorted(glob.glob(student, root_dir=submitted)):
        folder = submitted / sid / assignment
        if os.path.islink(submitted / sid):
            bad[sid] = [f"submitted/{sid} is a symbolic link, not a folder"]
        elif not os.path.isdir(submitted / sid) or not os.path.lexists(folder):
            continue  # not a student, or no submission of this assignment
        elif os.path.islink(folder) or not folder.is_dir():
            bad[sid] = [f"submitted/{sid}/{assignment} is {kind(folder) or 'not a folder'}"]
        elif problems := submission_problems(folder, sources):
            bad[sid] = problems
        else:
            good.append(sid)
    return good, bad


def autograde_runs(assignment: str, student: str | None, good: list[str], bad: dict) -> list[list[str]]:
    """The nbgrader command lines that grade exactly the good students."""
    base = ["autograde", assignment, "--force"]
    if not good:
        return []
    if any("," in sid for sid in bad):  # nbgrader splits its exclusion list on commas
        return [base + [f"--student={glob.escape(sid)}"] for sid in good]
    only = [f"--student={student}"] if student else []
    return [base + only + (["--CourseDirectory.student_id_exclude=" + ",".join(bad)] if bad else [])]


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_mtime_ns


def autograde(root: Path, assignment: str, student: str | None, nbgrader: Callable[..., int]) -> int:
    """Check every submission, autograde the good ones with nbgrader, report the others.
    `nbgrader(*args, root=root)` runs nbgrader and returns its exit code. Returns 1 if any
    student was left ungraded, else 0."""
    good, bad = check_submissions(root, assignment, student or "*")
    if not good and not bad:
        print(f"No submission matches submitted/{student or '*'}/{assignment}/.")
        return 1
    before = {sid: _stamp(root / "autograded" / sid / assignment) for sid in good}
    codes = [nbgrader(*args, root=root) for args in autograde_runs(assignment, student, good, bad)]
    if any(codes):  # nbgrader removes the output of a submission it failed on
        failed = [sid for sid in good if _stamp(root / "autograded" / sid / assignment) in (None, before[sid])]
        bad.update({sid: ["nbgrader failed on it (see its log above)"] for sid in failed})
    for sid, problems in bad.items():
        print(f"NOT GRADED {sid}: {'; '.join(problems)}. nbgrader did not grade this student; fix the "
              f"file and run autograde again, or grade it with `python -m checker grade submitted`.")
    graded = len(good) - sum(sid in bad for sid in good)
    print(f"nbgrader autograded {graded} student(s) for {assignment}; {len(bad)} left ungraded.")
    return 1 if bad or any(codes) else 0
