"""Every number the prose of notebooks/backprop/01_sigmoid_and_mse states, asserted."""

import nbformat
import numpy as np
import pytest

from checker.reference import mse_loss, sigmoid
from notebooks import NOTEBOOKS, executed_source, markdown, printed

PATH = NOTEBOOKS / "backprop" / "01_sigmoid_and_mse.ipynb"
TEXT = markdown(nbformat.read(PATH, as_version=4))

def states(snippet):
    assert snippet in TEXT, f"the notebook no longer says: {snippet}"

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
