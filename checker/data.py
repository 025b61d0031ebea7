"""Loaders for the data sets in the repository's `data/` folder (no network, no scikit-learn)."""
from __future__ import annotations

import csv
import gzip
import os
from pathlib import Path

import numpy as np

DATA_DIR = Path(os.environ.get("COURSE_DATA_DIR", Path(__file__).resolve().parent.parent / "data"))


def load_digits():
    """The 1,797 UCI handwritten digits.

    Returns (X, y): X of shape (1797, 64), float64 pixel values scaled to [0, 1] (the raw
    counts are 0–16), rows are 8×8 images flattened row by row; y of shape (1797,), int labels 0–9.
    """
    with gzip.open(DATA_DIR / "digits.csv.gz", "rt") as f:
        raw = np.loadtxt(f, delimiter=",", dtype=np.int64)
    return raw[:, :64] / 16.0, raw[:, 64]


def load_seattle_temperatures():
    """Seattle's daily maximum temperature, 2012-01-01 to 2015-12-31.

    Returns (dates, temp_max): dates as numpy datetime64[D] of shape (1461,), temp_max in °C
    as float64 of shape (1461,).
    """
    with open(DATA_DIR / "seattle-weather.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    dates = np.array([r["date"].replace("/", "-") for r in rows], dtype="datetime64[D]")
    return dates, np.array([float(r["temp_max"]) for r in rows])


def one_hot(labels, num_classes: int = 10):
    """Targets t of shape (N, num_classes): 1.0 at each label's column, 0.0 elsewhere."""
    labels = np.asarray(labels)
    return (labels[:, None] == np.arange(num_classes)).astype(np.float64)


def train_test_split(X, y, test_fraction: float = 0.25, seed: int = 0):
    """A seeded random split: (X_train, X_test, y_train, y_test)."""
    order = np.random.default_rng(seed).permutation(len(X))
    n_test = int(round(len(X) * test_fraction))
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]
