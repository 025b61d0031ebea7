"""Every notebook: committed clean, runs as the instructor's version, fails only as intended as
the learner's version, and passes nbgrader's own validation both ways."""
import nbformat
import pytest

from notebooks import SOURCE_NOTEBOOKS, errors, nb_id, nbgrader_meta, phrases, validated

pytestmark = pytest.mark.notebooks


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=nb_id)
def test_committed_notebook_has_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


def interview_cells(cells, words):
    """(question, answer cell) pairs of the closing interview section."""
    start = next(i for i, c in enumerate(cells) if c.source.startswith(words["interview"]))
    rest = cells[start + 1:]
    return list(zip(rest[0::2], rest[1::2])), len(rest) % 2


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=nb_id)
def test_notebook_has_goals_summary_and_seeds(path):
    nb = nbformat.read(path, as_version=4)
    first, words = nb.cells[0].source, phrases(path)
    assert words["goals"] in first and any(c.source.startswith(words["summary"]) for c in nb.cells)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "http://" not in code and "https://" not in code
    assert "default_rng(" in code or "seed" in code


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=nb_id)
def test_every_exercise_has_a_self_check_then_a_locked_autograder_cell(path):
    nb = nbformat.read(path, as_version=4)
    cells = nb.cells
    for i, cell in enumerate(cells):
        meta = nbgrader_meta(cell)
        if meta.get("solution") and cell.cell_type == "code" and "def " in cell.source:
            exercise = meta["grade_id"]
            if not any(nbgrader_meta(c).get("grade") for c in cells if nbgrader_meta(c).get(
                    "grade_id") == f"test_{exercise}"):
                continue  # an ungraded answer cell (e.g. "paste your backprop here")
            assert f'checker.check("{exercise}", {exercise})' in cells[i + 1].source
            test = cells[i + 2]
            test_meta = nbgrader_meta(test)
            assert test_meta["grade"] and test_meta["locked"] and test_meta["points"] > 0
            assert "### BEGIN HIDDEN TESTS" in test.source
            assert f'checker.grade("{exercise}", {exercise})' in test.source


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=nb_id)
def test_every_notebook_ends_with_interview_questions_marked_by_hand(path):
    cells, words = nbformat.read(path, as_version=4).cells, phrases(path)
    summary = next(i for i, c in enumerate(cells) if c.source.startswith(words["summary"]))
    assert cells[summary + 1].source.startswith(words["interview"])
    pairs, odd = interview_cells(cells, words)
    assert 2 <= len(pairs) <= 3 and not odd
    for question, answer in pairs:
        assert question.cell_type == answer.cell_type == "markdown"
        assert nbgrader_meta(question).get("locked") and not nbgrader_meta(question).get("grade")
        meta = nbgrader_meta(answer)
        assert meta["solution"] and meta["grade"] and not meta.get("locked") and meta["points"] > 0
        assert meta["grade_id"].startswith("interview_")
        assert words["model_answer"] in answer.source and words["rubric"] in answer.source, meta["grade_id"]


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=nb_id)
def test_the_learners_version_has_no_model_answer_or_rubric(path, released):
    source = nbformat.read(path, as_version=4).cells
    student = nbformat.read(released(path.parent.name) / path.name, as_version=4).cells
    ids = {nbgrader_meta(a)["grade_id"] for _, a in interview_cells(source, phrases(path))[0]}
    answers = [c for c in student if nbgrader_meta(c).get("grade_id") in ids]
    assert len(answers) == len(ids)
    for cell in answers:
        assert cell.source.strip() == phrases(path)["text_stub"] and nbgrader_meta(cell)["points"] > 0
    assert phrases(path)["model_answer"].strip() not in "".join(c.source for c in student)


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=nb_id)
def test_the_learners_stubs_are_in_the_language_of_the_edition(path, released):
    student = nbformat.read(released(path.parent.name) / path.name, as_version=4).cells
    stub = phrases(path)["code_stub"]
    answers = [c for c in student if c.cell_type == "code" and nbgrader_meta(c).get("solution")]
    assert answers and all(stub in "\n".join(line.strip() for line in c.source.splitlines()) for c in answers)


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=nb_id)
def test_every_derivation_has_an_answer_cell_a_self_check_then_a_locked_autograder_cell(path):
    from checker.exercises import DERIVATIONS, REGISTRY
    cells = nbformat.read(path, as_version=4).cells
    for i, cell in enumerate(cells):
        exercise = nbgrader_meta(cell).get("grade_id")
        if cell.cell_type != "code" or exercise not in DERIVATIONS or not nbgrader_meta(cell).get("solution"):
            continue
        assert "answer = None" in cell.source and "### BEGIN SOLUTION" in cell.source
        assert cells[i + 1].source.strip() == f'checker.check("{exercise}", answer)'
        test, meta = cells[i + 2], nbgrader_meta(cells[i + 2])
        assert meta["grade"] and meta["locked"] and meta["points"] == REGISTRY[exercise].points
        assert f'checker.grade("{exercise}", answer' in test.source and "### BEGIN HIDDEN TESTS" in test.source


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=nb_id)
def test_run_all_goes_past_every_unwritten_exercise(path):
    """JupyterLab's Run All stops at a cell that raises unless it is tagged raises-exception: the
    autograder cells and the derivation answer cells (whose learner version raises) are tagged,
    a function's answer cell is not (its learner version only defines the function)."""
    from checker.exercises import DERIVATIONS
    for cell in nbformat.read(path, as_version=4).cells:
        meta, tags = nbgrader_meta(cell), cell.metadata.get("tags", [])
        if cell.cell_type != "code":
            continue
        if meta.get("grade") or (meta.get("solution") and meta.get("grade_id") in DERIVATIONS):
            assert "raises-exception" in tags, meta["grade_id"]
        elif meta.get("solution"):
            assert "raises-exception" not in tags, meta["grade_id"]


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=nb_id)
def test_instructor_version_runs_without_error(path):
    _, nb = validated(path)
    assert errors(nb) == []


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=nb_id)
def test_instructor_version_passes_nbgrader_validation(path):
    findings, _ = validated(path)
    assert findings == {}


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=nb_id)
def test_learner_version_fails_every_autograder_test(path, released):
    findings, _ = validated(released(path.parent.name) / path.name, invert=True)
    assert findings == {}


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=nb_id)
def test_learner_version_fails_only_in_the_intended_ways(path, released):
    _, nb = validated(released(path.parent.name) / path.name, invert=True)
    not_attempted = phrases(path)["not_attempted"]
    for cell, error in errors(nb):
        if nbgrader_meta(cell).get("grade"):
            assert error.ename == "AssertionError" and not_attempted in error.evalue, cell.source
        else:
            assert error.ename == "NotImplementedError", (cell.source[:80], error.ename, error.evalue)
    checks = [c for c in nb.cells if 'checker.check("' in c.source and c.source.startswith("checker.check")]
    for cell in checks:
        shown = "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs)
        assert not_attempted in shown, cell.source


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=nb_id)
def test_every_exercise_statement_says_that_calling_the_reference_scores_0(path):
    from checker.exercises import REGISTRY
    REFERENCE_RULE = phrases(path)["reference_rule"]
    cells = nbformat.read(path, as_version=4).cells
    for i, cell in enumerate(cells):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution") and meta.get("grade_id") in REGISTRY:
            statement = next(c for c in reversed(cells[:i]) if c.cell_type == "markdown")
            assert REFERENCE_RULE in statement.source, meta["grade_id"]
