"""End to end with nbgrader: a simulated class goes through generate_assignment → autograde →
generate_feedback → export, and the learner's workspace keeps edited work.

To keep the suite fast the class works on one notebook, backprop/01_sigmoid_and_mse (three
functions and two derivations, one point each, and interview questions marked by hand), copied
into a scratch course with the real nbgrader_config.py.
"""
import csv
import html
import re
import shutil
import subprocess
import sys

import nbformat
import numpy as np
import pytest

from checker.exercises import REGISTRY
from checker.grading import GRADE_SEED
from checker.workflow import make_workspace
from notebooks import NOTEBOOKS, ROOT, nbgrader_meta, venv_env

pytestmark = pytest.mark.notebooks
NOTEBOOK = "01_sigmoid_and_mse.ipynb"

SIGMOID = "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n"
SIGMOID_DERIVATIVE = "def sigmoid_derivative(o):\n    return o * (1 - o)\n"
MSE_LOSS = "def mse_loss(o, t):\n    return 0.5 * np.sum((o - t) ** 2) / o.shape[0]\n"
FUNCTIONS = {"sigmoid": SIGMOID, "sigmoid_derivative": SIGMOID_DERIVATIVE, "mse_loss": MSE_LOSS}
DERIVED = {"d_sigmoid_in_o": 'answer = "o(1 - o)"\n', "d_mse_d_o": 'answer = "o - t"\n'}
RIGHT = {**FUNCTIONS, **DERIVED}
INTERVIEW_ANSWER = ("σ′ = o(1 − o) needs only the output o, which the forward pass stored anyway, "
                    "so backprop keeps no z.")
STUB = "def {0}(*args):\n    raise NotImplementedError()\n"

# student id -> (answers replacing the released stubs, what else they do, expected score of 5)
CLASS = {
    "fully_correct": (RIGHT, "interview", 5),
    "partially_correct": ({"sigmoid": SIGMOID}, None, 1),
    "derivation_misconception": ({**RIGHT, "d_sigmoid_in_o": 'answer = "1 - o^2"\n'}, None, 4),
    "sign_flipped": ({**RIGHT, "sigmoid": "def sigmoid(z):\n    return 1 / (1 + np.exp(z))\n"}, None, 4),
    "sigma_prime_of_output": ({**RIGHT, "sigmoid_derivative":
                               "def sigmoid_derivative(o):\n    s = 1 / (1 + np.exp(-o))\n    return s * (1 - s)\n"},
                              None, 4),
    "factor_two": ({**RIGHT, "mse_loss": "def mse_loss(o, t):\n    return np.sum((o - t) ** 2) / len(o)\n"},
                   None, 4),
    "not_attempted": ({}, None, 0),
    "infinite_loop": ({**RIGHT, "sigmoid": "def sigmoid(z):\n    while True:\n        pass\n"}, None, 4),
    "exception": ({**RIGHT, "mse_loss": "def mse_loss(o, t):\n    return o.shape[5]\n"}, None, 4),
    "correct_with_warnings": ({**RIGHT, "sigmoid":
                               "import warnings\ndef sigmoid(z):\n    warnings.warn('just saying')\n"
                               "    print('debug', file=__import__('sys').stderr)\n"
                               "    return 1 / (1 + np.exp(-z))\n"}, None, 5),
    "edited_locked_test": ({**RIGHT, "sigmoid": "def sigmoid(z):\n    return z\n"}, "edit_test", 4),
    "deleted_test_cell": ({**RIGHT, "sigmoid": "def sigmoid(z):\n    return z\n"}, "delete_test", 4),
    # Two cheats that fool nbgrader (its tests run in the learner's own process) but not the engine:
    "ast_cheater": ({**RIGHT, "sigmoid": "import ast\nclass NoGrading(ast.NodeTransformer):\n"
                     "    def visit_Expr(self, node):\n"
                     "        return ast.Pass() if 'grade' in ast.unparse(node) else node\n"
                     "get_ipython().ast_transformers.append(NoGrading())\n"
                     "def sigmoid(z):\n    return z\n"}, None, 5),
    "patches_checker": ({**RIGHT, "sigmoid": "import checker\nchecker.grade = lambda *a, **k: None\n"
                         "def sigmoid(z):\n    return z\n"}, None, 5),
}
CHEATERS = {"ast_cheater": 4, "patches_checker": 4}  # what the engine gives them
# Some of the same students also hand in the Chinese edition, backprop_zh, graded in the same course.
ZH_CLASS = ("fully_correct", "derivation_misconception", "sign_flipped", "not_attempted")


def submission(released, answers, tamper):
    nb = nbformat.read(released, as_version=4)
    for cell in list(nb.cells):
        meta = nbgrader_meta(cell)
        if meta.get("solution") and meta["grade_id"] in answers:
            cell.source = answers[meta["grade_id"]]
        if tamper == "interview" and meta.get("grade_id") == "interview_bp01_1":
            cell.source = INTERVIEW_ANSWER
        if meta.get("grade_id") == "test_sigmoid":
            if tamper == "edit_test":
                cell.source = "assert True  # nothing to see here"
            elif tamper == "delete_test":
                nb.cells.remove(cell)
    return nb


def run_nbgrader(course, *args):
    out = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=venv_env(),
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    course = tmp_path_factory.mktemp("class")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    for assignment, students in (("backprop", CLASS), ("backprop_zh", ZH_CLASS)):
        (course / "notebooks" / assignment).mkdir(parents=True)
        shutil.copy(NOTEBOOKS / assignment / NOTEBOOK, course / "notebooks" / assignment)
        run_nbgrader(course, "generate_assignment", assignment, "--force")
        released = course / "release" / assignment / NOTEBOOK
        for student in students:
            answers, tamper, _ = CLASS[student]
            folder = course / "submitted" / student / assignment
            folder.mkdir(parents=True)
            nbformat.write(submission(released, answers, tamper), folder / NOTEBOOK)
        run_nbgrader(course, "autograde", assignment, "--force")
        run_nbgrader(course, "generate_feedback", assignment, "--force")
    run_nbgrader(course, "export", "--to=grades.csv")
    return course


def scores(course, assignment="backprop"):
    with open(course / "grades.csv", newline="") as f:
        return {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(f)
                if row["assignment"] == assignment}


def test_the_export_lists_every_student(graded_course):
    assert set(scores(graded_course)) == set(CLASS)


@pytest.mark.parametrize("student", CLASS)
def test_each_student_gets_the_score_their_code_deserves(graded_course, student):
    assert scores(graded_course)[student] == CLASS[student][2]


def feedback_pages(course, assignment="backprop"):
    pages = {p.parts[-3]: p.read_text(encoding="utf-8") for p in course.glob(f"feedback/*/{assignment}/*.html")}
    assert set(pages) == set(CLASS if assignment == "backprop" else ZH_CLASS)
    return pages


def test_feedback_never_shows_hidden_tests(graded_course):
    for student, page in feedback_pages(graded_course).items():
        text = html.unescape(page)
        assert "BEGIN HIDDEN TESTS" not in text, student
        for exercise in FUNCTIONS:
            # the visible line reads checker.grade("x", x, visible=True); the hidden one ends at x)
            assert not re.search(rf'checker\.grade\("{exercise}", {exercise}\)', text), (student, exercise)


def hidden_expected_numbers():
    numbers = set()
    for exercise in FUNCTIONS:
        ex = REGISTRY[exercise]
        for case in ex.cases(GRADE_SEED):
            for value in np.ravel(ex.expected(case)):
                numbers |= {f"{value:.4f}", f"{value:.6g}"}
    return {n for n in numbers if len(n.strip("-0.")) >= 3}


def test_no_hidden_expected_value_reaches_a_test_cells_output(graded_course):
    numbers = hidden_expected_numbers()
    for path in graded_course.glob("autograded/*/backprop/*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if nbgrader_meta(cell).get("grade"):
                shown = "\n".join(str(o) for o in cell.get("outputs", []))
                assert [n for n in numbers if n in shown] == [], (path.parts[-3], cell.source[:40])


def test_a_failed_hidden_check_shows_its_diagnosis_without_a_code_line(graded_course):
    page = html.unescape(feedback_pages(graded_course)["sign_flipped"])
    assert "You computed σ(−z)" in page
    assert "_render_traceback_" not in page and "grading.py" not in page


def test_a_derivations_misconception_reaches_the_feedback_page(graded_course):
    page = html.unescape(feedback_pages(graded_course)["derivation_misconception"])
    assert "1 − o² is the derivative of tanh" in page and "Stuck? Common mistakes" in page


@pytest.mark.parametrize("student", ZH_CLASS)
def test_the_chinese_edition_scores_each_student_as_the_english_one(graded_course, student):
    assert scores(graded_course, "backprop_zh")[student] == CLASS[student][2]


def test_the_chinese_editions_feedback_pages_are_chinese_and_hide_the_hidden_tests(graded_course):
    pages = {s: html.unescape(p) for s, p in feedback_pages(graded_course, "backprop_zh").items()}
    assert "你算的是 σ(−z)" in pages["sign_flipped"] and "You computed" not in pages["sign_flipped"]
    assert "tanh 的导数" in pages["derivation_misconception"] and "卡住了？" in pages["derivation_misconception"]
    assert "尚未作答" in pages["not_attempted"]
    for student, page in pages.items():
        assert "BEGIN HIDDEN TESTS" not in page and 'checker.grade("sigmoid", sigmoid)' not in page, student


def test_an_interview_answer_waits_for_the_instructor_and_counts_once_marked(graded_course):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{graded_course / 'gradebook.db'}") as gb:
        grade = gb.find_grade("interview_bp01_1", NOTEBOOK[:-len(".ipynb")], "backprop", "fully_correct")
        assert grade.needs_manual_grade and grade.max_score == 2 and grade.score == 0
        submitted = gb.find_submission_notebook(NOTEBOOK[:-len(".ipynb")], "backprop", "fully_correct")
        assert any(g.name.startswith("interview_") and g.needs_manual_grade for g in submitted.grades)
        grade.manual_score = 1.5   # what the instructor enters in the formgrader
        gb.db.commit()
    autograded = nbformat.read(graded_course / "autograded" / "fully_correct" / "backprop" / NOTEBOOK, as_version=4)
    answer = next(c for c in autograded.cells if nbgrader_meta(c).get("grade_id") == "interview_bp01_1")
    assert answer.source == INTERVIEW_ANSWER   # what the formgrader shows the instructor
    run_nbgrader(graded_course, "export", "--to=after_marking.csv")
    with open(graded_course / "after_marking.csv", newline="") as f:
        after = {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(f)
                 if row["assignment"] == "backprop"}
    assert after["fully_correct"] == CLASS["fully_correct"][2] + 1.5
    assert after["partially_correct"] == CLASS["partially_correct"][2]


def test_the_learners_workspace_keeps_edited_work_and_restores_deleted_notebooks(tmp_path):
    workspace = tmp_path / "workspace"
    first = make_workspace(workspace)
    assert all(line.startswith("added") for line in first)
    mine = workspace / "backprop" / NOTEBOOK
    edited = mine.read_text().replace("# YOUR CODE HERE", "# my work in progress", 1)
    mine.write_text(edited)
    (workspace / "ema" / "02_ema_of_weights.ipynb").unlink()
    second = make_workspace(workspace)
    assert mine.read_text() == edited
    assert f"kept     backprop/{NOTEBOOK} (your work)" in second
    assert "added    ema/02_ema_of_weights.ipynb" in second
    assert "kept     backprop/02_output_layer.ipynb (unchanged)" in second


def one_notebook_course(tmp_path, edit=None):
    (tmp_path / "notebooks" / "backprop").mkdir(parents=True)
    nb = nbformat.read(NOTEBOOKS / "backprop" / NOTEBOOK, as_version=4)
    if edit:
        edit(nb)
    nbformat.write(nb, tmp_path / "notebooks" / "backprop" / NOTEBOOK)
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    return tmp_path


def break_the_sigmoid_solution(nb):
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade_id") == "sigmoid":
            cell.source = cell.source.replace("return np.where(z >= 0, 1 / (1 + e), e / (1 + e))", "return z")


def test_validate_passes_the_real_course(tmp_path):
    from checker.workflow import validate
    assert validate(["backprop"], root=one_notebook_course(tmp_path)) == []


def test_validate_fails_loudly_when_a_solution_does_not_pass_its_tests(tmp_path):
    course = one_notebook_course(tmp_path, break_the_sigmoid_solution)
    out = subprocess.run([sys.executable, "-c", "import sys; from checker.workflow import validate; "
                          f"p = validate(['backprop'], root=__import__('pathlib').Path({str(course)!r})); "
                          "print(p); sys.exit(1 if p else 0)"],
                         capture_output=True, text=True, env=venv_env(), timeout=300)
    assert out.returncode == 1
    assert "the instructor version fails" in out.stdout and "✗ sigmoid: not right yet" in out.stdout


@pytest.fixture(scope="module")
def engine_results(graded_course):
    from checker.engine.run import grade_folder, load_results

    grade_folder(graded_course / "submitted", graded_course / "graded", course=graded_course, workers=2,
                 progress=False)
    return {r["student"]: r for r in load_results(graded_course / "graded") if r["assignment"] == "backprop"}


@pytest.mark.parametrize("student", [s for s in CLASS if s not in CHEATERS])
def test_the_engine_scores_honest_submissions_as_nbgrader_does(engine_results, graded_course, student):
    assert sum(row["score"] for row in engine_results[student]["exercises"]) == scores(graded_course)[student]


def test_the_comparison_flags_exactly_the_students_who_fooled_nbgrader(engine_results, graded_course):
    with open(graded_course / "graded" / "comparison.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["student"] for r in rows} == set(CHEATERS)
    assert all(r["exercise"] == "sigmoid" and float(r["nbgrader_score"]) == 1.0 and float(r["engine_score"]) == 0.0
               for r in rows)
    for student, engine_total in CHEATERS.items():
        assert sum(row["score"] for row in engine_results[student]["exercises"]) == engine_total


def test_the_engine_writes_a_grades_row_per_student_and_exercise(engine_results, graded_course):
    with open(graded_course / "graded" / "grades.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    per_student = sum(1 for ex in REGISTRY.values() if ex.notebook == f"backprop/{NOTEBOOK[:-len('.ipynb')]}")
    english = [r for r in rows if r["assignment"] == "backprop"]
    assert len(english) == per_student * len(CLASS) and {r["student"] for r in english} == set(CLASS)
    chinese = [r for r in rows if r["assignment"] == "backprop_zh"]
    assert len(chinese) == per_student * len(ZH_CLASS) and len(rows) == len(english) + len(chinese)


@pytest.mark.parametrize("student", ZH_CLASS)
def test_the_engine_grades_the_chinese_edition_as_nbgrader_does_in_chinese(engine_results, graded_course, student):
    from checker.engine.run import load_results
    from translation_checks import CJK
    result = next(r for r in load_results(graded_course / "graded")
                  if r["student"] == student and r["assignment"] == "backprop_zh")
    assert sum(row["score"] for row in result["exercises"]) == scores(graded_course, "backprop_zh")[student]
    assert all(CJK.search(row["message"]) for row in result["exercises"])
    feedback = (graded_course / "graded" / "feedback" / student / "backprop_zh.txt").read_text(encoding="utf-8")
    assert CJK.search(feedback.splitlines()[0]) and "Score" not in feedback and "not graded" not in feedback



def test_release_works_on_the_course_in_the_current_folder_not_on_the_kits(tmp_path):
    (tmp_path / "notebooks" / "backprop").mkdir(parents=True)
    shutil.copy(NOTEBOOKS / "backprop" / NOTEBOOK, tmp_path / "notebooks" / "backprop")
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    done = subprocess.run([sys.executable, "-m", "checker", "release"], cwd=tmp_path, env=venv_env(),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert [p.name for p in (tmp_path / "release" / "backprop").glob("*.ipynb")] == [NOTEBOOK]
