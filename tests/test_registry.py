"""The registry is the one source of truth for each exercise: its reference, cases, notebook and
points; the notebooks and README agree with it."""
import inspect
import re

import nbformat
import pytest

import checker.reference
from checker.exercises import DERIVATIONS, FUNCTION_EXERCISES, REGISTRY
from notebooks import NOTEBOOKS, ROOT, SOURCE_NOTEBOOKS, english_id, nb_id, nbgrader_meta


@pytest.mark.parametrize("exercise", FUNCTION_EXERCISES)
def test_each_exercise_has_a_reference_cases_and_a_notebook(exercise):
    ex = REGISTRY[exercise]
    assert callable(ex.reference) and inspect.getmodule(ex.reference).__name__.startswith(checker.reference.__name__)
    assert ex.reference.__name__ == ex.id
    cases = ex.cases(0)
    assert cases and all(list(c.args) == list(inspect.signature(ex.reference).parameters)[:len(c.args)]
                         for c in cases)
    assert (NOTEBOOKS / f"{ex.notebook}.ipynb").is_file()


@pytest.mark.parametrize("exercise", DERIVATIONS)
def test_each_derivation_has_a_right_answer_misconceptions_and_a_notebook(exercise):
    ex = REGISTRY[exercise]
    right = ex.read(ex.right) if ex.symbols else ex.right_value()
    assert right is not None and len(ex.known_mistakes()) >= 3
    assert (NOTEBOOKS / f"{ex.notebook}.ipynb").is_file()


def cells(notebook):
    return {nbgrader_meta(c).get("grade_id"): c for c in nbformat.read(notebook, as_version=4).cells}


@pytest.mark.parametrize("exercise", REGISTRY)
def test_its_notebook_has_its_answer_cell_and_a_test_cell_worth_its_points(exercise):
    ex = REGISTRY[exercise]
    found = cells(NOTEBOOKS / f"{ex.notebook}.ipynb")
    assert nbgrader_meta(found[ex.id]).get("solution")
    assert nbgrader_meta(found[f"test_{ex.id}"]).get("points") == ex.points


@pytest.mark.parametrize("notebook", SOURCE_NOTEBOOKS, ids=nb_id)
def test_every_autograder_cell_grades_a_registered_exercise_of_that_notebook(notebook):
    for grade_id, cell in cells(notebook).items():
        if nbgrader_meta(cell).get("grade") and cell.cell_type == "code":   # markdown: graded by hand
            exercise = grade_id.removeprefix("test_")
            assert exercise in REGISTRY and REGISTRY[exercise].notebook == english_id(notebook), grade_id


def test_the_readme_table_lists_every_exercise_with_its_points_under_its_notebook():
    readme = (ROOT / "README.md").read_text()
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\|[^|]*\| `(\d\d_\w+)`[^|]*\|([^|]*)\|$", readme, re.M)}
    for ex in REGISTRY.values():
        assert f"`{ex.id}` ({ex.points})" in rows[ex.notebook.split("/")[1]], ex.id
    listed = re.findall(r"`(\w+)` \(\d+\)", "".join(rows.values()))
    assert sorted(listed) == sorted(REGISTRY)
