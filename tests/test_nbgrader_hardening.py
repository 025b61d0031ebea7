"""nbgrader hardened: `python -m checker autograde` grades every good submission even when others
are broken, and `python -m checker feedback` never lets hidden test text through.

One scratch class (as in test_pipeline.py) works on backprop/01_sigmoid_and_mse (five exercises,
one point each): honest students, broken submissions between them in alphabetical order (nbgrader
grades in that order), and a student whose code prints the source of every cell it runs.
"""
import csv
import html
import json
import os
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

from checker.feedback_filter import MARKER, RemoveHiddenTestOutput, remove_leaking_feedback
from checker.submission_check import MAX_BYTES, autograde_runs, source_cells, submission_problems
from notebooks import NOTEBOOKS, ROOT, nbgrader_meta, venv_env

pytestmark = pytest.mark.notebooks
NOTEBOOK = "01_sigmoid_and_mse.ipynb"
EXERCISES = ("sigmoid", "sigmoid_derivative", "mse_loss")
RIGHT = {
    "sigmoid": "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n",
    "sigmoid_derivative": "def sigmoid_derivative(o):\n    return o * (1 - o)\n",
    "mse_loss": "def mse_loss(o, t):\n    return 0.5 * np.sum((o - t) ** 2) / o.shape[0]\n",
    "d_sigmoid_in_o": 'answer = "o*(1 - o)"\n',
    "d_mse_d_o": 'answer = "o - t"\n',
}
PRINTS_SOURCES = "get_ipython().events.register('pre_run_cell', lambda info: print(info.raw_cell))\n"
HIDDEN_LINE = 'checker.grade("sigmoid", sigmoid)'
VISIBLE_LINE = 'checker.grade("sigmoid", sigmoid, visible=True)'

# student -> (answers replacing the released stubs, score out of 5)
HONEST = {
    "ann": (RIGHT, 5),
    "dan": ({"sigmoid": RIGHT["sigmoid"]}, 1),
    "eve_prints_sources": ({**RIGHT, "sigmoid": PRINTS_SOURCES + RIGHT["sigmoid"]}, 5),
    "zoe": ({}, 0),
}
# student -> what the line about them must say
BROKEN = {
    "bad_deep_json": "not usable JSON (nested too deeply)",
    "bad_duplicate_grade_id": "duplicate grade_id 'sigmoid'",
    "bad_fifo": "is a named pipe (FIFO)",
    "bad_linked_folder": "submitted/bad_linked_folder is a symbolic link",
    "bad_symlink": "is a symbolic link",
}


def answered(released, answers):
    nb = nbformat.read(released, as_version=4)
    for cell in nb.cells:
        if nbgrader_meta(cell).get("solution") and nbgrader_meta(cell)["grade_id"] in answers:
            cell.source = answers[nbgrader_meta(cell)["grade_id"]]
    return nb


def with_duplicate_sigmoid_cell(nb):
    index = next(i for i, c in enumerate(nb.cells) if nbgrader_meta(c).get("grade_id") == "sigmoid")
    copy = nbformat.from_dict(json.loads(json.dumps(nb.cells[index])))
    copy["id"] = "a-second-sigmoid-cell"
    nb.cells.insert(index + 1, copy)
    return nb


def submit_broken(submitted, released):
    good = submitted / "ann" / "backprop" / NOTEBOOK
    for student in BROKEN:
        if student != "bad_linked_folder":
            (submitted / student / "backprop").mkdir(parents=True)
    target = {s: submitted / s / "backprop" / NOTEBOOK for s in BROKEN}
    target["bad_deep_json"].write_text("[" * 100_000 + "]" * 100_000)
    nbformat.write(with_duplicate_sigmoid_cell(answered(released, RIGHT)), target["bad_duplicate_grade_id"])
    os.mkfifo(target["bad_fifo"])
    os.symlink(good, target["bad_symlink"])
    os.symlink(submitted / "ann", submitted / "bad_linked_folder")


def run(course, *args, module="checker"):
    return subprocess.run([sys.executable, "-m", module, *args], cwd=course, env=venv_env(),
                          capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = tmp_path_factory.mktemp("hardened")
    (course / "notebooks" / "backprop").mkdir(parents=True)
    shutil.copy(NOTEBOOKS / "backprop" / NOTEBOOK, course / "notebooks" / "backprop")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    assert run(course, "generate_assignment", "backprop", "--force", module="nbgrader").returncode == 0
    released = course / "release" / "backprop" / NOTEBOOK
    for student, (answers, _) in HONEST.items():
        (course / "submitted" / student / "backprop").mkdir(parents=True)
        nbformat.write(answered(released, answers), course / "submitted" / student / "backprop" / NOTEBOOK)
    submit_broken(course / "submitted", released)
    return course


@pytest.fixture(scope="module")
def autograded(course):
    return run(course, "autograde", "backprop")


@pytest.fixture(scope="module")
def scores(course, autograded):
    assert run(course, "export", "--to=grades.csv", module="nbgrader").returncode == 0
    with open(course / "grades.csv", newline="") as f:
        return {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def feedback(course, autograded):
    return run(course, "feedback", "backprop")


def pages(course):
    """student -> their feedback page, HTML-unescaped."""
    return {p.parts[-3]: html.unescape(p.read_text()) for p in course.glob("feedback/*/backprop/*.html")}


def text(course, student):
    """The text of a student's feedback page as a browser shows it (tags removed)."""
    page = (course / "feedback" / student / "backprop" / NOTEBOOK.replace(".ipynb", ".html")).read_text()
    return html.unescape(re.sub(r"<[^>]*>", "", page))


# autograde

def test_autograde_exits_1_when_a_student_is_left_ungraded(autograded):
    assert autograded.returncode == 1, autograded.stdout + autograded.stderr[-3000:]


@pytest.mark.parametrize("student", BROKEN)
def test_autograde_names_each_broken_submission_and_what_is_wrong(autograded, student):
    lines = [line for line in autograded.stdout.splitlines() if line.startswith(f"NOT GRADED {student}:")]
    assert len(lines) == 1, autograded.stdout
    assert BROKEN[student] in lines[0] and "python -m checker grade" in lines[0]


def test_autograde_names_no_honest_student(autograded):
    assert not [s for s in HONEST if f"NOT GRADED {s}:" in autograded.stdout]


def test_every_honest_student_is_in_the_gradebook_with_their_score(scores):
    assert scores == {student: score for student, (_, score) in HONEST.items()}


def test_autograde_of_one_broken_student_reports_it_without_running_nbgrader(course, autograded):
    out = run(course, "autograde", "backprop", "--student=bad_fifo")
    assert out.returncode == 1
    assert out.stdout.startswith("NOT GRADED bad_fifo:") and "ann" not in out.stdout
    assert "Converting notebook" not in out.stderr


def test_autograde_of_one_honest_student_grades_it_and_exits_0(course, scores):
    out = run(course, "autograde", "backprop", "--student=zoe")
    assert out.returncode == 0, out.stdout + out.stderr[-3000:]
    assert "nbgrader autograded 1 student(s) for backprop; 0 left ungraded." in out.stdout


# submission checks, one at a time

@pytest.fixture
def submission(course, tmp_path):
    """(a fresh honest submission folder, its notebook as JSON, the check of the folder)."""
    folder = tmp_path / "backprop"
    folder.mkdir()
    shutil.copy(course / "submitted" / "ann" / "backprop" / NOTEBOOK, folder)
    nb = json.loads((folder / NOTEBOOK).read_text())
    sources = source_cells(course / "notebooks" / "backprop")

    def check():
        (folder / NOTEBOOK).write_text(json.dumps(nb))
        return submission_problems(folder, sources)
    return folder, nb, check


def cell(nb, grade_id):
    return next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


def number(nb, grade_id) -> int:
    """The cell's number as the problems count them (from 1)."""
    return next(i for i, c in enumerate(nb["cells"], 1) if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


def test_an_honest_submission_has_no_problem(submission):
    assert submission[2]() == []


def test_points_that_are_not_a_number_are_a_problem(submission):
    _, nb, check = submission
    cell(nb, "test_sigmoid")["metadata"]["nbgrader"]["points"] = "1"
    n = number(nb, "test_sigmoid")
    assert check() == [f"{NOTEBOOK}: cell {n}: nbgrader 'points' must be a number ≥ 0"]


def test_a_grade_flag_that_is_not_a_bool_is_a_problem(submission):
    _, nb, check = submission
    cell(nb, "test_sigmoid")["metadata"]["nbgrader"]["grade"] = 1
    n = number(nb, "test_sigmoid")
    assert check() == [f"{NOTEBOOK}: cell {n}: nbgrader 'grade' must be true or false"]


def test_nbgrader_metadata_that_is_not_a_dict_is_a_problem(submission):
    _, nb, check = submission
    nb["cells"][0]["metadata"]["nbgrader"] = ["grade"]
    assert check() == [f"{NOTEBOOK}: cell 1: its nbgrader metadata is not a dict"]


def test_an_old_schema_version_is_a_problem(submission):
    _, nb, check = submission
    cell(nb, "md-1")["metadata"]["nbgrader"]["schema_version"] = 2
    assert check() == [f"{NOTEBOOK}: cell 1: nbgrader 'schema_version' must be the number 3"]


def test_a_grade_id_the_source_has_as_another_cell_type_is_a_problem(submission):
    _, nb, check = submission
    cell(nb, "md-3").update(cell_type="code", outputs=[], execution_count=None)
    n = number(nb, "md-3")
    assert check() == [f"{NOTEBOOK}: cell {n}: grade_id 'md-3' is a markdown cell in the source, code here"]


def test_a_grade_id_unknown_to_the_source_is_a_problem(submission):
    _, nb, check = submission
    n = number(nb, "sigmoid")
    cell(nb, "sigmoid")["metadata"]["nbgrader"]["grade_id"] = "my_sigmoid"
    assert check() == [f"{NOTEBOOK}: cell {n}: grade_id 'my_sigmoid' is not in the source notebook"]


def test_a_notebook_over_the_size_limit_is_a_problem(submission):
    folder, _, _ = submission
    (folder / NOTEBOOK).write_bytes(b" " * (MAX_BYTES + 1))
    assert submission_problems(folder, {NOTEBOOK: {}}) == [f"{NOTEBOOK} is 20.0 MiB, over the 20 MiB limit"]


def test_a_fifo_beside_the_notebook_is_a_problem(submission):
    folder, _, check = submission
    os.mkfifo(folder / "data.csv")
    assert check() == ["data.csv is a named pipe (FIFO)"]


def test_an_unreadable_timestamp_is_a_problem(submission):
    folder, _, check = submission
    (folder / "timestamp.txt").write_text("last tuesday, I think")
    assert check() == ["timestamp.txt does not hold a timestamp nbgrader can read"]


def test_a_broken_student_id_with_a_comma_is_left_out_by_grading_the_others_one_by_one():
    runs = autograde_runs("backprop", None, ["ann", "b[1]"], {"smith,john": ["a problem"]})
    assert runs == [["autograde", "backprop", "--force", "--student=ann"],
                    ["autograde", "backprop", "--force", "--student=b[[]1]"]]


# feedback

def test_feedback_exits_0_when_nothing_leaked(feedback):
    assert feedback.returncode == 0, feedback.stdout + feedback.stderr[-3000:]


def test_the_printing_student_did_put_hidden_tests_into_the_autograded_outputs(course, autograded):
    nb = nbformat.read(course / "autograded" / "eve_prints_sources" / "backprop" / NOTEBOOK, as_version=4)
    assert HIDDEN_LINE in "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))


def test_every_honest_student_gets_a_feedback_page(course, feedback):
    assert set(pages(course)) == set(HONEST)


def test_no_feedback_page_shows_hidden_tests(course, feedback):
    for student, page in pages(course).items():
        for form in (page, text(course, student)):
            assert "BEGIN HIDDEN TESTS" not in form, student
            for exercise in EXERCISES:
                assert not re.search(rf'checker\.grade\("{exercise}", {exercise}\)', form), (student, exercise)


def test_the_printing_students_page_keeps_the_rest_of_their_feedback(course, feedback):
    shown = text(course, "eve_prints_sources")
    assert shown.count(MARKER) == 5 * 3  # the two delimiters and the hidden call, in each test cell
    assert "get_ipython().events.register('pre_run_cell'" in shown  # her code
    assert shown.count(VISIBLE_LINE) == 2  # the test cell's source, and its printed copy
    assert "✓ sigmoid: the visible cases pass" in shown and "Score: 5.0 / 9.0" in shown


def leaking_course(tmp_path, page):
    (tmp_path / "notebooks" / "backprop").mkdir(parents=True)
    shutil.copy(NOTEBOOKS / "backprop" / NOTEBOOK, tmp_path / "notebooks" / "backprop")
    (tmp_path / "feedback" / "mallory" / "backprop").mkdir(parents=True)
    path = tmp_path / "feedback" / "mallory" / "backprop" / "01_sigmoid_and_mse.html"
    path.write_text(page)
    return path


def test_a_feedback_page_showing_a_hidden_line_is_deleted_loudly(tmp_path, capsys):
    path = leaking_course(tmp_path, f"<pre>{html.escape(HIDDEN_LINE)}</pre>")
    assert remove_leaking_feedback(tmp_path, "backprop") == 1
    assert not path.exists()
    out = capsys.readouterr().out
    assert "HIDDEN TESTS LEAKED" in out and "student mallory" in out


def test_a_feedback_page_showing_only_visible_lines_is_kept(tmp_path):
    path = leaking_course(tmp_path, "<pre>" + html.escape(VISIBLE_LINE) + "</pre>")
    assert remove_leaking_feedback(tmp_path, "backprop") == 0
    assert path.exists()


# the output filter, one output type at a time

ANSI_RED = "\x1b[0;31m"
OUTPUTS = {
    "stream": nbformat.v4.new_output("stream", name="stdout", text=f"before\n  {HIDDEN_LINE}\nafter\n"),
    "html": nbformat.v4.new_output("display_data", data={"text/html": f"<b>x</b>\n<p>{html.escape(HIDDEN_LINE)}</p>"}),
    "plain result": nbformat.v4.new_output("execute_result", data={"text/plain": f"'{HIDDEN_LINE}'"}),
    "printed notebook file": nbformat.v4.new_output("stream", name="stdout",
                                                    text=json.dumps({"source": [HIDDEN_LINE + "\n"]}, indent=1)),
    "error": nbformat.v4.new_output("error", ename="E", evalue=HIDDEN_LINE,
                                    traceback=[f"{ANSI_RED}----> 3 {HIDDEN_LINE}\x1b[0m\nsecond line"]),
}


def fresh(kind):
    return nbformat.from_dict(json.loads(json.dumps(OUTPUTS[kind])))


def filtered(output):
    test_cell = nbformat.v4.new_code_cell("checker.grade('x', x, visible=True)\n### BEGIN HIDDEN TESTS\n"
                                          f"{HIDDEN_LINE}\nok()\n### END HIDDEN TESTS")
    printing_cell = nbformat.v4.new_code_cell("print(1)", outputs=[output])
    nb = nbformat.v4.new_notebook(cells=[test_cell, printing_cell])
    return RemoveHiddenTestOutput().preprocess(nb, {})[0].cells[1].outputs[0]


@pytest.mark.parametrize("kind", OUTPUTS)
def test_the_filter_replaces_each_line_showing_a_hidden_line(kind):
    shown = json.dumps(filtered(fresh(kind)))
    assert "grade(" not in html.unescape(shown).replace("\\", "") and MARKER in shown


def test_the_filter_keeps_the_other_lines():
    assert filtered(fresh("stream"))["text"] == f"before\n{MARKER}\nafter\n"


def test_the_filter_removes_the_delimiters_and_ignores_short_hidden_lines():
    out = nbformat.v4.new_output("stream", name="stdout", text="### BEGIN HIDDEN TESTS\nok()\n")
    assert filtered(out)["text"] == f"{MARKER}\nok()\n"
