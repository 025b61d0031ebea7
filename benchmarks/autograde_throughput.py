"""nbgrader autograde throughput on this course: seconds per submission and the fixed start-up cost.

A scratch course with the notebook backprop/01_sigmoid_and_mse (five graded exercises) and N
correct submissions. Baseline in the same run: autograding one submission, which is mostly
start-up. With t(1) = a + b and t(N) = a + N·b, b is the cost per submission and a the fixed cost.
    python benchmarks/autograde_throughput.py [--submissions 20]
"""
import argparse
import tempfile
from pathlib import Path

from simulated_class import RIGHT, make_class, run


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=20)
    n = parser.parse_args().submissions
    with tempfile.TemporaryDirectory() as scratch:
        course = Path(scratch)
        make_class(course, [RIGHT] * n)
        one = run(course, "nbgrader", "autograde", "backprop", "--force", "--student=student000")
        everyone = run(course, "nbgrader", "autograde", "backprop", "--force")
    per_submission = (everyone - one) / (n - 1)
    print("nbgrader autograde, one notebook with 5 graded exercises per submission:")
    print(f"  1 submission:   {one:6.1f} s   (baseline: mostly start-up)")
    print(f"  {n} submissions: {everyone:6.1f} s")
    print(f"  per submission: {per_submission:6.2f} s;  fixed start-up cost: {one - per_submission:5.2f} s")
    print(f"  throughput: {3600 / per_submission:,.0f} submissions per hour, one after another")


if __name__ == "__main__":
    main()
