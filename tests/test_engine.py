"""The trusted grading engine: cheats raise no score, bad submissions are reported, runs resume.

A scratch course with the notebook backprop/01_sigmoid_and_mse (exercises sigmoid,
sigmoid_derivative, mse_loss; one point each). Each cheat lives in the sigmoid answer cell,
next to a wrong sigmoid, while the other two answers are right: an honest grader gives it 4/5
at most.
"""
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from checker.engine.run import grade_folder, load_results
from checker.engine.sandbox import bwrap_available
from checker.engine.scan import scan
from engine_class import (FAST, HONEST, NOTEBOOK, RIGHT, SOURCE, WRONG_SIGMOID, exercise, make_course, total,
                          write_submission)
from notebooks import venv_env

pytestmark = pytest.mark.notebooks

CHEATS = {
    "patches_numpy": "np.allclose = lambda *a, **k: True\nnp.isclose = lambda a, b, **k: np.ones(np.shape(a), bool)\n"
                     "np.array_equal = lambda *a, **k: True" + WRONG_SIGMOID,
    "patches_builtins": "import builtins\nbuiltins.abs = lambda x: 0\nbuiltins.max = lambda *a, **k: 0"
                        + WRONG_SIGMOID,
    "patches_checker": "import checker\nchecker.grade = lambda *a, **k: None\nchecker.check = checker.grade"
                       + WRONG_SIGMOID,
    "ast_transformer": "import ast\nclass Strip(ast.NodeTransformer):\n    def visit_Assert(self, node):\n"
                       "        return None\nget_ipython().ast_transformers.append(Strip())" + WRONG_SIGMOID,
    "fake_equality": "class Anything(float):\n    def __eq__(self, other):\n        return True\n"
                     "    __ne__ = lambda self, other: False\n"
                     "def sigmoid(z):\n    return Anything(0.5)\n",
    "calls_the_reference": "from checker.reference import sigmoid as reference_sigmoid\n"
                           "def sigmoid(z):\n    return reference_sigmoid(z)\n",
    "reads_the_course": f"exec(open({str(SOURCE)!r}).read().split('### BEGIN SOLUTION')[1])" + WRONG_SIGMOID,
    "sys_exit": "import sys\nsys.exit(0)" + WRONG_SIGMOID,
    "os_exit": "import os\nos._exit(0)" + WRONG_SIGMOID,
    "fork_bomb": "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass" + WRONG_SIGMOID,
    "memory_bomb": "hog = bytearray(50 * 2**30)" + WRONG_SIGMOID,
    "infinite_loop": "while True:\n    pass" + WRONG_SIGMOID,
    "huge_output": "import os\nfor _ in range(10**4):\n    print('x' * 10**6)\n"
                   "    os.write(1, b'y' * 10**6)" + WRONG_SIGMOID,
}
@pytest.fixture(scope="module")
def cheats_graded(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("cheats"))
    for student, cheat in CHEATS.items():
        write_submission(course, student, {**RIGHT, "sigmoid": cheat})
    for student, answers in HONEST.items():
        write_submission(course, student, answers)
    grade_folder(course / "submitted", course / "graded", course=course, workers=2, progress=False, limits=FAST)
    return {r["student"]: r for r in load_results(course / "graded")}


def test_the_sandbox_is_the_bubblewrap_one_here(cheats_graded):
    assert bwrap_available()
    isolation = cheats_graded["honest_right"]["isolation"]
    assert isolation.startswith("bubblewrap: only the interpreter visible") and "NO " not in isolation


def test_honest_submissions_get_their_scores(cheats_graded):
    assert total(cheats_graded["honest_right"]) == 5
    assert total(cheats_graded["honest_partly_wrong"]) == 4


@pytest.mark.parametrize("student", CHEATS)
def test_no_cheat_raises_a_score(cheats_graded, student):
    result = cheats_graded[student]
    assert exercise(result, "sigmoid")["score"] == 0, exercise(result, "sigmoid")["message"]
    assert total(result) <= 4


def test_calling_the_reference_scores_zero_with_its_own_mistake(cheats_graded):
    assert exercise(cheats_graded["calls_the_reference"], "sigmoid")["mistake"] == "uses_reference"


@pytest.mark.parametrize("student, words", [
    ("patches_numpy", "assigns to np.allclose"),
    ("patches_builtins", "assigns to builtins.abs"),
    ("patches_checker", "imports checker (checker's internals)"),
    ("ast_transformer", "uses get_ipython"),
    ("calls_the_reference", "imports checker.reference (the reference)"),
    ("reads_the_course", "uses open (file, network or process access)"),
    ("os_exit", "uses os._exit"),
])
def test_suspicious_code_is_flagged_with_its_line(cheats_graded, student, words):
    flags = cheats_graded[student]["flags"]
    assert any(words in f and ", line " in f for f in flags), flags


def test_cheats_that_crash_the_sandbox_cost_only_that_submission(cheats_graded):
    for student in ("os_exit", "fork_bomb", "huge_output"):
        assert total(cheats_graded[student]) <= 4
    assert total(cheats_graded["honest_right"]) == 5


def test_feedback_shows_no_hidden_expected_values_and_flags_are_reported(cheats_graded, tmp_path):
    text = json.dumps(cheats_graded["honest_partly_wrong"])
    assert "expected:" not in text
    assert "mse_loss" in text and "0/1 points" in text


def test_the_static_scan_reads_lines_and_leaves_honest_code_alone():
    assert scan("c", RIGHT["sigmoid"]) == []
    found = scan("c", "import numpy as np\nx = 1\nnp.allclose = None\n")
    assert [(f.line, f.what) for f in found] == [(3, "assigns to np.allclose (changes another module)")]


def test_bad_submissions_are_reported_and_the_run_goes_on(tmp_path):
    course = make_course(tmp_path)
    write_submission(course, "good", RIGHT)
    bad = course / "submitted" / "invalid_json" / "backprop"
    bad.mkdir(parents=True)
    (bad / NOTEBOOK).write_text("{ this is not json")
    write_submission(course, "missing_cells", RIGHT,
                     edit=lambda nb: nb.cells.__setitem__(slice(None), nb.cells[:3]))
    write_submission(course, "renamed", RIGHT, name="my_homework.ipynb")
    grade_folder(course / "submitted", course / "graded", course=course, workers=2, progress=False, limits=FAST)
    results = {r["student"]: r for r in load_results(course / "graded")}
    assert total(results["good"]) == 5
    assert any("cannot be read as a notebook" in p for p in results["invalid_json"]["problems"])
    assert any("answer cell 'sigmoid' is missing" in p for p in results["missing_cells"]["problems"])
    assert any("unexpected file my_homework.ipynb" in p for p in results["renamed"]["problems"])
    assert any(f"{NOTEBOOK} is missing" in p for p in results["renamed"]["problems"])
    assert total(results["invalid_json"]) == total(results["missing_cells"]) == total(results["renamed"]) == 0


def test_a_scheduler_address_runs_the_same_code_path(tmp_path):
    from dask.distributed import LocalCluster

    course = make_course(tmp_path)
    write_submission(course, "s1", RIGHT)
    write_submission(course, "s2", HONEST["honest_partly_wrong"])
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        grade_folder(course / "submitted", course / "graded", course=course, scheduler=cluster.scheduler_address,
                     progress=False, limits=FAST)
    assert {r["student"]: total(r) for r in load_results(course / "graded")} == {"s1": 5, "s2": 4}


def test_a_run_killed_midway_resumes_without_losing_or_regrading_anything(tmp_path):
    course = make_course(tmp_path)
    students = [f"s{i:02d}" for i in range(8)]
    for student in students:
        write_submission(course, student, RIGHT)
    out = course / "graded"
    command = [sys.executable, "-m", "checker", "grade", str(course / "submitted"), "--course", str(course),
               "--out", str(out), "--workers", "1"]
    first = subprocess.Popen(command, env=venv_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    deadline = time.monotonic() + 120
    while len(list(out.glob("results/*/*.json"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    survivors = {p.name: (p.stat().st_mtime_ns, p.read_text()) for p in out.glob("results/*/*.json")}
    assert 3 <= len(survivors) < len(students), "the kill must land mid-way"
    subprocess.run(command, env=venv_env(), check=True, capture_output=True, timeout=300)
    after = {p.name: p for p in out.glob("results/*/*.json")}
    assert sorted(after) == sorted(f"{s}.json" for s in students)
    for name, (mtime, text) in survivors.items():
        assert after[name].stat().st_mtime_ns == mtime and after[name].read_text() == text
    assert all(total(r) == 5 for r in load_results(out))

