"""An instructor runs `grade` and then `report`: the engine keeps what the report needs (each
answer's code and the property that failed), and `python -m checker report` writes the page and
the files, or says loudly what it could not do."""
import csv
import json
import subprocess
import sys

import pytest

from checker.engine.run import grade_folder, load_results
from engine_class import FAST, RIGHT, make_course, write_submission
from notebooks import venv_env

pytestmark = pytest.mark.notebooks

LONG_MSE = ("def mse_loss(o, t):\n"
            "    # the error of every output\n"
            "    diff = o - t\n"
            "    squared = diff ** 2\n"
            "    per_example = 0.5 * np.sum(squared, axis=1)\n"
            "    total = np.sum(per_example)\n"
            "    count = o.shape[0]\n"
            "    return total / count\n")
RENAMED_MSE = ("def mse_loss(o, t):\n"
               "    e = o - t   # how far off we are\n"
               "    sq = e ** 2\n\n"
               "    rows = 0.5 * np.sum(sq, axis=1)\n"
               "    s = np.sum(rows)\n"
               "    n = o.shape[0]\n"
               "    return s / n\n")
CLASS = {
    "ann": RIGHT,
    "bob": {**RIGHT, "sigmoid_derivative": "def sigmoid_derivative(o):\n    return o * (1 - o) + 0.3 * (o > 0.9)\n"},
    "cat": {**RIGHT, "mse_loss": "def mse_loss(o, t):\n    return np.sum((o - t) ** 2) / o.shape[0]\n"},
    "dan": {**RIGHT, "mse_loss": LONG_MSE},
    "eve": {**RIGHT, "mse_loss": RENAMED_MSE},
}


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("course"))
    for student, answers in CLASS.items():
        write_submission(course, student, answers)
    grade_folder(course / "submitted", course / "graded", course=course, workers=2, progress=False, limits=FAST)
    return course


def report(course, *args):
    return subprocess.run([sys.executable, "-m", "checker", "report", *args], cwd=course, env=venv_env(),
                          capture_output=True, text=True, timeout=300)


def rows(course, student):
    result = next(r for r in load_results(course / "graded") if r["student"] == student)
    return {row["exercise"]: row for row in result["exercises"]}


def test_the_engine_keeps_each_answer_cells_code(graded_class):
    assert rows(graded_class, "dan")["mse_loss"]["answer"] == LONG_MSE


def test_the_engine_keeps_the_property_that_failed(graded_class):
    row = rows(graded_class, "bob")["sigmoid_derivative"]
    assert row["failed_property"] == "within_quarter" and row["mistake"] is None


def test_report_after_grade_writes_the_page_and_every_file(graded_class):
    done = report(graded_class, "graded", "--lms", "canvas")
    assert done.returncode == 0, done.stdout + done.stderr
    folder = graded_class / "graded" / "report"
    assert {p.name for p in folder.iterdir()} == {"index.html", "items.csv", "mistakes.csv", "similar_pairs.csv",
                                                  "canvas.csv"}
    assert "5 students, 5 submissions (0 not graded), 5 exercises" in done.stdout


def test_the_report_names_the_mistake_and_the_property_of_the_class(graded_class):
    report(graded_class, "graded")
    with open(graded_class / "graded" / "report" / "mistakes.csv", newline="") as f:
        found = {(r["exercise"], r["mistake"], r["count"]) for r in csv.DictReader(f)}
    assert found == {("mse_loss", "factor_two", "1"), ("sigmoid_derivative", "property:within_quarter", "1")}


def test_the_renamed_copy_is_paired_with_its_original(graded_class):
    report(graded_class, "graded")
    with open(graded_class / "graded" / "report" / "similar_pairs.csv", newline="") as f:
        pairs = [(r["exercise"], r["first"], r["second"]) for r in csv.DictReader(f)]
    assert pairs == [("mse_loss", "dan", "eve")]


def test_a_folder_without_results_stops_the_report_with_exit_2(tmp_path):
    done = report(tmp_path, str(tmp_path))
    assert done.returncode == 2 and "run python -m checker grade first" in done.stdout


def test_an_unreadable_result_is_said_loudly_and_exits_1(graded_class, tmp_path):
    copy = tmp_path / "graded"
    subprocess.run(["cp", "-r", str(graded_class / "graded"), str(copy)], check=True)
    (copy / "results" / "backprop" / "cat.json").write_text("{")
    done = report(graded_class, str(copy))
    assert done.returncode == 1 and "WARNING: 1 result file(s) could not be read" in done.stdout
    assert "results/backprop/cat.json" in (copy / "report" / "index.html").read_text(encoding="utf-8")


def test_without_the_course_similarity_is_not_computed_and_it_says_so(graded_class, tmp_path):
    copy = tmp_path / "graded"
    subprocess.run(["cp", "-r", str(graded_class / "graded"), str(copy)], check=True)
    done = subprocess.run([sys.executable, "-m", "checker", "report", str(copy), "--course", str(tmp_path)],
                          cwd=tmp_path, env=venv_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and "is not a course folder" in done.stdout


def test_a_result_of_an_older_engine_without_answers_still_loads(graded_class, tmp_path):
    copy = tmp_path / "graded"
    subprocess.run(["cp", "-r", str(graded_class / "graded"), str(copy)], check=True)
    path = copy / "results" / "backprop" / "ann.json"
    data = json.loads(path.read_text())
    for row in data["exercises"]:
        del row["answer"], row["failed_property"]
    path.write_text(json.dumps(data))
    done = report(graded_class, str(copy))
    assert done.returncode == 0, done.stdout
