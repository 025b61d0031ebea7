"""The β explorer: an EMA of a series that follows the learner's β slider at frame rate.

The computation and the drawing live in the browser (explorer.js, an anywidget): the widget
receives the series once, and every input event recomputes v_t and v̂_t in JavaScript and redraws
a canvas. The kernel is told the settings afterwards (explorer.beta, explorer.spike_day, …) but is
never on the path of a redraw.

The slider moves u = log10(1/(1 − β)) from 0 to 3, so β runs from 0 to 0.999 and the range
0.9–0.999 takes two thirds of the slider.

Where no live JupyterLab is attached (nbclient, nbconvert, nbgrader) the cell's output is a
picture of the starting state plus the same explorer as a self-contained page fragment, so an
exported HTML page still responds with no kernel; nothing is shown twice.
"""
from __future__ import annotations

import base64
import html
import io
import json
import math
import os
import uuid
from pathlib import Path

import anywidget
import matplotlib
import numpy as np
import traitlets

from .language import current_language
from .messages import text
from .messages.render import catalogue
from .plotting import COLORS, font_settings
from .reference import ema, ema_bias_corrected

MAX_EXPONENT = 3.0   # u = 3 is β = 0.999
SPIKE_LIMIT = 30.0   # the spike slider runs from −30 to +30 (in the series' unit)
INSET_DAYS = 56      # the second panel: the first 8 weeks (explorer.js draws the same)
HERE = Path(__file__).parent
ESM, CSS = HERE / "explorer.js", HERE / "explorer.css"
# The catalogue's [explorer] templates the browser fills in (explorer.js has the same formatter).
BROWSER_WORDS = ("title", "beta", "second_beta", "compare", "correction", "both", "spike", "spike_size",
                 "spike_day", "readout", "legend_data", "legend_corrected", "legend_plain", "legend_spike",
                 "inset_title", "spike_title", "pointer", "pointer_factor", "pointer_values", "pointer_hint", "spike_readout",
                 "spike_readout_zero")


def beta_from_exponent(u: float) -> float:
    """β = 1 − 10^(−u): u = 0 → 0, u = 1 → 0.9, u = 2 → 0.99, u = 3 → 0.999."""
    return 1.0 - 10.0 ** (-u)


def exponent_from_beta(beta: float) -> float:
    return -math.log10(1.0 - beta)


def smoothed(thetas, beta: float, corrected: bool) -> np.ndarray:
    """The EMA the explorer draws: v̂_t when corrected, else v_t."""
    return ema_bias_corrected(thetas, beta) if corrected else ema(thetas, beta)


def describe(beta: float, language: str | None = None) -> str:
    """The readout of one β: how many days it roughly averages, 1/(1 − β)."""
    return text("explorer.readout", language, beta=beta, n=round(1.0 / (1.0 - beta)))


def live_frontend() -> bool:
    """True inside a kernel that JupyterLab (jupyter_server) started for an open notebook."""
    return bool(os.environ.get("JPY_SESSION_NAME"))


def browser_words(language: str | None = None) -> dict:
    """The [explorer] templates explorer.js needs, raw (it fills the {fields} itself)."""
    cat = catalogue(language)
    return {key: cat.lookup(f"explorer.{key}") for key in BROWSER_WORDS}


# The browser shows symbols as text; a picture sets them as math (some fonts lack the v with a hat).
_MATH = (("v̂_t", r"$\hat{v}_t$"), ("v_t", "$v_t$"), ("θ_t", r"$\theta_t$"))


def _as_math(words: str) -> str:
    for plain, math_text in _MATH:
        words = words.replace(plain, math_text)
    return words


def _clip(low, high):
    def validate(self, proposal):
        value = proposal["value"]
        return min(high(self) if callable(high) else high, max(low, value))
    return validate


class BetaExplorer(anywidget.AnyWidget):
    """A β slider (and a second β to compare), a bias-correction toggle, v_t and v̂_t together,
    a spike of a chosen size on a chosen day, a plot of the whole series with a second panel on
    its first weeks, and a readout of 1 − β^t at the day under the pointer.

    dates: shape (T,), datetime64 or ISO strings, one per day; thetas: shape (T,). Show it by
    making it the last expression of a cell. The settings are traits (exponent, compare_exponent,
    compare, corrected, both, spike, spike_size, spike_day); beta and compare_beta read them as β.
    """

    _esm = ESM
    _css = CSS
    thetas = traitlets.List(traitlets.Float()).tag(sync=True)
    days = traitlets.List(traitlets.Int()).tag(sync=True)        # days since 1970-01-01
    unit = traitlets.Unicode("°C").tag(sync=True)
    labels = traitlets.Dict().tag(sync=True)
    exponent = traitlets.Float(1.0).tag(sync=True)
    compare_exponent = traitlets.Float(2.0).tag(sync=True)
    compare = traitlets.Bool(True).tag(sync=True)
    corrected = traitlets.Bool(True).tag(sync=True)
    both = traitlets.Bool(False).tag(sync=True)
    spike = traitlets.Bool(False).tag(sync=True)
    spike_size = traitlets.Float(20.0).tag(sync=True)
    spike_day = traitlets.Int(1).tag(sync=True)                 # t, from 1 to T

    _valid_exponent = traitlets.validate("exponent")(_clip(0.0, MAX_EXPONENT))
    _valid_compare_exponent = traitlets.validate("compare_exponent")(_clip(0.0, MAX_EXPONENT))
    _valid_spike_size = traitlets.validate("spike_size")(_clip(-SPIKE_LIMIT, SPIKE_LIMIT))
    _valid_spike_day = traitlets.validate("spike_day")(_clip(1, lambda self: max(1, len(self.thetas))))

    def __init__(self, dates, thetas, beta: float = 0.9, compare_beta: float = 0.99, corrected: bool = True,
                 title: str | None = None, lang: str | None = None, unit: str = "°C", spike_day: int = 400):
        values = np.asarray(thetas, dtype=float)
        days = np.asarray(dates).astype("datetime64[D]").astype(np.int64)
        if values.ndim != 1 or days.shape != values.shape or values.size == 0:
            raise ValueError(f"BetaExplorer needs dates and thetas as 1-D arrays of the same length, "
                             f"not of shapes {days.shape} and {values.shape}")
        self.language = current_language(lang)   # its words: lang, else checker.set_language's
        words = browser_words(self.language)
        if title is not None:
            words["title"] = title
        super().__init__(thetas=values.tolist(), days=days.tolist(), unit=unit, labels=words,
                         exponent=exponent_from_beta(beta), compare_exponent=exponent_from_beta(compare_beta),
                         corrected=corrected)
        self.spike_day = spike_day

    @property
    def beta(self) -> float:
        return beta_from_exponent(self.exponent)

    @property
    def compare_beta(self) -> float:
        return beta_from_exponent(self.compare_exponent)

    @property
    def title(self) -> str:
        return self.labels["title"]

    def series(self) -> np.ndarray:
        """θ_t as drawn: the data, plus the spike on day spike_day when it is on."""
        data = np.array(self.thetas)
        if self.spike:
            data[self.spike_day - 1] += self.spike_size
        return data

    def lines(self) -> list[tuple[float, bool, np.ndarray]]:
        """(β, corrected, values) of every EMA line drawn, first β first."""
        betas = [self.beta, self.compare_beta] if self.compare else [self.beta]
        kinds = [True, False] if self.both else [self.corrected]
        data = self.series()
        return [(beta, kind, smoothed(data, beta, kind)) for beta in betas for kind in kinds]

    def state_text(self) -> str:
        """The settings in words, e.g. 'β = 0.900 (blue), 0.990 (orange), bias-corrected'."""
        second = self._text("state_second", beta=self.compare_beta) if self.compare else ""
        correction = "both_shown" if self.both else "corrected" if self.corrected else "not_corrected"
        state = self._text("state", beta=self.beta, second=second, correction=self._text(correction))
        if self.spike:
            state += self._text("state_spike", size=self.spike_size, unit=self.unit, t=self.spike_day)
        return state

    def _text(self, key: str, **fields) -> str:
        return text(f"explorer.{key}", self.language, **fields)

    def static_png(self, dpi: int = 90) -> bytes:
        """The current state as a PNG: the whole series and its first weeks, the settings in the
        title (a picture has no sliders to read them from)."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        import matplotlib.dates as mdates

        dates = np.array(self.days, dtype="datetime64[D]")
        data, lines = self.series(), self.lines()
        colors = [COLORS["blue"], COLORS["orange"]]
        fig = Figure(figsize=(8.4, 6.0))
        FigureCanvasAgg(fig)
        main, inset = fig.subplots(2, 1, gridspec_kw={"height_ratios": [3, 2], "hspace": 0.75})
        days = min(len(data), INSET_DAYS)
        for ax, span in ((main, slice(None)), (inset, slice(0, days))):
            x = dates[span] if ax is main else np.arange(1, days + 1)
            ax.plot(x, data[span], ".", ms=2 if ax is main else 4, color=COLORS["grey"], alpha=0.55,
                    label=_as_math(self._text("legend_data")))
            for beta, kind, values in lines:
                color = colors[0] if beta == self.beta else colors[1]
                dashed = self.both and kind != self.corrected
                label = _as_math(self._text("legend_corrected" if kind else "legend_plain", beta=beta))
                ax.plot(x, values[span], color=color, lw=1.4 if dashed else 1.8, ls="--" if dashed else "-",
                        label=label)
            if self.spike and (ax is main or self.spike_day <= days):
                at = self.spike_day - 1
                ax.plot(x[at], data[at], "o", color=COLORS["red"], ms=5, label=self._text("legend_spike"))
            ax.set_ylabel(self.unit)
            ax.grid(alpha=0.3)
        main.xaxis.set_major_locator(mdates.YearLocator())
        main.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        main.set_title(f"{self.title}\n{_as_math(self.state_text())}", fontsize=10)
        inset.set_title(text("explorer.inset_title", self.language, n=days), fontsize=10)
        inset.set_xticks([1, *range(7, days + 1, 7)])
        inset.set_xlabel("t")
        main.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=3, fontsize=8, frameon=False)
        buffer = io.BytesIO()
        with matplotlib.rc_context(font_settings(self.language)):   # Chinese labels need its glyphs
            fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
        return buffer.getvalue()

    def page_fragment(self, picture: bytes | None = None) -> str:
        """The explorer as HTML that needs no kernel: explorer.js and the settings inlined, run by
        a plain script on a local model. picture (PNG) shows until, or unless, the script runs."""
        source = ESM.read_text(encoding="utf-8")
        marker = "export default {"
        if source.count(marker) != 1:
            raise RuntimeError("explorer.js must end with one 'export default {…}'")
        module = source.replace(marker, "const explorer = {")
        state = {name: getattr(self, name) for name in
                 ("thetas", "days", "unit", "labels", "exponent", "compare_exponent", "compare", "corrected",
                  "both", "spike", "spike_size", "spike_day")}
        ident = f"beta-explorer-{uuid.uuid4().hex}"
        # JSON and the script may not contain "</" inside a <script> element
        payload = json.dumps(state, ensure_ascii=False).replace("</", "<\\/")
        img = "" if picture is None else \
            f'<img alt="{html.escape(self.title)}" src="data:image/png;base64,{base64.b64encode(picture).decode()}">'
        script = (f"(function () {{\n{module}\nconst el = document.getElementById({json.dumps(ident)});\n"
                  f"const state = JSON.parse(document.getElementById({json.dumps(ident + '-state')}).textContent);\n"
                  "explorer.render({ model: explorer.localModel(state), el });\n})();")
        if "</script" in script.lower():
            raise RuntimeError("explorer.js may not contain '</script'")
        return (f"<style>{CSS.read_text(encoding='utf-8')}</style>\n<div id=\"{ident}\" class=\"beta-explorer-host\">"
                f"{img}</div>\n<script type=\"application/json\" id=\"{ident}-state\">{payload}</script>\n"
                f"<script>\n{script}\n</script>")

    def _repr_mimebundle_(self, **kwargs):
        """In JupyterLab: the live widget, with the kernel-free page as its fallback (what an HTML
        export without widget state shows). Headless: a picture and the kernel-free page."""
        if live_frontend():
            data, metadata = super()._repr_mimebundle_(**kwargs)
            data["text/html"] = self.page_fragment()
            return data, metadata
        picture = self.static_png()
        return {"text/plain": self.state_text(), "image/png": base64.b64encode(picture).decode(),
                "text/html": self.page_fragment(picture)}, {}
