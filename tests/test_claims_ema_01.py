"""Every number the prose of notebooks/ema/01_moving_average states, asserted."""
import inspect
import math
import re
import sys
from collections import deque

import nbformat
import numpy as np
import pandas as pd
import pytest

from checker.data import load_seattle_temperatures
from checker.explorer import ESM, INSET_DAYS, SPIKE_LIMIT, BetaExplorer, beta_from_exponent, describe
from checker.reference import ema, ema_bias_corrected
from notebooks import NOTEBOOKS, claims, executed_source, interview_answer_cells, markdown, printed

PATH = NOTEBOOKS / "ema" / "01_moving_average.ipynb"
NB = nbformat.read(PATH, as_version=4)
TEXT = markdown(NB)
CODE = "\n".join(c.source for c in NB.cells if c.cell_type == "code")
DATES, TEMP = load_seattle_temperatures()


states = claims(PATH)   # in the English words, and its numbers, math and code in the Chinese edition


DERIVATIONS = ("ema_weight_k", "ema_window_share", "ema_ramp_lag", "ema_noise_variance", "ema_bias_factor",
               "ema_steps_to_99")
SUMMARY = "<summary><b>Stuck? Common mistakes the checker recognises</b></summary>"


def cell(cell_id):
    return next(c for c in NB.cells if c.id == cell_id)


def index(cell_id):
    return next(i for i, c in enumerate(NB.cells) if c.id == cell_id)


def callout(ex):
    """The collapsed callout: the first markdown cell after the autograder cell test_<ex>."""
    i = next(i for i, c in enumerate(NB.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == f"test_{ex}")
    source = NB.cells[i + 1].source
    assert NB.cells[i + 1].cell_type == "markdown" and source.startswith("<details>\n" + SUMMARY + "\n\n")
    assert source.endswith("\n\n</details>")
    return source


def year(y):
    return (DATES >= np.datetime64(f"{y}-01-01")) & (DATES <= np.datetime64(f"{y}-12-31"))


# 1.1 The data

def test_the_data_set():
    states("from 2012-01-01 to 2015-12-31: 1,461 days, in °C")
    states("two arrays of shape (1461,)")
    states("NOAA's (public domain)")
    states("`vega-datasets`\npackage (MIT licence)")
    assert DATES.shape == TEMP.shape == (1461,)
    assert str(DATES[0]) == "2012-01-01" and str(DATES[-1]) == "2015-12-31"
    assert np.all(np.diff(DATES) == np.timedelta64(1, "D"))
    assert (DATES[-1] - DATES[0]).astype(int) + 1 == 1461


def test_coldest_and_warmest_days():
    states("The coldest day was −1.6 °C (2014-02-06) and the warmest 35.6 °C (2014-08-11)")
    assert TEMP.min() == -1.6 and str(DATES[TEMP.argmin()]) == "2014-02-06"
    assert TEMP.max() == 35.6 and str(DATES[TEMP.argmax()]) == "2014-08-11"
    assert np.sum(TEMP == TEMP.min()) == 1 and np.sum(TEMP == TEMP.max()) == 1


# 1.2 The recurrence

def test_first_three_steps_by_hand():
    states(r"$\theta_1, \theta_2, \theta_3$ = 12.8, 10.6, 11.7 °C")
    states(r"v_1 &= 0.9 \cdot 0 + 0.1 \cdot 12.8 = 1.28")
    states(r"v_2 &= 0.9 \cdot 1.28 + 0.1 \cdot 10.6 = 2.212")
    states(r"v_3 &= 0.9 \cdot 2.212 + 0.1 \cdot 11.7 = 3.1608")
    states("Those first values are far below the temperatures of those days")
    assert list(TEMP[:3]) == [12.8, 10.6, 11.7]
    assert np.allclose(ema(TEMP, 0.9)[:3], [1.28, 2.212, 3.1608])
    assert np.all(ema(TEMP, 0.9)[:3] < TEMP[:3].min() / 3)


def test_beta_zero_is_no_smoothing():
    states(r"β = 0: $v_t = \theta_t$, no averaging")
    assert np.array_equal(ema(TEMP, 0.0), TEMP)


# 1.3 Unrolling

def test_unrolled_sum_and_its_weights():
    states(r"$$v_t = (1 - \beta) \sum_{k=0}^{t-1} \beta^k\,\theta_{t-k}.$$")
    states(r"= 1 - \beta^t .$$")
    for beta in [0.5, 0.9, 0.98]:
        for t in [1, 2, 30, 200]:
            k = np.arange(t)
            w = (1 - beta) * beta ** k
            assert np.sum(w * TEMP[t - 1 - k]) == pytest.approx(ema(TEMP, beta)[t - 1], rel=1e-12)
            assert w.sum() == pytest.approx(1 - beta ** t, rel=1e-12)


# 1.4 The window

def test_the_rule_of_thumb_windows():
    states("with β = 0.9 the EMA is roughly an average of the last 10 values; with β = 0.99, of\nthe last 100")
    assert round(1 / (1 - 0.9)) == 10 and round(1 / (1 - 0.99)) == 100


def test_share_of_the_weight_in_the_window():
    states(r"$1 - 1/e \approx 63\%$")
    states("0.651 of the weight for β = 0.9, 0.634 for\nβ = 0.99, 0.632 for β = 0.999")
    states("The remaining third or so")
    shares = {b: 1 - b ** round(1 / (1 - b)) for b in [0.9, 0.99, 0.999]}
    assert [f"{shares[b]:.3f}" for b in [0.9, 0.99, 0.999]] == ["0.651", "0.634", "0.632"]
    assert f"{1 - 1 / math.e:.2f}" == "0.63"
    # the last n values of the actual EMA weights, checked on the weights themselves
    for b, share in shares.items():
        n = round(1 / (1 - b))
        w = (1 - b) * b ** np.arange(5000)
        assert w[:n].sum() == pytest.approx(share)
        assert 0.3 < 1 - share < 0.37


def test_windows_of_the_three_betas():
    states("β = 0.5, 0.9 and 0.98: windows of about 2, 10 and 50 days")
    assert [round(1 / (1 - b)) for b in [0.5, 0.9, 0.98]] == [2, 10, 50]


# 1.5 Smoothness against lag

def test_lag_on_a_ramp():
    states("for β = 0.9 it lags 9 days, for\nβ = 0.98 it lags 49 days")
    states(r"$\sum_k k\,(1 - \beta)\beta^k = \beta/(1 - \beta)$")
    t = np.arange(1, 501, dtype=float)
    for beta, lag in [(0.9, 9), (0.98, 49)]:
        assert beta / (1 - beta) == pytest.approx(lag)
        assert t[-1] - ema(t, beta)[-1] == pytest.approx(lag, abs=0.01)
        # on the ramp, the EMA of day t + lag equals the data of day t
        assert ema(t, beta)[300 + lag - 1] == pytest.approx(300, abs=0.05)  # (the arrow in the figure)
        k = np.arange(20000)
        assert np.sum(k * (1 - beta) * beta ** k) == pytest.approx(lag)


def test_the_2013_figure_shows_the_smooth_curve_late():
    states("it climbs in\nspring and falls in autumn weeks after the temperatures do")
    m = year(2013)
    fast, slow = ema(TEMP, 0.5)[m], ema(TEMP, 0.98)[m]
    assert np.argmax(slow) - np.argmax(fast) > 14
    assert np.std(np.diff(slow)) < np.std(np.diff(fast)) / 5


def _wave(beta):
    t = np.arange(1, 10 * 365 + 1)
    wave = np.sin(2 * np.pi * t / 365)
    v = ema(wave, beta)
    return v[-365:].max(), int(np.argmax(v[-365:]) - np.argmax(wave[-365:]))


def test_yearly_wave_delay_and_swing():
    states("365 days the EMA is late *and* its swing shrinks")
    states("a ten-year wave")
    states("(99% of the swing, 9 days late, as on the ramp)")
    states("β = 0.98 the peak comes 41 days late and only 76% of the swing is left; for β = 0.99 it comes 60\ndays late with half the swing gone")
    assert "t = np.arange(1, 10 * 365 + 1)" in CODE and "np.sin(2 * np.pi * t / 365)" in CODE
    amp, delay = _wave(0.9)
    assert f"{amp:.0%}" == "99%" and delay == 9
    amp, delay = _wave(0.98)
    assert f"{amp:.0%}" == "76%" and delay == 41
    amp, delay = _wave(0.99)
    assert f"{amp:.0%}" == "50%" and delay == 60
    # the exact steady-state response (1 − β)/(1 − β e^{−iω}) agrees
    for beta, amp_exact, delay_exact in [(0.9, 0.987, 8.9), (0.98, 0.761, 40.5), (0.99, 0.504, 60.0)]:
        h = (1 - beta) / (1 - beta * np.exp(-2j * np.pi / 365))
        assert abs(h) == pytest.approx(amp_exact, abs=0.001)
        assert -np.angle(h) / (2 * np.pi) * 365 == pytest.approx(delay_exact, abs=0.1)


def test_noise_variance_reduction():
    states(r"= \frac{1 - \beta}{1 + \beta}\,\sigma^2 .$$")
    states("For β = 0.9 that is σ²/19 ≈ 0.053 σ²")
    states("A plain average of 19 values reduces the variance by the same\nfactor, 1/19")
    states("(19 − 1)/2 = 9 days, the EMA's lag again")
    states("200,000 draws of standard normal noise (σ² = 1)")
    assert "rng.normal(0.0, 1.0, size=200_000)" in CODE
    assert (1 - 0.9) / (1 + 0.9) == pytest.approx(1 / 19) and f"{1 / 19:.3f}" == "0.053"
    assert (1 + 0.9) / (1 - 0.9) == pytest.approx(19) and (19 - 1) / 2 == 9
    noise = np.random.default_rng(1).normal(0.0, 1.0, size=200_000)
    for beta in [0.5, 0.9, 0.98]:
        measured = ema(noise, beta)[1000:].var()
        assert measured == pytest.approx((1 - beta) / (1 + beta), rel=0.05)
    window19 = np.convolve(noise, np.ones(19) / 19, mode="valid")
    assert window19.var() == pytest.approx(1 / 19, rel=0.03)


# 1.6 The start-up bias

def test_the_first_value_and_its_correction():
    states(r"On 2012-01-01 the temperature was $\theta_1$ = 12.8 °C")
    states(r"$$v_1 = \beta \cdot 0 + (1 - \beta)\,\theta_1 = 0.1 \cdot 12.8 = 1.28 \text{ °C},$$")
    states("a tenth of the truth")
    states(r"= \theta_1 = 12.8 \text{ °C}.$$")
    assert TEMP[0] == 12.8 and ema(TEMP, 0.9)[0] == pytest.approx(1.28)
    assert ema_bias_corrected(TEMP, 0.9)[0] == pytest.approx(12.8)


def test_corrected_weights_sum_to_one():
    states(r"= \frac{1 - \beta^t}{1 - \beta^t} = 1 .$$")
    for beta in [0.5, 0.9, 0.999]:
        for t in [1, 5, 100]:
            w = (1 - beta) * beta ** np.arange(t) / (1 - beta ** t)
            assert w.sum() == pytest.approx(1.0)
            assert np.sum(w * TEMP[t - 1 - np.arange(t)]) == pytest.approx(ema_bias_corrected(TEMP, beta)[t - 1])


def test_when_the_correction_stops_mattering():
    states(r"For β = 0.9, $1 - \beta^t$ is above 0.99 from t = 44 on; for β = 0.98 from" + "\nt = 228 on")
    for beta, first in [(0.9, 44), (0.98, 228)]:
        assert 1 - beta ** first > 0.99 and 1 - beta ** (first - 1) <= 0.99


def test_the_plain_ema_climbs_for_weeks():
    states("Without the correction the EMA climbs out of 0 °C for weeks")
    states("the larger β, the longer it takes")
    # two weeks in, the plain EMA is still more than 1 °C below the corrected one; with β = 0.98
    # it still is after 60 days
    gap = {beta: ema_bias_corrected(TEMP, beta)[:60] - ema(TEMP, beta)[:60] for beta in [0.9, 0.98]}
    assert gap[0.9][13] > 1.0 and gap[0.98][13] > 1.0 and gap[0.98][59] > 1.0
    assert np.all(gap[0.98] > gap[0.9])


def test_corrected_ema_starts_as_a_running_mean():
    states(r"$(1 - \beta)/(t(1 - \beta)) = 1/t$")
    states("With β = 0.999 it stays within 0.03 °C of that running mean for the first 30 days")
    running_mean = np.cumsum(TEMP) / np.arange(1, len(TEMP) + 1)
    assert np.max(np.abs(ema_bias_corrected(TEMP, 0.999)[:30] - running_mean[:30])) < 0.03


# 1.7 Exercises

def test_exercise_points_match_the_registry():
    from checker.exercises import REGISTRY
    states("### Exercise 7 · `ema(thetas, beta)` (2 points)")
    states("### Exercise 8 · `ema_bias_corrected(thetas, beta)` (2 points)")
    assert REGISTRY["ema"].points == 2 and REGISTRY["ema_bias_corrected"].points == 2
    for number, ex in enumerate(DERIVATIONS, start=1):
        statement = cell(f"md-{ex}").source
        assert statement.startswith(f"### Exercise {number} · derive ") and "(1 point)" in statement.split("\n")[0]
        assert REGISTRY[ex].points == 1 and REGISTRY[ex].notebook == "ema/01_moving_average"
    headings = re.findall(r"^### Exercise (\d+) ", TEXT, flags=re.M)
    assert headings == [str(n) for n in range(1, 9)]   # numbered in the order they come


def test_asarray_does_not_copy_float64():
    states("`np.asarray(thetas, dtype=float)` does **not** copy an array\n  that is already float64")
    a = np.zeros(3)
    assert np.asarray(a, dtype=float) is a


def test_the_callouts_name_exactly_the_checkers_mistakes():
    from checker import MISTAKES
    from checker.exercises import REGISTRY
    for ex in ("ema", "ema_bias_corrected"):
        named = set(re.findall(r"^- `(\w+)`", callout(ex), flags=re.M))
        assert {m.mistake for m in REGISTRY[ex].mutants} | {"input_modified"} == named, ex
        assert named <= set(MISTAKES)
    for ex in DERIVATIONS:
        named = re.findall(r"^- `(\w+)`", callout(ex), flags=re.M)
        assert named == REGISTRY[ex].known_mistakes(), ex
        assert set(named) <= set(MISTAKES), ex
    assert "correction belongs in Exercise 8" in callout("ema")
    assert "> **Common mistakes" not in TEXT   # every callout is the collapsed kind


# 1.8 Memory

class _EMA:
    def __init__(self, beta):
        self.beta, self.v, self.t = beta, 0.0, 0

    def update(self, x):
        self.t += 1
        self.v = self.beta * self.v + (1 - self.beta) * x
        return self.v / (1 - self.beta ** self.t)


class _Window:
    def __init__(self, n):
        self.values, self.total = deque(maxlen=n), 0.0

    def update(self, x):
        if len(self.values) == self.values.maxlen:
            self.total -= self.values[0]
        self.values.append(x)
        self.total += x
        return self.total / len(self.values)


def _streamed(averager):
    for x in TEMP:
        averager.update(float(x))
    return averager


def _kept_bytes(averager):
    """An independent count of the bytes an averager keeps (its attributes and their items)."""
    total = 0
    for value in vars(averager).values():
        total += sys.getsizeof(value) + (sum(map(sys.getsizeof, value)) if isinstance(value, deque) else 0)
    return total


def test_what_each_averager_stores():
    states("A window of 100 days stores 100 numbers, a window of 1,000 stores 1,000: O(n) memory")
    states("It stores 1 number, $v_t$\n  (2 with the step count t that the bias correction needs), whatever β is: O(1) memory")
    states("streams the 1,461 temperatures")
    for n in (100, 1000):
        window = _streamed(_Window(n))
        assert len(window.values) == n
        assert window.update(0.0) == pytest.approx(np.mean(np.append(TEMP[-(n - 1):], 0.0)))
    e = _streamed(_EMA(0.99))
    assert set(vars(e)) == {"beta", "v", "t"}  # β is the constant; v_t and t are the state
    assert e.v / (1 - 0.99 ** e.t) == pytest.approx(ema_bias_corrected(TEMP, 0.99)[-1])


def test_what_the_window_keeps_grows_with_n_and_the_ema_keeps_the_same_for_any_beta():
    states("what the window\nkeeps grows with n")
    states("while the EMA\nkeeps the same few bytes for β = 0.99 and β = 0.999")
    kept = {name: _kept_bytes(_streamed(make())) for name, make in [
        ("ema99", lambda: _EMA(0.99)), ("ema999", lambda: _EMA(0.999)),
        ("w100", lambda: _Window(100)), ("w1000", lambda: _Window(1000))]}
    assert kept["w1000"] > 5 * kept["w100"] > 5 * kept["ema99"]
    assert kept["ema99"] == kept["ema999"]


# 1.9 pandas

def test_pandas_adjust_true_is_the_corrected_ema():
    states("about 10⁻¹⁴ °C")
    states(r"= \frac{v_t}{1 - \beta^t} = \hat v_t ,$$")
    for beta in [0.5, 0.9, 0.99, 0.999]:
        adjusted = pd.Series(TEMP).ewm(alpha=1 - beta, adjust=True).mean().to_numpy()
        assert np.max(np.abs(adjusted - ema_bias_corrected(TEMP, beta))) < 1e-13


def test_pandas_adjust_false_starts_at_theta1():
    states("by up to 1.72 °C here")
    states(r"0.9 · 12.8 + 0.1 · 10.6 = 12.58 °C, while $\hat v_2 = (0.9 \cdot 1.28 + 0.1 \cdot 10.6)/(1 - 0.9^2)$" + "\n= 11.64 °C")
    states("gives day 1 the weight 0.9 for every 1 on day 2")
    states(r"$\theta_1$ keeps the weight $\beta^{t-1}$")
    states("from day 61 on it is below 0.01 °C")
    beta = 0.9
    recursive = pd.Series(TEMP).ewm(alpha=1 - beta, adjust=False).mean().to_numpy()
    # adjust=False is the recurrence started at v_1 = θ_1
    manual = [TEMP[0]]
    for x in TEMP[1:]:
        manual.append(beta * manual[-1] + (1 - beta) * x)
    assert np.allclose(recursive, manual, rtol=0, atol=1e-12)
    corrected = ema_bias_corrected(TEMP, beta)
    gap = np.abs(recursive - corrected)
    assert f"{gap.max():.2f}" == "1.72" and gap.argmax() < 21  # in the first weeks
    assert f"{recursive[1]:.2f}" == "12.58" and f"{corrected[1]:.2f}" == "11.64"
    assert (0.9 * 1.28 + 0.1 * 10.6) / (1 - 0.9 ** 2) == pytest.approx(corrected[1])
    assert (0.9 * 12.8 + 1 * 10.6) / (0.9 + 1) == pytest.approx(corrected[1])
    assert gap[60:].max() < 0.01 and gap[59] >= 0.005


# 1.10 The explorer

def test_the_explorer_slider_mapping_and_readout():
    states("from 0 to 3, so β runs from 0 to\n  0.999")
    states("the left end is β = 0, one third of the way is 0.9, two thirds 0.99, the right end 0.999")
    states("The interesting range, 0.9 to 0.999, takes two thirds of the slider")
    states('"β = 0.990 · averages ≈ the last 100 days"')
    states("The arrow keys move it\n  in steps of 0.01 in $u$")
    states("β = 0.9 and 0.99, corrected")
    assert [round(beta_from_exponent(u), 6) for u in (0, 1, 2, 3)] == [0, 0.9, 0.99, 0.999]
    assert describe(0.99) == "β = 0.990 · averages ≈ the last 100 days"
    assert 'range("bx-beta", 0, 3, 0.01,' in ESM.read_text()   # min, max, step of u
    defaults = inspect.signature(BetaExplorer).parameters
    assert defaults["beta"].default == 0.9 and defaults["compare_beta"].default == 0.99
    assert defaults["corrected"].default is True


def test_the_explorer_panels_and_spike_control():
    states("The lower panel zooms in on the first 8 weeks")
    states("**The first 56 days.**")
    states("of the chosen size (−30 to +30 °C)")
    states("the week before it and six weeks after")
    assert INSET_DAYS == 56 == 8 * 7 and SPIKE_LIMIT == 30
    assert "const SPIKE_BEFORE = 7, SPIKE_AFTER = 42;" in ESM.read_text()
    explorer = BetaExplorer(DATES, TEMP)
    for name in ("beta", "corrected", "spike_day"):
        assert f"`explorer.{name}`" in TEXT and hasattr(explorer, name)


def test_what_to_try_in_the_explorer():
    states(r"$1 - 0.999^{365} \approx$ 31% of the weight")
    states(r"$1 - 0.999^{1461} \approx$ 77%")
    states("peak weeks after the 0.9 curve and swings much less far")
    states("β = 0.99 came about two months late with half the swing")
    assert f"{1 - 0.999 ** 365:.0%}" == "31%" and f"{1 - 0.999 ** 1461:.0%}" == "77%"
    plain = ema(TEMP, 0.999)
    assert np.all(plain < ema_bias_corrected(TEMP, 0.999))
    assert plain[0] == pytest.approx(0.001 * 12.8)
    for y in (2013, 2014, 2015):
        m = year(y)
        fast, slow = ema_bias_corrected(TEMP, 0.9)[m], ema_bias_corrected(TEMP, 0.99)[m]
        assert 21 < np.argmax(slow) - np.argmax(fast) < 70
        assert np.ptp(slow) < 0.6 * np.ptp(fast)


def test_what_to_try_both_at_once():
    states(r"$1 - \beta^t = 1 - 0.999^7 \approx 0.007$, so $\hat v_7$ is $v_7$ divided by 0.007")
    states("about 143 times larger")
    assert f"{1 - 0.999 ** 7:.3f}" == "0.007" and round(1 / (1 - 0.999 ** 7)) == 143
    ratio = ema_bias_corrected(TEMP, 0.999)[6] / ema(TEMP, 0.999)[6]
    assert round(ratio) == 143


def test_what_to_try_one_abnormal_day():
    states("+20 °C on day 400 (2013-02-03)")
    states(r"jumps by $(1 - \beta) \times 20 = 2$ °C that day")
    states("shrinks by a\n   factor 0.9 a day, and half of it is gone after about 6.6 days")
    states("the jump is only 0.2 °C, but half of it is still there after about 69 days")
    explorer = BetaExplorer(DATES, TEMP)
    assert (explorer.spike_day, explorer.spike_size) == (400, 20) and str(DATES[399]) == "2013-02-03"
    for beta, jump, half in ((0.9, "2", "6.6"), (0.99, "0.2", "69")):
        spiked = TEMP.copy()
        spiked[399] += 20
        gap = ema(spiked, beta) - ema(TEMP, beta)
        assert f"{gap[399]:.{len(jump) - 2 if '.' in jump else 0}f}" == jump
        halved = np.argmax(gap[399:] <= gap[399] / 2)   # whole days until half of the jump is left
        assert f"{math.log(2) / math.log(1 / beta):.{1 if '.' in half else 0}f}" == half
        assert abs(halved - math.log(2) / math.log(1 / beta)) < 1


# The summary repeats the numbers above

def test_summary():
    states("those carry about 63% of the weight\n  (1 − 1/e)")


# The executed notebook prints what the prose says

@pytest.mark.notebooks
def test_the_printed_numbers_match_the_prose():
    out = printed(executed_source(PATH))
    for line in [
        "1,461 days from 2012-01-01 to 2015-12-31",
        "coldest: -1.6 °C on 2014-02-06,  warmest: 35.6 °C on 2014-08-11",
        "v_1, v_2, v_3 with β = 0.9: [1.28   2.212  3.1608]",
        "β = 0 gives back the data exactly: True",
        "β = 0.9: the last   10 values carry 1 − β^n = 0.651 of the weight",
        "β = 0.99: the last  100 values carry 1 − β^n = 0.634 of the weight",
        "β = 0.999: the last 1000 values carry 1 − β^n = 0.632 of the weight",
        "limit 1 − 1/e = 0.632",
        "β = 0.9: θ_500 − v_500 = 9.00,   β/(1 − β) = 9.00",
        "β = 0.98: θ_500 − v_500 = 49.00,   β/(1 − β) = 49.00",
        "β = 0.9 : the EMA keeps 99% of the swing, its peak comes 9 days late",
        "β = 0.98: the EMA keeps 76% of the swing, its peak comes 41 days late",
        "β = 0.99: the EMA keeps 50% of the swing, its peak comes 60 days late",
        " 1  12.8   1.280   0.1000  12.800",
        "adjust=False vs v̂_t: largest difference 1.72 °C on day 7, below 0.009 °C from day 61 on",
        "day 2: adjust=False 12.58 °C,  v̂_2 11.64 °C",
    ]:
        assert line in out, line
    m = re.search(r"unrolled: (\S+)   recurrence: (\S+)", out)
    assert m and m.group(1) == m.group(2)
    for beta in ("0.5", "0.9", "0.98"):
        m = re.search(rf"β = {beta}: variance of v_t (\S+),   \(1 − β\)/\(1 \+ β\) = (\S+)", out)
        assert float(m.group(1)) == pytest.approx(float(m.group(2)), rel=0.05)
    m = re.search(r"adjust=True  vs v̂_t: largest difference (\S+) °C", out)
    assert float(m.group(1)) < 1e-13
    peaks = dict(re.findall(r"^(EMA, β = 0\.999?|window of 1?,?\d+)\s.*?\s([\d,]+)$", out, flags=re.M))
    peaks = {k: int(v.replace(",", "")) for k, v in peaks.items()}
    assert len(peaks) == 4, peaks
    assert "100 values + their sum" in out and "1,000 values + their sum" in out
    assert peaks["window of 1,000"] > 5 * peaks["window of 100"] > 5 * peaks["EMA, β = 0.99"]
    assert peaks["EMA, β = 0.99"] == peaks["EMA, β = 0.999"]
    m = re.search(r"β = 0\.9: largest difference, ema (\S+), ema_bias_corrected (\S+)", out)
    assert float(m.group(1)) < 1e-12 and float(m.group(2)) < 1e-12


@pytest.mark.notebooks
def test_the_explorer_cell_shows_a_still_picture_and_the_kernel_free_explorer():
    nb = executed_source(PATH)
    cell = next(c for c in nb.cells if "BetaExplorer(dates, temp_max)" in c.source)
    kinds = [k for o in cell.outputs for k in o.get("data", {})]
    assert "image/png" in kinds and "text/html" in kinds
    assert "%matplotlib widget" not in "\n".join(c.source for c in nb.cells)


# Added with the derivation exercises, the outlier, the window comparison and the interview questions

def test_how_to_work_box():
    box = cell("md-howto").source
    assert index("md-howto") == 1 and box.startswith("> **How to work in this notebook**")
    assert len(re.findall(r"^> - ", box, flags=re.M)) == 4
    for words in ("`raise NotImplementedError()`", "`answer = None`", "self-check cell", "`AssertionError`",
                  "That is expected", "collapsed on purpose", "`checker.reference` scores 0"):
        assert words in box, words
    assert '"(1 - beta)*beta^k"' not in box   # the example is not the answer to Exercise 1


# the worked answers, and the earlier text, must not give the answers away
BEFORE = {"ema_weight_k": [r"(1 - \beta)\beta^k", "(1 − β)β^k"],
          "ema_window_share": [r"1 - \beta^n", r"1 - \beta^{n}"],
          "ema_ramp_lag": [r"\beta/(1 - \beta)", r"\frac{\beta}{1 - \beta}"],
          "ema_noise_variance": [r"(1 - \beta)/(1 + \beta)", r"\frac{1 - \beta}{1 + \beta}"],
          "ema_bias_factor": [r"/(1 - \beta^t)", r"\frac{v_t}{1 - \beta^t}"],
          "ema_steps_to_99": ["t = 44", " 44 "]}


def test_each_derivation_comes_before_its_worked_answer():
    from checker.scaffold import REFERENCE_RULE
    for ex in DERIVATIONS:
        i = index(f"md-{ex}")
        five = NB.cells[i:i + 5]
        assert [c.cell_type for c in five] == ["markdown", "code", "code", "code", "markdown"]
        assert REFERENCE_RULE in five[0].source
        meta = [c.metadata["nbgrader"] for c in five]
        assert meta[1] == {"grade": False, "solution": True, "locked": False, "grade_id": ex, "schema_version": 3}
        assert five[1].source.startswith("# Your answer: ") and "\nanswer = None\n### BEGIN SOLUTION\n" in five[1].source
        assert five[2].source == f'checker.check("{ex}", answer)' and meta[2]["grade_id"] == f"check_{ex}"
        assert meta[3]["grade"] and meta[3]["locked"] and meta[3]["points"] == 1 and meta[3]["grade_id"] == f"test_{ex}"
        assert five[3].source == (f"# Autograder test for `{ex}` (1 point).\n"
                                  f'checker.grade("{ex}", answer, visible=True)\n'
                                  f'### BEGIN HIDDEN TESTS\nchecker.grade("{ex}", answer)\n### END HIDDEN TESTS')
        assert NB.cells[i + 5].source.startswith("**Worked answer.**"), ex
        earlier = "\n".join(c.source for c in NB.cells[:i] if c.cell_type == "markdown")
        for form in BEFORE[ex]:
            assert form not in earlier, (ex, form)


def _solution(ex):
    source = cell(ex).source
    return eval(source.split("### BEGIN SOLUTION\n")[1].split("\n### END SOLUTION")[0].removeprefix("answer = "))


def test_the_derivation_answers():
    from checker.exercises import REGISTRY
    assert REGISTRY["ema_steps_to_99"].right_value() == _solution("ema_steps_to_99") == 44
    beta = 0.9
    # ema_weight_k: the weight of θ_{t−k} in v_t, read off the EMA of unit vectors
    t = 40
    weights = ema(np.eye(t), beta)[-1][::-1]          # weights[k]: the weight of θ_{t−k}
    assert np.allclose(weights, (1 - beta) * beta ** np.arange(t))
    # ema_window_share: the last n values carry 1 − β^n
    for n in (1, 5, 10, 30):
        assert weights[:n].sum() == pytest.approx(1 - beta ** n)
    # ema_ramp_lag: c = β/(1 − β); ema_noise_variance: Σ squared weights → (1 − β)/(1 + β)
    ramp = np.arange(1, 2001, dtype=float)
    for b in (0.5, 0.9, 0.95):
        assert ramp[-1] - ema(ramp, b)[-1] == pytest.approx(b / (1 - b))
        w = (1 - b) * b ** np.arange(5000)
        assert np.sum(w ** 2) == pytest.approx((1 - b) / (1 + b))
    # ema_bias_factor: v̂_t / v_t = 1/(1 − β^t)
    tt = np.arange(1, 61)
    assert np.allclose(ema_bias_corrected(TEMP, beta)[:60] / ema(TEMP, beta)[:60], 1 / (1 - beta ** tt))
    # ema_steps_to_99: the worked answer
    states("which is\n43.7 for β = 0.9. The smallest whole t is 44.")
    assert f"{math.log(0.01) / math.log(0.9):.1f}" == "43.7"
    assert 1 - 0.9 ** 44 >= 0.99 > 1 - 0.9 ** 43


def test_the_numbers_in_the_derivation_callouts():
    text = "\n".join(callout(ex) for ex in DERIVATIONS)
    assert r"At t = 43, $1 - 0.9^{43} \approx 0.9892$ is still below 0.99" in text
    assert f"{1 - 0.9 ** 43:.4f}" == "0.9892"
    assert r"43: $\ln 0.01/\ln 0.9 \approx 43.7$ rounded down" in text
    assert "After one window the data carry only about 65% of the weight" in text
    assert f"{1 - 0.9 ** 10:.0%}" == "65%"
    assert r"46 or 47: from $\beta^t \approx e^{-t(1 - \beta)}$" in text
    assert r"$\ln 0.9 \approx -0.105$, not −0.1" in text and f"{math.log(0.9):.3f}" == "-0.105"
    approx = math.log(100) / 0.1
    assert (math.floor(approx), math.ceil(approx)) == (46, 47)
    assert r"22: the first t with $1 - \beta^t \ge 0.9$" in text
    assert next(t for t in range(1, 100) if 1 - 0.9 ** t >= 0.9) == 22
    assert "10: the window $1/(1 - \\beta)$" in text and round(1 / (1 - 0.9)) == 10
    assert r"$\beta/(1 - \beta) = 1/(1 - \beta) - 1$" in text
    for b in (0.5, 0.9, 0.99):
        assert b / (1 - b) == pytest.approx(1 / (1 - b) - 1)
        n = round(1 / (1 - b))
        assert n * (1 - b) == pytest.approx(1)             # "this would claim 100%"
        assert np.mean(np.arange(n)) == pytest.approx((n - 1) / 2)   # equal weights lag (n − 1)/2
    assert "with $n = 1/(1 - \\beta)$ this would claim 100%" in text
    assert "Equal weights over n values lag by (n − 1)/2" in text


def _outlier(beta):
    flat = np.full(3000, 15.0)
    flat[999] += 20.0
    v = ema(flat, beta)
    return v[999:] - 15.0                 # the excess from the day of the spike on: k = 0, 1, …


def test_a_single_outlier():
    states("Suppose a sensor reads 35 °C once\non a run of days that are all 15 °C: a spike of 20 °C.")
    states(r"lifts the EMA by only $(1 - \beta) \times 20$ °C: 2 °C for β = 0.9," + "\n0.4 °C for β = 0.98.")
    states(r"k days later its weight is" + "\n" + r"$(1 - \beta)\beta^k$, so the excess is $(1 - \beta) \cdot 20 \cdot \beta^k$ °C")
    states("After 10 days it is 0.70 °C for β = 0.9 and 0.33 °C for β = 0.98; it drops\n"
           "below 0.1 °C 29 days after the spike with β = 0.9, and 69 days after it with β = 0.98.")
    states(r"the excess is $\sum_k (1 - \beta)\,20\,\beta^k = 20$ °C for *every* β")
    states("runs both EMAs over 3,000 such days with the spike on day 1,000")
    assert "level, spike, day = 15.0, 20.0, 1000" in CODE and "flat = np.full(3000, level)" in CODE
    for beta, jump, after10, below in [(0.9, "2.00", "0.70", 29), (0.98, "0.40", "0.33", 69)]:
        excess = _outlier(beta)
        k = np.arange(len(excess))
        assert np.allclose(excess, (1 - beta) * 20 * beta ** k, rtol=0, atol=1e-6)
        assert f"{excess[0]:.2f}" == jump and f"{excess[10]:.2f}" == after10
        assert excess[below] < 0.1 <= excess[below - 1]
        assert excess.sum() == pytest.approx(20.0, abs=1e-3)
        assert (1 - beta) * 20 == pytest.approx(float(jump))
    assert 15.0 * 0.98 ** 999 < 1e-7     # the start from v_0 = 0 has faded by day 1,000


def _window_and_ema(W=10, beta=0.9):
    step = np.r_[np.zeros(30), np.ones(60)]
    window = np.array([step[max(0, i - W + 1):i + 1].mean() for i in range(len(step))])[29:]
    return window, ema(step, beta)[29:]


def test_what_the_ema_gives_up_against_a_window():
    states("With β = 0.9 and W = 10 both start with the same weight, 0.1, on the newest value")
    states(r"a value 10 steps old still has the weight $(1 - \beta)\beta^{10} \approx 0.035$")
    states(r"the old level still holds $\beta^{10} \approx 35\%$ of the EMA")
    states("is exactly at the new level after W = 10 steps")
    states(r"$1 - \beta^k$ after k steps: 65% after 10 steps, and 99% only after 44 (section 1.6)")
    states("(0.053 against 0.100) but lags twice as far behind on a ramp (9 steps against\n4.5)")
    W, beta = 10, 0.9
    assert round(1 / (1 - beta)) == W and 1 / W == pytest.approx(1 - beta)
    window, e = _window_and_ema()
    assert window[10] == 1.0 and window[9] < 0.99 and np.all(window[10:] == 1.0)
    assert np.allclose(e, 1 - beta ** np.arange(len(e)))
    assert f"{1 - e[10]:.0%}" == "35%" and f"{e[10]:.0%}" == "65%"
    assert int(np.argmax(e >= 0.99)) == 44
    assert f"{(1 - beta) * beta ** 10:.3f}" == "0.035"
    assert f"{W * (1 / W) ** 2:.3f}" == "0.100" and f"{(1 - beta) / (1 + beta):.3f}" == "0.053"
    assert np.mean(np.arange(W)) == 4.5 and beta / (1 - beta) == pytest.approx(2 * 4.5)
    # the same on a ramp, measured
    ramp = np.arange(1, 501, dtype=float)
    assert ramp[-1] - ramp[-W:].mean() == 4.5 and ramp[-1] - ema(ramp, beta)[-1] == pytest.approx(9)


def test_the_notation_maps():
    states("it calls the raw average `v_biased` and\n> the corrected one $v_t$. In this course $v_t$ is the raw "
           "average and $\\hat v_t$ the corrected\n> one.")
    states("their `v_biased` is our $v_t$, and their $v_t$ is our $\\hat v_t$.")
    assert index("md-10") < index("code-10")       # said where the correction is taught
    everything = TEXT + "\n" + CODE
    for pattern in (r"\\beta\^\{?i\b", r"β\^i\b", r"_\{t-i\}", r"θ_\{t−i\}", r"βⁱ"):
        assert not re.search(pattern, everything), pattern
    assert "seed" not in TEXT.lower()


def test_interview_questions():
    answers = interview_answer_cells(NB, "ema01")
    assert len(answers) == 3
    summary = next(i for i, c in enumerate(NB.cells) if c.source.startswith("## Summary"))
    rest = NB.cells[summary + 2:]
    text = "\n".join(c.source for c in rest)
    assert "(from 1/19 to about 1/199 of σ²)" in text
    assert (1 - 0.9) / (1 + 0.9) == pytest.approx(1 / 19) and (1 - 0.99) / (1 + 0.99) == pytest.approx(1 / 199)
    assert "(9 against 99 steps)" in text and 0.99 / (1 - 0.99) == pytest.approx(99)
    assert r"$1 - 1/e \approx 63\%$ (65% for β = 0.9)" in text
    assert "β = 0.99 was two months late with half\nthe swing" in text
    amp, delay = _wave(0.99)
    assert 55 <= delay <= 65 and f"{amp:.0%}" == "50%"


@pytest.mark.notebooks
def test_the_new_cells_print_what_the_prose_says():
    out = printed(executed_source(PATH))
    for line in [
        "β = 0.9: the outlier lifts the EMA by 2.00 °C, by 0.70 °C 10 days later, by less than 0.1 °C from k = 29 on; "
        "summed over all days: 20.00 °C",
        "β = 0.98: the outlier lifts the EMA by 0.40 °C, by 0.33 °C 10 days later, by less than 0.1 °C from k = 69 on; "
        "summed over all days: 20.00 °C",
        "β = 0.9: ln 0.01 / ln β = 43.7, so 1 − β^t ≥ 0.99 from t = 44 on",
        "β = 0.98: ln 0.01 / ln β = 227.9, so 1 − β^t ≥ 0.99 from t = 228 on",
    ]:
        assert line in out, line
    gaps = [float(g) for g in re.findall(r"largest gap between v_t − 15 and \(1 − β\)·20·β\^k: (\S+) °C", out)]
    assert len(gaps) == 2 and max(gaps) < 1e-6
    rows = {m.group(1).strip(): (m.group(2), m.group(3)) for m in re.finditer(
        r"^(weight of a value 10 steps old|old level's share 10 steps after a jump|steps to reach 99% of the jump|"
        r"noise variance left \(σ² = 1\)|lag on a ramp \(steps\)|numbers kept)\s+(\S+)\s+(.+?)\s*$", out, flags=re.M)}
    assert rows == {"weight of a value 10 steps old": ("0.000", "0.035"),
                    "old level's share 10 steps after a jump": ("0.000", "0.349"),
                    "steps to reach 99% of the jump": ("10", "44"),
                    "noise variance left (σ² = 1)": ("0.100", "0.053"),
                    "lag on a ramp (steps)": ("4.5", "9.0"),
                    "numbers kept": ("10", "1 (2 with t)")}
    for answer in [c for c in executed_source(PATH).cells if c.source.startswith('checker.check("ema_')]:
        shown = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in answer.outputs)
        assert "✓" in shown, answer.source
