"""Every number the prose of notebooks/backprop/05_training_digits states, asserted."""
import math
import re

import nbformat
import numpy as np
import pytest

from checker.data import load_digits, one_hot, train_test_split
from checker.reference import (accuracy, init_network, numerical_gradient, relative_error,
                               sigmoid, train)
from checker.reference.training import softmax_forward
from notebooks import NOTEBOOKS, claims, executed_source, interview_quotes_only_taught_numbers, markdown, printed

PATH = NOTEBOOKS / "backprop" / "05_training_digits.ipynb"
NB = nbformat.read(PATH, as_version=4)
TEXT = markdown(NB)
CODE = "\n".join(c.source for c in NB.cells if c.cell_type == "code")

# The settings the notebook trains with (asserted to be in its code below).
LAYERS, LR, BATCH, EPOCHS = [64, 32, 10], 2.0, 16, 20


states = claims(PATH)   # in the English words, and its numbers, math and code in the Chinese edition


def split():
    X, y = load_digits()
    return train_test_split(X, y, test_fraction=0.25, seed=0)


def cell(grade_id):
    (found,) = [c for c in NB.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    return found


def percent(text, after):
    """The first percentage (as a fraction) that follows `after` in text."""
    return float(re.search(re.escape(after) + r".*?([\d.]+)%", text, re.S).group(1)) / 100


@pytest.fixture(scope="module")
def curves():
    """Test accuracy before training and after every epoch, for both output layers."""
    X_train, X_test, y_train, y_test = split()
    steps = math.ceil(len(X_train) / BATCH)
    result = {}
    for output in ("sigmoid", "softmax"):
        weights, biases = init_network(LAYERS, seed=0)
        curve = [accuracy(weights, biases, X_test, y_test)]
        run = train(weights, biases, X_train, one_hot(y_train), lr=LR, batch_size=BATCH, epochs=EPOCHS,
                    seed=0, output=output,
                    on_step=lambda step, W, b: step % steps or curve.append(accuracy(W, b, X_test, y_test)))
        assert len(curve) == EPOCHS + 1
        result[output] = (curve, run)
    return result


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
    states(r"target sums to one, $\sum_j t_j = 1$")
    states(r"$$\delta_k = \frac{\partial L}{\partial z_k} = o_k - t_k,")
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


def test_the_softmax_exercise_comes_before_its_derivation():
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in NB.cells]
    order = ["md-13", "md-softmax-statement", "delta_softmax_ce", "check_delta_softmax_ce",
             "test_delta_softmax_ce", "md-softmax-callout", "md-softmax-derivation"]
    assert [ids.index(i) for i in order] == list(range(ids.index("md-13"), ids.index("md-13") + 7))
    assert "= o_k - t_k" not in cell("md-13").source and "= o - t" not in cell("md-softmax-statement").source
    assert 'answer = "o - t"' in cell("delta_softmax_ce").source
    derivation = cell("md-softmax-derivation").source
    assert r"= o_j\,\bigl(\mathbf{1}[j = k] - o_k\bigr)." in derivation   # the full Jacobian
    assert r"+ o_k \sum_{j=1}^{K} t_j ." in derivation                     # the sum
    assert r"$\sum_j t_j = 1$, so the second term is $o_k$" in derivation   # Σ t = 1


def test_the_softmax_jacobian_and_the_diagonal_path():
    rng = np.random.default_rng(0)
    z = rng.normal(size=6)
    t = one_hot([2], num_classes=6)[0]
    o = np.exp(z) / np.exp(z).sum()
    J = numerical_gradient(lambda v: np.exp(v) / np.exp(v).sum() @ np.eye(6)[0], z)  # ∂o_0/∂z_k
    assert np.allclose(J, o[0] * (np.eye(6)[0] - o), atol=1e-9)
    diagonal = -t * (1 - o)                                                            # the diagonal path
    others = np.array([o[k] * (t.sum() - t[k]) for k in range(6)])                   # o_k Σ_{j≠k} t_j
    assert np.allclose(diagonal + others, o - t)
    states("the other $K - 1$ paths add $o_k \\sum_{j \\ne k} t_j$")


def test_the_two_output_layers_trained_side_by_side(curves):
    text = cell("md-softmax-result").source
    (sig, _), (soft, _) = curves["sigmoid"], curves["softmax"]
    states("same η = 2.0,\nbatch size 16 and 20 epochs")
    assert 'output="softmax", on_step=record_accuracy' in CODE and "lr=lr," in CODE
    # the final accuracies, as the prose and the summary state them (within one percentage point)
    sig_final, soft_final = percent(text, "**"), percent(text, "sigmoid + MSE and **")
    assert abs(sig[-1] - sig_final) <= 0.01 and abs(soft[-1] - soft_final) <= 0.01
    states(f"({sig_final:.1%} for sigmoid + MSE,\n  {soft_final:.1%} for softmax + cross-entropy)")
    # "a couple of images, smaller than the wobble from one epoch to the next"
    gap = abs(soft[-1] - sig[-1]) * 449
    assert round(gap) <= 4
    wobble = max(np.max(np.abs(np.diff(c[-11:]))) for c in (sig, soft))
    assert wobble * 449 > gap
    # the first epochs: softmax + cross-entropy far ahead
    early = re.search(r"after one epoch softmax \+ cross-entropy already reads ([\d.]+)% of the test\s+"
                      r"digits against ([\d.]+)%, after two epochs ([\d.]+)% against ([\d.]+)%", text)
    soft_1, sig_1, soft_2, sig_2 = (float(v) / 100 for v in early.groups())
    for curve, epoch, stated in [(soft, 1, soft_1), (sig, 1, sig_1), (soft, 2, soft_2), (sig, 2, sig_2)]:
        assert abs(curve[epoch] - stated) <= 0.02, (epoch, curve[epoch], stated)
    assert soft[1] > sig[1] + 0.1 and soft[2] > sig[2] + 0.1
    states(r"the factor $o(1 - o) \le 1/4$ predicts")
    assert sigmoid(0.0) * (1 - sigmoid(0.0)) == 0.25


def test_softmax_outputs_sum_to_one_and_sigmoid_outputs_need_not(curves):
    states("the softmax network's outputs always sum\nto exactly 1")
    _, X_test, _, _ = split()
    (_, sig_run), (_, soft_run) = curves["sigmoid"], curves["softmax"]
    assert np.allclose(softmax_forward(soft_run.weights, soft_run.biases, X_test)[-1].sum(axis=1), 1.0)
    from checker.reference import forward
    sums = forward(sig_run.weights, sig_run.biases, X_test)[-1].sum(axis=1)
    assert np.abs(sums - 1).max() > 0.05


def test_the_training_loop_credits_the_learner_truthfully():
    states("Its heart, `backprop`, is the\nfunction you wrote in notebook 3")
    states("The other helpers were given to you, not written by you: `init_network`")
    states("`sgd_step` (the update of step 3")
    states("`network_loss` (a forward pass, then the MSE loss of notebook 1) and `accuracy`")
    assert "every line of it is something you\nhave written yourself" not in TEXT
    nbs = [nbformat.read(q, as_version=4) for q in sorted((NOTEBOOKS / "backprop").glob("0*.ipynb"))]
    exercises = {c.metadata.get("nbgrader", {}).get("grade_id") for nb in nbs for c in nb.cells
                 if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"}
    assert "backprop" in exercises and {"hidden_delta", "output_delta", "layer_gradients"} <= exercises
    assert not {"init_network", "sgd_step", "network_loss", "accuracy"} & exercises


def test_saturated_sigmoid_versus_cross_entropy():
    states(r"$z_k = -6$ while $t_k = 1$, has $o_k(1 - o_k) \approx 0.0025$")
    states("it stays close to −1 for that unit")
    o = sigmoid(-6.0)
    assert f"{o * (1 - o):.4f}" == "0.0025"
    z = np.array([-6.0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    o_soft = np.exp(z) / np.exp(z).sum()
    assert o_soft[0] - 1.0 == pytest.approx(-1.0, abs=1e-3)
    states(r"$o(1 - o) \le 1/4$ makes every sigmoid + MSE error term at least four times smaller")
    assert sigmoid_derivative_max() == pytest.approx(0.25)


def sigmoid_derivative_max():
    o = np.linspace(0, 1, 100001)
    return float(np.max(o * (1 - o)))


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
def test_the_printed_numbers_match_the_prose(trained, curves):
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
    (sig, _), (soft, _) = curves["sigmoid"], curves["softmax"]
    for name, curve in [("sigmoid + MSE", sig), ("softmax + cross-entropy", soft)]:
        assert (f"{name:>23}: test accuracy after epoch 1 {curve[1]:.1%}, after epoch 2 {curve[2]:.1%}, "
                f"after epoch 20 {curve[-1]:.1%}") in out
    assert sig[-1] == after
    assert re.search(r"sum of the outputs for the first test image: sigmoid \d\.\d\d, softmax 1\.00", out)


def test_the_interview_questions_follow_the_summary_and_quote_only_taught_numbers():
    interview_quotes_only_taught_numbers(NB)