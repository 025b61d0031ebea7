"""Derivation exercises of the backprop notebooks: σ′ in o, ∂L/∂o, δ for tanh and for softmax with
cross-entropy, one hidden weight's gradient in the worked example, and the backward/forward cost."""
from __future__ import annotations

import numpy as np

from .. import reference as ref
from .derivation import Derivation, Domain, Misconception

OUTPUT = Domain(0.05, 0.95)      # o = σ(z) or a softmax output
TARGET = Domain(0.0, 1.0)


def near(value: float, tolerance: float):
    """A number form: within tolerance (relative) of value."""
    return lambda x: abs(x - value) <= tolerance * abs(value)


class SigmoidDerivativeInO(Derivation):
    id = "d_sigmoid_in_o"
    notebook = "backprop/01_sigmoid_and_mse"
    symbols = {"o": OUTPUT}
    right = "o*(1 - o)"

    @property
    def misconceptions(self):
        return [Misconception("tanh_derivative", ["1 - o^2"]),
                Misconception("sigma_prime_of_output", ["exp(-o)/(1 + exp(-o))^2"]),
                Misconception("sigma_prime_one_factor", ["o", "1 - o", "o^2"]),
                Misconception("sign_flipped", ["o^2 - o"])]


class MseDerivative(Derivation):
    id = "d_mse_d_o"
    notebook = "backprop/01_sigmoid_and_mse"
    symbols = {"o": OUTPUT, "t": TARGET}
    right = "o - t"

    @property
    def misconceptions(self):
        return [Misconception("factor_two", ["2*(o - t)"]),
                Misconception("sign_flipped", ["t - o"]),
                Misconception("loss_not_derivative", ["(o - t)^2/2", "(o - t)^2"]),
                Misconception("dL_do_is_delta", ["(o - t)*o*(1 - o)"])]


class TanhOutputDelta(Derivation):
    id = "delta_output_tanh"
    notebook = "backprop/02_output_layer"
    symbols = {"o": OUTPUT, "t": TARGET}
    right = "(o - t)*(1 - o^2)"

    @property
    def misconceptions(self):
        return [Misconception("sigmoid_derivative_for_tanh", ["(o - t)*o*(1 - o)"]),
                Misconception("missing_activation_derivative", ["o - t"]),
                Misconception("tanh_prime_of_output", ["(o - t)*(1 - tanh(o)^2)"]),
                Misconception("sign_flipped", ["(t - o)*(1 - o^2)"])]


class SoftmaxCrossEntropyDelta(Derivation):
    id = "delta_softmax_ce"
    notebook = "backprop/05_training_digits"
    symbols = {"o": OUTPUT, "t": TARGET}
    right = "o - t"

    @property
    def misconceptions(self):
        return [Misconception("softmax_jacobian_diagonal", ["-t*(1 - o)"]),
                Misconception("sigmoid_mse_delta", ["(o - t)*o*(1 - o)"]),
                Misconception("ce_without_softmax", ["-t/o"]),
                Misconception("sign_flipped", ["t - o"])]


def worked_example():
    """The 2-2-2 network of notebook 2 (Mazur's published example): weights, biases, X, T."""
    X = np.array([[0.05, 0.10]])
    T = np.array([[0.01, 0.99]])
    W_1 = np.array([[0.15, 0.25], [0.20, 0.30]])    # [[w1, w3], [w2, w4]]
    W_2 = np.array([[0.40, 0.50], [0.45, 0.55]])    # [[w5, w7], [w6, w8]]
    return [W_1, W_2], [np.array([0.35, 0.35]), np.array([0.60, 0.60])], X, T


def worked_example_gradients() -> dict:
    """∂L/∂w1 in the worked example, and the values a wrong derivation gives instead."""
    weights, biases, X, T = worked_example()
    (dW_1, dW_2), _ = ref.backprop(weights, biases, X, T)
    o_0, o_1, o_2 = ref.forward(weights, biases, X)
    delta_2 = ref.output_delta(o_2, T)
    W_2 = weights[1]
    x1, o_h1 = X[0, 0], o_1[0, 0]
    return {
        "right": float(dW_1[0, 0]),
        "output_weight": float(dW_2[0, 0]),
        "one_output_path": float(delta_2[0, 0] * W_2[0, 0] * o_h1 * (1 - o_h1) * x1),
        "hidden_sigma_prime_missing": float((delta_2 @ W_2.T)[0, 0] * x1),
        "output_sigma_prime_missing": float(((o_2 - T) @ W_2.T)[0, 0] * o_h1 * (1 - o_h1) * x1),
    }


class WorkedExampleHiddenWeight(Derivation):
    id = "mazur_dE_dw1"
    notebook = "backprop/03_hidden_layers"
    symbols = {}
    tolerance = 1e-5          # 6 significant digits

    def right_value(self):
        return worked_example_gradients()["right"]

    @property
    def misconceptions(self):
        g = worked_example_gradients()
        close = 1e-3
        return [Misconception("output_weight_gradient", [near(g["output_weight"], close)]),
                Misconception("one_output_path", [near(g["one_output_path"], close)]),
                Misconception("hidden_sigma_prime_missing", [near(g["hidden_sigma_prime_missing"], close)]),
                Misconception("output_sigma_prime_missing", [near(g["output_sigma_prime_missing"], close)]),
                Misconception("sign_flipped", [near(-g["right"], close)]),
                Misconception("too_few_digits", [near(g["right"], 1e-2)])]


def layer_multiply_adds(N: int, n_in: int, n_out: int) -> dict:
    """Multiply-adds of one dense layer: forward z = o_prev @ W; backward dW = o_prev.T @ δ and
    the δ sent back, δ @ W.T (each product of an (a, b) and a (b, c) matrix costs a·b·c)."""
    return {"forward": N * n_in * n_out, "dW": n_in * N * n_out, "delta_back": N * n_out * n_in}


class BackwardForwardRatio(Derivation):
    id = "backward_forward_ratio"
    notebook = "backprop/03_hidden_layers"
    symbols = {}
    tolerance = 1e-9

    def right_value(self):
        c = layer_multiply_adds(64, 32, 10)
        return (c["dW"] + c["delta_back"]) / c["forward"]

    @property
    def misconceptions(self):
        c = layer_multiply_adds(64, 32, 10)
        one = c["dW"] / c["forward"]
        both = (c["forward"] + c["dW"] + c["delta_back"]) / c["forward"]
        return [Misconception("backward_counts_one_product", [one]),
                Misconception("backward_counts_both_passes", [both]),
                Misconception("ratio_inverted", [1 / self.right_value()])]
