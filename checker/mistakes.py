"""The catalogue of mistakes the graders recognise: a stable id → a one-line explanation and a hint.

Ids are stable: grade exports and the notebooks' "common mistake" callouts refer to them.
"""
from __future__ import annotations

from typing import NamedTuple


class Mistake(NamedTuple):
    explanation: str
    hint: str


_M = Mistake

MISTAKES: dict[str, Mistake] = {
    # --- code that does not run or does not return a usable answer -------------------------
    "not_attempted": _M(
        "Not attempted yet: the function still raises NotImplementedError.",
        "Replace `raise NotImplementedError()` with your code, run the cell, then check again."),
    "raised_exception": _M(
        "Your function raised an exception.",
        "Read the error and the line it points to; try your function by hand on the case shown."),
    "too_slow": _M(
        "Your function did not finish within the time limit.",
        "Look for a loop that never ends (a `while` whose condition never changes), or loops over "
        "every element where one numpy expression would do."),
    "returned_none": _M(
        "Your function returned None.",
        "Did you forget the `return` statement at the end?"),
    "wrong_type": _M(
        "Your function returned the wrong kind of value.",
        "Return a numpy array where an array is asked for (np.array(...) turns a list into one), "
        "and a single number where a number is asked for."),
    "wrong_shape": _M(
        "Your result has the wrong shape.",
        "Print the shapes of your intermediate results; compare them with the shapes in the docstring."),
    "integer_dtype": _M(
        "Your result is an integer array, so the fractional parts were cut off.",
        "Start from a float array, e.g. np.zeros(shape) rather than np.zeros_like(an_int_array), "
        "or np.array(values, dtype=float)."),
    "not_finite": _M(
        "Your result contains NaN or inf.",
        "Look for a division by zero, a log of 0, or an exp(...) of a large number."),
    "input_modified": _M(
        "Your function changed one of its input arrays in place.",
        "Work on new arrays (`a = a - b` or `a.copy()`), not `a -= b` or `a[i] = ...` on an input."),
    "uses_reference": _M(
        "Your function is, or calls, the checker's own reference implementation.",
        "Write the computation yourself; the point of the exercise is to derive it."),
    # --- sigmoid and its derivative --------------------------------------------------------
    "sigmoid_sign_flipped": _M(
        "You computed σ(−z) = 1/(1 + e^(+z)) instead of σ(z) = 1/(1 + e^(−z)).",
        "The exponent is −z: large positive z must give σ close to 1."),
    "sigmoid_missing_parentheses": _M(
        "Operator precedence: you computed 1/1 + e^(−z) instead of 1/(1 + e^(−z)).",
        "Put the whole denominator in parentheses: 1 / (1 + np.exp(-z))."),
    "sigmoid_overflow": _M(
        "Your σ(z) gives NaN for large |z|: e^z overflows to inf and inf/inf is NaN.",
        "Use 1 / (1 + np.exp(-z)) (its overflow gives 1/inf = 0, the right limit), or "
        "split on the sign of z so that exp only sees −|z|."),
    "sigma_prime_of_output": _M(
        "You applied σ′ to an output that is already σ(z): σ(o)(1 − σ(o)) instead of o(1 − o).",
        "o is already σ(z), so σ′(z) = o ⊙ (1 − o). Do not call sigmoid on o again."),
    "sigma_prime_of_z": _M(
        "You used z(1 − z) with the pre-activation z; σ′(z) = o(1 − o) uses the output o = σ(z).",
        "Keep the activations o_l from the forward pass and use o_l ⊙ (1 − o_l)."),
    "tanh_derivative": _M(
        "You used the tanh derivative 1 − o² instead of the sigmoid derivative o(1 − o).",
        "For σ, σ′ = σ(1 − σ) = o ⊙ (1 − o)."),
    "sigma_prime_of_target": _M(
        "You took σ′ of the target t, t(1 − t), instead of the output's o(1 − o).",
        "δ = (o − t) ⊙ o ⊙ (1 − o): the derivative belongs to the output unit, not to the target."),
    # --- output layer and loss ---------------------------------------------------------------
    "sign_flipped": _M(
        "Sign flipped: your result is the negative of the right one, e.g. (t − o) where the formula has (o − t).",
        "Check the order of every subtraction and any minus sign against the formula: ∂L/∂o = o − t, "
        "σ′ = o(1 − o)."),
    "missing_sigma_prime": _M(
        "The σ′ factor is missing: you used (o − t) alone.",
        "δ = ∂L/∂z, and z passes through σ: multiply by σ′ = o ⊙ (1 − o)."),
    "factor_two": _M(
        "Off by a factor 2: the ½ in L = ½ Σ (o − t)² was dropped.",
        "The ½ is there so that the derivative of ½(o − t)² is exactly (o − t), with no 2."),
    "missing_1_over_N": _M(
        "The 1/N is missing: you summed over the batch where the course averages.",
        "L and the gradients are means over the N examples: divide the batch sum by N = o.shape[0]."),
    "extra_1_over_N": _M(
        "An extra 1/N: you divided by the batch size N once too often.",
        "Divide by N exactly once: in the loss and in ∂L/∂W, ∂L/∂b; δ itself is per example, with no 1/N."),
    "mse_mean_over_outputs": _M(
        "You averaged over the outputs as well: (1/(N·K)) Σ instead of (1/N) Σ_n ½ Σ_k.",
        "Sum over the K outputs of each example, then average over the N examples; np.mean over "
        "the whole array divides by N·K."),
    "mse_not_squared": _M(
        "The difference (o − t) is not squared.",
        "L = (1/N) Σ_n ½ Σ_k (o_nk − t_nk)²: square before you sum."),
    # --- hidden layers -------------------------------------------------------------------------
    "hidden_uses_output_error": _M(
        "The hidden δ uses the output error (o − t) instead of the next layer's δ.",
        "δ_l = (δ_{l+1} @ W_{l+1}.T) ⊙ o_l ⊙ (1 − o_l): pass back δ_{l+1}, which already includes "
        "the output's σ′."),
    "hidden_missing_sigma_prime": _M(
        "The hidden δ forgets its own σ′: δ_{l+1} @ W_{l+1}.T alone.",
        "Multiply by this layer's o_l ⊙ (1 − o_l)."),
    "hidden_next_layer_sigma_prime": _M(
        "The hidden δ applies the next layer's σ′ again; δ_{l+1} already contains it.",
        "δ_l = (δ_{l+1} @ W_{l+1}.T) ⊙ o_l ⊙ (1 − o_l): only this layer's σ′ is new."),
    "missing_transpose": _M(
        "Missing transpose: δ_{l+1} @ W_{l+1} instead of δ_{l+1} @ W_{l+1}.T.",
        "W_{l+1} has shape (n_l, n_{l+1}); to go back from n_{l+1} units to n_l you need W_{l+1}.T. "
        "With a square W it runs but gives wrong numbers; otherwise it is a shape error."),
    # --- gradients -----------------------------------------------------------------------------
    "dW_transposed": _M(
        "∂L/∂W is transposed: δ.T @ o_prev instead of o_prev.T @ δ.",
        "∂L/∂W_l must have W_l's shape (n_in, n_out): o_{l-1}.T @ δ_l / N."),
    "bias_wrong_axis": _M(
        "∂L/∂b is reduced over the wrong axis (or not at all).",
        "∂L/∂b_l = Σ_n δ_l / N: average over the examples, axis=0, to get shape (n_out,)."),
    "bias_sum_not_mean": _M(
        "∂L/∂b is a sum over the batch where the mean belongs.",
        "∂L/∂b_l = Σ_n δ_l / N = δ_l.mean(axis=0)."),
    "uses_updated_weights": _M(
        "Your gradients depend on weights that were already updated: a layer's weights were "
        "changed before δ was passed back through them.",
        "Compute every gradient with the weights of the forward pass first; update only afterwards."),
    # --- gradient checking -------------------------------------------------------------------
    "difference_reversed": _M(
        "The difference is the wrong way round: (f(x − ε) − f(x + ε)) / 2ε has the opposite sign.",
        "The derivative is (f(x + ε e_i) − f(x − ε e_i)) / (2ε): the point to the right comes first."),
    "forward_difference": _M(
        "A forward (or backward) difference (f(x + ε) − f(x)) / ε instead of the central difference.",
        "Use (f(x + ε e_i) − f(x − ε e_i)) / (2ε): its error shrinks like ε², not like ε."),
    "central_difference_missing_2": _M(
        "The central difference is divided by ε instead of 2ε, so the result is twice too large.",
        "The two points x + ε and x − ε are 2ε apart: divide by 2 * eps."),
    "perturbs_all_elements": _M(
        "You moved every element of x at once (x + ε) instead of one element at a time.",
        "Perturb only x[i] for the i-th partial derivative; loop over the indices (np.ndindex(x.shape))."),
    "eps_ignored": _M(
        "Your function ignores the eps it is given.",
        "Use the eps argument in the differences, not a constant of your own."),
    "absolute_error": _M(
        "You computed an absolute error ‖a − b‖; it is not scale-free.",
        "Divide by the sizes of a and b, e.g. ‖a − b‖ / (‖a‖ + ‖b‖), so that 1e-7 means the same "
        "for tiny and for huge gradients."),
    "relative_error_unsafe_at_zero": _M(
        "When a and b are both zero your relative error divides 0 by 0 (NaN).",
        "Return 0.0 when both norms are zero, or divide by max(‖a‖ + ‖b‖, a tiny number)."),
    "relative_error_one_sided": _M(
        "You divided by the size of only one argument; when that one is zero the result is inf or NaN.",
        "Divide by ‖a‖ + ‖b‖ (or their maximum), so that the error is finite unless both are zero."),
    "relative_error_not_a_norm": _M(
        "Your error is not based on a norm: opposite differences cancel out or signs survive.",
        "Use norms: np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))."),
    # --- EMA -----------------------------------------------------------------------------------
    "beta_swapped": _M(
        "β and 1 − β are swapped: v_t = (1 − β) v_{t−1} + β θ_t.",
        "The old average keeps the weight β: v_t = β v_{t−1} + (1 − β) θ_t. Large β means smooth."),
    "v0_is_theta1": _M(
        "You started from v = θ_1 instead of v_0 = 0.",
        "The course's EMA starts at v_0 = 0 and applies the recurrence from t = 1; "
        "bias correction then removes the start-up bias."),
    "t_from_zero": _M(
        "t is counted from 0, so the first correction is 1 − β^0 = 0: a division by zero.",
        "The first value is θ_1 with t = 1: divide v_t by 1 − β^t with t = 1, 2, …, T."),
    "t_off_by_one": _M(
        "The correction uses the wrong power of β: t is off by one.",
        "v̂_t = v_t / (1 − β^t): after the first step (t = 1), divide by 1 − β."),
    "corrected_fed_back": _M(
        "The corrected value was fed back into the recurrence.",
        "Keep the raw v_t for the recurrence and compute v̂_t = v_t / (1 − β^t) separately for the output."),
    "correction_multiplied": _M(
        "You multiplied by (1 − β^t) instead of dividing.",
        "v̂_t = v_t / (1 − β^t): the correction makes the early, too-small values larger."),
    "beta_times_t": _M(
        "You used β·t instead of β^t in the correction.",
        "The correction is 1 − β**t (a power), not 1 − beta * t."),
    "one_minus_beta_power": _M(
        "You used (1 − β)^t instead of β^t in the correction.",
        "The weight still owed to v_0 = 0 after t steps is β^t: divide by 1 − β**t."),
    "correction_with_final_T": _M(
        "Every step was corrected with the final T instead of its own t.",
        "Step t divides by 1 − β^t with its own t: early values get a large correction, late ones almost none."),
    "returns_last_only": _M(
        "You returned only the last value instead of the whole series.",
        "Return every v_t (t = 1 … T): an array with the same shape as thetas."),
    "missing_bias_correction": _M(
        "The bias correction is missing: you returned the plain EMA v_t.",
        "Divide each v_t by 1 − β^t."),
    "correction_in_plain_ema": _M(
        "This function should return the plain EMA v_t, but you applied the bias correction.",
        "`ema` returns v_t; the corrected v̂_t belongs in `ema_bias_corrected`."),
    "ema_shifted": _M(
        "Your series is shifted by one step: it includes v_0 = 0 or drops v_T.",
        "Return v_1 … v_T: the value at index t − 1 is the average after seeing θ_t."),
    "shadow_params_swapped": _M(
        "The roles of shadow and params are swapped: β·params + (1 − β)·shadow "
        "(the same as swapping β and 1 − β).",
        "The shadow is the slow average: new shadow = β · shadow + (1 − β) · params."),
}
