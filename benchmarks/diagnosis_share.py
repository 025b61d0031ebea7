"""Share of the corpus's buggy functions that get a named diagnosis, a property message, or a generic message.

The corpus is CORPUS in tests/test_diagnosis_corpus.py: learner functions, each with the diagnosis
the checker should give. Every buggy one (right answers are left out) is checked with
checker.check and counted, per exercise and in total, in exactly one column:
    named             r.mistake is the expected id (for a property entry: r.property is the expected
                      property; for an entry accepting several outcomes: any of them)
    named differently r.mistake is some other mistake id
    property message  r.property is set and r.mistake is not (a property other than the expected one)
    generic           neither a mistake id nor a property
    passed wrongly    r.passed, for a function that is wrong
and, whatever was expected, by the kind of message the learner gets: a mistake id (its own
explanation and hint), a property message (which property of a right answer fails), or the generic one.
    python benchmarks/diagnosis_share.py
"""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import checker  # noqa: E402
from test_diagnosis_corpus import CORPUS, outcome_matches as matches  # noqa: E402

COLUMNS = ["named", "named differently", "property message", "generic", "passed wrongly"]


def classify(r, expected) -> str:
    if r.passed:
        return "passed wrongly"
    if matches(r, expected):
        return "named"
    if r.mistake is not None:
        return "named differently"
    if getattr(r, "property", None) is not None:
        return "property message"
    return "generic"


def row(label, counts, width):
    total = sum(counts.values())
    cells = [f"{counts[c]:3d} {100.0 * counts[c] / total if total else 0.0:5.1f}%" for c in COLUMNS]
    return f"{label:<{width}} {total:5d}  " + "  ".join(f"{cell:>{max(len(c), 10)}}" for cell, c in zip(cells, COLUMNS))


def main():
    buggy = [(ex, fn, expected, family) for ex, fn, expected, family in CORPUS if expected[0] != "passes"]
    per_exercise: dict[str, dict[str, int]] = {}
    misses, kinds = [], dict.fromkeys(["mistake id", "property message", "generic", "passed"], 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for ex, fn, expected, family in buggy:
            r = checker.check(ex, fn, show=False)
            column = classify(r, expected)
            kinds["passed" if r.passed else "mistake id" if r.mistake else
                  "property message" if getattr(r, "property", None) else "generic"] += 1
            per_exercise.setdefault(ex, dict.fromkeys(COLUMNS, 0))[column] += 1
            if column != "named":
                misses.append((ex, family, fn.__name__, column, r.mistake, getattr(r, "property", None)))

    width = max(len("total"), *(len(ex) for ex in per_exercise))
    header = f"{'exercise':<{width}} {'buggy':>5}  " + "  ".join(f"{c:>{max(len(c), 10)}}" for c in COLUMNS)
    print(f"{len(buggy)} buggy functions in the corpus ({len(CORPUS) - len(buggy)} right answers not counted)")
    print()
    print(header)
    print("-" * len(header))
    total = dict.fromkeys(COLUMNS, 0)
    for ex in sorted(per_exercise):
        print(row(ex, per_exercise[ex], width))
        for c in COLUMNS:
            total[c] += per_exercise[ex][c]
    print("-" * len(header))
    print(row("total", total, width))
    print()
    print("by kind of message: " + ", ".join(f"{k} {n} ({100.0 * n / len(buggy):.1f}%)" for k, n in kinds.items()))
    if misses:
        print()
        print("not named as expected:")
        for ex, family, name, column, mistake, prop in misses:
            print(f"  {ex}/{family}: {name}: {column} (mistake={mistake}, property={prop})")


if __name__ == "__main__":
    main()
