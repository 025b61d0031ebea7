"""report/index.html: one self-contained page (inline style, charts as data: URIs, no script,
nothing fetched), every word from the catalogue's [report] section, every value escaped (student
ids, answers and messages come from submissions).

    page(report, language)   the HTML of a ClassReport (checker.report.build)
"""
from __future__ import annotations

import base64
import html
import math
from urllib.parse import quote

from ..messages import text
from ..messages.catalogue import load
from .stats import MISTAKE, PROPERTY, Cause, discrimination

STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","Noto Sans SC",sans-serif;
 margin:0 auto;max-width:1100px;padding:1rem 1.5rem;color:#222}
h1{font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd}h3{margin-bottom:.2rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}td,th{border:1px solid #ddd;padding:.2rem .45rem;
 text-align:left;vertical-align:top}th{background:#f4f4f4}td.n{text-align:right}
.wide{overflow-x:auto;max-height:36rem}.wide th{position:sticky;top:0}
img{max-width:100%;height:auto}.caption{color:#555;font-size:.9rem}
.alert{border:2px solid #d62728;background:#fdecec;padding:.5rem 1rem}
.pass{color:#1a7f37}.fail{color:#b3261e}.skip{color:#888}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:.5rem;margin-bottom:.6rem}
.pair pre{background:#f6f8fa;border:1px solid #ddd;padding:.4rem;margin:0;overflow-x:auto;font-size:.8rem}
nav a{margin-right:1rem}
"""


class _Page:
    def __init__(self, language: str):
        self.language, self.graded_href = language, ".."
        self.cat = load(language)

    def say(self, key: str, **fields) -> str:
        return text(f"report.{key}", self.language, **fields)

    def share(self, x: float) -> str:
        return self.say("no_share") if math.isnan(x) else self.say("percent", share=x)

    def cause(self, cause: Cause) -> str:
        if cause.kind == MISTAKE:
            return self.say("cause_mistake", id=cause.name)
        if cause.kind == PROPERTY:
            return self.say("cause_property", name=cause.name)
        return self.say("cause_unknown")

    def meaning(self, exercise: str, cause: Cause) -> str:
        """The catalogue's explanation of a cause ('' for an id the catalogue does not know)."""
        if cause.kind == MISTAKE:
            for key in (f"exercise.{exercise}.mistake.{cause.name}.explanation", f"mistake.{cause.name}.explanation"):
                if self.cat.has(key):
                    return text(key, self.language)
            return ""
        if cause.kind == PROPERTY:
            key = f"property.{exercise}.{cause.name}.hint"
            return self.say("meaning_property", hint=text(key, self.language) if self.cat.has(key) else "")
        return self.say("meaning_unknown")


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _img(png: bytes, alt: str) -> str:
    return f'<img src="data:image/png;base64,{base64.b64encode(png).decode()}" alt="{_e(alt)}">'


def _table(head: list[str], rows: list[list[str]], numeric: set = frozenset(), wide: bool = False) -> str:
    """head and cells are HTML already."""
    out = ["<div class=wide>" if wide else "", "<table><thead><tr>", *(f"<th>{h}</th>" for h in head),
           "</tr></thead><tbody>"]
    for row in rows:
        out.append("<tr>" + "".join(f"<td class=n>{c}</td>" if i in numeric else f"<td>{c}</td>"
                                    for i, c in enumerate(row)) + "</tr>")
    out.append("</tbody></table>" + ("</div>" if wide else ""))
    return "".join(out)


def page(report, language: str = "en") -> str:
    p = _Page(language)
    p.graded_href = quote(report.graded_href)
    say = p.say
    title = say("title", assignments=", ".join(report.assignments) or "–")
    parts = [f"<!DOCTYPE html><html lang={_e(language)}><head><meta charset=utf-8>",
             "<meta name=viewport content='width=device-width,initial-scale=1'>",
             f"<title>{_e(title)}</title><style>{STYLE}</style></head><body>", f"<h1>{_e(title)}</h1>",
             f"<p class=caption>{_e(say('made', results=len(report.results), folder=report.graded))}</p>"]
    if report.unreadable:
        parts.append(f"<div class=alert role=alert><p>{_e(say('unreadable', n=len(report.unreadable)))}</p><ul>"
                     + "".join(f"<li><code>{_e(path)}</code>: {_e(why)}</li>" for path, why in report.unreadable)
                     + "</ul></div>")
    for warning in report.warnings:
        parts.append(f"<div class=alert role=alert><p>{_e(warning)}</p></div>")
    parts.append(f"<p><strong>{_e(say('summary', **report.counts()))}</strong></p>")
    sections = [("overview", "overview"), ("items", "items"), ("together", "together"), ("students", "roster"),
                ("views", "views"), ("similarity", "similarity"), ("files", "files")]
    parts.append("<nav>" + "".join(f"<a href='#{anchor}'>{_e(say(key))}</a>" for anchor, key in sections) + "</nav>")
    parts += _overview(p, report) + _items(p, report) + _together(p, report) + _students(p, report)
    parts += _views(p, report) + _similarity(p, report) + _files(p, report)
    parts.append("</body></html>")
    return "\n".join(parts)


def _overview(p: _Page, report) -> list[str]:
    out = [f"<h2 id=overview>{_e(p.say('overview'))}</h2>"]
    if report.overview_png:
        out.append(_img(report.overview_png, p.say("overview")))
    out.append(f"<p class=caption>{_e(p.say('overview_caption'))}</p>")
    return out


def _d_words(p: _Page, d: float) -> str:
    if math.isnan(d):
        return p.say("d_none")
    words = "d_good" if d >= 0.3 else "d_fair" if d >= 0.2 else "d_poor" if d > -0.2 else "d_negative"
    return f"{d:+.2f} ({p.say(words)})"


def _items(p: _Page, report) -> list[str]:
    out = [f"<h2 id=items>{_e(p.say('items'))}</h2>", f"<p class=caption>{_e(p.say('items_caption'))}</p>"]
    for item in report.items:
        d = discrimination(item, report.items)
        anchor = f"ex-{quote(item.assignment)}-{quote(item.exercise)}"
        out.append(f"<section class=exercise id='{_e(anchor)}'><h3>{_e(p.say('exercise_title', exercise=item.exercise, assignment=item.assignment, notebook=item.notebook, n=item.max_score))}</h3>")
        out.append("<p>" + _e(p.say("exercise_stats", graded=item.graded, attempted=len(item.attempted),
                                    attempt_rate=p.share(item.attempt_rate), passed=len(item.passed),
                                    pass_rate=p.share(item.pass_rate), mean=item.mean_score,
                                    points=item.max_score, discrimination=_d_words(p, d))) + "</p>")
        png = report.exercise_pngs.get(item.key)
        if png:
            out.append(_img(png, p.say("chart_outcomes", exercise=item.exercise)))
        out.append(f"<h4>{_e(p.say('mistakes'))}</h4>")
        counts = item.cause_counts()
        if not counts:
            out.append(f"<p>{_e(p.say('mistakes_none'))}</p>")
        else:
            rows = [[f"<code>{_e(p.cause(c))}</code>", str(n), _e(p.share(item.share_of_attempts(n))),
                     _e(p.meaning(item.exercise, c))] for c, n in counts]
            out.append(_table([_e(p.say(k)) for k in ("cause", "students", "share_of_attempts", "meaning")],
                              rows, numeric={1, 2}))
        out.append("</section>")
    return out


def _together(p: _Page, report) -> list[str]:
    out = [f"<h2 id=together>{_e(p.say('together'))}</h2>", f"<p class=caption>{_e(p.say('together_caption'))}</p>"]
    if not report.together:
        return out + [f"<p>{_e(p.say('together_none', n=report.min_together))}</p>"]
    out.append("<ul>")
    for t in report.together:
        out.append("<li>" + _e(p.say("together_row", n=t.n, cause=p.cause(t.cause), first=t.first[1],
                                     second=t.second[1], failed=t.failed, share=p.share(t.share),
                                     baseline=p.share(t.baseline),
                                     commonest=p.cause(t.commonest) if t.commonest else "–")) + "</li>")
    return out + ["</ul>"]


def _feedback_link(p: _Page, student: str, assignment: str) -> str:
    href = f"{p.graded_href}/feedback/{quote(student)}/{quote(assignment)}.txt"
    return f"<a href='{_e(href)}'>{_e(p.say('feedback'))}</a>"


def _students(p: _Page, report) -> list[str]:
    out = [f"<h2 id=students>{_e(p.say('roster'))}</h2>", f"<p class=caption>{_e(p.say('roster_caption'))}</p>"]
    columns = [(a, [it for it in report.items if it.assignment == a]) for a in report.assignments]
    head = [_e(p.say("student"))]
    for assignment, its in columns:
        head += [_e(p.say("assignment_total", assignment=assignment))] + [_e(it.exercise) for it in its]
    by = {(r.student, r.assignment): r for r in report.results}
    rows = []
    for student in report.students:
        row = [_e(student)]
        for assignment, its in columns:
            result = by.get((student, assignment))
            if result is None:
                row += [""] * (1 + len(its))
                continue
            cells = {r.exercise: r for r in result.exercises}
            score = "" if result.not_graded else f"{result.score:g} / {result.max_score:g}"
            row.append(f"{_e(score)} {_feedback_link(p, student, assignment)}")
            for it in its:
                row.append(_mark(p, result, cells.get(it.exercise), it))
        rows.append(row)
    out.append(_table(head, rows, wide=True))
    return out


def _mark(p: _Page, result, row, item) -> str:
    if row is None:
        return p.say("missing_mark")
    if result.not_graded or row.status != "graded":
        return f"<span class=skip>{_e(p.say('not_graded_mark'))}</span>"
    if result.student in item.passed:
        return f"<span class=pass>{_e(p.say('passed_mark'))}</span>"
    cause = item.causes.get(result.student)
    if cause is None:
        return f"<span class=skip>{_e(p.say('not_attempted_mark'))}</span>"
    return f"<span class=fail>{_e(p.say('failed_mark', cause=p.cause(cause)))}</span>"


def _views(p: _Page, report) -> list[str]:
    say = p.say
    out = [f"<h2 id=views>{_e(say('views'))}</h2>", f"<h3>{_e(say('not_graded'))}</h3>"]
    missing = [r for r in report.results if r.not_graded]
    out.append(_table([_e(say(k)) for k in ("student", "assignment", "why")],
                      [[_e(r.student), _e(r.assignment), _e(r.not_graded)] for r in missing])
               if missing else f"<p>{_e(say('not_graded_none'))}</p>")
    out.append(f"<h3>{_e(say('flagged'))}</h3>")
    flagged = [r for r in report.results if r.flags]
    out.append(_table([_e(say(k)) for k in ("student", "assignment", "flags")],
                      [[_e(r.student), _e(r.assignment) + " " + _feedback_link(p, r.student, r.assignment),
                        "<br>".join(_e(f) for f in r.flags)] for r in flagged])
               if flagged else f"<p>{_e(say('flagged_none'))}</p>")
    out.append(f"<h3>{_e(say('differ'))}</h3>")
    if report.differences is None:
        out.append(f"<p>{_e(say('differ_missing'))}</p>")
    elif not report.compared:
        out.append(f"<p>{_e(say('differ_nothing'))}</p>")
    elif not report.differences:
        out.append(f"<p>{_e(say('differ_none', n=report.compared))}</p>")
    else:
        keys = ("student", "assignment", "exercise", "engine_score", "nbgrader_score")
        out.append(_table([_e(say(k)) for k in keys],
                          [[_e(d.get(k, "")) for k in keys] for d in report.differences], numeric={3, 4}))
    return out


def _similarity(p: _Page, report) -> list[str]:
    say = p.say
    out = [f"<h2 id=similarity>{_e(say('similarity'))}</h2>",
           f"<p class=caption>{_e(say('similarity_caption', threshold=report.threshold))}</p>"]
    if report.similarity_note:
        return out + [f"<div class=alert role=alert><p>{_e(report.similarity_note)}</p></div>"]
    any_pair = False
    for key, pairs in report.pairs.items():
        if not pairs:
            continue
        any_pair = True
        out.append(f"<h3>{_e(key[1])} · {_e(key[0])}</h3>")
        for pair in pairs:
            out.append(f"<h4>{_e(say('similarity_pair', first=pair.first, second=pair.second, similarity=pair.similarity))}</h4>")
            for mine, theirs in pair.fragments:
                out.append(f"<div class=pair><pre>{_e(mine)}</pre><pre>{_e(theirs)}</pre></div>")
        more = report.more_pairs.get(key, 0)
        if more:
            out.append(f"<p>{_e(say('similarity_more', n=more))}</p>")
    if not any_pair:
        out.append(f"<p>{_e(say('similarity_none', threshold=report.threshold))}</p>")
    return out


def _files(p: _Page, report) -> list[str]:
    listed = [("items.csv", "file_items"), ("mistakes.csv", "file_mistakes"), ("similar_pairs.csv", "file_pairs")]
    if report.canvas:
        listed.append(("canvas.csv", "file_canvas"))
    listed.append((f"{p.graded_href}/grades.csv", "file_grades"))
    return [f"<h2 id=files>{_e(p.say('files'))}</h2><ul>"] + [
        f"<li><a href='{_e(name)}'>{_e(name)}</a>: {_e(p.say(key))}</li>" for name, key in listed] + ["</ul>"]
