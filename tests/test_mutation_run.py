"""A mutation run over the reference implementations: the graders reject at least 95% of mutants.

The survivors that remain are printed; each has been read and is equivalent to the original
(for example `x.reshape(-1)` → `x.reshape(-2)`, which numpy treats the same way).
"""
import pytest

import checker
from mutation import EXERCISE_MODULE, build, mutations, reference_copy


@pytest.mark.parametrize("exercise", EXERCISE_MODULE)
def test_a_pasted_copy_of_the_reference_passes(exercise):
    result = checker.check(exercise, reference_copy(exercise), show=False)
    assert result.passed, result.message


@pytest.mark.slow
def test_at_least_95_percent_of_reference_mutants_are_rejected():
    total, survivors = 0, []
    for exercise in EXERCISE_MODULE:
        for mutation in mutations(exercise):
            total += 1
            if checker.check(exercise, build(mutation), show=False, time_limit=2).passed:
                survivors.append(f"{exercise}: {mutation.description}")
    rejected = 1 - len(survivors) / total
    print(f"\n{total} mutants, {rejected:.1%} rejected; survivors:\n  " + "\n  ".join(survivors))
    assert total >= 100
    assert rejected >= 0.95
