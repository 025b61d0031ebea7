"""The trusted grading engine against `nbgrader autograde`, on the same submitted/ folder, same run.

N simulated submissions of backprop/01_sigmoid_and_mse (three graded exercises): a mix of right
answers, wrong ones and unattempted ones. Prints both wall times, the throughput ratio, and
whether the two gave every submission the same score. Target: ≥ 10× on 2 cores, same scores.
    python benchmarks/engine_throughput.py [--submissions 200]
"""
import argparse
import csv
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
RIGHT = {"sigmoid": "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n",
         "sigmoid_derivative": "def sigmoid_derivative(o):\n    return o * (1 - o)\n",
         "mse_loss": "def mse_loss(o, t):\n    return 0.5 * np.sum((o - t) ** 2) / o.shape[0]\n"}
VARIANTS = [RIGHT, {**RIGHT, "mse_loss": "def mse_loss(o, t):\n    return np.mean((o - t) ** 2)\n"},
            {"sigmoid": RIGHT["sigmoid"]}, {**RIGHT, "sigmoid_derivative": "def sigmoid_derivative(o):\n    return 1 - o**2\n"}]


def env():
    return dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])


def run(course, *args):
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", *args], cwd=course, env=env(), check=True, capture_output=True)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=200)
    n = parser.parse_args().submissions
    with tempfile.TemporaryDirectory() as scratch:
        course = Path(scratch)
        (course / "notebooks" / "backprop").mkdir(parents=True)
        shutil.copy(ROOT / "notebooks" / "backprop" / NOTEBOOK, course / "notebooks" / "backprop")
        shutil.copy(ROOT / "nbgrader_config.py", course)
        run(course, "nbgrader", "generate_assignment", "backprop", "--force")
        for i in range(n):
            nb = nbformat.read(course / "release" / "backprop" / NOTEBOOK, as_version=4)
            answers = VARIANTS[i % len(VARIANTS)]
            for cell in nb.cells:
                meta = cell.metadata.get("nbgrader", {})
                if meta.get("solution") and meta["grade_id"] in answers:
                    cell.source = answers[meta["grade_id"]]
            folder = course / "submitted" / f"student{i:03d}" / "backprop"
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / NOTEBOOK)
        engine = run(course, "checker", "grade", "submitted", "--course", str(course), "--out", "graded")
        nbgrader = run(course, "nbgrader", "autograde", "backprop", "--force")
        run(course, "nbgrader", "export", "--to=nbgrader.csv")
        with open(course / "nbgrader.csv", newline="") as f:
            theirs = {r["student_id"]: float(r["raw_score"]) for r in csv.DictReader(f)}
        ours = {}
        with open(course / "graded" / "grades.csv", newline="") as f:
            for r in csv.DictReader(f):
                ours[r["student"]] = ours.get(r["student"], 0.0) + float(r["score"])
    same = ours == theirs
    print(f"{n} submissions, {os.cpu_count()} cores")
    print(f"  nbgrader autograde:        {nbgrader:7.1f} s  ({nbgrader / n:.2f} s per submission)")
    print(f"  checker grade (sandboxed): {engine:7.1f} s  ({engine / n:.2f} s per submission, start-up included)")
    print(f"  throughput ratio: {nbgrader / engine:.1f}× (target ≥ 10×); identical scores: {same}")


if __name__ == "__main__":
    main()
