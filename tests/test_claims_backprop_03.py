"""Every number the prose of notebooks/backprop/03_hidden_layers states, asserted."""
import re

import nbformat
import numpy as np
import pytest

from checker import reference as R
from notebooks import NOTEBOOKS, executed_source, markdown, printed

PATH = NOTEBOOKS / "backprop" / "03_hidden_layers.ipynb"
NB = nbformat.read(PATH, as_version=4)
TEXT = markdown(NB)
CODE = "\n".join(c.source for c in NB.cells if c.cell_type == "code")

DIGITS, BATCH = [784, 256, 128, 10], 256


def states(snippet):
    assert snippet in TEXT, f"the notebook no longer says: {snippet}"


def products(sizes, N):
    """(forward, backward) multiply-adds, counted from the shapes of real arrays."""
    weights, biases = R.init_network(sizes, seed=0)
    o = R.forward(weights, biases, np.zeros((N, sizes[0])))
    deltas = {len(weights): np.zeros_like(o[-1])}
    forward = backward = 0
    for l, W in enumerate(weights, start=1):
        forward += o[l - 1].shape[0] * o[l - 1].shape[1] * W.shape[1]          # o_{l-1} @ W_l
    for l in range(len(weights), 0, -1):
        d, prev = deltas[l], o[l - 1]
        backward += prev.shape[1] * prev.shape[0] * d.shape[1]                 # o_{l-1}.T @ δ_l
        if l > 1:
            back = d @ weights[l - 1].T                                         # δ_l @ W_l.T
            backward += d.shape[0] * d.shape[1] * back.shape[1]
            deltas[l - 1] = back
    return forward, backward


def test_worked_hidden_delta():
    states(r"$o_j = 0.6$")
    states(r"$\delta_1 = 0.1$")
    states(r"$\delta_2 = -0.2$")
    states(r"$w_{j1} = 0.5$, $w_{j2} = -0.5$")
    states(r"$\sum_k \delta_k w_{jk} = 0.05 + 0.1 = 0.15$")
    states(r"$\delta_j = 0.6 \cdot 0.4 \cdot 0.15 = 0.036$")
    delta = R.hidden_delta(np.array([[0.6]]), np.array([[0.1, -0.2]]), np.array([[0.5, -0.5]]))
    assert delta[0, 0] == pytest.approx(0.036)
    assert 0.1 * 0.5 == pytest.approx(0.05) and -0.2 * -0.5 == pytest.approx(0.1)


def test_sigma_prime_is_at_most_a_quarter():
    states(r"which is at most $0.25$")
    o = np.linspace(0, 1, 100001)
    assert R.sigmoid_derivative(o).max() == pytest.approx(0.25)


def test_the_matrix_form_is_the_seeds_sum():
    rng = np.random.default_rng(0)
    o, W, d = rng.uniform(0.1, 0.9, (5, 4)), rng.normal(size=(4, 3)), rng.normal(size=(5, 3))
    loop = np.array([[o[n, j] * (1 - o[n, j]) * sum(d[n, k] * W[j, k] for k in range(3))
                      for j in range(4)] for n in range(5)])
    assert np.allclose(loop, R.hidden_delta(o, d, W), rtol=0, atol=1e-15)


def test_the_shape_walkthrough_network():
    states("through a 3-4-4-2 network (three layers of weights), for\na batch of N = 5")
    assert "R.init_network([3, 4, 4, 2], seed=1)" in CODE and "size=(5, 3)" in CODE
    assert "sizes = [3, 4, 4, 2]" in CODE  # the figure: "the same network"


def test_gradient_check_at_depth():
    states("on a 4-5-3-2 network (three layers of weights, two of them hidden)")
    states(r"Every relative error is below $10^{-8}$")
    rng = np.random.default_rng(5)
    sizes = [4, 5, 3, 2]
    weights, biases = R.init_network(sizes, seed=5)
    biases = [rng.normal(0, 0.5, size=b.shape) for b in biases]
    X, T = rng.normal(0, 1, size=(6, 4)), rng.uniform(0.05, 0.95, size=(6, 2))
    dWs, dbs = R.backprop(weights, biases, X, T)
    assert len(weights) == 3
    for l in range(3):
        num_W = R.numerical_gradient(
            lambda W: R.network_loss(weights[:l] + [W] + weights[l + 1:], biases, X, T), weights[l])
        num_b = R.numerical_gradient(
            lambda b: R.network_loss(weights, biases[:l] + [b] + biases[l + 1:], X, T), biases[l])
        assert R.relative_error(dWs[l], num_W) < 1e-8
        assert R.relative_error(dbs[l], num_b) < 1e-8


def test_a_numerical_gradient_costs_two_forward_passes_per_parameter():
    states("which needs **two forward\npasses per parameter**")
    calls = []
    R.numerical_gradient(lambda x: calls.append(1) or float(np.sum(x ** 2)), np.ones((3, 4)))
    assert len(calls) == 2 * 12


def test_backward_is_at_most_twice_forward():
    states(r"$$\text{backward} = 2 \times \text{forward} - N\, n_0\, n_1 .$$")
    states("It costs at most twice the forward pass, whatever the depth")
    rng = np.random.default_rng(0)
    for _ in range(20):
        sizes = list(rng.integers(1, 30, size=rng.integers(2, 7)))
        N = int(rng.integers(1, 20))
        forward, backward = products(sizes, N)
        assert backward == 2 * forward - N * sizes[0] * sizes[1]
        assert forward <= backward <= 2 * forward


def test_digit_network_counts():
    states("784-256-128-10 with a batch of N = 256")
    states("the forward pass takes 60,096,512\nmulti")
    states("the backward pass 68,812,800, which is 1.15 times as many")
    states(r"the largest product, $N \cdot 784 \cdot 256$")
    states("takes 128,909,312, about 2.15 forward passes")
    states("235,146 parameters would need 470,292 forward passes")
    states("(1.15 times for the\n  784-256-128-10 network)")
    forward, backward = products(DIGITS, BATCH)
    assert (forward, backward) == (60_096_512, 68_812_800)
    assert f"{backward / forward:.2f}" == "1.15" and backward < 2 * forward
    assert forward + backward == 128_909_312 and f"{(forward + backward) / forward:.2f}" == "2.15"
    per_layer = [BATCH * a * b for a, b in zip(DIGITS[:-1], DIGITS[1:])]
    assert max(per_layer) == BATCH * 784 * 256
    weights, biases = R.init_network(DIGITS, seed=0)
    n_params = sum(W.size for W in weights) + sum(b.size for b in biases)
    assert n_params == 235_146 and 2 * n_params == 470_292


def test_the_measured_ratio_is_only_described_not_promised():
    # Timings vary with the machine; the prose names only the count (asserted above).
    states("But it is a small factor, of the\norder of the count's 2.15")


@pytest.mark.notebooks
def test_the_printed_numbers_match_the_prose():
    out = printed(executed_source(PATH))
    assert "Σ_k δ_k w_jk = 0.15" in out and "δ_j = 0.036" in out
    difference = float(re.search(r"largest difference: (\S+)", out).group(1))
    assert difference < 1e-12
    assert "δ_2 = (δ_3 (5, 2) @ W_3.T (2, 4)) ⊙ o_2(1 − o_2) (5, 4) → (5, 4)" in out
    assert "δ_1 = (δ_2 (5, 4) @ W_2.T (4, 4)) ⊙ o_1(1 − o_1) (5, 4) → (5, 4)" in out
    assert "∂L/∂W_1 = o_0.T (3, 5) @ δ_1 (5, 4) / N → (3, 4) = shape of W_1;  ∂L/∂b_1: (4,)" in out
    errors = [float(e) for e in re.findall(r"relative error (\S+?)\s", out)]
    assert len(errors) == 6 and max(errors) < 1e-8
    assert "forward pass:  60,096,512 multiply-adds" in out
    assert "backward pass: 68,812,800 multiply-adds = 1.15 × forward" in out
    assert "backprop (forward + backward) = 2.15 × forward" in out
    assert "parameters: 235,146; a numerical gradient needs 470,292 forward passes" in out
    assert re.search(r"ratio backprop / forward: \d+\.\d\d", out)
