"""Every number the prose of notebooks/backprop/05_training_digits states, asserted."""
import math
import re

import nbformat
import numpy as np
import pytest

from checker.data import load_digits, one_hot, train_test_split
from checker.reference import (accuracy, init_network, numerical_gradient, relative_error,
                               sigmoid, train)
from notebooks import NOTEBOOKS, executed_source, markdown, printed

PATH = NOTEBOOKS / "backprop" / "05_training_digits.ipynb"
NB = nbformat.read(PATH, as_version=4)
TEXT = markdown(NB)
CODE = "\n".join(c.source for c in NB.cells if c.cell_type == "code")

# The settings the notebook trains with (asserted to be in its code below).
LAYERS, LR, BATCH, EPOCHS = [64, 32, 10], 2.0, 16, 20


def states(snippet):
    assert snippet in TEXT, f"the notebook no longer says: {snippet}"


def split():
    X, y = load_digits()
    return train_test_split(X, y, test_fraction=0.25, seed=0)


@pytest.fixture(scope="module")
def trained():
    X_train, X_test, y_train, y_test = split()
    weights, biases = init_network(LAYERS, seed=0)
    before = accuracy(weights, biases, X_test, y_test)
    run = train(weights, biases, X_train, one_hot(y_train), lr=LR, batch_size=BATCH,
                epochs=EPOCHS, seed=0)
    return before, run, accuracy(run.weights, run.biases, X_test, y_test)


def test_the_notebook_trains_with_the_settings_its_prose_names():
    assert "lr, batch_size, epochs = 2.0, 16, 20" in CODE
    assert "layer_sizes = [64, 32, 10]" in CODE
    assert "init_network(layer_sizes, seed=0)" in CODE
    assert "np.random.default_rng(0)" in CODE
    assert "train_test_split(X, y, test_fraction=0.25, seed=0)" in CODE
    assert "backprop(weights, biases, X_train[batch], T_train[batch])" in CODE
    assert "sgd_step(weights, biases, dWs, dbs, lr)" in CODE
    assert "from tqdm.auto import tqdm" in CODE


def test_the_data_set():
    states("## 5.1 The data: 1,797 handwritten digits")
    states("Each of the 1,797 images is 8×8 pixels; each pixel is a count from 0 to 16")
    states("The loader divides the counts by 16, so the pixels lie in [0, 1]")
    states("image row by row into 64 numbers")
    states("and y holds the labels 0–9")
    X, y = load_digits()
    assert X.shape == (1797, 64) and y.shape == (1797,) and 8 * 8 == 64
    assert X.min() == 0.0 and X.max() == 1.0
    assert np.allclose(X * 16, np.round(X * 16)) and (X * 16).max() == 16
    assert sorted(np.unique(y)) == list(range(10))


def test_the_classes_are_balanced_so_guessing_gets_about_ten_percent():
    states("about equally common (174 to 183 images each)")
    states("right about 10% of the time")
    counts = np.bincount(load_digits()[1])
    assert counts.min() == 174 and counts.max() == 183 and len(counts) == 10
    assert counts.max() / counts.sum() == pytest.approx(0.10, abs=0.003)  # even the likeliest guess


def test_split_and_one_hot_targets():
    states("We hold out a quarter of the images")
    states("1,348 training images and 449 test images")
    states("The network has K = 10 output units")
    X_train, X_test, y_train, y_test = split()
    assert len(X_train) == 1348 and len(X_test) == 449 and round(1797 / 4) == 449
    T = one_hot(y_train)
    assert T.shape == (1348, 10) and np.all(T.sum(axis=1) == 1.0)
    assert np.all(T[np.arange(len(y_train)), y_train] == 1.0)


def test_architecture_and_initialisation():
    states("The network is [64, 32, 10]: 64 inputs (the pixels), one hidden layer of 32 sigmoid units, and\n10 sigmoid outputs.")
    states(r"standard deviation $1/\sqrt{n_{l-1}}$")
    weights, biases = init_network(LAYERS, seed=0)
    assert [W.shape for W in weights] == [(64, 32), (32, 10)]
    assert not any(b.any() for b in biases)
    big = init_network([400, 300], seed=0)[0][0]
    assert big.std() == pytest.approx(1 / math.sqrt(400), rel=0.02)


def test_steps_per_epoch_and_hyperparameters(trained):
    states("full backward pass over 1,348 images")
    states("cut that order into batches of 16 examples")
    states("One epoch is 85 steps (1,348 / 16, the last batch a little smaller), and we train for 20 epochs\nwith learning rate η = 2.0.")
    states("and η = 2.0 is a big step")
    assert math.ceil(1348 / 16) == 85 and 1348 % 16 != 0
    _, run, _ = trained
    assert len(run.step_losses) == 85 * EPOCHS


def test_accuracy_before_and_after_training(trained):
    states("Before training the network is right for about one digit in ten")
    states("After 20\nepochs it reads **above 95%** of the test digits correctly")
    states("reaches above 95% test accuracy in\n  20 epochs")
    before, _, after = trained
    assert 0.05 <= before <= 0.15
    assert after > 0.95


def test_softmax_cross_entropy_error_term_and_the_seeds_formula():
    states(r"target sums to one, $\sum_k t_k = 1$")
    states(r"$$\delta_j = \frac{\partial L}{\partial z_j} = o_j - t_j,")
    states("to a relative error\nbelow $10^{-9}$")
    states("misses by a relative error above 0.1 in every trial")

    def softmax(z):
        e = np.exp(z - z.max())
        return e / e.sum()

    rng = np.random.default_rng(5)  # the notebook's draws
    for _ in range(5):
        z = rng.normal(0.0, 2.0, size=10)
        t = one_hot([rng.integers(10)])[0]
        assert t.sum() == 1.0
        o = softmax(z)
        ce = numerical_gradient(lambda v: -np.sum(t * np.log(softmax(v))), z)
        assert relative_error(o - t, ce) < 1e-9
        # the exact gradient of softmax + MSE is J^T (o − t) with J = diag(o) − o o^T
        exact_mse = (np.diag(o) - np.outer(o, o)) @ (o - t)
        assert relative_error((o - t) * o * (1 - o), exact_mse) > 0.1


def test_saturated_sigmoid_versus_cross_entropy():
    states(r"$z_k = -6$ while $t_k = 1$, has $o_k(1 - o_k) \approx 0.0025$")
    states("it stays close to −1 for that unit")
    o = sigmoid(-6.0)
    assert f"{o * (1 - o):.4f}" == "0.0025"
    z = np.array([-6.0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    o_soft = np.exp(z) / np.exp(z).sum()
    assert o_soft[0] - 1.0 == pytest.approx(-1.0, abs=1e-3)


def test_the_learners_backprop_is_in_notebook_3():
    states("for the `backprop` you wrote in\n> notebook 3")
    nb3 = nbformat.read(NOTEBOOKS / "backprop" / "03_hidden_layers.ipynb", as_version=4)
    assert any(c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "backprop"
               and "def backprop(" in c.source for c in nb3.cells)


def test_the_data_licence():
    states("(E. Alpaydin and C. Kaynak; CC BY 4.0)")
    readme = (NOTEBOOKS.parent / "data" / "README.md").read_text()
    assert "Alpaydin and C. Kaynak" in readme and "CC BY 4.0" in readme


def test_the_try_it_variations_still_train():
    states("try a smaller learning rate such as 0.5, or 8 hidden units instead of\n> 32")
    X_train, X_test, y_train, y_test = split()
    for sizes, lr in [([64, 32, 10], 0.5), ([64, 8, 10], LR)]:
        run = train(*init_network(sizes, seed=0), X_train, one_hot(y_train), lr=lr,
                    batch_size=BATCH, epochs=EPOCHS, seed=0)
        assert accuracy(run.weights, run.biases, X_test, y_test) > 0.85  # slower or smaller, still learns


def test_summary_repeats_only_asserted_numbers():
    states("1,797 images of 8×8 pixels scaled to [0, 1], one row of 64 numbers per image")
    states("1,348 training and 449 test images")
    states("each of the 10\n  sigmoid outputs")
    states("for each batch of 16")
    states("The [64, 32, 10] network")
    states("in well under 30 s.")


@pytest.mark.notebooks
def test_the_printed_numbers_match_the_prose(trained):
    out = printed(executed_source(PATH))
    before, run, after = trained
    assert "images per digit: [178 182 177 183 181 182 181 179 174 180]" in out
    assert "train: (1348, 64) (1348, 10)   test: (449, 64) (449, 10)" in out
    assert f"test accuracy before training: {before:.1%}" in out
    final = re.search(r"final test accuracy: ([\d.]+)% \((\d+) of 449 test digits\)", out)
    assert final and float(final.group(1)) > 95.0
    assert final.group(1) + "%" == f"{after:.1%}" and int(final.group(2)) == round(after * 449)
    assert f"misclassified: {449 - int(final.group(2))} of 449 test digits" in out
    seconds = float(re.search(r"training time: ([\d.]+) s for 20 epochs", out).group(1))
    assert seconds < 30
    assert "checker.reference.train gives the same weights: True" in out
    assert f"mini-batch steps taken: {85 * 20}" in out
    ce = float(re.search(r"δ = o − t: +largest relative error ([\d.e+-]+)", out).group(1))
    sigmoid_error = float(re.search(r"sigmoid δ formula: +smallest relative error ([\d.]+)", out).group(1))
    assert ce < 1e-9 and sigmoid_error > 0.1
