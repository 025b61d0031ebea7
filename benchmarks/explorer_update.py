"""Kernel-side cost of one β-slider step in the EMA explorer, against the slow baseline.

Both run in real Jupyter kernels (via nbclient) on the 1,461-day Seattle series:
- explorer: checker.explorer.BetaExplorer with ipympl's widget backend, after the browser's
  "initialized" message (as in JupyterLab: ipympl then stops re-encoding a full PNG for
  nbconvert on every frame). One step is the slider's callback: a new EMA, set_ydata, the lines
  blitted onto the cached background, and the PNG diff that ipympl sends.
- baseline: ipywidgets.interactive with the inline backend, which rebuilds the figure and
  re-renders a whole PNG on every change.
Prints the median milliseconds of each and the ratio. Targets: explorer < 30 ms, ≥ 2× faster.
    python benchmarks/explorer_update.py [--steps 40]
"""
import argparse
import re

import nbformat
from nbclient import NotebookClient

SETUP = """
import time, statistics
import numpy as np
import checker.data
dates, temps = checker.data.load_seattle_temperatures()
"""

EXPLORER = """
%matplotlib widget
from checker.explorer import BetaExplorer
explorer = BetaExplorer(dates, temps)
canvas = explorer.fig.canvas
canvas._handle_message(canvas, {"type": "initialized"}, [])   # what the browser sends first
canvas.draw()                                                  # its first draw request
times = []
for i in range(STEPS):
    started = time.perf_counter()
    explorer.beta_slider.value = 1.0 + (i % 20) * 0.1
    times.append(time.perf_counter() - started)
print("RESULT", 1000 * statistics.median(times))
"""

BASELINE = """
%matplotlib inline
import ipywidgets
import matplotlib.pyplot as plt
from IPython.display import display
from checker.explorer import beta_from_exponent, smoothed

def show(u=1.0):
    fig, ax = plt.subplots(figsize=(8, 3.6), constrained_layout=True)
    ax.plot(dates, temps, ".", ms=2, alpha=0.5, label="θ_t (data)")
    ax.plot(dates, smoothed(temps, beta_from_exponent(u), True), lw=1.8, label="EMA")
    ax.legend()
    plt.show()

panel = ipywidgets.interactive(show, u=ipywidgets.FloatSlider(min=0, max=3, step=0.01, value=1.0))
display(panel)
times = []
for i in range(STEPS):
    started = time.perf_counter()
    panel.children[0].value = 1.0 + (i % 20) * 0.1 + 0.05
    times.append(time.perf_counter() - started)
print("RESULT", 1000 * statistics.median(times))
"""


def median_ms(code: str, steps: int) -> float:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(SETUP), nbformat.v4.new_code_cell(code.replace("STEPS", str(steps)))]
    NotebookClient(nb, timeout=120, kernel_name="python3", shutdown_kernel="immediate").execute()
    text = "".join(o.get("text", "") for o in nb.cells[1].outputs if o.output_type == "stream")
    return float(re.search(r"RESULT ([\d.]+)", text).group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40)
    args = parser.parse_args()
    explorer = median_ms(EXPLORER, args.steps)
    baseline = median_ms(BASELINE, args.steps)
    print(f"one slider step, median of {args.steps}, 1,461 points:")
    print(f"  explorer (ipympl, set_ydata + blit + PNG diff):  {explorer:6.1f} ms  (target < 30 ms)")
    print(f"  baseline (interact + inline PNG re-render):      {baseline:6.1f} ms")
    print(f"  the explorer is {baseline / explorer:.1f}× faster (target ≥ 2×)")


if __name__ == "__main__":
    main()
