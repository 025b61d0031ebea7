"""From a submitted notebook to the steps the sandbox runs, in the submission's cell order:

- an answer cell (an nbgrader solution cell of the source): its submitted source, whole, but
  for IPython magics and shell escapes (`%…`, `!…`), which do nothing outside IPython;
- an autograder test cell: a checkpoint, where the learner's function is called on the cases
  as it stands at that point (a redefinition in a later cell does not count, as under nbgrader);
- any other code cell, the instructor's (taken from the SOURCE notebook) or one the learner
  added: only its imports and its function and class definitions, so that answers can use the
  notebook's helpers without the demos being re-run. Imports of checker, plotting and widgets
  are left out (checker is not importable in the sandbox).
Submitted metadata is not trusted: it only locates cells, and is checked first.
"""
from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field

import nbformat

from .. import messages
from ..exercises import REGISTRY
from ..verdict import Text

SKIPPED_IMPORTS = ("checker", "matplotlib", "tqdm", "IPython", "ipywidgets")
PARSE_ERRORS = (SyntaxError, RecursionError, MemoryError, ValueError, OverflowError)
ADDED_CELL = "+added"   # the label of a code cell the learner added (grade_ids cannot start with '+')


class BadSubmission(Exception):
    """The notebook cannot be read or is not a submission of this assignment; .text says why."""

    def __init__(self, key: str, **fields):
        self.text = Text(f"engine.{key}", fields)
        super().__init__(messages.say(self.text))


@dataclass
class Program:
    steps: list = field(default_factory=list)       # {"cell": label, "source": text} or {"test": exercise}
    learner_cells: list = field(default_factory=list)   # (label, source) of what the learner wrote
    problems: list = field(default_factory=list)    # Texts: what was wrong with the submission


def nbgrader_meta(cell) -> dict:
    """A cell's nbgrader metadata if it is well-formed, else {}."""
    meta = cell.get("metadata", {}) if isinstance(cell, dict) else {}
    meta = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
    if not isinstance(meta, dict) or not isinstance(meta.get("grade_id", ""), str):
        return {}
    return meta


def parse_notebook(data: bytes, name: str):
    """A notebook from submitted bytes; BadSubmission for anything that is not one."""
    try:
        document = json.loads(data.decode("utf-8"))
        nb = nbformat.from_dict(document)
        if not isinstance(nb.get("cells"), list) or not all(isinstance(c, dict) for c in nb.cells):
            raise ValueError("no list of cells")
        for cell in nb.cells:
            if not isinstance(cell.get("source", ""), (str, list)) or cell.get("cell_type") not in (
                    "code", "markdown", "raw"):
                raise ValueError("a cell is malformed")
            if isinstance(cell.get("source"), list):
                cell["source"] = "".join(str(part) for part in cell["source"])
            cell.setdefault("source", "")
        return nb
    except RecursionError:
        raise BadSubmission("nested_notebook", notebook=name) from None
    except Exception as exc:  # invalid UTF-8 or JSON, not a notebook
        raise BadSubmission("unreadable_notebook", notebook=name,
                            error=f"{type(exc).__name__}: {str(exc)[:120]}") from None


def without_magics(source: str) -> str:
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def definitions_only(source: str) -> str:
    """The imports (not of checker, plotting or widgets) and def/class statements of a cell,
    cut from its text (no unparsing, so no recursion over a deep tree)."""
    text = without_magics(source)
    try:
        tree = ast.parse(text)
    except PARSE_ERRORS:
        return ""
    lines, kept = text.splitlines(), []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            if any(n.split(".")[0] in SKIPPED_IMPORTS for n in names) or getattr(node, "level", 0):
                continue
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        kept.append("\n".join(lines[first - 1:node.end_lineno]))
    return "\n".join(kept)


def graded_exercises(source_nb) -> dict:
    """exercise id -> points, for every answer cell that has an autograder test cell."""
    tests = {nbgrader_meta(c)["grade_id"]: nbgrader_meta(c).get("points", 0) for c in source_nb.cells
             if nbgrader_meta(c).get("grade")}
    return {gid[len("test_"):]: points for gid, points in tests.items()
            if gid.startswith("test_") and gid[len("test_"):] in REGISTRY}


def _instructors(original) -> bool:
    """A code cell of the source that is neither an answer (its solution never leaves the
    parent) nor a test: the instructor's context, run as the source has it."""
    meta = nbgrader_meta(original) if original is not None else {}
    return original is not None and original.cell_type == "code" and not meta.get("solution") \
        and not meta.get("grade")


def build_program(source_nb, submitted_nb) -> Program:
    """The steps for one notebook: source_nb is the instructor's, submitted_nb the learner's."""
    program = Program()
    graded = graded_exercises(source_nb)
    answers = {nbgrader_meta(c)["grade_id"] for c in source_nb.cells
               if c.cell_type == "code" and nbgrader_meta(c).get("solution")}
    tests = {f"test_{ex}": ex for ex in graded}
    by_id = {c.get("id"): c for c in source_nb.cells if c.get("id")}
    by_grade_id = {nbgrader_meta(c)["grade_id"]: c for c in source_nb.cells if nbgrader_meta(c).get("grade_id")}
    seen, checkpoints = set(), set()
    damaged = 0
    for cell in submitted_nb.cells:
        raw = cell.get("metadata", {}).get("nbgrader") if isinstance(cell.get("metadata"), dict) else None
        damaged += raw is not None and not nbgrader_meta(cell)
        if cell.get("cell_type") != "code":
            continue
        grade_id = nbgrader_meta(cell).get("grade_id", "")
        if not grade_id and raw is not None and isinstance(cell.get("id"), str) and cell["id"] in by_id:
            grade_id = nbgrader_meta(by_id[cell["id"]]).get("grade_id", "")   # damaged: located by its cell id
        if grade_id and grade_id in seen:
            program.problems.append(Text("engine.duplicate_grade_id", {"grade_id": grade_id[:60]}))
            continue
        seen.add(grade_id)
        source = cell.get("source", "")
        if grade_id in answers:
            program.steps.append({"cell": grade_id, "source": without_magics(source)})
            program.learner_cells.append((grade_id, source))
        elif grade_id in tests:
            program.steps.append(_checkpoint(tests[grade_id]))
            checkpoints.add(tests[grade_id])
        elif _instructors(by_grade_id.get(grade_id) or by_id.get(cell.get("id"))):
            original = by_grade_id.get(grade_id) or by_id[cell.get("id")]
            program.steps.append({"cell": nbgrader_meta(original).get("grade_id", "context"),
                                  "source": definitions_only(original.source)})
        elif grade_id in by_grade_id:
            continue  # a test or markdown cell's grade_id on another cell: nothing to run
        else:
            program.steps.append({"cell": ADDED_CELL, "source": definitions_only(source)})
            program.learner_cells.append((ADDED_CELL, source))
    if damaged:
        program.problems.append(Text("engine.damaged_metadata", {"n": damaged}))
    for grade_id in sorted(answers - seen):
        program.problems.append(Text("engine.answer_missing", {"grade_id": grade_id}))
    for exercise in sorted(set(graded) - checkpoints):
        program.problems.append(Text("engine.test_deleted", {"exercise": exercise}))
        program.steps.append(_checkpoint(exercise))
    return program


def _checkpoint(exercise: str) -> dict:
    """The step at an autograder cell: call the function named as the exercise, or, for a
    derivation, read its answer variable."""
    ex = REGISTRY[exercise]
    return {"test": exercise, "value": ex.answer_name} if ex.derivation else {"test": exercise}
