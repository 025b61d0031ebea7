"""From a submitted notebook to the program the sandbox runs.

The program is, in notebook order:
- from every other code cell (the instructor's, taken from the SOURCE notebook, and any cell
  the learner added): only its imports and its function and class definitions, so that a
  learner's answer can use the helpers the notebook defines without the demos being re-run;
  imports of checker are left out (checker is not importable in the sandbox);
- every answer cell (an nbgrader solution cell), taken whole from the SUBMISSION.
Test cells and self-checks are never run: the verdicts are made outside the sandbox.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..exercises import REGISTRY

SKIPPED_IMPORTS = ("checker", "matplotlib", "tqdm", "IPython", "ipywidgets")


class BadSubmission(Exception):
    """The notebook cannot be read or is not a submission of this assignment."""


@dataclass
class Program:
    cells: list = field(default_factory=list)       # (label, source, from_learner)
    answers: dict = field(default_factory=dict)     # exercise id -> the learner's answer cell source
    problems: list = field(default_factory=list)    # what was wrong with the submission


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def read(path: Path):
    try:
        return nbformat.read(str(path), as_version=4)
    except Exception as exc:  # invalid JSON, not a notebook, unreadable
        raise BadSubmission(f"{path.name} cannot be read as a notebook ({type(exc).__name__}: "
                            f"{str(exc)[:120]})") from None


def definitions_only(source: str) -> str:
    """The imports (not of checker, plotting or widgets) and def/class statements of a cell."""
    try:
        tree = ast.parse(_without_magics(source))
    except SyntaxError:
        return ""
    kept = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            kept.append(node)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            if not any(n.split(".")[0] in SKIPPED_IMPORTS for n in names):
                kept.append(node)
    return ast.unparse(ast.Module(body=kept, type_ignores=[]))


def _without_magics(source: str) -> str:
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def build_program(source_nb, submitted_nb) -> Program:
    """The program for one notebook: source_nb is the instructor's, submitted_nb the learner's."""
    program = Program()
    source_ids = {c.get("id") for c in source_nb.cells}
    submitted_answers = {_nbgrader(c)["grade_id"]: c.source for c in submitted_nb.cells
                         if _nbgrader(c).get("solution") and "grade_id" in _nbgrader(c)}
    learner_cells = [c for c in submitted_nb.cells
                     if c.cell_type == "code" and not _nbgrader(c) and c.get("id") not in source_ids]
    for cell in source_nb.cells:
        meta = _nbgrader(cell)
        if cell.cell_type != "code" or meta.get("grade"):
            continue
        if meta.get("solution"):
            grade_id = meta["grade_id"]
            if grade_id not in submitted_answers:
                program.problems.append(f"the answer cell {grade_id!r} is missing")
                continue
            program.cells.append((grade_id, submitted_answers[grade_id], True))
            if grade_id in REGISTRY:
                program.answers[grade_id] = submitted_answers[grade_id]
        else:
            program.cells.append((meta.get("grade_id", "context"), definitions_only(cell.source), False))
    for cell in learner_cells:  # cells the learner added: their definitions, after the notebook's
        program.cells.append(("added by the learner", definitions_only(cell.source), True))
    return program


def graded_exercises(source_nb) -> dict:
    """exercise id -> points, for every answer cell that has an autograder test cell."""
    tests = {_nbgrader(c)["grade_id"]: _nbgrader(c).get("points", 0) for c in source_nb.cells
             if _nbgrader(c).get("grade")}
    return {gid[len("test_"):]: points for gid, points in tests.items()
            if gid.startswith("test_") and gid[len("test_"):] in REGISTRY}
