"""The report's pictures, as PNG bytes: one chart per exercise and one overview chart.

    outcomes(item)                      the class's shares: passed, mistake, property, unknown, not attempted
    exercise_chart(item, say, language) bars of every outcome (each mistake apart) and a histogram of scores
    overview_chart(items, say, language) one stacked bar per exercise, hardest first, its commonest mistake named

say(key, **fields) gives the words (report.<key> of the catalogue); language picks the font
(checker.plotting.font_settings: Chinese labels need one with their glyphs).
"""
from __future__ import annotations

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..plotting import COLORS, font_settings
from .stats import MISTAKE, PROPERTY, UNKNOWN, Item

OUTCOMES = ("passed", MISTAKE, PROPERTY, UNKNOWN, "not_attempted")
OUTCOME_COLORS = {"passed": COLORS["green"], MISTAKE: COLORS["red"], PROPERTY: COLORS["orange"],
                  UNKNOWN: COLORS["purple"], "not_attempted": "#c7c7c7"}
OUTCOME_WORDS = {"passed": "chart_passed", MISTAKE: "chart_mistake", PROPERTY: "chart_property",
                 UNKNOWN: "chart_unknown", "not_attempted": "chart_not_attempted"}
MAX_BARS = 8


def outcomes(item: Item) -> dict[str, float]:
    """outcome -> share of the class (they sum to 1 when anyone was graded). A student who
    attempted and neither passed nor failed with a cause cannot occur; one who scored without
    a recorded answer counts as passed."""
    n = item.graded or 1
    kinds = [cause.kind for cause in item.causes.values()]
    counts = {"passed": len(item.passed), MISTAKE: kinds.count(MISTAKE), PROPERTY: kinds.count(PROPERTY),
              UNKNOWN: kinds.count(UNKNOWN)}
    counts["not_attempted"] = item.graded - sum(counts.values())
    return {k: counts[k] / n for k in OUTCOMES}


def _style(language: str):
    """The charts' look, and their language's font, for building and saving them."""
    import matplotlib

    return matplotlib.rc_context({**font_settings(language), "font.size": 9, "axes.spines.top": False,
                                  "axes.spines.right": False})


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(fig)
    fig.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def exercise_chart(item: Item, say, language: str = "en") -> bytes:
    """Left: every outcome as a share of the class, each mistake its own bar (the commonest
    MAX_BARS causes). Right: how many students had each score."""
    with _style(language):
        return _exercise_chart(item, say)


def _exercise_chart(item: Item, say) -> bytes:
    n = item.graded or 1
    bars = [(say("chart_passed"), len(item.passed) / n, OUTCOME_COLORS["passed"])]
    causes = item.cause_counts()
    for cause, count in causes[:MAX_BARS]:
        label = say("cause_unknown") if cause.kind == UNKNOWN else cause.name
        bars.append((label, count / n, OUTCOME_COLORS[cause.kind]))
    share = outcomes(item)
    bars.append((say("chart_not_attempted"), share["not_attempted"], OUTCOME_COLORS["not_attempted"]))
    fig = Figure(figsize=(8.0, 0.9 + 0.28 * len(bars)), layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=[2.2, 1])
    labels, values, colors = zip(*bars)
    y = np.arange(len(bars))
    left.barh(y, values, color=colors)
    left.set_yticks(y, labels)
    left.invert_yaxis()
    left.set_xlim(0, 1.12)
    left.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    for yi, v in zip(y, values):
        left.text(v + 0.01, yi, f"{v:.0%}", va="center", fontsize=8)
    left.set_xlabel(say("chart_share"))
    left.set_title(say("chart_outcomes", exercise=item.exercise), loc="left", fontsize=10)
    scores = np.array(list(item.shares.values())) * item.max_score
    edges = np.linspace(0, item.max_score, min(11, max(2, int(item.max_score * 2) + 1)) + 1) \
        if item.max_score else np.array([0, 1])
    right.hist(scores, bins=edges, color=COLORS["blue"], edgecolor="white")
    right.set_xlabel(say("chart_points", points=item.max_score))
    right.set_ylabel(say("chart_students"))
    right.set_title(say("chart_scores"), loc="left", fontsize=10)
    return _png(fig)


def overview_chart(all_items: list[Item], say, language: str = "en") -> bytes:
    """One stacked bar per exercise (its outcomes as shares of the class), the lowest pass
    rate on top, each labelled with its commonest cause of failure."""
    with _style(language):
        return _overview_chart(all_items, say)


def _overview_chart(all_items: list[Item], say) -> bytes:
    ordered = sorted(all_items, key=lambda it: (outcomes(it)["passed"], it.assignment, it.exercise))
    fig = Figure(figsize=(9.0, 1.2 + 0.34 * max(1, len(ordered))), layout="constrained")
    ax = fig.subplots()
    y = np.arange(len(ordered))
    start = np.zeros(len(ordered))
    for outcome in OUTCOMES:
        widths = np.array([outcomes(it)[outcome] for it in ordered])
        ax.barh(y, widths, left=start, color=OUTCOME_COLORS[outcome], label=say(OUTCOME_WORDS[outcome]))
        start += widths
    names = [it.exercise if len({i.exercise for i in all_items}) == len(all_items)
             else f"{it.assignment}/{it.exercise}" for it in ordered]
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.45)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    for yi, it in zip(y, ordered):
        top = next(((c, k) for c, k in it.cause_counts() if c.kind != UNKNOWN), None)
        if top is not None:
            ax.text(1.02, yi, f"{top[0].name} {top[1] / (it.graded or 1):.0%}", va="center", fontsize=8)
    ax.set_xlabel(say("chart_share"))
    students = len({s for it in all_items for s in it.shares})
    ax.set_title(say("chart_overview", students=students, exercises=len(all_items)), loc="left", fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.35, -0.14), ncols=5, fontsize=8, frameon=False)
    return _png(fig)
