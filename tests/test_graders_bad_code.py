"""Bad learner code gets a clear message, and nothing escapes the check."""
import sys
import time

import numpy as np
import pytest

import checker
from checker import MISTAKES, reference


def check(exercise, fn, **kwargs):
    return checker.check(exercise, fn, show=False, **kwargs)


def test_not_implemented_reads_not_attempted_yet():
    def output_delta(o, t):
        raise NotImplementedError()

    r = check("output_delta", output_delta)
    assert not r.passed and r.mistake == "not_attempted" and r.score == 0
    assert "not attempted yet" in r.message


def test_an_exception_names_its_type_the_case_and_the_learners_line_only():
    def hidden_delta(o, delta_next, W_next):
        scale = o.shape[1] / (o.shape[0] - o.shape[0])  # ZeroDivisionError
        return scale * o

    r = check("hidden_delta", hidden_delta)
    assert not r.passed and r.mistake == "raised_exception"
    assert "ZeroDivisionError" in r.message
    assert "Failing case: N = 3" in r.message
    assert "scale = o.shape[1] / (o.shape[0] - o.shape[0])" in r.message
    assert "checker/harness/running.py" not in r.message and "checker/grading.py" not in r.message


def test_an_exception_inside_numpy_shows_the_learners_call_not_numpys_internals():
    def layer_gradients(o_prev, delta):
        return np.dot(o_prev, delta), delta.mean(axis=0)

    r = check("layer_gradients", layer_gradients)
    assert not r.passed and r.mistake == "raised_exception"
    assert "ValueError" in r.message and "np.dot(o_prev, delta)" in r.message
    assert "site-packages" not in r.message


def test_the_wrong_shape_reports_expected_and_received_shapes():
    def output_delta(o, t):
        return ((o - t) * o * (1 - o)).sum(axis=1)

    r = check("output_delta", output_delta)
    assert not r.passed and r.mistake == "wrong_shape"
    assert "expected shape (1, 2), got (1,)" in r.message


@pytest.mark.parametrize("returned, words", [
    (lambda z: [1 / (1 + np.exp(-v)) for v in np.ravel(z)], "got a list"),
    (lambda z: float(np.mean(z)), "got a single number"),
    (lambda z: "0.5", "got a str object"),
    (lambda z: (x for x in z), "got a generator object"),
], ids=["list", "scalar", "string", "generator"])
def test_the_wrong_type_is_named(returned, words):
    r = check("sigmoid", returned)
    assert not r.passed and r.mistake == "wrong_type"
    assert words in r.message and "expected a numpy array of shape (5,)" in r.message


def test_none_asks_about_a_missing_return():
    def sigmoid(z):
        1 / (1 + np.exp(-z))

    r = check("sigmoid", sigmoid)
    assert r.mistake == "returned_none" and "forget the `return`" in r.message


def test_a_scalar_where_an_array_belongs_for_a_tuple_output():
    r = check("layer_gradients", lambda o_prev, delta: 0.0)
    assert r.mistake == "wrong_type" and "expected a tuple of 2 items" in r.message


def test_an_integer_array_is_reported_as_truncated():
    def ema(thetas, beta):
        v, out = 0.0, np.zeros(thetas.shape, dtype=int)
        for t in range(len(thetas)):
            v = beta * v + (1 - beta) * thetas[t]
            out[t] = v
        return out

    r = check("ema", ema)
    assert not r.passed and r.mistake == "integer_dtype"
    assert "dtype int64" in r.message and "fractional parts were cut off" in r.message


def test_nan_is_reported_with_its_position():
    def sigmoid_derivative(o):
        d = o * (1 - o)
        d[..., 0] = np.nan
        return d

    r = check("sigmoid_derivative", sigmoid_derivative)
    assert not r.passed and r.mistake == "not_finite"
    assert "NaN or inf at index (0,)" in r.message


def test_an_input_changed_in_place_is_caught_even_when_the_output_is_right():
    def output_delta(o, t):
        o -= t                       # changes the caller's o
        return o * (o + t) * (1 - (o + t))

    r = check("output_delta", output_delta)
    assert not r.passed and r.mistake == "input_modified"
    assert "it changed o in place" in r.message


def test_a_list_input_changed_in_place_is_caught():
    def ema_update(shadow, params, beta):
        for i in range(len(shadow)):
            shadow[i] = beta * shadow[i] + (1 - beta) * params[i]
        return shadow

    r = check("ema_update", ema_update)
    assert r.mistake == "input_modified" and "shadow[0]" in r.message


def test_an_infinite_loop_is_stopped_at_the_time_limit():
    def ema(thetas, beta):
        while True:
            pass

    started = time.monotonic()
    r = check("ema", ema, time_limit=0.3)
    assert time.monotonic() - started < 3
    assert not r.passed and r.mistake == "too_slow" and MISTAKES["too_slow"].explanation in r.message


def test_an_infinite_loop_that_swallows_exceptions_is_still_stopped():
    def ema(thetas, beta):
        while True:
            try:
                while True:
                    pass
            except Exception:
                pass

    r = check("ema", ema, time_limit=0.3)
    assert r.mistake == "too_slow"


def test_sys_exit_in_learner_code_is_an_exception_not_an_exit():
    r = check("sigmoid", lambda z: sys.exit(3))
    assert r.mistake == "raised_exception" and "SystemExit" in r.message


class AlwaysEqual(np.ndarray):
    """An ndarray subclass that claims to equal anything."""

    def __eq__(self, other):
        return True

    def __array__(self, *args, **kwargs):
        return reference.sigmoid(np.zeros(5))

    @property
    def shape(self):
        return (5,)


def test_an_ndarray_subclass_is_judged_on_its_real_data():
    r = check("sigmoid", lambda z: np.zeros(np.shape(z)).view(AlwaysEqual))
    assert not r.passed and r.mistake != "uses_reference"
    r = check("sigmoid", lambda z: (1 / (1 + np.exp(-z))).view(AlwaysEqual))
    assert r.passed


class FakeArray:
    """Not an array: fakes equality, comparison and conversion."""

    def __init__(self, shape):
        self.shape = shape

    def __eq__(self, other):
        return True

    def __array__(self, *args, **kwargs):
        raise RuntimeError("should never be called")

    def __float__(self):
        return 0.5


def test_an_object_faking_eq_and_array_is_a_wrong_type_and_is_never_called():
    r = check("sigmoid", lambda z: FakeArray(np.shape(z)))
    assert not r.passed and r.mistake == "wrong_type" and "got a FakeArray object" in r.message


class FakeFloat(float):
    def __float__(self):
        return 0.0

    def __eq__(self, other):
        return True


def test_a_float_subclass_is_judged_on_its_real_value():
    def mse_loss(o, t):
        return FakeFloat(0.5 * np.sum((o - t) ** 2) / o.shape[0])

    assert check("mse_loss", mse_loss).passed
    assert not check("mse_loss", lambda o, t: FakeFloat(123.0)).passed


def test_monkeypatching_numpy_comparisons_does_not_fool_the_judge(monkeypatch):
    def sigmoid(z):
        np.allclose = lambda *a, **k: True
        np.array_equal = lambda *a, **k: True
        np.isclose = lambda *a, **k: np.ones(np.shape(a[0]), dtype=bool)
        return np.zeros(np.shape(z))

    monkeypatch.setattr(np, "allclose", np.allclose)
    monkeypatch.setattr(np, "array_equal", np.array_equal)
    monkeypatch.setattr(np, "isclose", np.isclose)
    assert not check("sigmoid", sigmoid).passed


def test_the_reference_itself_is_reported_and_fails():
    r = check("backprop", reference.backprop)
    assert not r.passed and r.mistake == "uses_reference"
    assert "checker.reference.backprop" in r.message


def test_a_function_that_calls_the_reference_is_reported():
    def output_delta(o, t):
        return (o - t) * reference.sigmoid_derivative(o)

    r = check("output_delta", output_delta)
    assert r.mistake == "uses_reference" and "sigmoid_derivative" in r.message
    with pytest.raises(AssertionError, match="reference"):
        checker.grade("output_delta", output_delta)


HOSTILE = [
    lambda *a, **k: 1 / 0,
    lambda *a, **k: None,
    lambda *a, **k: [],
    lambda *a, **k: {"a": 1},
    lambda *a, **k: np.array(["x"]),
    lambda *a, **k: np.array([1 + 2j]),
    lambda *a, **k: np.empty((0,)),
    lambda *a, **k: 10 ** 400,
    lambda *a, **k: np.float64("nan"),
    lambda *a, **k: (np.zeros(3),) * 100,
    lambda *a, **k: [[[[np.zeros(1)]]]],
    lambda *a, **k: FakeArray((1,)),
    lambda *a, **k: sys.exit(0),
    lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()),
    lambda: 0,
    "not a function",
]


@pytest.mark.parametrize("exercise", checker.EXERCISES)
def test_check_never_raises_on_hostile_functions(exercise):
    for fn in HOSTILE:
        r = check(exercise, fn, time_limit=1.0)
        assert not r.passed and r.score == 0 and r.message


def test_an_unknown_exercise_id_lists_the_valid_ones():
    with pytest.raises(ValueError, match="sigmoid, sigmoid_derivative"):
        check("sigmoids", lambda z: z)


def test_right_results_with_an_input_changed_in_place_do_not_read_as_wrong_results():
    def ema_update(shadow, params, beta):
        for s, p in zip(shadow, params):
            s *= beta
            s += (1 - beta) * p
        return shadow

    r = check("ema_update", ema_update)
    assert r.mistake == "input_modified" and "results are wrong" not in r.message
