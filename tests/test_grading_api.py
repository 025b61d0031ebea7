"""The public API of the graders: check, grade, EXERCISES, MISTAKES, CheckResult."""
import re
import warnings

import numpy as np
import pytest

import checker
from checker import MISTAKES, CheckResult
from checker.exercises import REGISTRY
from checker.grading import GRADE_SEED
from checker.harness.running import observe_all
from checker.judge import judge
from checker.harness.running import Observation

CONTRACT = ["sigmoid", "sigmoid_derivative", "mse_loss", "output_delta", "hidden_delta",
            "layer_gradients", "backprop", "numerical_gradient", "relative_error",
            "ema", "ema_bias_corrected", "ema_update"]


def output_delta(o, t):
    return (o - t) * o * (1 - o)


def output_delta_twice(o, t):
    return 2 * (o - t) * o * (1 - o)


def test_exercises_are_the_registry_and_hold_the_contracts_ids_in_order():
    from checker.exercises import REGISTRY
    assert checker.EXERCISES == tuple(REGISTRY)
    assert [e for e in checker.EXERCISES if e in CONTRACT] == CONTRACT


def test_every_mistake_has_a_one_line_explanation_and_a_hint():
    for mistake_id, entry in MISTAKES.items():
        assert re.fullmatch(r"[a-z][A-Za-z0-9_]*", mistake_id)
        assert entry.explanation and entry.hint and "\n" not in entry.explanation + entry.hint


def test_every_mutant_names_a_catalogued_mistake():
    for exercise in REGISTRY.values():
        for mutant in exercise.mutants:
            assert mutant.mistake in MISTAKES, (exercise.id, mutant.mistake)


def test_check_result_has_the_documented_fields():
    r = checker.check("output_delta", output_delta, show=False)
    assert isinstance(r, CheckResult)
    assert (r.exercise, r.passed, r.score, r.max_score, r.mistake) == ("output_delta", True, 2.0, 2.0, None)
    assert r.message.startswith("✓ output_delta: passed (2/2 points)")


def test_check_prints_plain_text_outside_jupyter(capsys):
    checker.check("output_delta", output_delta_twice)
    out = capsys.readouterr().out
    assert "✗ output_delta: not right yet" in out and "Hint:" in out and "<div" not in out


def test_the_rich_view_has_verdict_explanation_hint_and_case():
    r = checker.check("output_delta", output_delta_twice, show=False)
    page = r._repr_html_()
    assert "✗ output_delta" in page and "Hint:" in page and "Failing case" in page
    assert "½" in page and "<pre" in page


def test_check_is_reproducible():
    first = checker.check("output_delta", output_delta_twice, show=False).message
    assert checker.check("output_delta", output_delta_twice, show=False).message == first


def test_grade_passes_quietly_and_raises_assertion_error_on_failure(capfd):
    checker.grade("output_delta", output_delta)
    with pytest.raises(AssertionError, match="factor 2"):
        checker.grade("output_delta", output_delta_twice)
    captured = capfd.readouterr()
    assert captured.err == ""
    assert "✓ output_delta: passed" in captured.out


def test_grade_writes_nothing_to_stderr_even_for_noisy_correct_code(capfd):
    import sys

    def sigmoid(z):
        print("debugging to stderr", file=sys.stderr)
        warnings.warn("a learner's own warning")
        return 1 / (1 + np.exp(-z))  # overflows for z = −1e4, with a RuntimeWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # as strict as a test cell that fails on any warning
        checker.grade("sigmoid", sigmoid)
    assert capfd.readouterr().err == ""


def _expected_numbers(exercise_id):
    exercise = REGISTRY[exercise_id]
    numbers = set()
    for case in exercise.cases(GRADE_SEED):
        if case.public:   # a probe: the same fixed inputs for everyone, so nothing secret
            continue
        want = exercise.expected(case)
        for value in np.ravel(np.concatenate([np.ravel(w) for w in want])
                              if isinstance(want, (list, tuple)) else want):
            numbers.add(f"{value:.4f}")
            numbers.add(f"{value:.4g}")
    return {n for n in numbers if len(n.strip("-0.")) >= 3}


@pytest.mark.parametrize("exercise_id, wrong", [
    ("output_delta", output_delta_twice),
    ("hidden_delta", lambda o, delta_next, W_next: (delta_next @ W_next.T) * 0.9),
    ("ema_bias_corrected", lambda thetas, beta: np.asarray(thetas, float) * 0.5),
    ("mse_loss", lambda o, t: 1.2345),
])
def test_grade_messages_reveal_no_expected_values(exercise_id, wrong):
    with pytest.raises(AssertionError) as failure:
        checker.grade(exercise_id, wrong)
    message = str(failure.value)
    assert "expected:" not in message or "(a probe: the same for everyone)" in message
    leaked = [n for n in _expected_numbers(exercise_id) if n in message]
    assert leaked == []


def test_grade_uses_other_cases_than_check():
    seen = {}

    def spy(o, t):
        seen.setdefault("calls", []).append(o.copy())
        return (o - t) * o * (1 - o)

    checker.check("output_delta", spy, show=False)
    shown = seen.pop("calls")
    checker.grade("output_delta", spy)
    hidden = seen.pop("calls")
    probes = [c.args["o"] for c in REGISTRY["output_delta"].probe_cases()]   # public by design

    def is_probe(a):
        return any(a.shape == p.shape and np.array_equal(a, p) for p in probes)
    assert not any(a.shape == b.shape and np.allclose(a, b) for a in shown for b in hidden if not is_probe(a))


def test_the_judge_works_on_plain_observations_alone():
    exercise = REGISTRY["output_delta"]
    cases = exercise.cases(0)
    observations = observe_all(output_delta_twice, [c.call_args() for c in cases], time_limit=5)
    assert all(isinstance(o, Observation) for o in observations)
    verdict = judge(exercise, cases, observations)
    assert verdict.mistake == "factor_two"


def test_a_non_callable_is_reported_not_raised():
    r = checker.check("ema", [1, 2, 3], show=False)
    assert not r.passed and "cannot be called" in r.message


def test_grade_visible_uses_the_cases_check_shows():
    seen = []

    def spy(o, t):
        seen.append(o.copy())
        return (o - t) * o * (1 - o)

    checker.check("output_delta", spy, show=False)
    shown = list(seen)
    seen.clear()
    checker.grade("output_delta", spy, visible=True)
    assert len(seen) == len(shown) and all(np.array_equal(a, b) for a, b in zip(seen, shown))
