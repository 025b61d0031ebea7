"""Derivation exercises of the EMA notebook: the weight of one past value, the share of the last n,
the bias-correction factor, the lag behind a ramp, the variance on white noise, and the steps the
correction matters for."""
from __future__ import annotations

import math

from .derivation import Derivation, Domain, Misconception

BETA = Domain(0.05, 0.97)
AGE = Domain(1, 30, integer=True)
STEP = Domain(1, 60, integer=True)


class WeightOfAge(Derivation):
    id = "ema_weight_k"
    notebook = "ema/01_moving_average"
    symbols = {"beta": BETA, "k": AGE}
    right = "(1 - beta)*beta^k"

    @property
    def misconceptions(self):
        return [Misconception("weight_power_of_one_minus_beta", ["(1 - beta)^k", "beta*(1 - beta)^(k - 1)"]),
                Misconception("weight_missing_one_minus_beta", ["beta^k", "beta^(k - 1)", "beta^(k + 1)"]),
                Misconception("weight_off_by_one", ["(1 - beta)*beta^(k - 1)", "(1 - beta)*beta^(k + 1)"]),
                Misconception("weight_roles_swapped", ["beta*(1 - beta)^k"])]


class WindowShare(Derivation):
    id = "ema_window_share"
    notebook = "ema/01_moving_average"
    symbols = {"beta": BETA, "n": AGE}
    right = "1 - beta^n"

    @property
    def misconceptions(self):
        return [Misconception("window_share_linear", ["n*(1 - beta)"]),
                Misconception("window_share_remainder", ["beta^n"]),
                Misconception("window_share_off_by_one", ["1 - beta^(n + 1)", "1 - beta^(n - 1)"]),
                Misconception("window_share_one_weight", ["(1 - beta)*beta^n", "(1 - beta)*beta^(n - 1)"])]


class BiasFactor(Derivation):
    id = "ema_bias_factor"
    notebook = "ema/01_moving_average"
    symbols = {"beta": BETA, "t": STEP}
    right = "1/(1 - beta^t)"

    @property
    def misconceptions(self):
        return [Misconception("correction_multiplies", ["1 - beta^t"]),
                Misconception("correction_missing_power", ["1/(1 - beta)"]),
                Misconception("correction_off_by_one", ["1/(1 - beta^(t - 1))", "1/(1 - beta^(t + 1))"]),
                Misconception("correction_precedence", ["1/(1 - beta)^t"])]


class RampLag(Derivation):
    id = "ema_ramp_lag"
    notebook = "ema/01_moving_average"
    symbols = {"beta": BETA}
    right = "beta/(1 - beta)"

    @property
    def misconceptions(self):
        return [Misconception("window_as_lag", ["1/(1 - beta)"]),
                Misconception("lag_inverted", ["(1 - beta)/beta"]),
                Misconception("boxcar_lag", ["beta/(2*(1 - beta))", "1/(2*(1 - beta))"])]


class NoiseVariance(Derivation):
    id = "ema_noise_variance"
    notebook = "ema/01_moving_average"
    symbols = {"beta": BETA}
    right = "(1 - beta)/(1 + beta)"

    @property
    def misconceptions(self):
        return [Misconception("variance_window_count", ["1 - beta"]),
                Misconception("variance_newest_weight_only", ["(1 - beta)^2"]),
                Misconception("variance_weights_not_squared", ["1/(1 + beta)"]),
                Misconception("std_not_variance", ["sqrt((1 - beta)/(1 + beta))"])]


def steps_to_reach(share: float, beta: float) -> int:
    """The smallest t with 1 − β^t ≥ share, by counting (no logarithms to round)."""
    t = 1
    while 1 - beta ** t < share:
        t += 1
    return t


class StepsTo99(Derivation):
    id = "ema_steps_to_99"
    notebook = "ema/01_moving_average"
    symbols = {}
    integer = True
    tolerance = 1e-9
    beta, share = 0.9, 0.99

    def right_value(self):
        return steps_to_reach(self.share, self.beta)

    @property
    def misconceptions(self):
        right = self.right_value()
        exact = math.log(1 - self.share) / math.log(self.beta)          # 43.7…: not yet rounded up
        approx = math.log(1 / (1 - self.share)) / (1 - self.beta)       # β^t ≈ e^(−t(1 − β))
        return [Misconception("steps_rounded_down", [right - 1]),
                Misconception("steps_not_whole", [lambda x: abs(x - exact) < 0.05, lambda x: x != round(x)]),
                Misconception("steps_window", [1 / (1 - self.beta)]),
                Misconception("steps_exp_approximation", [math.floor(approx), math.ceil(approx)]),
                Misconception("steps_for_90_percent", [steps_to_reach(0.9, self.beta)])]
