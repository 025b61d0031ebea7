"""python -m checker new-exercise ID --notebook ASSIGNMENT/NAME [--points N]

Writes a new exercise around a reference function that already exists (write it first, in a
module of checker/reference/, named ID):
- checker/exercises/ID.py: the exercise, registered by its class (cases drawn for each
  argument of the reference, no mutants yet);
- tests/test_exercise_ID.py: the learner-style tests, as failing placeholders to fill in;
- the exercise's summary (the reference's first docstring line) in the message catalogue;
- five cells at the end of notebooks/ASSIGNMENT/NAME.ipynb (before its closing Summary), with nbgrader metadata: the
  statement, the answer cell (the reference's body as the solution), the self-check, the
  autograder test worth N points, and the common-mistakes note;
- the exercise in README's table, in its notebook's row.
"""
from __future__ import annotations

import argparse
import ast
import inspect
import keyword
import re
import textwrap
from pathlib import Path

import nbformat

from . import reference
from .editions import PHRASES

ROOT = Path(__file__).resolve().parent.parent

EXERCISE = '''"""Exercise {id}: {summary}"""
from __future__ import annotations

from ..reference.{module} import {id} as reference_{id}
from ..verdict import Text
from .base import Case, Exercise, Mutant


class {cls}(Exercise):
    id = "{id}"
    notebook = "{notebook}"
    reference = staticmethod(reference_{id})
    points = {points}
    signature = "{id}({params})"

    def make_cases(self, rng):
        # TODO: inputs that exercise the formula (shapes, edge values); labels are shown to learners
        return [
{cases}        ]

    @property
    def mutants(self):
        # TODO: known wrong implementations, each tagged with a mistake id of the catalogue
        return []
'''

TESTS = '''"""The grader of {id}, seen from the learner's side: correct answers in several styles pass,
each catalogued mistake fails with its own id."""
import numpy as np
import pytest

import checker


def check(fn):
    return checker.check("{id}", fn, show=False)


def test_a_correct_answer_in_a_learners_style_passes():
    pytest.fail("write {id} the way a learner would, then: assert check({id}).passed")


def test_a_common_mistake_is_named():
    pytest.fail("write a typical wrong {id}, then: assert check(wrong).mistake == '<its id>'")
'''


def _class_name(exercise_id: str) -> str:
    return "".join(part.capitalize() for part in exercise_id.split("_"))


def _reference_function(exercise_id: str):
    fn = getattr(reference, exercise_id, None)
    if fn is None:
        for module in Path(reference.__file__).parent.glob("*.py"):
            mod = __import__(f"checker.reference.{module.stem}", fromlist=["x"])
            fn = getattr(mod, exercise_id, None) or fn
    if not callable(fn):
        raise SystemExit(f"write the reference first: a function {exercise_id}(...) in a module of "
                         "checker/reference/ (its body becomes the notebook's solution)")
    return fn


def _solution(fn) -> str:
    """The reference's source with its body (after the docstring) between nbgrader's solution markers."""
    source = textwrap.dedent(inspect.getsource(fn))
    lines = source.splitlines()
    body = ast.parse(source).body[0].body
    first = body[1] if len(body) > 1 and isinstance(body[0], ast.Expr) and \
        isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str) else body[0]
    start = first.lineno - 1
    return "\n".join(lines[:start] + ["    ### BEGIN SOLUTION"] + lines[start:] + ["    ### END SOLUTION"])


CALLOUT_HEADING = PHRASES["en"]["callout"]
REFERENCE_RULE = PHRASES["en"]["reference_rule"]


def _cells(exercise_id: str, points: int, params: list[str], solution: str) -> list:
    meta = lambda grade_id, **kw: {"nbgrader": {"grade": False, "grade_id": grade_id, "locked": True,
                                                "schema_version": 3, "solution": False, **kw}}
    point_word = "point" if points == 1 else "points"
    return [
        nbformat.v4.new_markdown_cell(f"### Exercise · `{exercise_id}({', '.join(params)})`\n\n"
                                      "TODO: what to compute, in the course's notation.\n\n" + REFERENCE_RULE,
                                      metadata=meta(f"md-{exercise_id}"), id=f"md-{exercise_id}"),
        nbformat.v4.new_code_cell(solution, metadata=meta(exercise_id, locked=False, solution=True), id=exercise_id),
        nbformat.v4.new_code_cell(f'checker.check("{exercise_id}", {exercise_id})',
                                  metadata=meta(f"check_{exercise_id}"), id=f"check-{exercise_id}"),
        nbformat.v4.new_code_cell(
            f"# Autograder test for `{exercise_id}` ({points} {point_word}). More cases run, hidden, when your "
            f'work is graded.\nchecker.grade("{exercise_id}", {exercise_id}, visible=True)\n'
            f'### BEGIN HIDDEN TESTS\nchecker.grade("{exercise_id}", {exercise_id})\n### END HIDDEN TESTS',
            metadata={**meta(f"test_{exercise_id}", grade=True, points=points), "tags": ["raises-exception"]},
            id=f"test-{exercise_id}"),
        nbformat.v4.new_markdown_cell(CALLOUT_HEADING + "- `TODO`: each mistake id the exercise diagnoses, and why it is wrong.\n\n"
                                      "</details>",
                                      metadata=meta(f"md-{exercise_id}-mistakes"), id=f"md-{exercise_id}-mistakes"),
    ]


def _summary_index(nb) -> int:
    """Where new cells go: before the notebook's closing '## Summary' cell, else at the end."""
    for i in range(len(nb.cells) - 1, -1, -1):
        cell = nb.cells[i]
        if cell.cell_type == "markdown" and cell.source.lstrip().lower().startswith("## summary"):
            return i
    return len(nb.cells)


def new_exercise(exercise_id: str, notebook: str, points: int = 1, root: Path = ROOT) -> list[Path]:
    """Write the exercise, its tests and its notebook cells; returns the files written."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", exercise_id) or keyword.iskeyword(exercise_id):
        raise SystemExit(f"{exercise_id!r} is not a usable exercise id (lower-case letters, digits, _)")
    notebook = notebook.removesuffix(".ipynb").removeprefix("notebooks/")
    nb_path = root / "notebooks" / f"{notebook}.ipynb"
    exercise_path = root / "checker" / "exercises" / f"{exercise_id}.py"
    test_path = root / "tests" / f"test_exercise_{exercise_id}.py"
    if not nb_path.is_file():
        raise SystemExit(f"{nb_path} does not exist")
    for path in (exercise_path, test_path):
        if path.exists():
            raise SystemExit(f"{path} exists already; nothing was written")
    fn = _reference_function(exercise_id)
    params = list(inspect.signature(fn).parameters)
    summary = (fn.__doc__ or exercise_id).strip().splitlines()[0].replace('"', "'")
    cases = "".join(f'            Case({{{", ".join(f"{p!r}: rng.normal(0, 1, size={shape})" for p in params)}}}, '
                    f'Text("case.shape_of", {{"name": "{params[0]}", "shape": {shape}}})),\n'
                    for shape in ("(4,)", "(3, 5)", "(1, 1)"))
    exercise_path.write_text(EXERCISE.format(id=exercise_id, cls=_class_name(exercise_id), notebook=notebook,
                                             points=points, params=", ".join(params), summary=summary, cases=cases,
                                             module=fn.__module__.rsplit(".", 1)[1]))
    test_path.write_text(TESTS.format(id=exercise_id))
    catalogue = root / "checker" / "messages" / "en.toml"
    with open(catalogue, "a", encoding="utf-8") as f:   # the words shown when a check passes
        f.write(f'\n[exercise.{exercise_id}]\nsummary = "{summary.replace("{", "{{").replace("}", "}}")}"\n')
    nb = nbformat.read(nb_path, as_version=4)
    at = _summary_index(nb)
    nb.cells[at:at] = _cells(exercise_id, points, params, _solution(fn))
    nbformat.write(nb, nb_path)
    readme = root / "README.md"
    if readme.is_file():
        readme.write_text(_readme_with(readme.read_text(), notebook.split("/")[1], exercise_id, points))
    return [exercise_path, test_path, catalogue, nb_path, readme]


def _readme_with(text: str, name: str, exercise_id: str, points: int) -> str:
    """README's table of exercises with this one added to its notebook's row."""
    def add(match):
        row, last = match.group(1), match.group(2).strip()
        entry = f"`{exercise_id}` ({points})"
        return f"{row}| {entry if last in ('—', '') else last + ', ' + entry} |"
    return re.sub(rf"^(\|[^|\n]*\| `{re.escape(name)}`[^|\n]*)\|([^|\n]*)\|$", add, text, count=1, flags=re.M)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m checker new-exercise", description=__doc__.splitlines()[0])
    parser.add_argument("id", help="the exercise id, which is the learner function's name")
    parser.add_argument("--notebook", required=True, help="ASSIGNMENT/NAME, e.g. backprop/01_sigmoid_and_mse")
    parser.add_argument("--points", type=int, default=1)
    args = parser.parse_args(argv)
    for path in new_exercise(args.id, args.notebook, args.points):
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    print("next: fill in the cases and mutants, the tests, the statement and its common-mistakes note; "
          "add any new mistake id to the message catalogue")
    return 0
