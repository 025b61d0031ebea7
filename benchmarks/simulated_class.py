"""A scratch nbgrader course with one notebook (backprop/01_sigmoid_and_mse: five graded
exercises, three functions and two derivations) and a class of simulated submissions, for the grading benchmarks."""
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = "01_sigmoid_and_mse.ipynb"
RIGHT = {"sigmoid": "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n",
         "sigmoid_derivative": "def sigmoid_derivative(o):\n    return o * (1 - o)\n",
         "mse_loss": "def mse_loss(o, t):\n    return 0.5 * np.sum((o - t) ** 2) / o.shape[0]\n",
         "d_sigmoid_in_o": 'answer = "o*(1 - o)"\n', "d_mse_d_o": 'answer = "o - t"\n'}


def run(course: Path, *args: str) -> float:
    """`python -m ARGS` in the course folder (with this interpreter's bin on PATH); seconds taken."""
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", *args], cwd=course, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def make_class(course: Path, answers: list) -> None:
    """Release the notebook in `course` and submit it once per entry of `answers` (answer cell
    grade_id -> source), as student000, student001, …"""
    (course / "notebooks" / "backprop").mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / "backprop" / NOTEBOOK, course / "notebooks" / "backprop")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    run(course, "nbgrader", "generate_assignment", "backprop", "--force")
    for i, student_answers in enumerate(answers):
        nb = nbformat.read(course / "release" / "backprop" / NOTEBOOK, as_version=4)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution") and meta["grade_id"] in student_answers:
                cell.source = student_answers[meta["grade_id"]]
        folder = course / "submitted" / f"student{i:03d}" / "backprop"
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / NOTEBOOK)
