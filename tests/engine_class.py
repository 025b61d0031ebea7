"""A scratch course for the grading-engine tests: backprop/01_sigmoid_and_mse (functions
sigmoid, sigmoid_derivative, mse_loss and derivations d_sigmoid_in_o, d_mse_d_o; one point
each, 5 in all; its interview questions are marked by hand, not by the engine), released with nbgrader, and helpers to
submit answers into it and read the engine's results."""
import shutil
import subprocess
import sys

import nbformat

from checker.engine.sandbox import Limits
from notebooks import NOTEBOOKS, ROOT, nbgrader_meta, venv_env

NOTEBOOK = "01_sigmoid_and_mse.ipynb"
SOURCE = NOTEBOOKS / "backprop" / NOTEBOOK
RIGHT = {
    "sigmoid": "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n",
    "sigmoid_derivative": "def sigmoid_derivative(o):\n    return o * (1 - o)\n",
    "mse_loss": "def mse_loss(o, t):\n    return 0.5 * np.sum((o - t) ** 2) / o.shape[0]\n",
    "d_sigmoid_in_o": 'answer = "o*(1 - o)"\n',
    "d_mse_d_o": 'answer = "o - t"\n',
}
WRONG_SIGMOID = "\ndef sigmoid(z):\n    return z\n"
HONEST = {"honest_right": RIGHT, "honest_partly_wrong": {**RIGHT, "mse_loss": "def mse_loss(o, t):\n    return 0.0\n"},
          "honest_with_magics": {**RIGHT, "sigmoid": "%matplotlib inline\n!echo hi\n" + RIGHT["sigmoid"]}}
HONEST_TOTALS = {"honest_right": 5, "honest_partly_wrong": 4, "honest_with_magics": 5}
FAST = Limits(wall_seconds=20, cell_seconds=3, exercise_seconds=4)


def make_course(root):
    (root / "notebooks" / "backprop").mkdir(parents=True)
    shutil.copy(SOURCE, root / "notebooks" / "backprop")
    shutil.copy(ROOT / "nbgrader_config.py", root)
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", "backprop", "--force"],
                   cwd=root, env=venv_env(), check=True, capture_output=True)
    return root


def submission(course, answers, edit=None):
    """The released notebook with `answers` (grade_id -> source) in its answer cells."""
    nb = nbformat.read(course / "release" / "backprop" / NOTEBOOK, as_version=4)
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("solution") and meta["grade_id"] in answers:
            cell.source = answers[meta["grade_id"]]
    if edit:
        edit(nb)
    return nb


def write_submission(course, student, answers, edit=None, name=NOTEBOOK):
    folder = course / "submitted" / student / "backprop"
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(submission(course, answers, edit), folder / name)
    return folder / name


def total(result):
    return sum(row["score"] for row in result["exercises"])


def exercise(result, name):
    return next(row for row in result["exercises"] if row["exercise"] == name)
