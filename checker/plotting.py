"""One look for every figure in the course (the d2l habit): sizes, colours, grid, labels, and a
font with Chinese glyphs for the Chinese edition's labels."""
from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib import font_manager

from .language import current_language

COLORS = {"blue": "#1f77b4", "orange": "#ff7f0e", "green": "#2ca02c", "red": "#d62728",
          "purple": "#9467bd", "grey": "#7f7f7f"}
CYCLE = list(COLORS.values())


# Fonts with the Chinese glyphs, best first: the pinned pip package mplfonts ships the first one.
CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei",
                "Microsoft YaHei", "PingFang SC", "SimHei")
PACKAGED_CJK_FONT = ("mplfonts", "fonts/NotoSansCJKsc-Regular.otf")


@functools.lru_cache(maxsize=None)
def cjk_family() -> str | None:
    """The name of a font family with Chinese glyphs that matplotlib can use, or None: the one
    the mplfonts package ships (registered with matplotlib's font manager, mplfonts itself is not
    imported), else the first of CJK_FAMILIES the system has."""
    package, relative = PACKAGED_CJK_FONT
    spec = importlib.util.find_spec(package)
    if spec is not None and spec.origin:
        path = Path(spec.origin).parent / relative
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
            return font_manager.FontProperties(fname=str(path)).get_name()
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in installed), None)


def font_settings(language: str) -> dict:
    """matplotlib rc settings that draw a picture's Chinese labels with cjk_family() ({} in other
    languages, or when no such font is found): for rc_context around building and saving it."""
    family = cjk_family() if language == "zh" else None
    return {"font.family": "sans-serif", "font.sans-serif": [family, "DejaVu Sans"]} if family else {}


def use_course_style() -> None:
    """Apply the course's matplotlib defaults (call once at the top of a notebook, after
    checker.set_language). In Chinese, text is set in cjk_family() (its Latin letters too: a label
    that mixes words and $math$ is drawn with one font, so that font needs the Chinese glyphs);
    otherwise in matplotlib's DejaVu Sans, with cjk_family() as the fallback for a Chinese character."""
    plt.rcParams.update({
        "figure.figsize": (6.4, 3.6), "figure.dpi": 100, "axes.grid": True, "grid.alpha": 0.3,
        "axes.spines.top": False, "axes.spines.right": False, "axes.prop_cycle": plt.cycler(color=CYCLE),
        "legend.frameon": False, "font.size": 10,
    })
    family = cjk_family()
    if family is not None:
        first = [family, "DejaVu Sans"] if current_language() == "zh" else ["DejaVu Sans", family]
        plt.rcParams["font.family"] = "sans-serif"
        plt.rcParams["font.sans-serif"] = first + [f for f in plt.rcParams["font.sans-serif"] if f not in first]


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
