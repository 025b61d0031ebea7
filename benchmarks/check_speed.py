"""How long checker.check takes for every exercise, run on a pasted copy of the reference.

Baseline, measured in the same run: calling those functions on the same cases with no checking.
Target: every check together in under 1 s.
    python benchmarks/check_speed.py [--repeats 5]
"""
import argparse
import importlib
import inspect
import time

import checker
from checker.exercises import DERIVATIONS, FUNCTION_EXERCISES, REGISTRY


def learner_copies():
    """The reference functions compiled afresh, as if pasted into a notebook."""
    namespace = {"__name__": "__main__"}
    for module in sorted({inspect.getmodule(REGISTRY[e].reference) for e in FUNCTION_EXERCISES}, key=lambda m: m.__name__):
        exec(compile(inspect.getsource(module), "<notebook>", "exec"), namespace)
    importlib.import_module("scipy.signal")   # the reference's ema loads it on first use; a notebook imports it up front
    return namespace


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    copies = learner_copies()
    for exercise in DERIVATIONS:   # a derivation's answer: its right expression, or its number
        ex = REGISTRY[exercise]
        copies[exercise] = ex.right if ex.symbols else ex.right_value()
    per_exercise, total_check, total_bare = {}, float("inf"), float("inf")
    for _ in range(args.repeats):
        started = time.perf_counter()
        for exercise in checker.EXERCISES:
            t = time.perf_counter()
            result = checker.check(exercise, copies[exercise], show=False)
            per_exercise[exercise] = min(per_exercise.get(exercise, 1e9), time.perf_counter() - t)
            assert result.passed, result.message
        total_check = min(total_check, time.perf_counter() - started)
        started = time.perf_counter()
        for exercise in FUNCTION_EXERCISES:
            for case in REGISTRY[exercise].cases(0):
                copies[exercise](*case.call_args().values())
        total_bare = min(total_bare, time.perf_counter() - started)
    for exercise, seconds in per_exercise.items():
        print(f"  {exercise:20s} {seconds * 1e3:7.1f} ms")
    print(f"checking all {len(per_exercise)} exercises: {total_check * 1e3:.1f} ms (target < 1000 ms)")
    print(f"baseline, the same functions on the same cases unchecked: {total_bare * 1e3:.1f} ms")
    print(f"checking costs {total_check / total_bare:.1f}× the bare calls")


if __name__ == "__main__":
    main()
