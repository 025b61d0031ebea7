"""How long each source notebook takes to run top to bottom (kernel start-up included).

Baseline, measured in the same run: an empty notebook (just the kernel's start and stop).
Targets: each backprop notebook under 30 s (the training notebook under 60 s), each EMA
notebook under 60 s.
    python benchmarks/notebook_times.py [notebooks/backprop/01_sigmoid_and_mse.ipynb ...]
"""
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
LIMITS = {"05_training_digits": 60, "ema": 60}


def run(nb, folder: Path) -> float:
    started = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    return time.perf_counter() - started


def limit(path: Path) -> int:
    return LIMITS.get(path.stem, LIMITS.get(path.parent.name, 30))


def main():
    paths = [Path(p) for p in sys.argv[1:]] or sorted((ROOT / "notebooks").glob("*/*.ipynb"))
    empty = run(nbformat.v4.new_notebook(), ROOT)
    print(f"baseline, an empty notebook: {empty:.1f} s")
    for path in paths:
        seconds = run(nbformat.read(path, as_version=4), path.parent)
        print(f"  {path.parent.name}/{path.name:32s} {seconds:6.1f} s "
              f"({seconds - empty:5.1f} s beyond the baseline; limit {limit(path)} s)")


if __name__ == "__main__":
    main()
