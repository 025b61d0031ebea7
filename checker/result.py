"""CheckResult: the verdict of one check, shown as rich HTML in Jupyter and as plain text elsewhere."""
from __future__ import annotations

import html
from dataclasses import dataclass, field


@dataclass
class CheckResult:
    exercise: str
    passed: bool
    score: float
    max_score: float
    mistake: str | None
    message: str
    # The parts the message is made of, for rich display:
    headline: str = ""
    explanation: str = ""
    hint: str = ""
    details: str = ""
    notes: list = field(default_factory=list)
    _shown_in: object = field(default=None, repr=False, compare=False)

    def __str__(self) -> str:
        return self.message

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.passed else "#cf222e"
        background = "#f0fff4" if self.passed else "#fff5f5"
        parts = [f'<div style="border-left:4px solid {colour};background:{background};'
                 f'padding:6px 12px;margin:4px 0;font-family:sans-serif" class="checker-result">',
                 f'<b style="color:{colour}">{html.escape(self.headline)}</b>']
        if self.explanation:
            parts.append(f"<div>{html.escape(self.explanation)}</div>")
        if self.hint:
            parts.append(f"<div><i>Hint:</i> {html.escape(self.hint)}</div>")
        if self.details:
            parts.append(f'<pre style="margin:4px 0;font-size:12px;background:transparent">'
                         f"{html.escape(self.details)}</pre>")
        for note in self.notes:
            parts.append(f'<div style="color:#57606a"><i>Note:</i> {html.escape(note)}</div>')
        parts.append("</div>")
        return "\n".join(parts)

    def _ipython_display_(self):
        # check() already displayed this result in the current cell; don't show it twice.
        ip = _ipython()
        if ip is not None and self._shown_in == ip.execution_count:
            self._shown_in = None
            return
        from IPython.display import display
        display({"text/html": self._repr_html_(), "text/plain": self.message}, raw=True)

    def show(self) -> None:
        """Display in Jupyter (rich) or print (plain text)."""
        ip = _ipython()
        if ip is not None and getattr(ip, "kernel", None) is not None:
            from IPython.display import display
            display({"text/html": self._repr_html_(), "text/plain": self.message}, raw=True)
            self._shown_in = ip.execution_count
        else:
            print(self.message)


def _ipython():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()
