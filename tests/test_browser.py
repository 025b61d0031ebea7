"""The course as a person uses it: JupyterLab in Chromium, every notebook run from the browser.

Run alone with `python3 course.py test -m browser`. Screenshots go to artifacts/browser/.
"""
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from browser import CHROMIUM, FLAGS, Lab, goto_notebook, run_all_and_wait
from checker.explorer import beta_from_exponent, describe
from checker.workflow import make_workspace
from notebooks import ENGLISH_NOTEBOOKS, ROOT

pytestmark = pytest.mark.browser  # one file: `--dist loadfile` keeps these tests in one worker
ARTIFACTS = ROOT / "artifacts" / "browser"
EXPLORER = "ema/01_moving_average.ipynb"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
    root = tmp_path_factory.mktemp("lab")
    make_workspace(root / "learner")
    make_workspace(root / "learner", language="zh")
    shutil.copytree(ROOT / "notebooks", root / "instructor", ignore=shutil.ignore_patterns("*.md"))
    shutil.copy(ROOT / "nbgrader_config.py", root)
    write_explorer_notebook(root / EXPLORER_ONLY)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    server = Lab(root, tmp_path_factory.mktemp("settings"), ARTIFACTS.parent / "jupyterlab.log")
    server.root = root
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, args=FLAGS,
            viewport={"width": 1400, "height": 1000})
        yield context
        context.close()


def open_notebook(browser, lab, path: str):
    """A page with the notebook open and its kernel idle; the whole page is retried once on a timeout."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in (1, 2):
        page = browser.new_page()
        try:
            goto_notebook(page, lab, path)
            return page
        except PlaywrightTimeout:
            page.close()
            if attempt == 2:
                raise


@pytest.fixture(autouse=True)
def one_kernel_at_a_time(lab):
    yield
    lab.shutdown_kernels()


def screenshot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def run_notebook(browser, lab, path: str):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in (1, 2):
        page = open_notebook(browser, lab, path)
        try:
            state = run_all_and_wait(page)
            return page, state
        except PlaywrightTimeout:
            screenshot(page, path.replace("/", "__") + f"__timeout{attempt}")
            page.close()
            if attempt == 2:
                raise


NOTEBOOK_PATHS = [f"{p.parent.name}/{p.name}" for p in ENGLISH_NOTEBOOKS]   # the Chinese edition: below


def errors_in(state):
    return [(c["source"], o["ename"], o["evalue"]) for c in state["cells"] for o in c["outputs"]
            if o["type"] == "error"]


def check_math_and_self_checks(page, state, learner: bool):
    assert page.locator("mjx-container").count() > 0, "MathJax rendered no formula"
    self_checks = [c for c in state["cells"] if c["source"].startswith("checker.check(")]
    if self_checks:
        results = page.locator(".checker-result")
        assert results.count() >= len(self_checks)
        if learner:
            assert "not attempted yet" in results.first.inner_text()
        else:
            assert "passed" in results.first.inner_text()


@pytest.mark.parametrize("path", NOTEBOOK_PATHS)
def test_instructor_version_runs_in_the_browser_without_errors(browser, lab, path):
    page, state = run_notebook(browser, lab, f"instructor/{path}")
    try:
        screenshot(page, "instructor__" + path.replace("/", "__"))
        assert errors_in(state) == []
        if path == EXPLORER:   # the β explorer drawn in the browser, not an ipympl figure
            page.wait_for_function(f"() => ({PLOT})() !== null", timeout=30_000)
            assert page.locator(f"{PANEL} .jupyter-matplotlib-figure").count() == 0
        check_math_and_self_checks(page, state, learner=False)
    finally:
        page.close()


@pytest.mark.parametrize("path", NOTEBOOK_PATHS)
def test_learner_version_fails_only_as_intended_in_the_browser(browser, lab, path):
    page, state = run_notebook(browser, lab, f"learner/{path}")
    try:
        screenshot(page, "learner__" + path.replace("/", "__"))
        for source, ename, evalue in errors_in(state):
            if source.startswith("# Autograder test"):
                assert ename == "AssertionError" and "not attempted yet" in evalue, source
            else:
                assert ename == "NotImplementedError", (source, ename, evalue)
        check_math_and_self_checks(page, state, learner=True)
    finally:
        page.close()


# ------------------------------------------------------------------ the β explorer
EXPLORER_ONLY = "explorer.ipynb"   # the explorer cell of the EMA notebook, alone: quick to run
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
PLOT = """() => {
  const canvas = document.querySelector('%s .beta-explorer canvas.bx-plot');
  return canvas ? canvas.toDataURL() : null;
}""" % PANEL
KERNEL_SAYS = """async (code) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = kernel.requestExecute({code});
  let out = '';
  future.onIOPub = (msg) => { if (msg.header.msg_type === 'stream') out += msg.content.text; };
  await future.done;
  return out.trim();
}"""


def write_explorer_notebook(path: Path) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(
        "import checker.data\nfrom checker.explorer import BetaExplorer\n\n"
        "dates, temp_max = checker.data.load_seattle_temperatures()\nexplorer = BetaExplorer(dates, temp_max)\nexplorer")]
    nbformat.write(nb, path)


@pytest.fixture
def page(browser, lab):
    """The explorer notebook run in JupyterLab, its explorer drawn; closed after the test."""
    page = explorer_page(browser, lab)
    yield page
    page.close()


def explorer_page(browser, lab):
    page, state = run_notebook(browser, lab, EXPLORER_ONLY)
    assert errors_in(state) == []
    page.locator(f"{PANEL} .beta-explorer canvas.bx-plot").scroll_into_view_if_needed()
    page.wait_for_function(f"() => ({PLOT})() !== null", timeout=30_000)
    time.sleep(0.5)   # JupyterLab settles its focus after a run
    return page


def explorer(page, selector: str):
    return page.locator(f"{PANEL} .beta-explorer {selector}").first


def changes_the_plot(page, act) -> bool:
    before = page.evaluate(PLOT)
    act()
    return page.evaluate(PLOT) != before


def kernel_says(page, code: str, expected: str, seconds: float = 5.0) -> str:
    """What print(...) in the kernel shows, asked again until it is expected (the settings reach
    the kernel shortly after the redraw) or seconds pass."""
    deadline = time.monotonic() + seconds
    while True:
        out = page.evaluate(KERNEL_SAYS, code)
        if out == expected or time.monotonic() > deadline:
            return out
        time.sleep(0.2)


def test_the_beta_slider_moves_with_the_keyboard_and_redraws_without_the_kernel(page):
    slider = explorer(page, "input.bx-beta")
    slider.focus()
    for _ in range(10):
        assert changes_the_plot(page, lambda: slider.press("ArrowRight"))   # drawn before press() returns
    assert explorer(page, ".bx-beta-readout").inner_text() == describe(beta_from_exponent(1.1))
    assert kernel_says(page, "print(f'{explorer.exponent:.2f}')", "1.10") == "1.10"
    screenshot(page, "explorer_after_keys")


def test_the_beta_slider_moves_with_the_mouse(page):
    box = explorer(page, "input.bx-beta").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] / 3, y)   # the thumb, at u = 1
    before = page.evaluate(PLOT)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] + 40, y, steps=8)
    page.mouse.up()
    assert page.evaluate(PLOT) != before
    assert explorer(page, ".bx-beta-readout").inner_text() == "β = 0.999 · averages ≈ the last 1,000 days"
    assert kernel_says(page, "print(explorer.beta)", "0.999") == "0.999"


def test_the_correction_toggle_and_both_curves_change_the_plot_and_the_legend(page):
    legend = explorer(page, ".bx-legend")
    assert "v̂_t, β = 0.900 (bias-corrected)" in legend.inner_text()
    assert changes_the_plot(page, lambda: explorer(page, "input.bx-corrected").click())
    assert "v_t, β = 0.900 (not corrected)" in legend.inner_text() and "v̂_t" not in legend.inner_text()
    assert changes_the_plot(page, lambda: explorer(page, "input.bx-both").click())
    entries = legend.locator(".bx-entry").all_inner_texts()
    assert entries == ["θ_t (data)", "v̂_t, β = 0.900 (bias-corrected)", "v_t, β = 0.900 (not corrected)",
                       "v̂_t, β = 0.990 (bias-corrected)", "v_t, β = 0.990 (not corrected)"]
    assert kernel_says(page, "print(explorer.corrected, explorer.both)", "False True") == "False True"


def test_the_spike_control_moves_the_ema_by_one_minus_beta_times_the_spike(page):
    assert changes_the_plot(page, lambda: explorer(page, "input.bx-spike").click())
    readout = explorer(page, ".bx-spike-readout")
    assert readout.inner_text().startswith(
        "A spike of +20 °C on 2013-02-03 (t = 400) moves v_t by (1 − β) × +20 = +2.00 °C that day")
    size = explorer(page, "input.bx-spike-size")
    size.focus()
    assert changes_the_plot(page, lambda: size.press("ArrowRight"))
    assert "(1 − β) × +21 = +2.10 °C" in readout.inner_text()
    day = explorer(page, "input.bx-spike-day")
    day.focus()
    assert changes_the_plot(page, lambda: day.press("ArrowLeft"))
    assert "on 2013-02-02 (t = 399)" in readout.inner_text()
    assert "the spike" in explorer(page, ".bx-legend").inner_text()
    assert kernel_says(page, "print(explorer.spike, explorer.spike_size, explorer.spike_day)",
                       "True 21.0 399") == "True 21.0 399"
    screenshot(page, "explorer_spike")


def test_the_lower_panel_shows_the_first_56_days_and_the_pointer_reads_one_minus_beta_to_the_t(page):
    canvas = explorer(page, "canvas.bx-plot").bounding_box()
    pointer = explorer(page, ".bx-pointer")
    y = canvas["y"] + 292 + 75                          # the middle of the lower panel
    page.mouse.move(canvas["x"] + 46 + 1, y)            # its left edge
    assert pointer.inner_text().startswith("2012-01-01 (t = 1): 1 − β^t = 0.100 for β = 0.900 · 0.010 for β = 0.990.")
    page.mouse.move(canvas["x"] + canvas["width"] - 12 - 1, y)   # its right edge
    assert pointer.inner_text().startswith("2012-02-25 (t = 56): 1 − β^t = 0.997 for β = 0.900")
    page.mouse.move(canvas["x"] + canvas["width"] - 12, canvas["y"] + 22 + 115)   # the main panel's end
    assert pointer.inner_text().startswith("2015-12-31 (t = 1,461)")


ANY_PLOT = PLOT.replace(PANEL + " ", "")


def exported_page(browser, nb, folder: Path, name: str):
    """nb exported to HTML by nbconvert, opened from a file with every network request refused
    (no kernel, no server, no CDN); returns (page, refused URLs)."""
    from nbconvert import HTMLExporter

    html, _ = HTMLExporter().from_notebook_node(nb)
    path = folder / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    page = browser.new_page()
    refused = []

    def only_files(route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()
    page.route("**/*", only_files)
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function(f"() => ({ANY_PLOT})() !== null", timeout=30_000)
    return page, refused


def responds_without_a_kernel(page) -> None:
    slider = page.locator(".beta-explorer input.bx-beta").first
    slider.scroll_into_view_if_needed()
    slider.focus()
    before = page.evaluate(ANY_PLOT)
    slider.press("ArrowRight")
    assert page.evaluate(ANY_PLOT) != before
    assert page.locator(".beta-explorer .bx-beta-readout").first.inner_text() == describe(beta_from_exponent(1.01))
    page.locator(".beta-explorer input.bx-spike").first.click()
    assert "(1 − β) × +20" in page.locator(".beta-explorer .bx-spike-readout").first.inner_text()


def test_a_notebook_saved_from_jupyterlab_has_a_live_explorer_in_its_exported_page(browser, lab, tmp_path):
    import nbformat

    page = explorer_page(browser, lab)
    try:
        page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
        page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=30_000)
    finally:
        page.close()
    saved = nbformat.read(lab.root / EXPLORER_ONLY, as_version=4)
    assert {"application/vnd.jupyter.widget-view+json", "text/html"} <= set(saved.cells[0].outputs[0].data)
    exported, refused = exported_page(browser, saved, tmp_path, "saved_from_jupyterlab")
    try:
        responds_without_a_kernel(exported)
        screenshot(exported, "explorer_exported_page")
    finally:
        exported.close()


def test_the_ema_notebook_run_headless_has_a_live_explorer_in_its_exported_page(browser, tmp_path):
    from notebooks import NOTEBOOKS, executed_source

    nb = executed_source(NOTEBOOKS / EXPLORER)   # run by nbclient, as nbgrader runs it
    page, refused = exported_page(browser, nb, tmp_path, "run_headless")
    try:
        responds_without_a_kernel(page)
    finally:
        page.close()


def test_formgrader_and_the_validate_button_work(browser, lab):
    page = browser.new_page()
    try:
        page.goto(lab.url("formgrader"), wait_until="networkidle", timeout=60_000)
        assert "Manage Assignments" in page.content()
        screenshot(page, "formgrader")
    finally:
        page.close()
    page = open_notebook(browser, lab, f"instructor/{NOTEBOOK_PATHS[0]}")
    try:
        page.get_by_role("button", name="Validate").first.click()
        dialog = page.locator(".jp-Dialog")
        dialog.wait_for(timeout=120_000)
        page.wait_for_function("() => !document.querySelector('.jp-Dialog').innerText.includes('Validating')",
                               timeout=120_000)
        text = dialog.inner_text()
        screenshot(page, "validate_dialog")
        assert "Success" in text and "error" not in text.lower()
    finally:
        page.close()


def test_the_browser_slider_benchmark_prints_both_explorers():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "browser_slider.py"), "--steps", "3"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "new explorer (anywidget, drawn in the browser)" in out.stdout
    assert "old explorer (ipympl, drawn in the kernel)" in out.stdout and "× faster" in out.stdout



# ------------------------------------------------------------------ the Chinese edition, in a Chinese JupyterLab
ZH_NOTEBOOK = "backprop_zh/01_sigmoid_and_mse.ipynb"


def test_a_chinese_notebook_in_a_chinese_jupyterlab(browser, lab):
    """The menus are Chinese, MathJax renders the formulas, and the self-checks speak Chinese."""
    lab.set_locale("zh_CN")
    page, state = run_notebook(browser, lab, f"learner/{ZH_NOTEBOOK}")
    try:
        screenshot(page, "learner__" + ZH_NOTEBOOK.replace("/", "__"))
        menus = page.locator("#jp-menu-panel, .lm-MenuBar").first.inner_text()
        for menu in ("文件", "编辑", "运行"):
            assert menu in menus, menus
        assert page.locator("mjx-container").count() > 0, "MathJax rendered no formula"
        for source, ename, evalue in errors_in(state):
            if source.startswith("# 自动评分") or ename == "AssertionError":
                assert ename == "AssertionError" and "尚未作答" in evalue, (source, evalue)
            else:
                assert ename == "NotImplementedError", (source, ename, evalue)
        feedback = page.locator(".checker-result").first.inner_text()
        assert "尚未作答" in feedback and "not attempted" not in feedback, feedback
        shown = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").first.inner_text()
        assert "学习目标" in shown and "在这里写下你的回答" in shown
        assert "Learning goals" not in shown and "YOUR ANSWER HERE" not in shown
    finally:
        page.close()
        lab.set_locale("default")
