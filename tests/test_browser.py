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
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    server = Lab(root, tmp_path_factory.mktemp("settings"), ARTIFACTS.parent / "jupyterlab.log")
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


CANVAS_PIXELS = """() => {
  const panel = window.jupyterapp.shell.currentWidget.node;
  const canvas = panel.querySelector('.jupyter-matplotlib-figure canvas');
  return canvas ? canvas.toDataURL() : null;
}"""


def explorer_page(browser, lab):
    page, state = run_notebook(browser, lab, f"instructor/{EXPLORER}")
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jupyter-matplotlib-figure canvas").first \
        .scroll_into_view_if_needed()
    page.wait_for_function(f"() => ({CANVAS_PIXELS})() !== null", timeout=30_000)
    time.sleep(0.5)  # the first frame arrives after the canvas element exists
    return page


def step_and_time(page, key: str, target) -> float:
    """Press key on the target control; seconds until the plot's pixels change."""
    before = page.evaluate(CANVAS_PIXELS)
    started = time.perf_counter()
    if key == "click":
        target.click()
    else:
        target.press(key)
    page.wait_for_function(f"(before) => ({CANVAS_PIXELS})() !== before", arg=before, timeout=5_000, polling=10)
    return time.perf_counter() - started


def test_the_beta_slider_and_the_bias_toggle_update_the_plot_within_a_second(browser, lab):
    page = explorer_page(browser, lab)
    try:
        panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
        handle = panel.locator(".noUi-handle").first
        handle.focus()
        assert step_and_time(page, "ArrowRight", handle) < 1.0
        toggle = panel.get_by_label("bias correction")
        assert step_and_time(page, "click", toggle) < 1.0
        screenshot(page, "explorer_after_steps")
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


def test_the_browser_slider_benchmark_prints_both_medians():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "browser_slider.py"), "--steps", "3"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "explorer (ipympl, blitted in place)" in out.stdout and "baseline (interact + inline PNG)" in out.stdout



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
