"""Every number the prose of notebooks/backprop/03_hidden_layers states, asserted."""
import re

import nbformat
import numpy as np
import pytest

from checker import reference as R
from notebooks import NOTEBOOKS, claims, executed_source, interview_quotes_only_taught_numbers, markdown, printed

PATH = NOTEBOOKS / "backprop" / "03_hidden_layers.ipynb"
NB = nbformat.read(PATH, as_version=4)
TEXT = markdown(NB)
CODE = "\n".join(c.source for c in NB.cells if c.cell_type == "code")

DIGITS, BATCH = [784, 256, 128, 10], 256


states = claims(PATH)   # in the English words, and its numbers, math and code in the Chinese edition


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


def cell(grade_id):
    (found,) = [c for c in NB.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    return found


def solution_answer(grade_id):
    """The value the instructor's answer cell assigns to `answer`."""
    source = cell(grade_id).source
    solution = source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
    scope = {}
    exec(solution, {"np": np}, scope)
    return scope["answer"]


def mazur():
    """Notebook 2's network (Mazur's tutorial), with the factors of ∂L/∂w1."""
    s = R.sigmoid
    x1, x2, t1, t2 = 0.05, 0.10, 0.01, 0.99
    w1, w2, w3, w4, w5, w6, w7, w8 = 0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55
    h1, h2 = s(w1 * x1 + w2 * x2 + 0.35), s(w3 * x1 + w4 * x2 + 0.35)
    o1, o2 = s(w5 * h1 + w6 * h2 + 0.60), s(w7 * h1 + w8 * h2 + 0.60)
    d1, d2 = (o1 - t1) * o1 * (1 - o1), (o2 - t2) * o2 * (1 - o2)
    v = dict(h1=h1, o1=o1, o2=o2, d1=d1, d2=d2, a=d1 * w5, b=d2 * w7, S=d1 * w5 + d2 * w7,
             sp=h1 * (1 - h1))
    v["dh1"] = v["S"] * v["sp"]
    v["g"] = v["dh1"] * x1
    v["one_path"] = d1 * w5 * v["sp"] * x1
    # the same gradient from the reference backprop (W_1 = [[w1, w3], [w2, w4]], W_2 likewise)
    W_1, W_2 = np.array([[w1, w3], [w2, w4]]), np.array([[w5, w7], [w6, w8]])
    dWs, _ = R.backprop([W_1, W_2], [np.full(2, 0.35), np.full(2, 0.60)],
                        np.array([[x1, x2]]), np.array([[t1, t2]]))
    v["backprop"] = dWs[0][0, 0]
    return v


def nine(value):
    return f"{value:.9g}"


def test_the_mazur_exercise_restates_notebook_2s_numbers():
    statement = cell("md-mazur-statement").source
    for snippet in [r"$x = (x_1, x_2) = (0.05, 0.10)$", r"$t = (t_1, t_2) = (0.01, 0.99)$",
                    r"$w_1, \dots, w_8 = 0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55$",
                    r"$b_1 = 0.35$", r"$b_2 = 0.60$", "one training example (N = 1)",
                    r"$E_\text{total}$; it is our L with N = 1",
                    "at least 6 significant\ndigits", "within 0.001 % of the exact value",
                    "right to about 1 %"]:
        assert snippet in statement, snippet
    nb2 = nbformat.read(NOTEBOOKS / "backprop" / "02_output_layer.ipynb", as_version=4)
    nb2_code = "\n".join(c.source for c in nb2.cells if c.cell_type == "code")
    for snippet in ["X = np.array([[0.05, 0.10]])", "T = np.array([[0.01, 0.99]])",
                    "W_1 = np.array([[0.15, 0.25],", "[0.20, 0.30]])", "W_2 = np.array([[0.40, 0.50],",
                    "[0.45, 0.55]])", "b_1 = np.array([0.35, 0.35])", "b_2 = np.array([0.60, 0.60])"]:
        assert snippet in nb2_code, snippet  # the same network as notebook 2's


def test_the_mazur_answer_and_its_worked_factors():
    v = mazur()
    assert v["g"] == pytest.approx(v["backprop"], rel=1e-12)  # the hand formula is backprop's
    answer = solution_answer("mazur_dE_dw1")
    assert f"{v['g']:.6g}" == "0.000438568" and answer == pytest.approx(v["g"], rel=1e-5)
    worked = cell("md-mazur-worked").source
    for key in ["h1", "o1", "o2", "d1", "d2", "a", "S", "sp", "dh1", "g"]:
        assert nine(v[key]) in worked, (key, nine(v[key]))
    assert f"({nine(v['b'])})" in worked
    assert f"{nine(v['S'])} \\cdot {nine(v['sp'])} = {nine(v['dh1'])}" in worked
    assert r"\underbrace{x_1}_{0.05}" in worked and f"\\approx {v['g']:.6g}" in worked
    # "leaving out its path would overstate the gradient by about half"
    assert "overstate the\ngradient by about half" in worked and v["d2"] < 0
    assert 1.45 < v["one_path"] / v["g"] < 1.55
    states("$\\partial L / \\partial w_1 = (\\delta_{o1} w_5 + \\delta_{o2} w_7)\\, o_{h1}(1 - o_{h1})\\, x_1 \\approx 0.000438568$")


def test_the_mazur_exercise_comes_before_its_worked_answer():
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in NB.cells]
    order = ["md-mazur-statement", "mazur_dE_dw1", "check_mazur_dE_dw1", "test_mazur_dE_dw1",
             "md-mazur-callout", "md-mazur-worked"]
    assert [ids.index(i) for i in order] == list(range(ids.index(order[0]), ids.index(order[0]) + 6))
    assert ids.index("md-mazur-statement") > ids.index("md-2")  # after the rule is derived


def test_one_layers_backward_pass_is_exactly_twice_its_forward_pass():
    assert solution_answer("backward_forward_ratio") == 2
    rng = np.random.default_rng(1)
    for _ in range(20):
        N, n_in, n_out = (int(n) for n in rng.integers(1, 40, size=3))
        o_prev, W, delta = np.zeros((N, n_in)), np.zeros((n_in, n_out)), np.zeros((N, n_out))
        forward = o_prev.shape[0] * o_prev.shape[1] * W.shape[1]                  # o_prev @ W
        dW, back = o_prev.T @ delta, delta @ W.T
        backward = (o_prev.shape[1] * o_prev.shape[0] * delta.shape[1]           # o_prev.T @ δ
                    + delta.shape[0] * delta.shape[1] * W.shape[0])              # δ @ W.T
        assert dW.shape == W.shape and back.shape == o_prev.shape
        assert backward == 2 * forward
    states("costs **exactly 2 times** its forward pass, whatever the shapes")
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in NB.cells]
    assert ids.index("md-ratio-callout") < ids.index("md-ratio-count")  # the count follows the exercise
    assert "the forward pass takes 60,096,512" in cell("md-ratio-count").source


def test_the_timing_is_shown_for_interest_and_promises_no_number():
    # Timings vary with the machine and its load: the prose claims only the exact count.
    states("Each runs 3 times in a row, that is repeated 9 times,\nand the median of the 9 is kept")
    states("**Timings vary from machine to machine and with whatever else the computer is doing**")
    states("the count is exact, the timing only a rough picture")
    (timing,) = [c.source for c in NB.cells if "timeit.repeat" in c.source]
    assert timing.count("np.median(timeit.repeat(") == 2
    assert timing.count("number=3, repeat=9") == 2
    prose = cell("md-15").source
    assert not re.search(r"\d\.\d", prose) and "2.15" not in prose  # no measured ratio promised


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
    assert re.search(r"ratio backprop / forward, this time: \d+\.\d\d   \(the count: 2\.15\)", out)  # format only
    v = mazur()
    assert f"δ_o1 = {nine(v['d1'])}   δ_o2 = {nine(v['d2'])}" in out
    assert f"δ_o1 w5 + δ_o2 w7 = {nine(v['S'])}   o_h1(1 − o_h1) = {nine(v['sp'])}" in out
    assert f"δ_h1 = {nine(v['dh1'])}   ∂L/∂w1 = {nine(v['g'])}" in out


def test_the_interview_questions_follow_the_summary_and_quote_only_taught_numbers():
    interview_quotes_only_taught_numbers(NB)


def test_the_tolerances_the_statements_name_are_the_checkers():
    from checker.exercises.derive_backprop import BackwardForwardRatio, WorkedExampleHiddenWeight
    assert "within 0.001 % of the exact value" in cell("md-mazur-statement").source
    assert WorkedExampleHiddenWeight.tolerance == 0.001 / 100
    assert "(a relative 1e-9) is tolerated" in cell("md-ratio-statement").source
    assert BackwardForwardRatio.tolerance == 1e-9
