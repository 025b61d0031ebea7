"""The class report as an instructor opens it: report/index.html from a file, in Chromium, offline.

The screenshot README shows (docs/class_report.png) is made here.
"""
import subprocess
import sys
from pathlib import Path

import pytest

from browser import CHROMIUM, FLAGS

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from simulated_results import default_plan, write_class  # noqa: E402

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / "docs" / "class_report.png"
LINK = ("output_delta", ("mistake", "missing_sigma_prime"), "hidden_delta", ("mistake", "missing_transpose"))


@pytest.fixture(scope="module")
def report_page(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
    folder = tmp_path_factory.mktemp("class")
    plans = default_plan(120)
    write_class(folder / "graded", plans, 120, seed=3, not_graded=1, linked=[LINK])
    done = subprocess.run([sys.executable, "-m", "checker", "report", "graded", "--course", str(ROOT),
                           "--lms", "canvas"], cwd=folder, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[*FLAGS, "--force-device-scale-factor=1"])
        page = browser.new_page(viewport={"width": 1200, "height": 1400})
        problems = []
        page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto((folder / "graded" / "report" / "index.html").as_uri(), wait_until="load")
        yield page, problems, requests, len(plans)
        browser.close()


def test_the_page_opens_with_no_console_errors_and_fetches_nothing(report_page):
    page, problems, requests, _ = report_page
    assert problems == []
    assert [url for url in requests if not url.startswith(("file:", "data:"))] == []


def test_every_chart_is_present_and_drawn(report_page):
    page, _, _, exercises = report_page
    sizes = page.eval_on_selector_all("img", "imgs => imgs.map(i => [i.complete, i.naturalWidth, i.naturalHeight])")
    assert len(sizes) == exercises + 1
    assert all(done and width > 400 and height > 100 for done, width, height in sizes)


def test_the_overview_comes_first_and_a_screenshot_of_it_is_made_for_the_readme(report_page):
    page, _, _, _ = report_page
    headings = page.eval_on_selector_all("h2", "hs => hs.map(h => h.textContent)")
    assert headings[0] == "What the class got wrong"
    assert "Similar answers" in headings and "Students" in headings
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), clip={"x": 0, "y": 0, "width": 1200, "height": 1100})
    assert SCREENSHOT.stat().st_size > 50_000


def test_a_students_feedback_link_points_at_the_engines_feedback_file(report_page):
    page, _, _, _ = report_page
    href = page.eval_on_selector("a[href*='feedback/']", "a => a.getAttribute('href')")
    assert href.startswith("../feedback/s0") and href.endswith(".txt")
