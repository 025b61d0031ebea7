"""The ipympl β explorer the course used before checker.explorer (an anywidget), kept only as
the baseline of benchmarks/browser_slider.py; nothing in the course imports it.

A β change recomputes the EMA in the kernel, blits the lines onto a cached background with
matplotlib and ipympl sends the changed pixels to the browser. It needs ipympl's widget backend
(``%matplotlib widget``) in the kernel and `checker` importable.
"""
from __future__ import annotations

import io

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np

from checker.language import current_language
from checker.messages import text
from checker.plotting import COLORS
from checker.explorer import beta_from_exponent, describe, exponent_from_beta, live_frontend, smoothed

MAX_EXPONENT = 3.0  # u = 3 is β = 0.999
_latest = None      # the explorer shown last, so that re-running its cell closes the old figure


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return getattr(get_ipython(), "kernel", None) is not None


class BetaExplorer:
    """Sliders for β (and a second β to compare), a bias-correction toggle, a window readout,
    and a plot of the series with its EMA that updates in place.

    dates: shape (T,), thetas: shape (T,). Show it by making it the last expression of a cell.
    """

    def __init__(self, dates, thetas, beta: float = 0.9, compare_beta: float = 0.99,
                 corrected: bool = True, title: str | None = None, lang: str | None = None):
        import ipywidgets as widgets

        self.language = current_language(lang)   # its words: lang, else checker.set_language's
        say = self._text

        self.dates, self.thetas = np.asarray(dates), np.asarray(thetas, dtype=float)
        slider = dict(min=0.0, max=MAX_EXPONENT, step=0.01, readout=False, continuous_update=True,
                      layout=widgets.Layout(width="320px"))
        self.beta_slider = widgets.FloatSlider(value=exponent_from_beta(beta), description=say("beta"), **slider)
        self.compare_slider = widgets.FloatSlider(value=exponent_from_beta(compare_beta),
                                                  description=say("second_beta"), **slider)
        self.corrected = widgets.Checkbox(value=corrected, description=say("correction"), indent=False)
        self.compare = widgets.Checkbox(value=True, description=say("compare"), indent=False)
        self.readout = widgets.HTML()
        self.compare_readout = widgets.HTML()

        global _latest
        if _latest is not None:  # re-running the cell: let the old figure go
            plt.close(_latest.fig)
        _latest = self
        with plt.ioff():
            self.fig, self.ax = plt.subplots(figsize=(8, 3.6))
        # Fixed margins: a layout engine would re-measure every text on every redraw.
        self.fig.subplots_adjust(left=0.07, right=0.98, top=0.91, bottom=0.2)
        self.ax.plot(self.dates, self.thetas, ".", ms=2, color=COLORS["grey"], alpha=0.5, label="θ_t (data)")
        # "animated" artists are left out of full redraws and drawn by _blit on the cached background
        (self.line,) = self.ax.plot(self.dates, self.thetas, color=COLORS["blue"], lw=1.8, animated=True,
                                    label="EMA with β")
        (self.compare_line,) = self.ax.plot(self.dates, self.thetas, color=COLORS["orange"], lw=1.8,
                                            animated=True, label="EMA with the second β")
        self.title = say("title") if title is None else title
        self.ax.set_title(title)
        self.ax.set_ylabel("°C")
        self.ax.xaxis.set_major_locator(mdates.YearLocator())
        self.ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        self.legend = None
        self.background = None

        # With the inline backend the figure is not a widget: redraw it as a picture instead
        # (the slow way ipywidgets.interact works), so the explorer still responds.
        self.live_canvas = isinstance(self.fig.canvas, widgets.DOMWidget)
        self.picture = None if self.live_canvas else widgets.Output()
        if self.live_canvas:
            self.fig.canvas.header_visible = False   # ipympl's "Figure 1" title bar says nothing here
            self.fig.canvas.mpl_connect("draw_event", self._on_full_draw)
        for control in (self.beta_slider, self.compare_slider, self.corrected, self.compare):
            control.observe(self.update, names="value")
        self.update()

    @property
    def beta(self) -> float:
        return beta_from_exponent(self.beta_slider.value)

    @property
    def compare_beta(self) -> float:
        return beta_from_exponent(self.compare_slider.value)

    def update(self, change=None) -> None:
        """Recompute the EMA(s) and swap them into the existing lines."""
        corrected = self.corrected.value
        self.line.set_ydata(smoothed(self.thetas, self.beta, corrected))
        self.readout.value = describe(self.beta, self.language)
        showing = self.compare.value
        self.compare_line.set_visible(showing)
        self.compare_slider.disabled = not showing
        if showing:
            self.compare_line.set_ydata(smoothed(self.thetas, self.compare_beta, corrected))
            self.compare_readout.value = describe(self.compare_beta, self.language)
        else:
            self.compare_readout.value = ""
        legend_changed = self._update_legend()
        if self.live_canvas and legend_changed and self.background is not None:
            self.fig.canvas.draw_idle()  # the cached picture has the old legend: redraw it all
        elif self.live_canvas:
            self._blit()
        elif _in_kernel():
            from IPython.display import Image, clear_output, display
            with self.picture:
                clear_output(wait=True)
                display(Image(self.static_png()))

    def _animated(self):
        return [a for a in (self.line, self.compare_line) if a.get_visible()]

    def _on_full_draw(self, event) -> None:
        """After a full redraw (first display, resize): cache it, then draw the EMA lines on top."""
        self.background = self.fig.canvas.copy_from_bbox(self.fig.bbox)
        for artist in self._animated():
            self.fig.draw_artist(artist)

    def _blit(self) -> None:
        canvas = self.fig.canvas
        if self.background is None:  # not drawn yet: the browser's first draw request will do it
            canvas.draw_idle()
            return
        canvas.restore_region(self.background)
        for artist in self._animated():
            self.fig.draw_artist(artist)
        canvas.blit(self.fig.bbox)

    def _update_legend(self) -> bool:
        """Rebuild the legend when the set of lines changes; True if it did (a full redraw is due)."""
        handles = [h for h in self.ax.get_lines() if h.get_visible()]
        if self.legend is not None and len(self.legend.get_texts()) == len(handles):
            return False
        self.legend = self.ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.08),
                                     ncols=3, fontsize=9)
        return True

    def widget(self):
        """The controls and, with the widget backend, the live figure, as one ipywidgets box."""
        import ipywidgets as widgets

        controls = widgets.VBox([
            widgets.HBox([self.beta_slider, self.readout]),
            widgets.HBox([self.compare_slider, self.compare_readout]),
            widgets.HBox([self.corrected, self.compare]),
        ])
        return widgets.VBox([controls, self.fig.canvas if self.live_canvas else self.picture])

    def state_text(self) -> str:
        """The settings in words, e.g. 'β = 0.900 (blue), 0.990 (orange), bias-corrected'."""
        second = self._text("state_second", beta=self.compare_beta) if self.compare.value else ""
        return self._text("state", beta=self.beta, second=second,
                          correction=self._text("corrected" if self.corrected.value else "not_corrected"))

    def _text(self, key: str, **fields) -> str:
        return text(f"explorer.{key}", self.language, **fields)

    def static_png(self) -> bytes:
        """The current state as a PNG: a full draw with the EMA lines, its settings in the title
        (a picture has no sliders to read them from)."""
        animated = self._animated()
        for artist in animated:
            artist.set_animated(False)
        self.ax.set_title(f"{self.title}\n{self.state_text()}", fontsize=10)
        try:
            buffer = io.BytesIO()
            self.fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
            return buffer.getvalue()
        finally:
            self.ax.set_title(self.title)
            for artist in animated:
                artist.set_animated(True)

    def _ipython_display_(self) -> None:
        from IPython.display import Image, display

        display(self.widget())
        if not live_frontend():
            display(Image(self.static_png()))  # for a notebook run headless and saved
