"""In the browser: the time from one β-slider key press to the updated plot, median of 20 steps.

Starts JupyterLab on 127.0.0.1, opens the EMA notebook in Debian's Chromium (Playwright), runs it,
then presses → on the β slider 20 times and times each step until the plot's canvas pixels
change. Baseline, same run: the same measurement for a key press on a plain ipywidgets slider
wired to `interact` with an inline PNG re-render of the same plot.
    python benchmarks/browser_slider.py [--steps 20]
"""
import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import CHROMIUM, FLAGS, Lab, goto_notebook, run_all_and_wait  # noqa: E402

IMAGE = """() => {
  const canvas = document.querySelector('.jupyter-matplotlib-figure canvas');
  if (canvas) return canvas.toDataURL();
  const img = [...document.querySelectorAll('.jp-OutputArea-output img')].pop();
  return img ? img.src : null;
}"""

BASELINE = """%matplotlib inline
import ipywidgets, matplotlib.pyplot as plt
import checker.data
from checker.explorer import beta_from_exponent, smoothed
dates, temps = checker.data.load_seattle_temperatures()
def show(u=1.0):
    fig, ax = plt.subplots(figsize=(8, 3.6), constrained_layout=True)
    ax.plot(dates, temps, ".", ms=2, alpha=0.5)
    ax.plot(dates, smoothed(temps, beta_from_exponent(u), True), lw=1.8)
    plt.show()
ipywidgets.interact(show, u=ipywidgets.FloatSlider(min=0, max=3, step=0.01, value=1.0));"""


def steps(page, n):
    handle = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    times = []
    for _ in range(n):
        before = page.evaluate(IMAGE)
        started = time.perf_counter()
        handle.press("ArrowRight")
        page.wait_for_function(f"(b) => ({IMAGE})() !== b", arg=before, timeout=10_000, polling=5)
        times.append(time.perf_counter() - started)
        time.sleep(0.1)
    return 1000 * statistics.median(times)


def open_and_run(context, lab, path):
    page = context.new_page()
    goto_notebook(page, lab, path)
    run_all_and_wait(page)
    time.sleep(1.0)
    return page


def main():
    from playwright.sync_api import sync_playwright
    import nbformat

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    n = parser.parse_args().steps
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        shutil.copytree(ROOT / "notebooks" / "ema", root / "ema")
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(BASELINE)]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, root / "baseline.ipynb")
        lab = Lab(root, root / "settings", root / "lab.log")
        try:
            with sync_playwright() as p:
                context = p.chromium.launch_persistent_context(str(root / "profile"), executable_path=CHROMIUM,
                                                               args=FLAGS, viewport={"width": 1400, "height": 1000})
                explorer = steps(open_and_run(context, lab, "ema/01_moving_average.ipynb"), n)
                baseline = steps(open_and_run(context, lab, "baseline.ipynb"), n)
                context.close()
        finally:
            lab.stop()
    print(f"key press on the β slider → updated plot in Chromium, median of {n} steps:")
    print(f"  explorer (ipympl, blitted in place): {explorer:6.0f} ms")
    print(f"  baseline (interact + inline PNG):    {baseline:6.0f} ms")
    print(f"  the explorer is {baseline / explorer:.1f}× faster")


if __name__ == "__main__":
    main()
