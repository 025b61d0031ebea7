"""The β explorer: slider mapping, in-place updates, and headless rendering."""
import matplotlib
import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from checker.data import load_seattle_temperatures
from checker.explorer import (BetaExplorer, beta_from_exponent, describe, exponent_from_beta,
                              live_frontend, smoothed)
from checker.reference import ema, ema_bias_corrected

matplotlib.use("Agg")
DATES, TEMPS = load_seattle_temperatures()


def test_the_slider_reaches_0999_and_gives_0_9_to_0_999_two_thirds_of_its_range():
    assert beta_from_exponent(0.0) == 0.0
    assert beta_from_exponent(3.0) == pytest.approx(0.999)
    assert beta_from_exponent(1.0) == pytest.approx(0.9) and beta_from_exponent(2.0) == pytest.approx(0.99)
    share = (exponent_from_beta(0.999) - exponent_from_beta(0.9)) / 3.0
    assert share == pytest.approx(2 / 3)


def test_one_keyboard_step_near_0999_changes_beta_by_little():
    assert beta_from_exponent(3.0) - beta_from_exponent(2.99) < 3e-5


def test_the_readout_names_beta_and_the_window():
    assert describe(0.99) == "β = 0.990 · averages ≈ the last 100 days"
    assert describe(0.0) == "β = 0.000 · averages ≈ the last 1 day"


@pytest.fixture
def explorer():
    widget = BetaExplorer(DATES, TEMPS, beta=0.9, compare_beta=0.99)
    yield widget
    matplotlib.pyplot.close(widget.fig)


def test_the_lines_show_the_corrected_ema_of_both_betas(explorer):
    assert np.allclose(explorer.line.get_ydata(), ema_bias_corrected(TEMPS, 0.9))
    assert np.allclose(explorer.compare_line.get_ydata(), ema_bias_corrected(TEMPS, 0.99))


def test_moving_the_slider_updates_the_same_line_in_place(explorer):
    line = explorer.line
    explorer.beta_slider.value = 2.5
    assert explorer.line is line
    assert np.allclose(line.get_ydata(), ema_bias_corrected(TEMPS, beta_from_exponent(2.5)))
    assert explorer.readout.value == describe(beta_from_exponent(2.5))


def test_the_bias_correction_toggle_switches_to_the_plain_ema(explorer):
    explorer.corrected.value = False
    assert np.allclose(explorer.line.get_ydata(), ema(TEMPS, 0.9))
    assert smoothed(TEMPS, 0.9, False)[0] == pytest.approx(0.1 * TEMPS[0])


def test_the_comparison_can_be_hidden(explorer):
    explorer.compare.value = False
    assert not explorer.compare_line.get_visible() and explorer.compare_slider.disabled
    assert explorer.compare_readout.value == ""
    assert len(explorer.legend.get_texts()) == 2


def test_the_static_picture_changes_with_beta(explorer):
    before = explorer.static_png()
    explorer.beta_slider.value = 3.0
    after = explorer.static_png()
    assert before.startswith(b"\x89PNG") and before != after


def test_without_jupyterlab_the_explorer_knows_it_is_headless(monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert not live_frontend()
    monkeypatch.setenv("JPY_SESSION_NAME", "/course/notebooks/ema/01_moving_average.ipynb")
    assert live_frontend()


KERNEL_CELL = """
%matplotlib widget
import numpy as np
import checker.data
from checker.explorer import BetaExplorer
dates, temps = checker.data.load_seattle_temperatures()
explorer = BetaExplorer(dates, temps)
canvas = explorer.fig.canvas
canvas._handle_message(canvas, {"type": "initialized"}, [])
canvas.draw()
before = np.asarray(canvas.get_renderer().buffer_rgba()).copy()
explorer.beta_slider.value = 3.0
after = np.asarray(canvas.get_renderer().buffer_rgba()).copy()
print("pixels changed:", int((before != after).any(axis=2).sum()))
print("blitted, not rebuilt:", explorer.background is not None)
explorer
"""


@pytest.mark.notebooks
def test_in_a_kernel_with_ipympl_a_slider_step_repaints_the_canvas_and_headless_shows_a_picture():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(KERNEL_CELL)]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outputs = nb.cells[0].outputs
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert int(text.split("pixels changed:")[1].split()[0]) > 500
    assert "blitted, not rebuilt: True" in text
    kinds = [list(o.get("data", {})) for o in outputs if o.output_type == "display_data"]
    assert any("application/vnd.jupyter.widget-view+json" in k for k in kinds)
    assert any("image/png" in k for k in kinds)


def test_the_static_picture_names_its_settings(explorer):
    assert explorer.state_text() == "β = 0.900 (blue), 0.990 (orange), bias-corrected"
    explorer.compare.value = False
    explorer.corrected.value = False
    assert explorer.state_text() == "β = 0.900 (blue), not corrected"


def test_a_new_explorer_closes_the_previous_figure():
    from matplotlib._pylab_helpers import Gcf

    first = BetaExplorer(DATES, TEMPS)
    second = BetaExplorer(DATES, TEMPS)
    open_figures = [manager.canvas.figure for manager in Gcf.get_all_fig_managers()]
    assert first.fig not in open_figures and second.fig in open_figures
    matplotlib.pyplot.close(second.fig)
