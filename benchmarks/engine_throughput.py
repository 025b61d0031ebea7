"""The trusted grading engine against `nbgrader autograde`, on the same submitted/ folder, same run.

N simulated submissions of backprop/01_sigmoid_and_mse (five graded exercises): a mix of right
answers, wrong ones and unattempted ones. Prints both wall times, the throughput ratio, and
whether the two gave every submission the same score; then the engine alone on a class of
--class-size submissions (the total). Target: ≥ 10× nbgrader on 2 cores, same scores.
    python benchmarks/engine_throughput.py [--submissions 200] [--class-size 1000]
"""
import argparse
import csv
import os
import tempfile
from pathlib import Path

from simulated_class import RIGHT, make_class, run

VARIANTS = [RIGHT, {**RIGHT, "mse_loss": "def mse_loss(o, t):\n    return np.mean((o - t) ** 2)\n"},
            {"sigmoid": RIGHT["sigmoid"]},
            {**RIGHT, "sigmoid_derivative": "def sigmoid_derivative(o):\n    return 1 - o**2\n"}]


def totals(path: Path, student_column: str, score_column: str) -> dict:
    scores = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            scores[row[student_column]] = scores.get(row[student_column], 0.0) + float(row[score_column])
    return scores


def engine_alone(n: int) -> float:
    with tempfile.TemporaryDirectory() as scratch:
        course = Path(scratch)
        make_class(course, [VARIANTS[i % len(VARIANTS)] for i in range(n)])
        return run(course, "checker", "grade", "submitted", "--course", str(course), "--out", "graded")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--class-size", type=int, default=1000, help="the engine-only run (0: skip it)")
    args = parser.parse_args()
    n = args.submissions
    with tempfile.TemporaryDirectory() as scratch:
        course = Path(scratch)
        make_class(course, [VARIANTS[i % len(VARIANTS)] for i in range(n)])
        engine = run(course, "checker", "grade", "submitted", "--course", str(course), "--out", "graded")
        nbgrader = run(course, "nbgrader", "autograde", "backprop", "--force")
        run(course, "nbgrader", "export", "--to=nbgrader.csv")
        ours = totals(course / "graded" / "grades.csv", "student", "score")
        theirs = totals(course / "nbgrader.csv", "student_id", "raw_score")
        same = ours == theirs
        differ = sorted(s for s in set(ours) | set(theirs) if ours.get(s) != theirs.get(s))
    print(f"{n} submissions, {os.cpu_count()} cores")
    print(f"  nbgrader autograde:        {nbgrader:7.1f} s  ({nbgrader / n:.2f} s per submission)")
    print(f"  checker grade (sandboxed): {engine:7.1f} s  ({engine / n:.2f} s per submission, start-up included)")
    print(f"  throughput ratio: {nbgrader / engine:.1f}× (target ≥ 10×); identical scores: {same}")
    for student in differ[:10]:
        print(f"    differs: {student}: engine {ours.get(student)}, nbgrader {theirs.get(student)}")
    if args.class_size:
        total = engine_alone(args.class_size)
        print(f"engine alone, {args.class_size} submissions: {total:.1f} s in total "
              f"({total / args.class_size:.3f} s per submission; {args.class_size / total * 3600:.0f} per hour)")


if __name__ == "__main__":
    main()
