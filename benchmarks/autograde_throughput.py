"""nbgrader autograde throughput on this course: seconds per submission and the fixed start-up cost.

A scratch course with the notebook backprop/01_sigmoid_and_mse (three graded exercises) and N
correct submissions. Baseline in the same run: autograding one submission, which is mostly
start-up. With t(1) = a + b and t(N) = a + N·b, b is the cost per submission and a the fixed cost.
    python benchmarks/autograde_throughput.py [--submissions 20]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = "01_sigmoid_and_mse.ipynb"
ANSWERS = {
    "sigmoid": "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n",
    "sigmoid_derivative": "def sigmoid_derivative(o):\n    return o * (1 - o)\n",
    "mse_loss": "def mse_loss(o, t):\n    return 0.5 * np.sum((o - t) ** 2) / o.shape[0]\n",
}


def nbgrader(course, *args):
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
    subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, check=True,
                   capture_output=True)


def timed(course, *args) -> float:
    started = time.perf_counter()
    nbgrader(course, *args)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=20)
    n = parser.parse_args().submissions
    with tempfile.TemporaryDirectory() as scratch:
        course = Path(scratch)
        (course / "notebooks" / "backprop").mkdir(parents=True)
        shutil.copy(ROOT / "notebooks" / "backprop" / NOTEBOOK, course / "notebooks" / "backprop")
        shutil.copy(ROOT / "nbgrader_config.py", course)
        nbgrader(course, "generate_assignment", "backprop", "--force")
        nb = nbformat.read(course / "release" / "backprop" / NOTEBOOK, as_version=4)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in ANSWERS:
                cell.source = ANSWERS[grade_id]
        for i in range(n):
            folder = course / "submitted" / f"student{i:03d}" / "backprop"
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / NOTEBOOK)
        one = timed(course, "autograde", "backprop", "--force", "--student=student000")
        everyone = timed(course, "autograde", "backprop", "--force")
    per_submission = (everyone - one) / (n - 1)
    print(f"nbgrader autograde, one notebook with 3 graded exercises per submission:")
    print(f"  1 submission:   {one:6.1f} s   (baseline: mostly start-up)")
    print(f"  {n} submissions: {everyone:6.1f} s")
    print(f"  per submission: {per_submission:6.2f} s;  fixed start-up cost: {one - per_submission:5.2f} s")
    print(f"  throughput: {3600 / per_submission:,.0f} submissions per hour, one after another")


if __name__ == "__main__":
    main()
