"""Every number the prose of notebooks/backprop/01_sigmoid_and_mse states, asserted."""

import nbformat
import numpy as np
import pytest

from checker.reference import mse_loss, sigmoid
from notebooks import NOTEBOOKS, callout_forms, claims, executed_source, markdown, printed

PATH = NOTEBOOKS / "backprop" / "01_sigmoid_and_mse.ipynb"
TEXT = markdown(nbformat.read(PATH, as_version=4))

states = claims(PATH)   # in the English words, and its numbers, math and code in the Chinese edition

def test_sigmoid_midpoint_and_symmetry():
    states(r"$\sigma(0) = 0.5$")
    assert sigmoid(0.0) == 0.5
    z = np.linspace(-5, 5, 11)
    assert np.allclose(sigmoid(-z), 1 - sigmoid(z))

def test_derivative_peak_and_tail():
    states(r"$\sigma'(0) = 0.5 \cdot 0.5 = 0.25$")
    states(r"$\sigma'(5) \approx 0.0066$")
    z = np.linspace(-10, 10, 20001)
    d = sigmoid(z) * (1 - sigmoid(z))
    assert d.max() == pytest.approx(0.25) and z[d.argmax()] == pytest.approx(0.0)
    assert f"{float(sigmoid(5.0) * (1 - sigmoid(5.0))):.4f}" == "0.0066"

def test_worked_mse_example():
    states(r"$L = \tfrac12 (0.04 + 0.09 + 0.01) = 0.07$")
    states(r"$\partial L/\partial o = (0.2, -0.3, -0.1)$")
    o, t = np.array([[0.2, 0.7, 0.9]]), np.array([[0.0, 1.0, 1.0]])
    assert mse_loss(o, t) == pytest.approx(0.07)
    assert np.allclose((o - t) / 1, [[0.2, -0.3, -0.1]])

@pytest.mark.notebooks
def test_the_printed_numbers_match_the_prose():
    out = printed(executed_source(PATH))
    assert "L = 0.07" in out and "σ′(0) = 0.2500,  σ′(5) = 0.0066" in out


# ---------------------------------------------------------------- §0, how to type a derivation answer
def test_how_to_type_a_derivation_answer():
    import sympy
    from checker.expressions import parse
    o, beta = sympy.Symbol("o", positive=True), sympy.Symbol("beta", positive=True)
    symbols = {"o": o, "beta": beta}
    read = lambda text: parse(text, symbols)
    states('`"o^2"` and `"o**2"` are the same')
    assert read("o^2") == read("o**2") == o ** 2
    states('The `*` may be left out: `"3o^2 - 1"`, `"2(1 + o)"`')
    assert read("3o^2 - 1") == read("3*o^2 - 1") == 3 * o ** 2 - 1
    assert sympy.expand(read("2(1 + o)") - 2 * (1 + o)) == 0
    states('`"exp(-o)/(1 + exp(-o))"`')
    assert read("exp(-o)/(1 + exp(-o))") == sympy.exp(-o) / (1 + sympy.exp(-o))
    states('`"β"` or `"beta"`, and `"2beta"` is 2β')
    assert read("β") == read("beta") == beta and read("2beta") == 2 * beta
    states('`"(1 + o)^2"` and `"1 + 2o + o^2"` are the same answer')
    assert sympy.expand(read("(1 + o)^2") - read("1 + 2o + o^2")) == 0


def test_how_to_work_names_the_cells_and_the_rules():
    from checker.scaffold import REFERENCE_RULE
    states("## 0 · How to work in this course")
    states("scores 0")
    states("In JupyterLab 4 it\nstops at the first cell that raises an error, unless that cell is marked as expected to fail")
    states("autograder cells and the answer cells of derivation exercises are marked so")
    nb = nbformat.read(PATH, as_version=4)   # the marks themselves: tests/test_notebooks.py
    assert sum(REFERENCE_RULE in c.source for c in nb.cells if c.cell_type == "markdown") == 5


# ---------------------------------------------------------------- the derivation exercises
def test_the_hint_and_the_worked_derivation_of_sigma_prime():
    states("the\nsymmetry $\\sigma(-z) = 1 - \\sigma(z)$ of 1.1")
    states(r"$\frac{e^{-z}}{1 + e^{-z}} = \frac{1}{e^{z} + 1} = \sigma(-z) = 1 - \sigma(z)$")
    z = np.linspace(-30, 30, 601)
    e = np.exp(-z)
    assert np.allclose(e / (1 + e), 1 / (np.exp(z) + 1)) and np.allclose(1 / (np.exp(z) + 1), sigmoid(-z))
    assert np.allclose(sigmoid(-z), 1 - sigmoid(z))
    assert np.allclose(e / (1 + e) ** 2, sigmoid(z) * (1 - sigmoid(z)))   # the chain rule's result
    eps = 1e-6
    numerical = (sigmoid(z + eps) - sigmoid(z - eps)) / (2 * eps)
    assert np.allclose(numerical, sigmoid(z) * (1 - sigmoid(z)), atol=1e-9)


def test_the_callout_statements_about_sigma_prime():
    states('`"o^2 - o"` is negative for every o in (0, 1)')
    o = np.linspace(1e-6, 1 - 1e-6, 10001)
    assert np.all(o ** 2 - o < 0) and np.all(o * (1 - o) > 0)
    states("σ′ depends on o, stays between 0 and 1/4, and peaks at o = ½")
    assert (o * (1 - o)).max() <= 0.25 and o[np.argmax(o * (1 - o))] == pytest.approx(0.5, abs=1e-4)


def test_the_worked_derivative_of_the_loss():
    states(r"\frac{\partial L}{\partial o_k} = \frac12 \cdot 2\,(o_k - t_k) \cdot 1 = o_k - t_k")
    states(r"= \frac{o_{ni} - t_{ni}}{N}")
    rng = np.random.default_rng(1)
    o, t = rng.uniform(0, 1, (3, 4)), rng.uniform(0, 1, (3, 4))
    eps, N = 1e-6, o.shape[0]
    numerical = np.zeros_like(o)
    for idx in np.ndindex(o.shape):
        up, down = o.copy(), o.copy()
        up[idx] += eps
        down[idx] -= eps
        numerical[idx] = (mse_loss(up, t) - mse_loss(down, t)) / (2 * eps)
    assert np.allclose(numerical, (o - t) / N, atol=1e-8)
    # without the ½ every derivative doubles (interview question 2)
    unhalved = lambda o: np.sum((o - t) ** 2) / N
    i = (1, 2)
    up, down = o.copy(), o.copy()
    up[i] += eps
    down[i] -= eps
    assert (unhalved(up) - unhalved(down)) / (2 * eps) == pytest.approx(2 * numerical[i])


def _callout_forms(ex_id):
    return callout_forms(PATH, ex_id)


@pytest.mark.parametrize("ex_id", ["d_sigmoid_in_o", "d_mse_d_o"])
def test_every_typed_wrong_answer_in_a_callout_is_diagnosed_as_named(ex_id):
    import checker
    from checker.exercises import REGISTRY
    bullets = _callout_forms(ex_id)
    assert {m for m, _ in bullets} == {m.mistake for m in REGISTRY[ex_id].misconceptions}
    for mistake, forms in bullets:
        assert forms, mistake
        for form in forms:
            result = checker.check(ex_id, form, show=False)
            assert not result.passed and result.mistake == mistake, (form, result.mistake)
    right = {"d_sigmoid_in_o": "o*(1 - o)", "d_mse_d_o": "o - t"}[ex_id]
    assert checker.check(ex_id, right, show=False).passed


@pytest.mark.notebooks
def test_the_printed_derivative_check_is_tight():
    import re
    out = printed(executed_source(PATH))
    assert float(re.search(r"largest difference: (\S+)", out).group(1)) < 1e-9
