"""One look for every figure in the course (the d2l habit): sizes, colours, grid, labels."""
from __future__ import annotations

import matplotlib.pyplot as plt

COLORS = {"blue": "#1f77b4", "orange": "#ff7f0e", "green": "#2ca02c", "red": "#d62728",
          "purple": "#9467bd", "grey": "#7f7f7f"}
CYCLE = list(COLORS.values())


def use_course_style() -> None:
    """Apply the course's matplotlib defaults (call once at the top of a notebook)."""
    plt.rcParams.update({
        "figure.figsize": (6.4, 3.6), "figure.dpi": 100, "axes.grid": True, "grid.alpha": 0.3,
        "axes.spines.top": False, "axes.spines.right": False, "axes.prop_cycle": plt.cycler(color=CYCLE),
        "legend.frameon": False, "font.size": 10,
    })


def figure(ncols: int = 1, nrows: int = 1, width: float | None = None, height: float | None = None, **kwargs):
    """(fig, axes) with the course's default size scaled to the grid of panels."""
    width = width or 4.2 * ncols + 0.6
    height = height or 3.2 * nrows
    return plt.subplots(nrows, ncols, figsize=(width, height), constrained_layout=True, **kwargs)


def label(ax, title: str = "", xlabel: str = "", ylabel: str = "", legend: bool = False) -> None:
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if legend:
        ax.legend()
