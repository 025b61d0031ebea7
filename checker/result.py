"""CheckResult: the rendered verdict of one check, shown as rich HTML in Jupyter and as plain text elsewhere.

Its words are written by ``checker.messages.render``."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CheckResult:
    exercise: str
    passed: bool
    score: float
    max_score: float
    mistake: str | None
    message: str
    property: str | None = None   # when no known mistake matched: the property of a right answer that fails
    # The parts the message is made of, for rich display:
    headline: str = ""
    explanation: str = ""
    hint: str = ""
    details: str = ""
    notes: list = field(default_factory=list)
    html: str = field(default="", repr=False)   # the rich view, written by checker.messages
    _shown_in: object = field(default=None, repr=False, compare=False)

    def __str__(self) -> str:
        return self.message

    def _repr_html_(self) -> str:
        return self.html

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
