"""The one place that writes learner-facing words: a Verdict (or a catalogue key and its fields)
rendered as text and HTML from a language's catalogue.

reveal=False (grading) leaves out the failing case's input and expected values, the values'
differences, figures computed from a hidden case (in properties, NaN reports and the exercise's
own explanation: shown as …), constant factors and printed output.
"""
from __future__ import annotations

import html
import unicodedata
from typing import NamedTuple

import numpy as np

from ..result import CheckResult
from ..verdict import NoteKind, ProblemKind, Text, Verdict
from .catalogue import Catalogue, load

MAX_SHOWN_ELEMENTS = 40
_HIDE_FIGURES = (ProblemKind.PROPERTY, ProblemKind.NOT_FINITE)   # their figures come from the case
_MARK = "\x00"


class Mistake(NamedTuple):
    explanation: str
    hint: str


def catalogue(language: str | Catalogue | None = None) -> Catalogue:
    """The catalogue of language; None: the language checker speaks now (checker.language)."""
    if isinstance(language, Catalogue):
        return language
    from ..language import current_language
    return load(current_language(language))


def text(key: str, language: str | Catalogue | None = None, **fields) -> str:
    """One template of the catalogue, filled."""
    return _Writer(catalogue(language), reveal=True).format(key, fields)


def say(phrase: Text, language: str | Catalogue | None = None) -> str:
    """A Text (a catalogue key and its fields) as words."""
    return text(phrase.key, language, **phrase.fields)


def mistakes(language: str | Catalogue | None = None) -> dict[str, Mistake]:
    """Mistake id -> (explanation, hint), the generic wording."""
    cat = catalogue(language)
    return {m: Mistake(text(f"mistake.{m}.explanation", cat), text(f"mistake.{m}.hint", cat))
            for m in cat.entries["mistake"]}


def render(verdict: Verdict, *, reveal: bool = True, language: str | Catalogue | None = None) -> CheckResult:
    """The CheckResult that shows verdict: message (plain text), its parts, and its HTML."""
    w = _Writer(catalogue(language), reveal)
    headline = w.format(f"headline.{verdict.headline.value}", {
        "exercise": verdict.exercise, "score": verdict.score, "points": verdict.max_score})
    explanation, hint = w.explanation(verdict)
    details = w.details(verdict) if verdict.case is not None else \
        w.format("details.explained", {"text": verdict.explained}, hide_figures=not reveal) \
        if verdict.explained is not None and not verdict.passed else ""
    notes = [w.format(f"note.{n.kind.value}", n.data) for n in verdict.notes
             if reveal or n.kind != NoteKind.PRINTED]
    lines = [headline, explanation, w.format("message.hint", {"hint": hint}) if hint else "", details]
    lines += [w.format("message.note", {"note": n}) for n in notes]
    message = "\n".join(p for p in lines if p)
    result = CheckResult(verdict.exercise, verdict.passed, verdict.score, verdict.max_score, verdict.mistake,
                         message, verdict.failed_property, headline=headline, explanation=explanation, hint=hint,
                         details=details, notes=notes)
    result.html = _html(result, w)
    return result


class _Listed:
    """A list field: joined with ', ', or with the format spec ({names:; } joins with '; ')."""

    def __init__(self, items):
        self.items = items

    def __format__(self, spec):
        return (spec or ", ").join(self.items)


class _Hidden:
    """A figure that must not be shown: '…' whatever its format."""

    def __format__(self, spec):
        return "…"


class _Writer:
    def __init__(self, cat: Catalogue, reveal: bool):
        self.cat, self.reveal = cat, reveal

    # ------------------------------------------------------------------ templates
    def format(self, key: str, fields: dict, hide_figures: bool = False) -> str:
        template = self.cat.lookup(key)
        if isinstance(template, dict):
            template = template["one" if fields.get("n") == 1 else "other"]
        return template.format(**{name: self.value(v, hide_figures) for name, v in fields.items()})

    def value(self, v, hide_figures: bool = False):
        if isinstance(v, Text):
            return self.format(v.key, v.fields, hide_figures)
        if isinstance(v, list):
            return _Listed([str(self.value(item, hide_figures)) for item in v])
        if hide_figures and isinstance(v, (float, np.floating)):
            return _Hidden()
        return v

    def aligned(self, key: str, fields: dict, value: str) -> str:
        """The template with its multi-line {value} indented under the value's first line."""
        before, _, after = self.format(key, {**fields, "value": _MARK}).partition(_MARK)
        width = _columns(before.rsplit("\n", 1)[-1])
        return before + value.replace("\n", "\n" + " " * width) + after

    def exercise_key(self, exercise: str, key: str) -> str:
        """The exercise's own wording of key when the catalogue has one."""
        own = f"exercise.{exercise}.{key}"
        return own if self.cat.has(own) else key

    # ------------------------------------------------------------------ the parts
    def explanation(self, v: Verdict) -> tuple[str, str]:
        if v.passed:
            summary = self.format(f"exercise.{v.exercise}.summary", {})
            if v.explained is not None:   # a derivation: what was read, and what it equals
                return self.format("message.passed_answer", {"read": v.explained, "summary": summary}), ""
            return self.format("message.passed", {"cases": v.cases, "summary": summary}), ""
        own = v.explanation
        if own is not None:   # its figures come from the failing case: hidden ones show as …
            hide = not self.reveal and not (v.case and v.case.public)
            hint = f"{own.key}.hint"
            return (self.format(f"{own.key}.text", own.fields, hide_figures=hide),
                    self.format(hint, own.fields, hide_figures=hide) if self.cat.has(hint) else "")
        if v.mistake is not None:
            explanation = self.format(self.exercise_key(v.exercise, f"mistake.{v.mistake}.explanation"), {})
            if v.diagnosis is not None:   # no space after a full-width 。 (Chinese)
                explanation += ("" if _columns(explanation[-1:]) == 2 else " ") + self.value(v.diagnosis)
            return explanation, self.format(self.exercise_key(v.exercise, f"mistake.{v.mistake}.hint"), {})
        return self.format("explanation.unknown.text", {}), self.format("explanation.unknown.hint", {})

    def details(self, v: Verdict) -> str:
        case, problem = v.case, v.problem
        lines = [self.format("details.failing_case", {"label": case.label})]
        show = (self.reveal or case.public) and case.shown   # a probe is the same for everyone
        if show and all(_small(a) for a in case.args.values()):
            for name, value in case.args.items():
                if isinstance(value, (list, tuple)):
                    lines += [self.aligned("details.item", {"name": name, "i": i}, self.value_text(item))
                              for i, item in enumerate(value)]
                else:
                    lines.append(self.aligned("details.argument", {"name": name}, self.value_text(value)))
        if show and problem.want is not None and problem.got is not None:
            item, path = bool(problem.path), {"path": problem.path}
            if _small(problem.want) and _small(problem.got):
                lines.append(self.aligned("details.expected_item" if item else "details.expected", path,
                                          _array_text(problem.want)))
                lines.append(self.aligned("details.yours_item" if item else "details.yours", path,
                                          _array_text(problem.got)))
            elif problem.where is not None:
                lines.append(self.format("details.at_index_item" if item else "details.at_index", {
                    **path, "where": problem.where, "want": float(problem.want[problem.where]),
                    "got": float(problem.got[problem.where])}))
        lines.append(self.format("details.problem", {"problem": self.problem_text(problem, case.public)}))
        if v.traceback:
            lines.append(self.format("details.traceback", {}))
            lines += [self.format("details.traceback_line", {"line": line}) for line in v.traceback.splitlines()]
        if v.explained is not None:  # figures computed from the case, like a property's
            lines.append(self.format("details.explained", {"text": v.explained},
                                     hide_figures=not (self.reveal or case.public)))
        return "\n".join(lines)

    def problem_text(self, problem, public: bool = False) -> str:
        detail, hide = problem.detail, False
        if not (self.reveal or public):
            if problem.kind == ProblemKind.VALUE:
                detail = {"text": "hidden", "at": "hidden_at"}[detail]
            hide = problem.kind in _HIDE_FIGURES
        fields = {"path": problem.path, "where": problem.where, **problem.data}
        words = self.format(f"problem.{problem.kind.value}.{detail}", fields, hide_figures=hide)
        return self.format("details.with_path", {"path": problem.path, "problem": words}) if problem.path else words

    def value_text(self, value) -> str:
        if callable(value):
            return getattr(value, "__doc__", None) or getattr(value, "__name__", None) or \
                self.format("details.function", {})
        if isinstance(value, (list, tuple)):
            return "[" + ", ".join(_array_text(v) for v in value) + "]"
        return _array_text(value)


def _columns(line: str) -> int:
    """How many terminal columns line takes: wide (CJK) and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def _array_text(a) -> str:
    return np.array2string(np.asarray(a, dtype=np.float64), precision=4, suppress_small=False,
                           max_line_width=88, threshold=MAX_SHOWN_ELEMENTS)


def _small(value) -> bool:
    if isinstance(value, (list, tuple)):
        return sum(np.size(v) for v in value) <= MAX_SHOWN_ELEMENTS
    return callable(value) or np.size(value) <= MAX_SHOWN_ELEMENTS


def _html(r: CheckResult, w: _Writer) -> str:
    colour = "#1a7f37" if r.passed else "#cf222e"
    background = "#f0fff4" if r.passed else "#fff5f5"
    parts = [f'<div style="border-left:4px solid {colour};background:{background};'
             f'padding:6px 12px;margin:4px 0;font-family:sans-serif" class="checker-result">',
             f'<b style="color:{colour}">{html.escape(r.headline)}</b>']
    if r.explanation:
        parts.append(f"<div>{html.escape(r.explanation)}</div>")
    if r.hint:
        parts.append(f"<div><i>{html.escape(w.format('message.html_hint', {}))}</i> {html.escape(r.hint)}</div>")
    if r.details:
        parts.append(f'<pre style="margin:4px 0;font-size:12px;background:transparent;'
                     f'font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,\'DejaVu Sans Mono\',monospace">'
                     f"{html.escape(r.details)}</pre>")
    for note in r.notes:
        parts.append(f'<div style="color:#57606a"><i>{html.escape(w.format("message.html_note", {}))}</i> '
                     f"{html.escape(note)}</div>")
    parts.append("</div>")
    return "\n".join(parts)
