"""The β explorer: slider mapping, settings, its JavaScript against checker.reference, and the
pictures and pages it leaves where no kernel or browser is live."""
import base64
import json
import re
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from checker.data import load_seattle_temperatures
from checker.explorer import (BROWSER_WORDS, CSS, ESM, INSET_DAYS, MAX_EXPONENT, SPIKE_LIMIT, BetaExplorer,
                              beta_from_exponent, browser_words, describe, exponent_from_beta, live_frontend,
                              smoothed)
from checker.reference import ema, ema_bias_corrected

matplotlib.use("Agg")
DATES, TEMPS = load_seattle_temperatures()
CHROMIUM = "/usr/bin/chromium"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_the_slider_reaches_0999_and_gives_0_9_to_0_999_two_thirds_of_its_range():
    assert beta_from_exponent(0.0) == 0.0
    assert beta_from_exponent(MAX_EXPONENT) == pytest.approx(0.999)
    assert beta_from_exponent(1.0) == pytest.approx(0.9) and beta_from_exponent(2.0) == pytest.approx(0.99)
    share = (exponent_from_beta(0.999) - exponent_from_beta(0.9)) / MAX_EXPONENT
    assert share == pytest.approx(2 / 3)


def test_one_keyboard_step_near_0999_changes_beta_by_little():
    assert beta_from_exponent(3.0) - beta_from_exponent(2.99) < 3e-5


def test_the_readout_names_beta_and_the_window():
    assert describe(0.99) == "β = 0.990 · averages ≈ the last 100 days"
    assert describe(0.0) == "β = 0.000 · averages ≈ the last 1 day"


@pytest.fixture
def explorer():
    return BetaExplorer(DATES, TEMPS, beta=0.9, compare_beta=0.99)


def test_it_starts_at_the_given_betas_corrected_with_no_spike(explorer):
    assert explorer.beta == pytest.approx(0.9) and explorer.compare_beta == pytest.approx(0.99)
    assert explorer.corrected and explorer.compare and not explorer.both and not explorer.spike
    assert explorer.spike_day == 400 and explorer.spike_size == 20
    assert len(explorer.thetas) == len(explorer.days) == 1461
    assert np.array(explorer.days, dtype="datetime64[D]")[0] == np.datetime64("2012-01-01")


def test_the_series_is_sent_exactly(explorer):
    assert np.array_equal(np.array(explorer.thetas), TEMPS)


def test_settings_from_the_browser_are_kept_in_range(explorer):
    explorer.exponent = 7.0
    explorer.compare_exponent = -1.0
    explorer.spike_size = 1e9
    explorer.spike_day = 10**6
    assert explorer.exponent == MAX_EXPONENT and explorer.compare_exponent == 0.0
    assert explorer.spike_size == SPIKE_LIMIT and explorer.spike_day == 1461
    explorer.spike_day = -5
    assert explorer.spike_day == 1


def test_the_lines_are_the_reference_ema_of_each_beta(explorer):
    (b1, k1, v1), (b2, k2, v2) = explorer.lines()
    assert k1 and k2
    assert np.array_equal(v1, ema_bias_corrected(TEMPS, b1)) and np.array_equal(v2, ema_bias_corrected(TEMPS, b2))
    explorer.corrected = False
    assert np.array_equal(explorer.lines()[0][2], ema(TEMPS, explorer.beta))
    assert smoothed(TEMPS, 0.9, False)[0] == pytest.approx(0.1 * TEMPS[0])


def test_both_shows_v_t_and_v_hat_t_for_each_beta(explorer):
    explorer.both = True
    assert [(round(b, 3), k) for b, k, _ in explorer.lines()] == [(0.9, True), (0.9, False), (0.99, True), (0.99, False)]
    explorer.compare = False
    assert len(explorer.lines()) == 2


def test_a_spike_moves_v_t_by_one_minus_beta_times_its_size_then_decays_by_beta(explorer):
    explorer.corrected, explorer.compare, explorer.spike = False, False, True
    day = explorer.spike_day
    with_spike = explorer.lines()[0][2]
    without = ema(TEMPS, explorer.beta)
    gap = with_spike - without
    assert np.all(gap[:day - 1] == 0)
    assert gap[day - 1] == pytest.approx((1 - explorer.beta) * explorer.spike_size)
    assert gap[day + 9] == pytest.approx(gap[day - 1] * explorer.beta ** 10)


def test_every_word_the_browser_shows_is_in_both_catalogues():
    for language in ("en", "zh"):
        words = browser_words(language)
        assert set(words) == set(BROWSER_WORDS) and all(words.values())
    assert browser_words("zh")["correction"] == "偏差修正"


def test_the_explorer_speaks_the_language_it_is_given():
    assert BetaExplorer(DATES, TEMPS, lang="zh").labels["title"] == "西雅图每日最高气温"
    assert BetaExplorer(DATES, TEMPS, title="Mine").title == "Mine"


def test_the_chinese_picture_has_every_glyph_without_the_course_style(recwarn):
    assert BetaExplorer(DATES, TEMPS, lang="zh").static_png().startswith(b"\x89PNG")
    assert not [str(w.message) for w in recwarn if "missing from font" in str(w.message)]


def test_dates_and_values_of_different_lengths_are_refused():
    with pytest.raises(ValueError, match="same length"):
        BetaExplorer(DATES[:10], TEMPS)


def test_the_static_picture_names_its_settings_and_changes_with_them(explorer):
    assert explorer.state_text() == "β = 0.900 (blue), 0.990 (orange), bias-corrected"
    before = explorer.static_png()
    explorer.compare, explorer.corrected = False, False
    assert explorer.state_text() == "β = 0.900 (blue), not corrected"
    explorer.both, explorer.spike = True, True
    assert explorer.state_text() == "β = 0.900 (blue), v_t and v̂_t, a spike of +20 °C on day 400"
    after = explorer.static_png()
    assert before.startswith(b"\x89PNG") and before != after


def test_headless_the_output_is_a_picture_and_a_kernel_free_page_not_a_widget(explorer, monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert not live_frontend()
    data, _ = explorer._repr_mimebundle_()
    assert WIDGET_VIEW not in data
    assert base64.b64decode(data["image/png"]).startswith(b"\x89PNG")
    assert "<canvas" not in data["text/html"] and "explorer.render(" in data["text/html"]
    assert data["text/html"].count("data:image/png;base64,") == 1   # shown until the script runs


def test_in_jupyterlab_the_output_is_the_widget_with_the_page_as_fallback(explorer, monkeypatch):
    monkeypatch.setenv("JPY_SESSION_NAME", "/course/ema/01_moving_average.ipynb")
    data, _ = explorer._repr_mimebundle_()
    assert data[WIDGET_VIEW]["model_id"] == explorer.model_id
    assert "explorer.render(" in data["text/html"] and "image/png" not in data


def page_state(fragment: str) -> dict:
    payload = re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', fragment, re.S).group(1)
    return json.loads(payload)


def test_the_page_carries_the_settings_and_cannot_be_broken_out_of():
    hostile = "</script><script>alert(1)</script>"
    explorer = BetaExplorer(DATES, TEMPS, title=hostile)
    fragment = explorer.page_fragment(b"\x89PNG fake")
    assert fragment.count("</script>") == 2 and "alert(1)</script>" not in fragment
    state = page_state(fragment)
    assert state["labels"]["title"] == hostile and state["thetas"] == TEMPS.tolist()
    assert state["exponent"] == pytest.approx(1.0) and state["spike_day"] == 400


def test_the_widget_ships_its_module_and_style():
    source = ESM.read_text()
    assert source.count("export default {") == 1 and "render" in source
    assert ".beta-explorer" in CSS.read_text()
    assert f"const INSET_DAYS = {INSET_DAYS};" in source


KERNEL_CELL = """
import checker.data
from checker.explorer import BetaExplorer
dates, temps = checker.data.load_seattle_temperatures()
explorer = BetaExplorer(dates, temps)
explorer
"""


@pytest.mark.notebooks
def test_a_headless_kernel_shows_the_picture_and_never_raises():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(KERNEL_CELL)]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outputs = nb.cells[0].outputs
    assert [o.output_type for o in outputs] == ["execute_result"]
    assert {"image/png", "text/html", "text/plain"} <= set(outputs[0].data)


# ---------------------------------------------------------------- explorer.js, run in headless Chromium

@pytest.fixture(scope="module")
def page():
    """A blank page in headless Chromium."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        yield browser.new_page(viewport={"width": 1000, "height": 900})
        browser.close()


@pytest.fixture(scope="module")
def js(page):
    """A function running an expression on explorer.js's default export (`x`) in Chromium."""
    page.set_content("<!doctype html><meta charset=utf-8><body></body>")
    page.evaluate("async (source) => { const url = URL.createObjectURL(new Blob([source], {type: 'text/javascript'}));"
                  " window.x = (await import(url)).default; }", ESM.read_text())
    return lambda expression, arg=None: page.evaluate(f"(arg) => {{ const x = window.x; return {expression}; }}", arg)


@pytest.mark.parametrize("u", [0.0, 0.3, 1.0, 1.7, 2.0, 2.37, 3.0])
def test_the_javascript_ema_equals_the_reference_on_the_seattle_series(js, u):
    beta = beta_from_exponent(u)
    assert js("x.betaFromExponent(arg)", u) == pytest.approx(beta, rel=1e-15)
    plain = np.array(js("Array.from(x.ema(arg.t, arg.b))", {"t": TEMPS.tolist(), "b": beta}))
    hat = np.array(js("Array.from(x.emaBiasCorrected(arg.t, arg.b))", {"t": TEMPS.tolist(), "b": beta}))
    assert np.allclose(plain, ema(TEMPS, beta), rtol=1e-12, atol=0)
    assert np.allclose(hat, ema_bias_corrected(TEMPS, beta), rtol=1e-12, atol=0)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_javascript_fills_the_catalogue_templates_as_python_does(js, language):
    from checker.messages import text

    words = browser_words(language)
    for beta in (0.0, 0.5, 0.9, 0.99, 0.999):
        n = round(1 / (1 - beta))
        assert js("x.say(arg.w, {beta: arg.b, n: arg.n})", {"w": words["readout"], "b": beta, "n": n}) == \
            describe(beta, language)
    fields = {"date": "2013-02-03", "t": 1400, "size": -12.0, "unit": "°C", "beta": 0.9, "jump": -1.2, "half": 6.58}
    for key in ("spike_readout", "pointer_values", "legend_plain"):
        expected = text(f"explorer.{key}", language, **fields, v=3.14159, vhat=12.5)
        assert js("x.say(arg.w, arg.f)", {"w": words[key], "f": {**fields, "v": 3.14159, "vhat": 12.5}}) == expected


def test_the_javascript_bias_factor_is_one_minus_beta_to_the_t(js):
    for beta, t in ((0.999, 7), (0.9, 1), (0.99, 365), (0.0, 3)):
        assert js("x.biasFactor(arg.t, arg.b)", {"t": t, "b": beta}) == pytest.approx(1 - beta ** t, rel=1e-13)


def test_the_chinese_pointer_readout_reads_as_chinese(page):
    page = page.context.browser.new_page(viewport={"width": 1000, "height": 900})   # js keeps its own page
    fragment = BetaExplorer(DATES, TEMPS, lang="zh").page_fragment()
    page.set_content(f"<!doctype html><meta charset=utf-8><body>{fragment}</body>")
    box = page.locator("canvas.bx-plot").bounding_box()
    page.mouse.move(box["x"] + 46 + 8 / 56 * (box["width"] - 58), box["y"] + 292 + 75)   # day 9, lower panel
    readout = page.locator(".bx-pointer").inner_text()
    assert readout.startswith("2012-01-09（t = 9）：1 − β^t = 0.613（β = 0.900）")
    assert "。这一天 β = 0.900 时" in readout and "。 " not in readout
    page.close()
