"""On honest submissions the engine scores exactly as nbgrader's autograde, exercise by exercise,
including relative_error, whose scale-invariance check only holds when each seed's cases are
judged as a check of their own.

A scratch course with backprop/04_gradient_checking (numerical_gradient, 2 points;
relative_error, 1 point); answers in several styles, right and wrong.
"""
import csv
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

from checker.engine.run import grade_folder, load_results
from notebooks import NOTEBOOKS, ROOT, nbgrader_meta, venv_env

pytestmark = pytest.mark.notebooks
NOTEBOOK = "04_gradient_checking.ipynb"

CENTRAL = ("def numerical_gradient(f, x, eps=1e-5):\n    x = np.array(x, dtype=float)\n    g = np.zeros_like(x)\n"
           "    for i in np.ndindex(x.shape):\n        old = x[i]\n        x[i] = old + eps\n        fp = f(x)\n"
           "        x[i] = old - eps\n        fm = f(x)\n        x[i] = old\n        g[i] = (fp - fm) / (2 * eps)\n"
           "    return g\n")
FORWARD = ("def numerical_gradient(f, x, eps=1e-5):\n    x = np.array(x, dtype=float)\n    g = np.zeros_like(x)\n"
           "    f0 = f(x)\n    for i in np.ndindex(x.shape):\n        old = x[i]\n        x[i] = old + eps\n"
           "        g[i] = (f(x) - f0) / eps\n        x[i] = old\n    return g\n")
RELATIVE_MAX = ("def relative_error(a, b):\n    a, b = np.asarray(a, float), np.asarray(b, float)\n"
                "    d = max(np.linalg.norm(a), np.linalg.norm(b))\n"
                "    return 0.0 if d == 0 else float(np.linalg.norm(a - b) / d)\n")
ABSOLUTE = "def relative_error(a, b):\n    return float(np.linalg.norm(np.asarray(a) - np.asarray(b)))\n"

CLASS = {
    "instructor_solution": None,            # the source notebook's own solution cells
    "max_denominator": {"numerical_gradient": CENTRAL, "relative_error": RELATIVE_MAX},
    "forward_difference_absolute_error": {"numerical_gradient": FORWARD, "relative_error": ABSOLUTE},
}


def solutions(source):
    return {nbgrader_meta(c)["grade_id"]: re.sub(r"\s*### (BEGIN|END) SOLUTION", "", c.source)
            for c in source.cells if nbgrader_meta(c).get("solution")}


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    course = tmp_path_factory.mktemp("vs_nbgrader")
    (course / "notebooks" / "backprop").mkdir(parents=True)
    shutil.copy(NOTEBOOKS / "backprop" / NOTEBOOK, course / "notebooks" / "backprop")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    run = lambda *args: subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=venv_env(),
                                       check=True, capture_output=True, timeout=900)
    run("generate_assignment", "backprop", "--force")
    source = nbformat.read(NOTEBOOKS / "backprop" / NOTEBOOK, as_version=4)
    for student, answers in CLASS.items():
        nb = nbformat.read(course / "release" / "backprop" / NOTEBOOK, as_version=4)
        for cell in nb.cells:
            grade_id = nbgrader_meta(cell).get("grade_id")
            chosen = solutions(source) if answers is None else answers
            if nbgrader_meta(cell).get("solution") and grade_id in chosen:
                cell.source = chosen[grade_id]
        (course / "submitted" / student / "backprop").mkdir(parents=True)
        nbformat.write(nb, course / "submitted" / student / "backprop" / NOTEBOOK)
    run("autograde", "backprop", "--force")
    grade_folder(course / "submitted", course / "graded", course=course, workers=2, progress=False)
    with open(course / "graded" / "comparison.csv", newline="") as f:
        differences = list(csv.DictReader(f))
    engine = {(r["student"], row["exercise"]): row for r in load_results(course / "graded") for row in r["exercises"]}
    return engine, differences, course


def test_every_honest_student_and_exercise_scores_as_under_nbgrader(both):
    _, differences, _ = both
    assert differences == []


@pytest.mark.parametrize("student, scores", [
    ("instructor_solution", {"numerical_gradient": 2, "relative_error": 1}),
    ("max_denominator", {"numerical_gradient": 2, "relative_error": 1}),
    ("forward_difference_absolute_error", {"numerical_gradient": 0, "relative_error": 0}),
])
def test_the_engine_gives_each_answer_what_it_deserves(both, student, scores):
    engine, _, _ = both
    assert {ex: engine[(student, ex)]["score"] for ex in scores} == scores, \
        {ex: engine[(student, ex)]["message"] for ex in scores}


def test_the_class_report_counts_the_scores_nbgrader_graded_too_and_finds_none_differing(both):
    from checker.report.build import make_report

    _, _, course = both
    report = make_report(course / "graded", course, charts_too=False)
    assert report.compared == len(CLASS) * 2 and report.differences == []
