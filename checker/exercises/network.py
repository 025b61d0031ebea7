"""Exercises output_delta, hidden_delta, layer_gradients and backprop.

Gradients are judged twice: against the reference, and against numerical gradients of the
loss through the forward pass (central differences), tensor by tensor, so that a failing
message can say which layer and which tensor (weights or bias) is wrong.
"""
from __future__ import annotations

import numpy as np

from .. import reference as ref
from ..compare import NamedList, Named
from ..harness.snapshot import SnapshotKind
from ..verdict import Problem, ProblemKind, Text
from .activation import batch
from .base import Case, Exercise, Mutant, Property, on_each_case, probe, spread_activations


def _sig_prime(o):
    return o * (1 - o)


def _soft_targets(rng, shape):
    return rng.uniform(0.05, 0.95, size=shape)


# --- output_delta ----------------------------------------------------------------------------

class OutputDelta(Exercise):
    id = "output_delta"
    notebook = "backprop/02_output_layer"
    reference = staticmethod(ref.output_delta)
    points = 2
    signature = "output_delta(o, t)"

    def make_cases(self, rng):
        cases = []
        for N, K, one_hot in [(1, 2, False), (3, 4, False), (8, 3, False), (5, 3, True)]:
            o = spread_activations(rng, (N, K))
            t = np.eye(K)[rng.integers(0, K, N)] if one_hot else _soft_targets(rng, (N, K))
            cases.append(Case({"o": o, "t": t}, batch(N, K, one_hot), info={"N": N}))
        return cases

    @property
    def mutants(self):
        s = ref.sigmoid
        return [
            Mutant("sign_flipped", lambda o, t: (t - o) * _sig_prime(o)),
            Mutant("missing_sigma_prime", lambda o, t: o - t),
            Mutant("sigma_prime_of_output", lambda o, t: (o - t) * s(o) * (1 - s(o))),
            Mutant("tanh_derivative", lambda o, t: (o - t) * (1 - o ** 2)),
            Mutant("sigma_prime_of_target", lambda o, t: (o - t) * t * (1 - t)),
            Mutant("factor_two", lambda o, t: 2 * (o - t) * _sig_prime(o)),
            Mutant("extra_1_over_N", lambda o, t: (o - t) * _sig_prime(o) / o.shape[0]),
            Mutant("missing_sigma_prime", lambda o, t: t - o, "sign_also_flipped"),
            Mutant("sigma_prime_mixes_target", lambda o, t: (o - t) * o * (1 - t)),
            Mutant("divides_by_K", lambda o, t: (o - t) * _sig_prime(o) / o.shape[1]),
        ]

    def probe_cases(self):
        o = np.array([[0.2, 0.5, 0.9], [0.7, 0.3, 0.6]])
        t = np.array([[0.2, 0.8, 0.1], [0.7, 0.1, 0.9]])   # o = t at two places; o − t of both signs
        return [Case({"o": o, "t": t}, Text("case.o_equals_t_somewhere"), info={"N": 2, "probe": "signs"})]

    @property
    def properties(self):
        def zero_where_equal(case, out):
            o, t = case.args["o"], case.args["t"]
            if out.shape != o.shape:
                return None
            bad = (o == t) & (np.abs(out) > 1e-12)
            return {"value": float(out[bad][0])} if bad.any() else None

        def sign(case, out):
            o, t = case.args["o"], case.args["t"]
            if out.shape != o.shape:
                return None
            bad = (o != t) & (np.sign(out) != np.sign(o - t))
            if bad.any():
                i = tuple(int(k) for k in np.argwhere(bad)[0])
                return {"o": float(o[i]), "t": float(t[i]), "value": float(out[i])}
            return None

        return [Property("zero_where_o_equals_t", on_each_case(zero_where_equal, probe("signs"))),
                Property("sign_of_o_minus_t", on_each_case(sign))]


# --- hidden_delta ------------------------------------------------------------------------------

class HiddenDelta(Exercise):
    id = "hidden_delta"
    notebook = "backprop/03_hidden_layers"
    reference = staticmethod(ref.hidden_delta)
    points = 2
    signature = "hidden_delta(o, delta_next, W_next)"

    def make_cases(self, rng):
        cases = []
        for N, n, n_next in [(3, 4, 4), (5, 3, 2), (1, 2, 5), (4, 6, 3)]:
            args = {"o": spread_activations(rng, (N, n)),
                    "delta_next": rng.normal(0, 0.1, size=(N, n_next)),
                    "W_next": rng.normal(0, 1, size=(n, n_next))}
            label = Text("case.hidden_delta_square" if n == n_next else "case.hidden_delta",
                         {"N": N, "o": (N, n), "delta_next": (N, n_next), "W_next": (n, n_next)})
            cases.append(Case(args, label, info={"N": N}))
        return cases

    @property
    def mutants(self):
        s = ref.sigmoid
        return [
            Mutant("hidden_missing_sigma_prime", lambda o, delta_next, W_next: delta_next @ W_next.T),
            Mutant("missing_transpose", lambda o, delta_next, W_next: (delta_next @ W_next) * _sig_prime(o)),
            Mutant("missing_transpose", lambda o, delta_next, W_next: (W_next @ delta_next) * _sig_prime(o)),
            Mutant("missing_transpose", lambda o, delta_next, W_next: (W_next.T @ delta_next) * _sig_prime(o)),
            Mutant("missing_transpose", lambda o, delta_next, W_next: (W_next @ delta_next.T) * _sig_prime(o),
                   "one_more_transpose"),
            Mutant("sigma_prime_of_output",
                   lambda o, delta_next, W_next: (delta_next @ W_next.T) * s(o) * (1 - s(o))),
            Mutant("tanh_derivative", lambda o, delta_next, W_next: (delta_next @ W_next.T) * (1 - o ** 2)),
            Mutant("sign_flipped", lambda o, delta_next, W_next: -(delta_next @ W_next.T) * _sig_prime(o)),
            Mutant("extra_1_over_N",
                   lambda o, delta_next, W_next: (delta_next @ W_next.T) * _sig_prime(o) / o.shape[0]),
            Mutant("sigma_prime_of_error", lambda o, delta_next, W_next: _sig_prime(delta_next @ W_next.T)),
            Mutant("sigma_prime_of_error",
                   lambda o, delta_next, W_next: (delta_next @ W_next.T) * _sig_prime(delta_next @ W_next.T),
                   "times_the_error"),
            Mutant("sigma_prime_before_sum", lambda o, delta_next, W_next: (delta_next * _sig_prime(o)) @ W_next.T),
            Mutant("hidden_omits_weights",
                   lambda o, delta_next, W_next: delta_next.sum(axis=1, keepdims=True) * _sig_prime(o)),
            Mutant("hidden_omits_weights", lambda o, delta_next, W_next: delta_next * _sig_prime(o)),
        ]


# --- layer_gradients -------------------------------------------------------------------------

def _surrogate_gradients(o_prev, delta):
    """Numerical ∂/∂W and ∂/∂b of L_s(W, b) = Σ δ ⊙ (o_prev @ W + b) / N, whose exact gradients
    are the layer's: here ∂L_s/∂z = δ/N, just as ∂L/∂z_l = δ_l/N in the network."""
    N, n_in, n_out = o_prev.shape[0], o_prev.shape[1], delta.shape[1]
    W0, b0 = np.zeros((n_in, n_out)), np.zeros(n_out)

    def loss(W, b):
        return float(np.sum(delta * (o_prev @ W + b)) / N)

    return (ref.numerical_gradient(lambda W: loss(W, b0), W0),
            ref.numerical_gradient(lambda b: loss(W0, b), b0))


def _close(a, b) -> bool:
    return a.shape == b.shape and ref.relative_error(a, b) <= 1e-6


def _what_is_wrong(name, got, num, names, numeric) -> Text:
    """One wrong tensor in words: None, transposed, a constant multiple, another tensor's, or just wrong."""
    if got is None or got.kind == SnapshotKind.NONE:
        return Text("tensor.missing", {"name": name})
    values = got.values
    if values is None:
        return Text("tensor.wrong_shape", {"name": name})
    other = next((n for n, v in zip(names, numeric) if n != name and _close(values, v)), None)
    if other is not None:
        return Text("tensor.belongs_to", {"name": name, "other": other})
    if values.ndim == 2 and _close(values.T, num) and values.shape != (1, 1):
        return Text("tensor.transposed", {"name": name})
    if values.shape != num.shape:
        return Text("tensor.wrong_shape", {"name": name})
    use = np.abs(num) > 1e-12
    with np.errstate(all="ignore"):
        ratio = values[use] / num[use]
    if use.any() and np.all(np.isfinite(ratio)) and np.ptp(ratio) <= 1e-6 * max(1.0, np.abs(ratio).max()):
        return Text("tensor.factor", {"name": name, "factor": float(ratio.mean())})
    return Text("tensor.wrong", {"name": name, "error": float(ref.relative_error(values, num))})


def _tensor_report(names, got_items, numeric) -> tuple[list[str], list[Text]]:
    """(names of the wrong tensors, one [tensor] text per tensor) from learner tensors vs numerical ones."""
    wrong, parts = [], []
    for name, got, num in zip(names, got_items, numeric):
        if got is not None and got.values is not None and _close(got.values, num):
            parts.append(Text("tensor.ok", {"name": name}))
        else:
            wrong.append(name)
            parts.append(_what_is_wrong(name, got, num, names, numeric))
    return wrong, parts


class LayerGradients(Exercise):
    id = "layer_gradients"
    notebook = "backprop/02_output_layer"
    reference = staticmethod(ref.layer_gradients)
    points = 2
    signature = "layer_gradients(o_prev, delta) -> (dW, db)"

    def make_cases(self, rng):
        cases = []
        for N, n_in, n_out in [(1, 3, 2), (5, 4, 4), (7, 2, 5), (3, 6, 1)]:
            args = {"o_prev": spread_activations(rng, (N, n_in)),
                    "delta": rng.normal(0, 0.1, size=(N, n_out))}
            label = Text("case.layer_gradients", {"N": N, "o_prev": (N, n_in), "delta": (N, n_out)})
            cases.append(Case(args, label, info={"N": N}))
        return cases

    def expected(self, case):
        dW, db = ref.layer_gradients(**case.args)
        return Named((dW, db), ("dW", "db"))

    def extra_problem(self, case, snap):
        numeric = _surrogate_gradients(**case.args)
        wrong, report = _tensor_report(["dW", "db"], snap.items, numeric)
        if wrong:
            return Problem(ProblemKind.PROPERTY, "numerical_gradients", {"report": report})
        return None

    @property
    def mutants(self):
        def N(d):
            return d.shape[0]
        return [
            Mutant("dW_transposed", lambda o_prev, delta: (delta.T @ o_prev / N(delta), delta.mean(0))),
            Mutant("missing_1_over_N", lambda o_prev, delta: (o_prev.T @ delta, delta.sum(0))),
            Mutant("missing_1_over_N", lambda o_prev, delta: (o_prev.T @ delta, delta.mean(0)),
                   "only_dW_lacks_it"),
            Mutant("extra_1_over_N", lambda o_prev, delta: (o_prev.T @ delta / N(delta) ** 2,
                                                            delta.sum(0) / N(delta) ** 2)),
            Mutant("extra_1_over_N", lambda o_prev, delta: (o_prev.T @ delta / N(delta) ** 2, delta.mean(0)),
                   "only_in_dW"),
            Mutant("bias_wrong_axis", lambda o_prev, delta: (o_prev.T @ delta / N(delta), delta.mean(1))),
            Mutant("bias_wrong_axis", lambda o_prev, delta: (o_prev.T @ delta / N(delta), delta.sum(1) / N(delta))),
            Mutant("bias_wrong_axis", lambda o_prev, delta: (o_prev.T @ delta / N(delta), delta / N(delta)),
                   "bias_not_reduced"),
            Mutant("bias_wrong_axis", lambda o_prev, delta: (o_prev.T @ delta / N(delta), delta.mean()),
                   "averaged_every_element"),
            Mutant("bias_sum_not_mean", lambda o_prev, delta: (o_prev.T @ delta / N(delta), delta.sum(0))),
            Mutant("bias_wrong_axis", lambda o_prev, delta: (o_prev.T @ delta / N(delta), delta.sum() / N(delta)),
                   "reduced_every_axis"),
            Mutant("bias_wrong_axis", lambda o_prev, delta: (o_prev.T @ delta / N(delta), delta.sum()),
                   "reduced_every_axis"),
            Mutant("divides_by_K", lambda o_prev, delta: (o_prev.T @ delta / delta.shape[1],
                                                          delta.sum(0) / delta.shape[1])),
            Mutant("batch_axis_confused", lambda o_prev, delta: (o_prev.T @ delta / o_prev.shape[1],
                                                               delta.sum(0) / o_prev.shape[1])),
            Mutant("bias_gradient_zero", lambda o_prev, delta: (o_prev.T @ delta / N(delta),
                                                                np.zeros(delta.shape[1]))),
            Mutant("bias_keepdims", lambda o_prev, delta: (o_prev.T @ delta / N(delta),
                                                           delta.mean(axis=0, keepdims=True))),
            Mutant("bias_keepdims", lambda o_prev, delta: (o_prev.T @ delta / N(delta),
                                                           delta.sum(axis=0, keepdims=True)), "also_summed"),
        ]


# --- backprop --------------------------------------------------------------------------------

def variant_backprop(weights, biases, X, T, *, deriv=None, out=None, hidden=None, grads=None, lr=None,
                     with_bias=True):
    """Backprop with hooks, to build the mutants. Hooks default to the course's formulas.

    deriv(o, z) -> σ′; out(o_D, T, d) -> δ_D; hidden(delta_next, W_next, o, d, o_next, d_next,
    is_first_hidden, o_D, T) -> δ_l; grads(o_prev, delta) -> (dW, db); lr: update each W_l
    right after its gradient (before δ is passed back through it); with_bias=False: the forward
    pass leaves out + b.
    """
    weights = [np.array(W, dtype=float) for W in weights]
    os_, zs = [np.asarray(X, dtype=float)], [None]
    for W, b in zip(weights, biases):
        zs.append(os_[-1] @ W + b if with_bias else os_[-1] @ W)
        os_.append(ref.sigmoid(zs[-1]))
    d = [None] + [(deriv or (lambda o, z: o * (1 - o)))(os_[l], zs[l]) for l in range(1, len(os_))]
    L = len(weights)
    delta = out(os_[L], T, d[L]) if out else (os_[L] - T) * d[L]
    dWs, dbs = [None] * L, [None] * L
    for l in range(L, 0, -1):
        N = delta.shape[0]
        dWs[l - 1], dbs[l - 1] = grads(os_[l - 1], delta) if grads else (os_[l - 1].T @ delta / N,
                                                                          delta.mean(axis=0))
        if lr is not None:
            weights[l - 1] = weights[l - 1] - lr * dWs[l - 1]
        if l > 1:
            if hidden:
                delta = hidden(delta, weights[l - 1], os_[l - 1], d[l - 1], os_[l], d[l], l == L, os_[L], T)
            else:
                delta = (delta @ weights[l - 1].T) * d[l - 1]
    return dWs, dbs


def _bp(**hooks):
    return lambda weights, biases, X, T: variant_backprop(weights, biases, X, T, **hooks)


def _reversed_layers(weights, biases, X, T):
    """The gradients collected from layer L down to 1 and never put back in order."""
    dWs, dbs = ref.backprop(weights, biases, X, T)
    return dWs[::-1], dbs[::-1]


def _divided_by(size):
    """Backprop whose gradients divide by size(X, T) instead of N."""
    def backprop(weights, biases, X, T):
        n = size(X, T)
        return variant_backprop(weights, biases, X, T, grads=lambda o_prev, delta: (o_prev.T @ delta / n,
                                                                                   delta.sum(0) / n))
    return backprop


def _hidden(rule):
    """A hidden hook from rule(delta_next, W_next, sigma_prime, is_last_hidden) -> δ_l."""
    return _bp(hidden=lambda delta, W, o, d, o_next, d_next, first, o_D, T: rule(delta, W, d, first))


def _hidden_uses_output_error(delta, W, o, d, o_next, d_next, first, o_D, T):
    source = (o_D - T) if first else delta
    return (source @ W.T) * d


def _pre_activation_derivative(o):
    """z(1 − z) with z recovered from o = σ(z): what a learner computes who keeps z, not o."""
    z = np.log(o) - np.log1p(-o)
    return z * (1 - z)


def _errors_passed_back(weights, biases, X, T):
    """Passing back e_l = e_{l+1} @ W_{l+1}.T (the error before σ′) and using δ_l = e_l ⊙ σ′_l."""
    o = ref.forward(weights, biases, X)
    L, N = len(weights), X.shape[0]
    error = o[L] - T
    dWs, dbs = [None] * L, [None] * L
    for l in range(L, 0, -1):
        delta = error * o[l] * (1 - o[l])
        dWs[l - 1], dbs[l - 1] = o[l - 1].T @ delta / N, delta.mean(axis=0)
        error = error @ weights[l - 1].T
    return dWs, dbs


def _spread_network(rng, sizes, N):
    """Weights, biases and X whose activations all lie in (0.05, 0.95), where σ′ is not tiny
    and every mistake changes the numbers visibly. Drawn again until they do (seeded)."""
    for _ in range(1000):
        weights = [rng.normal(0, 1.5 / np.sqrt(a), size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
        biases = [rng.normal(0, 0.3, size=b) for b in sizes[1:]]
        X = rng.normal(0, 1, size=(N, sizes[0]))
        hidden_and_output = np.concatenate([o.ravel() for o in ref.forward(weights, biases, X)[1:]])
        if hidden_and_output.min() > 0.05 and hidden_and_output.max() < 0.95:
            break
    return weights, biases, X


BACKPROP_ARCHITECTURES = [([2, 2, 2], 1), ([3, 4, 2], 5), ([4, 3, 5, 2], 3), ([5, 2], 4),
                          ([3, 2, 2], 6), ([2, 3, 3, 2], 2)]


class Backprop(Exercise):
    id = "backprop"
    notebook = "backprop/03_hidden_layers"
    reference = staticmethod(ref.backprop)
    points = 3
    signature = "backprop(weights, biases, X, T) -> (dWs, dbs)"

    def make_cases(self, rng):
        cases = []
        for sizes, N in BACKPROP_ARCHITECTURES:
            weights, biases, X = _spread_network(rng, sizes, N)
            args = {"weights": weights, "biases": biases, "X": X, "T": _soft_targets(rng, (N, sizes[-1]))}
            label = Text("case.backprop", {"sizes": "-".join(map(str, sizes)),
                                           "examples": Text("count.examples", {"n": N})})
            cases.append(Case(args, label, info={"N": N}))
        return cases

    def expected(self, case):
        dWs, dbs = ref.backprop(**case.args)
        L = len(dWs)
        return Named((NamedList(dWs, [f"dWs[{l}] (∂L/∂W_{l + 1})" for l in range(L)]),
                      NamedList(dbs, [f"dbs[{l}] (∂L/∂b_{l + 1})" for l in range(L)])), ("dWs", "dbs"))

    def numerical(self, case):
        a = case.args
        W, b, X, T = a["weights"], a["biases"], a["X"], a["T"]
        L = len(W)
        num_W = [ref.numerical_gradient(
            lambda Wl, l=l: ref.network_loss(W[:l] + [Wl] + W[l + 1:], b, X, T), W[l]) for l in range(L)]
        num_b = [ref.numerical_gradient(
            lambda bl, l=l: ref.network_loss(W, b[:l] + [bl] + b[l + 1:], X, T), b[l]) for l in range(L)]
        return num_W, num_b

    def extra_problem(self, case, snap):
        num_W, num_b = self.numerical(case)
        L = len(num_W)
        names = [f"∂L/∂W_{l + 1}" for l in range(L)] + [f"∂L/∂b_{l + 1}" for l in range(L)]
        wrong, report = _tensor_report(names, snap.items[0].items + snap.items[1].items, num_W + num_b)
        if wrong:
            return Problem(ProblemKind.PROPERTY, "network_gradients", {"report": report})
        return None

    def explain(self, case, snap) -> Text | None:
        """Which tensors disagree with numerical gradients (for a failing answer)."""
        if snap is None or snap.kind != SnapshotKind.SEQUENCE or len(snap.items) != 2 or \
                any(item.kind != SnapshotKind.SEQUENCE for item in snap.items):
            return None
        num_W, num_b = self.numerical(case)
        L = len(num_W)
        if len(snap.items[0].items) != L or len(snap.items[1].items) != L:
            return None
        names = [f"∂L/∂W_{l + 1}" for l in range(L)] + [f"∂L/∂b_{l + 1}" for l in range(L)]
        wrong, report = _tensor_report(names, snap.items[0].items + snap.items[1].items, num_W + num_b)
        return Text("explain.network_gradients", {"report": report}) if wrong else None

    @property
    def mutants(self):
        s = ref.sigmoid

        def mean_free(o_prev, delta):
            return o_prev.T @ delta, delta.sum(0)

        def extra_N(o_prev, delta):
            N = delta.shape[0]
            return o_prev.T @ delta / N ** 2, delta.sum(0) / N ** 2

        return [
            Mutant("sign_flipped", _bp(out=lambda o, T, d: (T - o) * d)),
            Mutant("missing_sigma_prime", _bp(out=lambda o, T, d: o - T)),
            Mutant("sigma_prime_of_output", _bp(deriv=lambda o, z: s(o) * (1 - s(o)))),
            Mutant("sigma_prime_of_output", _bp(out=lambda o, T, d: (o - T) * s(o) * (1 - s(o))),
                   "at_output_layer"),
            Mutant("sigma_prime_of_z", _bp(deriv=lambda o, z: z * (1 - z))),
            Mutant("tanh_derivative", _bp(deriv=lambda o, z: 1 - o ** 2)),
            Mutant("sigma_prime_of_target", _bp(out=lambda o, T, d: (o - T) * T * (1 - T))),
            Mutant("factor_two", _bp(out=lambda o, T, d: 2 * (o - T) * d)),
            Mutant("missing_1_over_N", _bp(grads=mean_free)),
            Mutant("extra_1_over_N", _bp(grads=extra_N)),
            Mutant("extra_1_over_N", _bp(out=lambda o, T, d: (o - T) * d / o.shape[0]),
                   "delta_divided_by_N"),
            Mutant("hidden_uses_output_error", _bp(hidden=_hidden_uses_output_error)),
            Mutant("hidden_uses_output_error", _errors_passed_back,
                   "error_before_sigma_prime"),
            Mutant("sigma_prime_of_output", _bp(hidden=lambda delta, W, o, d, o_next, d_next, first, o_D, T:
                                                (delta @ W.T) * s(o) * (1 - s(o))),
                   "in_hidden_layers"),
            Mutant("sigma_prime_of_z", _bp(hidden=lambda delta, W, o, d, o_next, d_next, first, o_D, T:
                                           (delta @ W.T) * _pre_activation_derivative(o)),
                   "in_hidden_layers"),
            Mutant("tanh_derivative", _bp(hidden=lambda delta, W, o, d, o_next, d_next, first, o_D, T:
                                          (delta @ W.T) * (1 - o ** 2)),
                   "in_hidden_layers"),
            Mutant("hidden_missing_sigma_prime",
                   _bp(hidden=lambda delta, W, o, d, o_next, d_next, first, o_D, T: delta @ W.T)),
            Mutant("hidden_next_layer_sigma_prime",
                   _bp(hidden=lambda delta, W, o, d, o_next, d_next, first, o_D, T: ((delta * d_next) @ W.T) * d)),
            Mutant("hidden_next_layer_sigma_prime",
                   _bp(hidden=lambda delta, W, o, d, o_next, d_next, first, o_D, T: (delta @ W.T) * d_next),
                   "next_layer_sigma_prime_only"),
            Mutant("missing_transpose",
                   _bp(hidden=lambda delta, W, o, d, o_next, d_next, first, o_D, T: (delta @ W) * d)),
            Mutant("dW_transposed", _bp(grads=lambda o_prev, delta: (delta.T @ o_prev / delta.shape[0],
                                                                     delta.mean(0)))),
            Mutant("bias_wrong_axis", _bp(grads=lambda o_prev, delta: (o_prev.T @ delta / delta.shape[0],
                                                                       delta.mean(1)))),
            Mutant("bias_wrong_axis", _bp(grads=lambda o_prev, delta: (o_prev.T @ delta / delta.shape[0],
                                                                       delta / delta.shape[0]))),
            Mutant("bias_sum_not_mean", _bp(grads=lambda o_prev, delta: (o_prev.T @ delta / delta.shape[0],
                                                                         delta.sum(0)))),
            Mutant("layers_reversed", _reversed_layers),
            Mutant("sigma_prime_of_error", _hidden(lambda delta, W, d, last: _sig_prime(delta @ W.T))),
            Mutant("sigma_prime_of_error", _hidden(lambda delta, W, d, last: (delta @ W.T) * _sig_prime(delta @ W.T)),
                   "times_the_error"),
            Mutant("divides_by_K", _divided_by(lambda X, T: T.shape[1])),
            Mutant("batch_axis_confused", _divided_by(lambda X, T: X.shape[1])),
            Mutant("forward_without_bias", _bp(with_bias=False)),
            Mutant("hidden_omits_weights", _hidden(lambda delta, W, d, last: delta.sum(axis=1, keepdims=True) * d)),
            Mutant("hidden_omits_weights", _hidden(lambda delta, W, d, last: delta * d)),
            Mutant("deep_layer_missing_sigma_prime", _hidden(lambda delta, W, d, last: (delta @ W.T) * d if last
                                                             else delta @ W.T)),
            Mutant("bias_gradient_zero", _bp(grads=lambda o_prev, delta: (o_prev.T @ delta / delta.shape[0],
                                                                          np.zeros(delta.shape[1])))),
            Mutant("bias_keepdims", _bp(grads=lambda o_prev, delta: (o_prev.T @ delta / delta.shape[0],
                                                                     delta.mean(axis=0, keepdims=True)))),
        ]

    @property
    def properties(self):
        def list_length(case, out):
            L = len(case.args["weights"])
            if not isinstance(out, list) or len(out) != 2:
                return None
            lengths = [len(part) if isinstance(part, list) else None for part in out]
            return None if lengths == [L, L] else {"L": L, "dWs": lengths[0], "dbs": lengths[1]}
        return [Property("list_length", on_each_case(list_length))]

    def fitted_mutants(self, cases, observations):
        """The 'updated weights' mistake, with the learning rate estimated from the learner's
        first hidden-layer gradient: on a 2-layer network that gradient is affine in lr."""
        for case, obs in zip(cases, observations):
            if len(case.args["weights"]) != 2 or obs.output is None:
                continue
            try:
                got = obs.output.items[0].items[0].values
                g0 = variant_backprop(**case.args)[0][0]
                g1 = variant_backprop(**case.args, lr=1.0)[0][0]
            except Exception:
                return []
            if got is None or got.shape != g0.shape:
                return []
            direction = (g1 - g0).reshape(-1)
            denominator = float(direction @ direction)
            if denominator == 0:
                return []
            lr = float((got - g0).reshape(-1) @ direction / denominator)
            if not np.isfinite(lr) or lr <= 0:
                return []
            return [Mutant("uses_updated_weights", _bp(lr=lr), "updated_weights_lr", {"lr": lr})]
        return []
