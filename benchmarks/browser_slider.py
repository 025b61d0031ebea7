"""In the browser: β-slider key press → repainted plot, the new explorer against the old one.

Starts JupyterLab on 127.0.0.1 on a temporary folder with two one-cell notebooks, the new
explorer (checker.explorer, an anywidget drawn in the browser) and the old one
(ipympl_explorer.py, %matplotlib widget, computed and blitted in the kernel), and opens each in
Debian's Chromium (Playwright). For every step, a capture-phase keydown listener in the page
records t0 = performance.now(), then checks a hash of every pixel of the plot canvas on each
requestAnimationFrame; t1 is the start of the first frame whose hash differs from the one taken
before the key. Playwright presses → (← once the slider is at its end) on the focused slider;
latency = t1 − t0. Both explorers get 2 unmeasured warm-up steps, then --steps measured ones.
    python benchmarks/browser_slider.py [--steps 40]
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from browser import CHROMIUM, FLAGS, Lab, goto_notebook, run_all_and_wait  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout, sync_playwright  # noqa: E402

PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
LOAD = "import checker.data\ndates, temps = checker.data.load_seattle_temperatures()\n"
EXPLORERS = [  # (name, notebook cell, plot canvas, slider)
    ("new explorer (anywidget, drawn in the browser)",
     LOAD + "from checker.explorer import BetaExplorer\nBetaExplorer(dates, temps)",
     f"{PANEL} .beta-explorer canvas.bx-plot", f"{PANEL} .bx-beta"),
    ("old explorer (ipympl, drawn in the kernel)",
     f"%matplotlib widget\nimport sys\nsys.path.insert(0, {str(HERE)!r})\n" + LOAD +
     "from ipympl_explorer import BetaExplorer\nBetaExplorer(dates, temps)",
     f"{PANEL} .jupyter-matplotlib-figure canvas", f"{PANEL} .noUi-handle"),
]
WARM_UP = 2

# window.__lat: hash(canvas) → {hash, inked, ms}; arm(selector) starts one measurement, whose
# promise resolves with [latency ms, median cost of reading + hashing the canvas ms].
INSTALL = """() => {
  if (window.__lat) return;
  const hash = (canvas) => {
    const started = performance.now();
    const ctx = canvas.getContext('2d');
    const words = new Uint32Array(ctx.getImageData(0, 0, canvas.width, canvas.height).data.buffer);
    let h = 2166136261, inked = 0;
    for (let i = 0; i < words.length; i++) {
      h = Math.imul(h ^ words[i], 16777619);
      if ((words[i] >>> 24) > 0 && (words[i] & 0xffffff) !== 0xffffff) inked++;
    }
    return {hash: h, inked, ms: performance.now() - started};
  };
  const lat = window.__lat = {hash, armed: null};
  lat.arm = (selector) => {
    const canvas = document.querySelector(selector);
    const before = hash(canvas).hash;
    lat.promise = new Promise((resolve, reject) => {
      const timer = setTimeout(() => { lat.armed = null; reject(new Error('no repaint in 10 s')); }, 10000);
      lat.armed = (t0) => {
        const costs = [];
        const frame = () => {
          const t1 = performance.now();
          const now = hash(canvas);
          costs.push(now.ms);
          if (now.hash === before) return requestAnimationFrame(frame);
          clearTimeout(timer);
          costs.sort((a, b) => a - b);
          resolve([t1 - t0, costs[costs.length >> 1]]);
        };
        requestAnimationFrame(frame);
      };
    });
  };
  document.addEventListener('keydown', () => {
    if (!lat.armed) return;
    const start = lat.armed;
    lat.armed = null;
    start(performance.now());
  }, true);
}"""

# the slider's [value, min, max]: an <input type=range> or a noUiSlider handle
POSITION = """(el) => el.tagName === 'INPUT' ? [+el.value, +el.min, +el.max] :
  ['aria-valuenow', 'aria-valuemin', 'aria-valuemax'].map((a) => +el.getAttribute(a))"""


def show(page, lab, path, canvas, notes, name):
    """Open the notebook, run it, and wait until its plot canvas has drawn. The old explorer's
    first picture now and then never arrives (an ipympl start-up race): then run the cell again."""
    goto_notebook(page, lab, path)
    page.evaluate(INSTALL)
    for _ in range(3):
        state = run_all_and_wait(page)
        errors = [o for c in state["cells"] for o in c["outputs"] if o["type"] == "error"]
        if errors:
            raise RuntimeError(f"{name}: {errors}")
        page.locator(canvas).first.scroll_into_view_if_needed(timeout=60_000)
        try:
            page.wait_for_function("(s) => window.__lat.hash(document.querySelector(s)).inked > 1000",
                                   arg=canvas, timeout=20_000, polling=200)
            break
        except PlaywrightTimeout:
            notes.append(f"{name}: the plot was still blank 20 s after the cell ran; ran it again")
    else:
        raise RuntimeError(f"{name}: the plot never drew")
    time.sleep(1.0)  # let any first redraws settle


def measure(page, canvas, slider, n, notes, name):
    """Latencies (ms) of n key presses and the median cost of one canvas read + hash (ms)."""
    handle = page.locator(slider).first
    handle.scroll_into_view_if_needed()
    handle.focus()
    # JupyterLab binds → in a notebook's command mode (notebook:move-cursor-heading-below-or-expand)
    # and swallows it unless the focused control stops it or is marked data-lm-suppress-shortcuts.
    # If → does not move the slider, mark it so and say so.
    before = handle.evaluate(POSITION)[0]
    handle.press("ArrowRight")
    time.sleep(0.5)
    if handle.evaluate(POSITION)[0] == before:
        handle.evaluate("(el) => el.setAttribute('data-lm-suppress-shortcuts', 'true')")
        notes.append(f"{name}: JupyterLab's → shortcut swallowed the key, so the slider did not move; "
                     "the benchmark marked it data-lm-suppress-shortcuts")
        time.sleep(0.5)
    key, latencies, costs = "ArrowRight", [], []
    for _ in range(WARM_UP + n):
        value, low, high = handle.evaluate(POSITION)
        key = "ArrowLeft" if value >= high else "ArrowRight" if value <= low else key
        page.evaluate("(s) => window.__lat.arm(s)", canvas)
        handle.press(key)
        latency, cost = page.evaluate("() => window.__lat.promise")
        latencies.append(latency)
        costs.append(cost)
        time.sleep(0.15)
    return latencies[WARM_UP:], statistics.median(costs)


def summary(times):
    return statistics.median(times), statistics.quantiles(times, n=10, method="inclusive")[8]


def main():
    import nbformat

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40)
    n = parser.parse_args().steps
    results, notes = {}, []
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        for i, (_, cell, _, _) in enumerate(EXPLORERS):
            nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)])
            nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
            nbformat.write(nb, root / f"explorer{i}.ipynb")
        lab = Lab(root, root / "settings", root / "lab.log")
        try:
            with sync_playwright() as p:
                context = p.chromium.launch_persistent_context(str(root / "profile"), executable_path=CHROMIUM,
                                                               args=FLAGS, viewport={"width": 1400, "height": 1000})
                for i, (name, _, canvas, slider) in enumerate(EXPLORERS):
                    page = context.new_page()
                    show(page, lab, f"explorer{i}.ipynb", canvas, notes, name)
                    results[name] = measure(page, canvas, slider, n, notes, name)
                    page.close()
                context.close()
        finally:
            lab.stop()

    (new_name, (new, new_cost)), (old_name, (old, old_cost)) = results.items()
    (new_med, new_p90), (old_med, old_p90) = summary(new), summary(old)
    print(f"β slider in Chromium: key press → first frame with a changed plot, {n} steps each "
          f"(after {WARM_UP} warm-up steps)")
    width = max(len(new_name), len(old_name)) + 1
    for name, (med, p90) in ((new_name, (new_med, new_p90)), (old_name, (old_med, old_p90))):
        print(f"  {name + ':':{width}} median {med:6.1f} ms   p90 {p90:6.1f} ms")
    print(f"  the new explorer is {old_med / new_med:.1f}× faster at the median, {old_p90 / new_p90:.1f}× faster at p90")
    print(f"  (reading + hashing the plot canvas once per frame costs {new_cost:.1f} ms on the new, "
          f"{old_cost:.1f} ms on the old; included in the frames before the change)")
    for note in notes:
        print(f"  NOTE {note}")
    print("targets:")
    for goal, met in ((f"new median < 30 ms: {new_med:.1f} ms", new_med < 30),
                      (f"new p90 < 50 ms: {new_p90:.1f} ms", new_p90 < 50),
                      (f"≥ 3× faster than the old explorer at the median: {old_med / new_med:.1f}×",
                       old_med / new_med >= 3)):
        print(f"  {goal} — {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
