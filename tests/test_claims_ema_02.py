"""Every number the prose of notebooks/ema/02_ema_of_weights states, asserted.

The training runs are recomputed here with checker.reference's trainer, and the shadow copies with
plain numpy (not with WeightEMA), so the test also checks the notebook's use of WeightEMA.
"""
import math
import re

import nbformat
import numpy as np
import pytest

from checker.data import load_digits, one_hot, train_test_split
from checker.reference import (accuracy, ema, ema_bias_corrected, init_network, network_loss,
                               train, warmup_decay)
from notebooks import NOTEBOOKS, claims, executed_source, interview_answer_cells, markdown, printed

PATH = NOTEBOOKS / "ema" / "02_ema_of_weights.ipynb"
NB = nbformat.read(PATH, as_version=4)
TEXT = markdown(NB)
CODE = "\n".join(c.source for c in NB.cells if c.cell_type == "code")

# The settings the notebook trains with (asserted to be in its code below).
LAYERS, LR, BATCH, EPOCHS, EVERY = [64, 32, 10], 4.0, 8, 20, 10
BETAS = (0.9, 0.99, 0.999)
WARM_BETA, WARM_EPOCHS, WARM_EVERY = 0.999, 4, 5


states = claims(PATH)   # in the English words, and its numbers, math and code in the Chinese edition


def cell(cell_id):
    return next(c for c in NB.cells if c.id == cell_id)


def index(cell_id):
    return next(i for i, c in enumerate(NB.cells) if c.id == cell_id)


def split():
    X, y = load_digits()
    return train_test_split(X, y, test_fraction=0.25, seed=0)


X_TRAIN, X_TEST, Y_TRAIN, Y_TEST = split()
T_TRAIN, T_TEST = one_hot(Y_TRAIN), one_hot(Y_TEST)


def evaluate(params):
    Ws, bs = params[:2], params[2:]
    return network_loss(Ws, bs, X_TEST, T_TEST), accuracy(Ws, bs, X_TEST, Y_TEST)


class Shadow:
    """A shadow copy in plain numpy. start: 'init' or 'zero'; correct: divide by 1 − Π decays;
    schedule: TensorFlow's min(β, (1 + n)/(10 + n))."""

    def __init__(self, params, beta, start="init", correct=False, schedule=False):
        self.beta, self.correct, self.schedule = beta, correct, schedule
        self.s = [np.array(p, float) if start == "init" else np.zeros_like(p, float) for p in params]
        self.n, self.product = 0, 1.0

    def update(self, params):
        d = min(self.beta, (1 + self.n) / (10 + self.n)) if self.schedule else self.beta
        self.s = [d * s + (1 - d) * np.asarray(p) for s, p in zip(self.s, params)]
        self.product *= d
        self.n += 1

    def average(self):
        return [s / (1 - self.product) for s in self.s] if self.correct else self.s


def run(shadows, epochs, every):
    W0, b0 = init_network(LAYERS, seed=0)
    hist = {"step": [], "raw": [], **{k: [] for k in shadows}}

    def on_step(step, Ws, bs):
        for sh in shadows.values():
            sh.update(Ws + bs)
        if step % every == 0:
            hist["step"].append(step)
            hist["raw"].append(evaluate(Ws + bs))
            for k, sh in shadows.items():
                hist[k].append(evaluate(sh.average()))

    train(W0, b0, X_TRAIN, T_TRAIN, lr=LR, batch_size=BATCH, epochs=epochs, seed=0, on_step=on_step)
    return {k: np.array(v) for k, v in hist.items()}


@pytest.fixture(scope="module")
def three():
    W0, b0 = init_network(LAYERS, seed=0)
    return run({b: Shadow(W0 + b0, b) for b in BETAS}, EPOCHS, EVERY)


@pytest.fixture(scope="module")
def warm():
    W0, b0 = init_network(LAYERS, seed=0)
    p = W0 + b0
    return run({"init": Shadow(p, WARM_BETA),
                "zero": Shadow(p, WARM_BETA, start="zero"),
                "corrected": Shadow(p, WARM_BETA, start="zero", correct=True),
                "tf": Shadow(p, WARM_BETA, schedule=True)}, WARM_EPOCHS, WARM_EVERY)


def noise(losses):
    return np.std(np.diff(losses[len(losses) // 2:]))


def at(hist, name, step):
    return hist[name][list(hist["step"]).index(step)]


def test_the_notebook_trains_with_the_settings_its_prose_names():
    assert "lr, batch_size, epochs = 4.0, 8, 20" in CODE
    assert "EVAL_EVERY = 10" in CODE
    assert "DECAY = 0.99   # try 0.9, 0.99 or 0.999" in CODE
    assert 'ref.init_network([64, 32, 10], seed=0)' in CODE
    assert "train_test_split(X, y, test_fraction=0.25, seed=0)" in CODE
    assert "np.random.default_rng(0)" in CODE
    assert "BETAS = (0.9, 0.99, 0.999)" in CODE
    assert "WARM_BETA = 0.999" in CODE
    assert "train_with_averages(variants, epochs=4, every=5)" in CODE
    assert "ref.WeightEMA(start, WARM_BETA, bias_correction=True)" in CODE
    assert "ref.WeightEMA(start, WARM_BETA, warmup=True)" in CODE
    states("**Exponential moving averages, part 2 of 2.**")


def test_the_window_and_its_share_of_the_weight():
    states("With β = 0.999\nthe average is said to cover about the last 1000 steps.")
    states(r"$1 - 1/e \approx 63\%$ of the weight. For β = 0.999 the last 1000 steps carry")
    states(r"$1 - 0.999^{1000} \approx 63.2\%$; the other 37% comes from older steps")
    states("one window holds about 63% of the weight, two windows about 86%\n($1 - e^{-2}$), three about 95%.")
    assert 1 / (1 - 0.999) == pytest.approx(1000)
    share = 1 - 0.999 ** 1000
    assert f"{share:.1%}" == "63.2%" and f"{1 - share:.0%}" == "37%"
    assert f"{1 - 1 / math.e:.0%}" == "63%"
    for b in BETAS:  # the last 1/(1 − β) values carry 63–65% whatever β
        assert 0.63 < 1 - b ** round(1 / (1 - b)) < 0.655
    # n windows carry ≈ 1 − e^(−n), and β^(1/(1−β)) → e^(−1) as β → 1
    assert f"{1 - math.exp(-2):.0%}" == "86%" and f"{1 - math.exp(-3):.0%}" == "95%"
    for n, want in [(2, 0.86), (3, 0.95)]:
        assert 1 - 0.999 ** (n * 1000) == pytest.approx(want, abs=0.005)
    assert 0.999999 ** 1e6 == pytest.approx(math.exp(-1), rel=1e-5)
    # the unrolled sum: (1 − β) Σ β^k θ_{t−k} + β^t v_0
    rng = np.random.default_rng(1)
    theta, beta = rng.normal(size=40), 0.9
    unrolled = (1 - beta) * sum(beta ** k * theta[-1 - k] for k in range(40))
    assert ema(theta, beta)[-1] == pytest.approx(unrolled)


def test_the_training_setup():
    states("batches of only 8 examples and a\nlarge learning rate η = 4")
    states("One epoch is 169 steps (1,348 training\nimages in batches of 8), and 20 epochs are 3,380 steps.")
    states("every 10 steps, to measure the test loss and test accuracy")
    states("(10 steps apart)")
    states("a [64, 32, 10] sigmoid network")
    states("a quarter of them held out as test data")
    assert len(X_TRAIN) == 1348 and len(X_TEST) == 449
    assert math.ceil(1348 / 8) == 169 and 169 * 20 == 3380 and 3380 % EVERY == 0
    states("It ships as 0.99, a window of\nabout 100 steps. Try 0.9 (about 10 steps) and 0.999 (about 1000 steps")
    assert [round(1 / (1 - b)) for b in BETAS] == [10, 100, 1000]


def test_what_the_decay_0_99_run_shows(three):
    states("its step-to-step standard deviation is at most half the raw\n  one's; in this run it is less than a tenth of it.")
    states("**Its test loss is also a little lower** on average over the second half of training")
    states("the EMA's accuracy is higher by\n  less than one percentage point, and the final accuracies are within half a point of each other,\n  that is within two of the 449 test digits.")
    raw, e = three["raw"], three[0.99]
    h = len(raw) // 2
    ratio = noise(e[:, 0]) / noise(raw[:, 0])
    assert ratio <= 0.5 and ratio < 0.1
    assert e[h:, 0].mean() < raw[h:, 0].mean()
    assert 0 < e[h:, 1].mean() - raw[h:, 1].mean() < 0.01
    assert abs(e[-1, 1] - raw[-1, 1]) <= 0.005
    assert abs(round(e[-1, 1] * 449) - round(raw[-1, 1] * 449)) <= 2


def test_the_three_decays(three):
    states("its noise ratio is at most one half,\n  and its mean test loss is below the raw one.")
    states("smooths far more, and has the lowest mean test loss of the four.")
    states("is the smoothest of all, but its mean test\n  loss over the second half is *higher* than the raw weights'. Its window is about six epochs")
    states("its curve lies above the other\n  two averages for more than the first 2,700 of the 3,380 steps.")
    raw = three["raw"]
    h = len(raw) // 2
    ratios = {b: noise(three[b][:, 0]) / noise(raw[:, 0]) for b in BETAS}
    means = {b: three[b][h:, 0].mean() for b in BETAS}
    assert ratios[0.9] <= 0.5 and means[0.9] < raw[h:, 0].mean()
    assert means[0.99] == min(list(means.values()) + [raw[h:, 0].mean()])
    assert ratios[0.999] == min(ratios.values()) and means[0.999] > raw[h:, 0].mean()
    assert 1000 / 169 == pytest.approx(6, abs=0.15)
    early = np.array(three["step"]) <= 2700
    assert np.all(three[0.999][early, 0] > three[0.9][early, 0])
    assert np.all(three[0.999][early, 0] > three[0.99][early, 0])


def test_the_warm_up_numbers():
    states("t steps the random initial weights still carry the weight $\\beta^t$ in the average: 74% after\n  300 steps, 37% after 1000.")
    states("to 9.5% of its size after 100 steps and 45% after 600.")
    states(r"The first update uses decay $\tfrac{1}{10} = 0.1$, so the" + "\n  initial weights are 90% replaced at once.")
    states("trains for 4 epochs (676 steps) with β = 0.999")
    states(r"$\tfrac{1 + n}{10 + n} \ge 0.999$ only from update" + "\nn = 8,990 on. In a run of 3,380 steps")
    assert f"{0.999 ** 300:.0%}" == "74%" and f"{0.999 ** 1000:.0%}" == "37%"
    assert f"{1 - 0.999 ** 100:.1%}" == "9.5%" and f"{1 - 0.999 ** 600:.0%}" == "45%"
    assert warmup_decay(0.999, 0) == pytest.approx(0.1)
    first = next(n for n in range(20000) if warmup_decay(0.999, n) >= 0.999)
    assert first == 8990 and 4 * 169 == 676


def test_what_the_warm_up_run_shows(warm):
    states("at step 200 the raw weights already classify\n  more than 80% of the test digits, the average fewer than a quarter.")
    states("both fixed-decay averages stay at least twice as high as the raw weights'\n  for all 4 epochs.")
    states("classify more than half of the test digits correctly from step 100 on, where the\n  two fixed-decay averages are at about one in ten.")
    states("The bias-corrected average lags a little behind\n  the raw weights")
    assert at(warm, "raw", 200)[1] > 0.80 and at(warm, "init", 200)[1] < 0.25
    for name in ("init", "zero"):
        assert np.all(warm[name][:, 0] >= 2 * warm["raw"][:, 0])
        assert 0.08 <= at(warm, name, 100)[1] <= 0.12
    late = np.array(warm["step"]) >= 100
    for name in ("corrected", "tf"):
        assert np.all(warm[name][late, 1] > 0.5)
    assert np.all(warm["corrected"][late, 0] > warm["raw"][late, 0])
    assert all(at(warm, "corrected", s)[1] < at(warm, "raw", s)[1] for s in (100, 200, 400, 600))


def test_bias_correction_is_an_ema_with_a_changing_decay_and_nearly_a_running_mean():
    states(r"\underbrace{\frac{\beta - \beta^t}{1 - \beta^t}}_{\beta_t}")
    states(r"$\beta_1 = 0$: it copies $\theta_1$")
    states("with β = 0.999 the two\ndecays differ by less than 0.0005 for every t ≤ 30, and at t = 30 every weight of the corrected\naverage is within 2% of the running mean's 1/t.")
    states("with β = 0.9, t = 30 is three windows, and the newest value already\ngets more than three times the weight 1/t")
    # the recursion with β_t reproduces the corrected EMA
    rng = np.random.default_rng(2)
    theta = rng.normal(5, 1, size=50)
    for beta in (0.9, 0.999):
        v, out = 0.0, []
        for t, x in enumerate(theta, start=1):
            bt = (beta - beta ** t) / (1 - beta ** t)
            v = bt * v + (1 - bt) * x
            out.append(v)
        assert np.allclose(out, ema_bias_corrected(theta, beta))
    t = np.arange(1, 31)
    bt = (0.999 - 0.999 ** t) / (1 - 0.999 ** t)
    assert bt[0] == 0.0 and np.max(np.abs(bt - (t - 1) / t)) < 0.0005
    w = ema_bias_corrected(np.eye(30), 0.999)[-1]
    assert np.max(np.abs(w * 30 - 1)) < 0.02
    assert 30 * (1 - 0.9) == pytest.approx(3)
    assert ema_bias_corrected(np.eye(30), 0.9)[-1][-1] * 30 > 3


def tf_weights(T, beta=0.999):
    w = np.zeros(T + 1)  # w[0]: the start value
    w[0] = 1.0
    for n in range(T):
        d = warmup_decay(beta, n)
        w *= d
        w[n + 1] += 1 - d
    return w


def test_tensorflows_schedule_is_a_short_growing_window():
    states(r"$\tfrac{1 + n}{10 + n} = 1 - \tfrac{9}{10 + n}$")
    states("this one averages about\nthe last $(10 + n)/9$ updates: a window that grows with n, but only by one step every nine\nupdates.")
    states("At t = 30 the last 10 values carry 95.3% of its weight (the running mean: 33.3%).")
    states("it keeps a weight of 0.1 after one update and\n$4.7 \\times 10^{-9}$ after 30.")
    for n in range(0, 100):
        assert (1 + n) / (10 + n) == pytest.approx(1 - 9 / (10 + n))
        assert 1 / (1 - (1 + n) / (10 + n)) == pytest.approx((10 + n) / 9)
    w = tf_weights(30)
    assert f"{w[-10:].sum():.1%}" == "95.3%" and f"{10 / 30:.1%}" == "33.3%"
    assert tf_weights(1)[0] == pytest.approx(0.1)
    assert f"{w[0]:.1e}" == "4.7e-09" and w[0] == pytest.approx(1 / math.comb(39, 9))


def test_momentum_conventions():
    states("With β = 0.9, z settles at 10 g and v at g: **the same α takes\nsteps 1/(1 − β) = 10 times longer**")
    states(r"at the fraction $1 - \beta^t$ of" + "\ntheir final speed after t steps")
    beta, g = 0.9, 2.0
    z = v = 0.0
    for t in range(1, 200):
        z, v = beta * z + g, beta * v + (1 - beta) * g
        assert z == pytest.approx(g * (1 - beta ** t) / (1 - beta))
        assert v == pytest.approx(g * (1 - beta ** t))
    assert z == pytest.approx(10 * g) and v == pytest.approx(g) and 1 / (1 - beta) == pytest.approx(10)


def test_adam_is_the_course_bias_correction():
    states(r"The defaults are $\beta_1 = 0.9$ and $\beta_2 = 0.999$: windows of about 10 and 1000 steps.")
    states("runs these lines on 50\nnoisy gradients")
    states(r"$m_1 = 0.1\, g_1$ and $v_1 = 0.001\, g_1^2$")
    states(r"$\alpha \cdot 0.1 / \sqrt{0.001} \approx 3.16\,\alpha$")
    states("more than three times longer than intended")
    states("the first step has exactly the size α (up to ε)")
    assert f"{0.1 / math.sqrt(0.001):.2f}" == "3.16"
    rng = np.random.default_rng(3)
    grads = 1.0 + 0.5 * rng.normal(size=50)
    b1, b2, eps, lr = 0.9, 0.999, 1e-8, 1e-3
    m = v = 0.0
    for t, g in enumerate(grads, start=1):
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1 ** t), v / (1 - b2 ** t)
        # PyTorch's rearranged step equals the textbook one up to where ε sits
        torch_style = lr / (1 - b1 ** t) * m / (math.sqrt(v) / math.sqrt(1 - b2 ** t) + eps)
        assert torch_style == pytest.approx(lr * m_hat / (math.sqrt(v_hat) + eps), rel=1e-12)
        if t == 1:
            assert m == pytest.approx(0.1 * g) and v == pytest.approx(0.001 * g * g)
            assert m_hat / (math.sqrt(v_hat) + eps) == pytest.approx(1.0, abs=1e-7)
    assert np.allclose([m_hat], ema_bias_corrected(grads, b1)[-1:])
    # on a constant gradient the uncorrected step stays above 3α for the first hundred steps
    t = np.arange(1, 101)
    assert np.all((1 - b1 ** t) / np.sqrt(1 - b2 ** t) > 3)
    states("The slower average $v$ is the more biased one, even after the square root")
    assert 1 - b2 < 1 - b1 and math.sqrt(1 - b2) < 1 - b1


def test_summary_repeats_only_asserted_numbers():
    states(r"values carry about $1 - 1/e \approx 63\%$ of the weight, whatever β")
    states("(batches of 8, η = 4), the shadow's test loss\n  (β = 0.99) is far smoother")
    states(r"(close to a running mean while $t \ll 1/(1 - \beta)$)")
    states("β = 0.999 averages over about six epochs of a model that is still improving, and lags.")


def test_the_callout_is_collapsed_and_names_the_checkers_mistakes():
    from checker import MISTAKES
    from checker.exercises import REGISTRY
    i = next(i for i, c in enumerate(NB.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "test_ema_update")
    source = NB.cells[i + 1].source
    assert source.startswith("<details>\n<summary><b>Stuck? Common mistakes the checker recognises</b></summary>\n\n")
    assert source.endswith("\n\n</details>") and "> **Common mistakes" not in TEXT
    named = set(re.findall(r"^- `(\w+)`", source, flags=re.M))
    assert {m.mistake for m in REGISTRY["ema_update"].mutants} | {"input_modified"} == named
    assert named <= set(MISTAKES)


def test_the_age_index_is_k_and_no_hidden_sources():
    everything = TEXT + "\n" + CODE
    for pattern in (r"\\beta\^\{?i\b", r"β\^i\b", r"_\{t-i\}", r"θ_\{t−i\}", r"θ_k", r"\\theta_k"):
        assert not re.search(pattern, everything), pattern
    states(r"(1 - \beta) \sum_{k=0}^{t-1} \beta^{k}\, \theta_{t-k}")
    states(r"The value of age k, $\theta_{t-k}$, gets the weight $(1 - \beta)\beta^k$")
    assert "seed" not in TEXT.lower()


def test_interview_questions():
    answers = interview_answer_cells(NB, "ema02")
    assert len(answers) == 3
    summary = next(i for i, c in enumerate(NB.cells) if c.source.startswith("## Summary"))
    rest = NB.cells[summary + 2:]
    text = "\n".join(c.source for c in rest)
    assert "β = 0.999 averages about six epochs" in text and 1000 / 169 == pytest.approx(6, abs=0.15)
    assert "($\\beta^t$ of it: 74% after 300 steps at β = 0.999)" in text and f"{0.999 ** 300:.0%}" == "74%"
    assert "every weight is shrunk by $1 - \\beta^t$" in text
    assert r"$s \leftarrow \beta s + (1 - \beta)(s - \eta g) = s - (1 - \beta)\eta g$" in text
    assert "(100 times smaller for β = 0.99)" in text and 1 / (1 - 0.99) == pytest.approx(100)
    rng = np.random.default_rng(0)
    s, g, eta, beta = rng.normal(size=5), rng.normal(size=5), 0.3, 0.99
    assert np.allclose(beta * s + (1 - beta) * (s - eta * g), s - (1 - beta) * eta * g)
    assert "$z = v/(1 - \\beta)$" in text and "steps $1/(1 - \\beta)$\ntimes longer" in text
    assert "about 3.16 times too long\nwith the default β₁ = 0.9, β₂ = 0.999" in text
    assert f"{0.1 / math.sqrt(0.001):.2f}" == "3.16"


@pytest.mark.notebooks
def test_the_printed_numbers_match(three, warm):
    out = printed(executed_source(PATH))
    assert "β = 0.999: the last 1000 steps carry 63.2% of the weight" in out
    assert "β = 0.9: the last   10 steps carry 65.1% of the weight" in out
    assert "β = 0.99: the last  100 steps carry 63.4% of the weight" in out
    assert "steps per epoch: 169  steps in 20 epochs: 3380" in out

    raw, e = three["raw"], three[0.99]
    h = len(raw) // 2
    assert (f"raw {noise(raw[:, 0]):.5f}, EMA {noise(e[:, 0]):.5f} "
            f"(ratio {noise(e[:, 0]) / noise(raw[:, 0]):.3f})") in out
    assert f"mean test loss:     raw {raw[h:, 0].mean():.4f}, EMA {e[h:, 0].mean():.4f}" in out
    assert f"mean test accuracy: raw {raw[h:, 1].mean():.2%}, EMA {e[h:, 1].mean():.2%}" in out
    assert f"final test accuracy:             raw {raw[-1, 1]:.2%}, EMA {e[-1, 1]:.2%}" in out
    for b in BETAS:
        ratio = noise(three[b][:, 0]) / noise(raw[:, 0])
        row = re.search(rf"β = {b} +([\d.]+) +([\d.]+) +([\d.]+)% +([\d.]+)%", out)
        assert row, b
        assert row.group(1) == f"{ratio:.3f}" and row.group(2) == f"{three[b][h:, 0].mean():.4f}"
        assert row.group(4) + "%" == f"{three[b][-1, 1]:.2%}"

    assert "largest difference between your shadow and ref.WeightEMA after 2 epochs: 0.0e+00" in out

    names = {"raw": "raw", "init": "fixed β, starts at the initial weights",
             "zero": "fixed β, starts at 0, no correction", "corrected": "starts at 0, bias-corrected",
             "tf": "TensorFlow num_updates schedule"}
    for key, name in names.items():
        row = f"{name:<40}" + "".join(f"{at(warm, key, s)[1]:>9.1%}" for s in (100, 200, 400, 600))
        assert row in out, row

    assert "β = 0.999 corrected: weights between 0.986/t and 1.015/t" in out
    assert "β = 0.9 corrected:   the newest value gets 3.13/t" in out
    assert "the last 10 values carry 95.3% (running mean: 33.3%); the start value keeps 4.7e-09" in out
    assert "after 60 steps: z = 19.964 (g / (1 − β) = 20.0),  v = 1.996 (g = 2.0)" in out
    assert len(re.findall(r"gradients: +True", out)) == 2
    assert "first step, in units of the learning rate: 1.0000 with correction, 3.1623 without" in out
