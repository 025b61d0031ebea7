"""Hostile submissions in a class with honest ones: the run finishes with a result for every
student, the honest grades do not change, and the attacker scores 0 on what it attacked with a
message that says what happened.

Attacks on the report come from inside the sandbox (the report pipe's number is argv[2] there);
attacks on the parent's reading come from what lies in submitted/.
"""
import json
import os
import time

import nbformat
import numpy as np
import pytest

from checker import reference
from checker.engine.run import grade_folder, load_results
from checker.exercises import REGISTRY
from checker.grading import CHECK_SEED, GRADE_SEED
from engine_class import (FAST, HONEST, HONEST_TOTALS, RIGHT, WRONG_SIGMOID, exercise, make_course, submission,
                          total, write_submission)

pytestmark = pytest.mark.notebooks
NB = "01_sigmoid_and_mse.ipynb"
PIPE = "import os, sys, json\nfd = int(sys.argv[2])\n"
RIGHT_SIGMOID = RIGHT["sigmoid"]


def fake_observations(**fields):
    base = {"error": None, "exception_type": "", "exception_message": "", "learner_traceback": "",
            "modified_inputs": [], "rounded_inputs": [], "printed": "", "warnings": [], "used_reference": "",
            "seconds": 0.0,
            "output": None}
    return [{**base, **fields}] * (2 * len(REGISTRY["sigmoid"].cases(CHECK_SEED)))  # visible + hidden


def lookup_table_sigmoid() -> str:
    """An answer sheet built from everything the released package holds: the visible and the
    nbgrader-hidden cases, with the reference's answers; a wrong fallback."""
    table = {}
    for seed in (CHECK_SEED, GRADE_SEED):
        for case in REGISTRY["sigmoid"].cases(seed):
            z = np.asarray(case.args["z"], dtype=float)
            table[repr(z.tolist())] = reference.sigmoid(z).tolist()
    return (f"TABLE = {table!r}\n"
            "def sigmoid(z):\n"
            "    key = repr(np.asarray(z, dtype=float).tolist())\n"
            "    return np.array(TABLE[key]) if key in TABLE else np.zeros_like(np.asarray(z, dtype=float))\n")


IN_SIGMOID_CELL = {
    # the parent's static scan and program builder must not recurse without bound
    "deep_expression": "x = " + "1 + " * 100_000 + "1\n" + RIGHT_SIGMOID,
    # the report: not an object, nested 100,000 deep, fields of the wrong type or null, a header
    # claiming terabytes, a flood; each with a right sigmoid, which the attack costs
    "report_not_an_object": PIPE + "os.write(fd, b'[1, 2, 3]\\n')\n" + RIGHT_SIGMOID,
    "report_nested_deep": PIPE + "os.write(fd, b'[' * 100000 + b']' * 100000 + b'\\n')\n" + RIGHT_SIGMOID,
    "report_wrong_types": PIPE + "os.write(fd, json.dumps({'notebook': %r, 'observed': 'sigmoid', "
                                 "'observations': %r}).encode() + b'\\n')\n" % (NB, fake_observations(error=5, printed=None))
                          + RIGHT_SIGMOID,
    "report_claims_terabytes": PIPE + "os.write(fd, json.dumps({'notebook': %r, 'observed': 'sigmoid', "
                                      "'observations': %r}).encode() + b'\\n')\n"
                               % (NB, fake_observations(output={"kind": "array", "type_name": "ndarray", "dtype": "float64",
                                                                "values": {"dtype": "<f8", "shape": [10 ** 6, 10 ** 6],
                                                                           "data": "AAAAAAAAAAA="}, "items": []}))
                               + RIGHT_SIGMOID,
    "report_flood": PIPE + "chunk = b'x' * 2**20\nfor _ in range(40):\n    os.write(fd, chunk)\n" + RIGHT_SIGMOID,
    "report_many_lines": PIPE + "os.write(fd, b'{}\\n' * 10000)\n" + RIGHT_SIGMOID,
    "floods_the_flags": "import os\n" + "if False:\n    os.system('true')\n" * 3000
                        + RIGHT_SIGMOID,
    "atexit_rewrites_report": PIPE + "import atexit\natexit.register(lambda: os.write(fd, b'{\"done\": true}\\n'))\n"
                              + WRONG_SIGMOID,
    # whole-sandbox limits
    # one fork after another (each waits for the last to fill its memory): never two busy at once
    "forks_for_memory": "import os, signal, time\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
                        "ready, filled = os.pipe()\nfor _ in range(6):\n    if os.fork() == 0:\n"
                        "        hog = bytearray(300 * 2**20)\n        hog[::4096] = b'x' * len(hog[::4096])\n"
                        "        os.write(filled, b'x')\n        time.sleep(60)\n        os._exit(0)\n"
                        "    os.read(ready, 1)\ntime.sleep(60)\n" + WRONG_SIGMOID,
    "forks_busy_ignoring_alarms": "import os, signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
                                  "for _ in range(3):\n    if os.fork() == 0:\n        while True:\n            pass\n"
                                  "while True:\n    pass\n" + WRONG_SIGMOID,
    "fills_the_disk": "try:\n    with open('/tmp/fill', 'wb') as f:\n        for _ in range(1024):\n"
                      "            f.write(b'x' * 2**20)\nexcept OSError:\n    pass\n" + WRONG_SIGMOID,
    # the host's files and checker
    "smuggles_host_files": "import warnings\nleaked = []\nfor path in ('/etc/passwd', '/etc/hostname', %r):\n"
                           "    try:\n        leaked.append(open(path).read()[:200])\n    except OSError:\n        pass\n"
                           "def sigmoid(z):\n    warnings.warn('LEAK ' + ' '.join(leaked))\n"
                           "    return 1 / (1 + np.exp(-z))\n" % str(NB),
    "imports_reference_by_name": "import importlib\ndef sigmoid(z):\n"
                                 "    return importlib.import_module('checker' + '.reference').sigmoid(z)\n",
    # hidden cases
    "lookup_table": lookup_table_sigmoid(),
}


def redefine_after_test(source):
    def edit(nb):
        at = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "test_sigmoid")
        nb.cells.insert(at + 1, nbformat.v4.new_code_cell(source))
    return edit


def duplicate_answer_cell(nb):
    at = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "sigmoid")
    twin = nbformat.v4.new_code_cell(WRONG_SIGMOID, metadata={"nbgrader": dict(nb.cells[at].metadata["nbgrader"])})
    nb.cells.insert(at + 1, twin)


def garbage_metadata(nb):
    for cell in nb.cells:
        cell.metadata["nbgrader"] = "not a dict" if cell.cell_type == "code" else {"grade_id": 7}


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("attacks"))
    for student, answers in HONEST.items():
        write_submission(course, student, answers)
    for student, code in IN_SIGMOID_CELL.items():
        write_submission(course, student, {**RIGHT, "sigmoid": code})
    write_submission(course, "redefines_after_test", RIGHT, edit=redefine_after_test(WRONG_SIGMOID))
    write_submission(course, "fixes_after_test", {**RIGHT, "sigmoid": WRONG_SIGMOID},
                     edit=redefine_after_test(RIGHT_SIGMOID))
    write_submission(course, "duplicate_grade_id", RIGHT, edit=duplicate_answer_cell)
    write_submission(course, "garbage_metadata", RIGHT, edit=garbage_metadata)
    submitted = course / "submitted"
    for student in ("notebook_is_link_to_kmsg", "notebook_is_fifo", "notebook_too_large", "notebook_nested_deep",
                    "assignment_is_link"):
        (submitted / student).mkdir()
    (submitted / "notebook_is_link_to_kmsg" / "backprop").mkdir()
    os.symlink("/proc/kmsg", submitted / "notebook_is_link_to_kmsg" / "backprop" / NB)
    (submitted / "notebook_is_fifo" / "backprop").mkdir()
    os.mkfifo(submitted / "notebook_is_fifo" / "backprop" / NB)
    (submitted / "notebook_too_large" / "backprop").mkdir()
    padded = submission(course, RIGHT)
    padded.metadata["padding"] = "x" * (17 * 2 ** 20)
    nbformat.write(padded, submitted / "notebook_too_large" / "backprop" / NB)
    (submitted / "notebook_nested_deep" / "backprop").mkdir()
    (submitted / "notebook_nested_deep" / "backprop" / NB).write_text("[" * 100_000 + "]" * 100_000)
    os.symlink(submitted / "honest_right" / "backprop", submitted / "assignment_is_link" / "backprop")
    os.symlink(submitted / "honest_right", submitted / "student_is_link")
    (submitted / ".hidden_student" / "backprop").mkdir(parents=True)
    started = time.monotonic()
    summary = grade_folder(submitted, course / "graded", course=course, workers=2, progress=False, limits=FAST)
    seconds = time.monotonic() - started
    results = {r["student"]: r for r in load_results(course / "graded")}
    feedback = {p.parent.name: p.read_text() for p in (course / "graded" / "feedback").glob("*/backprop.txt")}
    return {"results": results, "summary": summary, "seconds": seconds, "feedback": feedback,
            "students": sorted(p.name for p in submitted.iterdir() if not p.name.startswith("."))}


def test_every_student_has_a_result_and_nobody_is_left_ungraded(attacked):
    assert sorted(attacked["results"]) == attacked["students"]
    assert attacked["summary"].not_graded == {}
    assert all(len(r["exercises"]) == 5 for r in attacked["results"].values())


@pytest.mark.parametrize("student", HONEST_TOTALS)
def test_honest_grades_do_not_change(attacked, student):
    assert total(attacked["results"][student]) == HONEST_TOTALS[student]


@pytest.mark.parametrize("student, words", [
    ("deep_expression", "RecursionError"),
    ("report_not_an_object", "report was damaged (a report line is not an object)"),
    ("report_nested_deep", "report was damaged (a report line is nested too deeply)"),
    ("report_wrong_types", "report for this exercise was unusable (observation field error has the wrong type)"),
    ("report_claims_terabytes", "report for this exercise was unusable (array data does not match its shape)"),
    ("report_flood", "its report grew past 32 MiB"),
    ("report_many_lines", "its report had more than 5000 lines"),
    ("forks_for_memory", "it used more than 1024 MiB of memory"),
    ("forks_busy_ignoring_alarms", "processes busy at once (one is allowed)"),
    ("imports_reference_by_name", "ModuleNotFoundError"),
])
def test_the_attacker_scores_zero_on_what_it_attacked_and_is_told_why(attacked, student, words):
    result = attacked["results"][student]
    row = exercise(result, "sigmoid")
    assert row["score"] == 0
    text = row["message"] + "\n" + "\n".join(result["problems"])
    assert words in text, text


@pytest.mark.parametrize("student", ["atexit_rewrites_report", "fills_the_disk", "lookup_table",
                                     "fixes_after_test"])
def test_attacks_that_change_nothing_leave_the_wrong_answer_wrong(attacked, student):
    result = attacked["results"][student]
    assert exercise(result, "sigmoid")["score"] == 0
    assert exercise(result, "sigmoid_derivative")["score"] == exercise(result, "mse_loss")["score"] == 1


def test_an_answer_sheet_from_the_released_package_is_flagged_and_scores_zero(attacked):
    result = attacked["results"]["lookup_table"]
    assert exercise(result, "sigmoid")["score"] == 0
    assert any("holds a table of 32 or more numbers" in f for f in result["flags"])


def test_a_flood_of_flags_is_cut_short(attacked):
    flags = attacked["results"]["floods_the_flags"]["flags"]
    assert len(flags) == 51 and flags[-1].startswith("… and ") and flags[-1].endswith(" more flags")


def test_host_files_cannot_be_smuggled_into_feedback(attacked):
    result = attacked["results"]["smuggles_host_files"]
    text = json.dumps(result) + attacked["feedback"]["smuggles_host_files"]
    assert "root:x:0:0" not in text and "LEAK root" not in text
    assert total(result) == 5  # the answer itself is right


def test_the_function_is_graded_as_it_stood_at_its_test_cell(attacked):
    assert exercise(attacked["results"]["redefines_after_test"], "sigmoid")["score"] == 1
    assert exercise(attacked["results"]["fixes_after_test"], "sigmoid")["score"] == 0


def test_a_duplicate_grade_id_is_reported_and_the_first_cell_graded(attacked):
    result = attacked["results"]["duplicate_grade_id"]
    assert any("two cells have the grade_id 'sigmoid'" in p for p in result["problems"])
    assert total(result) == 5


def test_garbage_metadata_is_reported_and_the_functions_still_graded(attacked):
    result = attacked["results"]["garbage_metadata"]
    assert any("have damaged nbgrader metadata" in p for p in result["problems"])
    assert total(result) == 5  # the functions are right; the damage is reported, not scored


@pytest.mark.parametrize("student, words", [
    ("notebook_is_link_to_kmsg", f"{NB} is a symbolic link; it was not opened"),
    ("notebook_is_fifo", f"{NB} is a named pipe (FIFO); it was not read"),
    ("notebook_too_large", "over the 16 MiB limit; it was not read"),
    ("notebook_nested_deep", "its JSON is nested too deeply"),
    ("assignment_is_link", "submitted/assignment_is_link/backprop is a symbolic link, not a folder"),
    ("student_is_link", "submitted/student_is_link is a symbolic link, not a folder"),
])
def test_links_and_special_files_in_submitted_are_reported_never_opened(attacked, student, words):
    result = attacked["results"][student]
    assert total(result) == 0
    assert any(words in p for p in result["problems"]), result["problems"]
    assert words in attacked["feedback"][student]


def test_hidden_entries_of_submitted_are_skipped_and_said(attacked):
    assert any(".hidden_student" in line and "not a usable student id" in line
               for line in attacked["summary"].lines())


def test_no_attack_holds_the_class_for_long(attacked):
    # 36 submissions on 2 workers; the slowest attacks are killed by the watchdog within seconds
    assert attacked["seconds"] < 150
