"""The EMA reference against independent oracles: a loop, pandas, closed forms."""
import math

import numpy as np
import pandas as pd
import pytest

from checker.reference import (WeightEMA, bias_correction, ema, ema_bias_corrected, ema_update,
                               warmup_decay)

BETAS = [0.0, 0.5, 0.9, 0.99, 0.999]


def loop_ema(thetas, beta):
    v, out = 0.0, []
    for theta in thetas:
        v = beta * v + (1 - beta) * theta
        out.append(v)
    return np.array(out)


@pytest.fixture
def temperatures():
    return np.random.default_rng(0).normal(15, 5, size=2000)


@pytest.mark.parametrize("beta", BETAS)
def test_ema_equals_the_recurrence_written_as_a_loop(temperatures, beta):
    assert np.allclose(ema(temperatures, beta), loop_ema(temperatures, beta), rtol=1e-13)


@pytest.mark.parametrize("beta", BETAS)
def test_corrected_ema_equals_pandas_ewm_adjust_true(temperatures, beta):
    expected = pd.Series(temperatures).ewm(alpha=1 - beta, adjust=True).mean().to_numpy()
    assert np.max(np.abs(ema_bias_corrected(temperatures, beta) - expected)) < 1e-11


@pytest.mark.parametrize("beta", [0.5, 0.9, 0.99])
def test_pandas_adjust_false_is_not_the_corrected_ema(temperatures, beta):
    adjust_false = pd.Series(temperatures).ewm(alpha=1 - beta, adjust=False).mean().to_numpy()
    assert np.max(np.abs(ema_bias_corrected(temperatures, beta) - adjust_false)) > 1e-3
    # adjust=False is the recursion that starts at v_1 = θ_1 instead of v_0 = 0
    starts_at_theta1 = [temperatures[0]]
    for theta in temperatures[1:]:
        starts_at_theta1.append(beta * starts_at_theta1[-1] + (1 - beta) * theta)
    assert np.allclose(adjust_false, starts_at_theta1, rtol=1e-12)


@pytest.mark.parametrize("beta", [0.5, 0.9, 0.99, 0.999])
def test_corrected_ema_equals_a_plain_ema_with_step_dependent_decay(temperatures, beta):
    v, out = 0.0, []
    for t, theta in enumerate(temperatures, start=1):
        beta_t = (beta - beta ** t) / (1 - beta ** t)
        v = beta_t * v + (1 - beta_t) * theta
        out.append(v)
    assert np.allclose(ema_bias_corrected(temperatures, beta), out, rtol=1e-11)


def test_beta_zero_means_no_smoothing(temperatures):
    assert np.array_equal(ema(temperatures, 0.0), temperatures)
    assert np.array_equal(ema_bias_corrected(temperatures, 0.0), temperatures)


@pytest.mark.parametrize("beta", BETAS)
def test_first_corrected_value_is_theta_1(beta):
    assert ema_bias_corrected([7.5], beta)[0] == pytest.approx(7.5, rel=1e-14)
    assert ema([7.5], beta)[0] == pytest.approx((1 - beta) * 7.5, rel=1e-14)


def test_vector_valued_theta_is_averaged_per_component():
    thetas = np.random.default_rng(1).normal(size=(300, 2, 3))
    out = ema_bias_corrected(thetas, 0.9)
    assert out.shape == thetas.shape
    for i in range(2):
        for j in range(3):
            assert np.allclose(out[:, i, j], ema_bias_corrected(thetas[:, i, j], 0.9), rtol=1e-14)


def test_empty_series_gives_an_empty_result():
    assert ema([], 0.9).shape == (0,) and ema_bias_corrected([], 0.9).shape == (0,)


@pytest.mark.parametrize("beta", [1.0, -0.1, 1.5])
def test_beta_outside_zero_one_is_rejected(beta):
    with pytest.raises(ValueError, match="β"):
        ema([1.0, 2.0], beta)


def test_inputs_are_not_changed_and_ints_are_averaged_as_floats():
    thetas = np.arange(10)
    before = thetas.copy()
    out = ema_bias_corrected(thetas, 0.9)
    assert np.array_equal(thetas, before) and out.dtype == np.float64
    assert ema_bias_corrected(thetas, 0.9)[1] == pytest.approx((0.1 * 0 * 0.9 + 0.1 * 1) / (1 - 0.81))


@pytest.mark.parametrize("beta", [0.9, 0.99, 0.999])
def test_the_last_1_over_1_minus_beta_values_carry_about_1_minus_1_over_e_of_the_weight(beta):
    window = round(1 / (1 - beta))
    T = 20 * window
    last_window = np.zeros(T)
    last_window[-window:] = 1.0  # the EMA of this indicator is the weight those values carry
    weight = ema(last_window, beta)[-1]
    assert weight == pytest.approx(1 - beta ** window, rel=1e-12)
    assert abs(weight - (1 - 1 / math.e)) < 0.02


@pytest.mark.parametrize("beta", [0.5, 0.9, 0.99])
def test_lag_on_a_ramp_is_beta_over_1_minus_beta(beta):
    T = int(60 / (1 - beta))
    ramp = np.arange(1, T + 1, dtype=float)
    lag = ramp[-1] - ema(ramp, beta)[-1]
    assert lag == pytest.approx(beta / (1 - beta), rel=1e-9)


def test_ten_million_steps_at_beta_0999_stay_finite_and_exact():
    T, beta, c = 10_000_000, 0.999, 3.25
    constant = np.full(T, c)
    corrected = ema_bias_corrected(constant, beta)
    assert np.all(np.isfinite(corrected))
    assert np.max(np.abs(corrected - c)) < 1e-12 * c
    t = np.arange(1, T + 1)
    plain = ema(constant, beta)
    assert np.max(np.abs(plain - c * (1 - beta ** t))) < 1e-12 * c
    ramp = t.astype(float)
    # closed form of the zero-start EMA of θ_t = t
    closed = t - beta / (1 - beta) * (1 - beta ** t)
    assert np.max(np.abs(ema(ramp, beta) - closed) / closed) < 1e-10


def test_bias_correction_is_exact_near_one_and_saturates_without_overflow():
    c = bias_correction(5_000_000, 0.999999)
    assert c[0] == pytest.approx(1e-6, rel=1e-9)
    assert np.all(np.isfinite(c)) and c[-1] == pytest.approx(1 - math.exp(-5), rel=1e-6)
    assert bias_correction(100_000, 0.9)[-1] == 1.0


def test_ema_update_is_one_step_of_the_recurrence_on_lists_and_makes_new_arrays():
    rng = np.random.default_rng(2)
    shadow = [rng.normal(size=(3, 2)), rng.normal(size=4)]
    params = [rng.normal(size=(3, 2)), rng.normal(size=4)]
    before = [a.copy() for a in shadow + params]
    new = ema_update(shadow, params, 0.9)
    assert isinstance(new, list) and len(new) == 2
    for s, p, n in zip(shadow, params, new):
        assert np.allclose(n, 0.9 * s + 0.1 * p, rtol=1e-15) and n is not s
    assert all(np.array_equal(a, b) for a, b in zip(shadow + params, before))


def test_weight_ema_default_starts_at_the_parameters_and_follows_ema_update():
    rng = np.random.default_rng(3)
    params = [rng.normal(size=(2, 2))]
    tracker = WeightEMA(params, 0.9)
    shadow = [params[0].copy()]
    for _ in range(5):
        params = [p + rng.normal(size=p.shape) for p in params]
        tracker.update(params)
        shadow = ema_update(shadow, params, 0.9)
    assert np.allclose(tracker.average()[0], shadow[0], rtol=1e-14)


def test_weight_ema_with_bias_correction_is_the_corrected_ema_of_the_parameter_history():
    history = np.random.default_rng(4).normal(size=(50, 3))
    tracker = WeightEMA([np.zeros(3)], 0.99, bias_correction=True)
    for theta in history:
        tracker.update([theta])
    assert np.allclose(tracker.average()[0], ema_bias_corrected(history, 0.99)[-1], rtol=1e-12)


def test_warmup_decay_follows_tensorflows_schedule_and_caps_at_beta():
    assert [warmup_decay(0.999, n) for n in range(3)] == pytest.approx([1 / 10, 2 / 11, 3 / 12])
    assert warmup_decay(0.9, 10_000) == 0.9
    tracker = WeightEMA([np.zeros(1)], 0.999, warmup=True)
    assert tracker.decay() == pytest.approx(0.1)
    tracker.update([np.ones(1)])
    assert tracker.decay() == pytest.approx(2 / 11) and tracker.num_updates == 1


def test_swapped_puts_the_average_in_place_and_restores_the_exact_parameters():
    rng = np.random.default_rng(5)
    params = [rng.normal(size=(3, 3)), rng.normal(size=3)]
    tracker = WeightEMA(params, 0.5)
    tracker.update([p + 1.0 for p in params])
    live = [p.copy() for p in params]
    with tracker.swapped(params):
        for p, a in zip(params, tracker.average()):
            assert np.array_equal(p, a)
    assert all(np.array_equal(p, q) for p, q in zip(params, live))


@pytest.mark.parametrize("beta", [0.5, 0.9, 0.999])
def test_correcting_only_the_start_up_steps_is_exact(beta):
    thetas = np.random.default_rng(6).normal(size=60_000)
    full_division = ema(thetas, beta) / bias_correction(len(thetas), beta)
    assert np.array_equal(ema_bias_corrected(thetas, beta), full_division)
