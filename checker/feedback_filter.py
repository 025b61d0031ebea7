"""Keeps hidden test text out of feedback, even when learner code printed it.

A learner's cell can make every later cell print its own source (an IPython pre_run_cell hook),
so the hidden tests of a test cell can land in that cell's output. ClearHiddenTests only clears
sources. `RemoveHiddenTestOutput` (run before it in GenerateFeedback) replaces every output line
that contains a hidden line; `remove_leaking_feedback` then deletes any feedback page in which
hidden text still shows.
"""
from __future__ import annotations

import html
import json
import os
import re
import stat
from pathlib import Path

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

BEGIN, END = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"
MIN_LENGTH = 8  # shorter hidden lines (an `else:`, a bracket) give nothing away
MARKER = "[hidden test text removed]"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
TAG = re.compile(r"<[^>]*>")


def collapse(text: str) -> str:
    return " ".join(text.split())


def split_hidden(source: str, begin: str = BEGIN, end: str = END) -> tuple[list[str], list[str]]:
    """(visible lines, hidden lines) of a cell source, as ClearHiddenTests splits it."""
    visible, hidden, inside = [], [], False
    for line in source.splitlines():
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        else:
            (hidden if inside else visible).append(line)
    return visible, hidden


def hidden_lines(sources: list[str], begin: str = BEGIN, end: str = END) -> set[str]:
    """The hidden lines worth hiding, whitespace collapsed, and the delimiters themselves."""
    lines = {collapse(line) for source in sources for line in split_hidden(source, begin, end)[1]}
    return {line for line in lines if len(line) >= MIN_LENGTH} | {begin, end}


def readable(text: str) -> list[str]:
    """The forms in which text can show a line: as it is, as HTML rendered, and with the quotes
    of a printed JSON string (a notebook file) unescaped."""
    plain = ANSI.sub("", text)
    shown = html.unescape(plain)
    return [collapse(plain), collapse(shown), collapse(html.unescape(TAG.sub("", plain))),
            collapse(shown.replace('\\"', '"'))]


def shows(text: str, hidden: set[str]) -> bool:
    """Whether text, as shown in a browser, contains any of the hidden lines."""
    return any(line in form for form in readable(text) for line in hidden)


def redact(text: str, hidden: set[str]) -> str:
    """text with each line that shows a hidden line replaced by MARKER."""
    lines = text.splitlines(keepends=True)
    return "".join(MARKER + line[len(line.rstrip("\r\n")):] if shows(line, hidden) else line for line in lines)


def redact_value(value, hidden: set[str]):
    """Redact every string inside an output value (a string, a list of lines, JSON data)."""
    if isinstance(value, str):
        return redact(value, hidden)
    if isinstance(value, list):
        return [redact_value(item, hidden) for item in value]
    if isinstance(value, dict):
        return {key: redact_value(item, hidden) for key, item in value.items()}
    return value


def binary(mime: str) -> bool:
    return mime.startswith(("image/", "audio/", "video/")) and not mime.endswith(("svg+xml", "+json"))


def redact_output(output, hidden: set[str]) -> None:
    if "text" in output:
        output["text"] = redact_value(output["text"], hidden)
    for mime in list(output.get("data", {})):
        if not binary(mime):
            output["data"][mime] = redact_value(output["data"][mime], hidden)
    for key in ("ename", "evalue", "traceback"):
        if key in output:
            output[key] = redact_value(output[key], hidden)


class RemoveHiddenTestOutput(NbGraderPreprocessor):
    """Replaces, in every output of the notebook, each line showing a line of a hidden test."""

    begin_test_delimeter = Unicode(BEGIN, help="Marks the start of hidden tests").tag(config=True)
    end_test_delimeter = Unicode(END, help="Marks the end of hidden tests").tag(config=True)

    def preprocess(self, nb, resources):
        hidden = hidden_lines([cell.source for cell in nb.cells], self.begin_test_delimeter,
                              self.end_test_delimeter)
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                redact_output(output, hidden)
        return nb, resources


def notebook_sources(path: Path) -> list[str]:
    """The cell sources of a notebook ([] if it cannot be read)."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return ["".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"] for cell in cells]
    except (OSError, ValueError, RecursionError, KeyError, TypeError):
        return []


def visible_text(sources: list[str]) -> str:
    return collapse("\n".join(line for source in sources for line in split_hidden(source)[0]))


def remove_leaking_feedback(root: Path, assignment: str) -> int:
    """Delete every feedback page of the assignment that shows a line of a hidden test of the
    source notebooks (lines the page may show as source are exempt: the visible parts of the
    source notebooks and of the learner's autograded notebook). Returns 1 if any was deleted."""
    sources = [s for path in sorted((root / "notebooks" / assignment).glob("*.ipynb")) for s in notebook_sources(path)]
    secret = hidden_lines(sources)
    shown = visible_text(sources)
    deleted = 0
    for page in sorted((root / "feedback").glob(f"*/{assignment}/*.html")):
        if not stat.S_ISREG(os.lstat(page).st_mode):
            continue
        student = page.parent.parent.name
        own = visible_text(notebook_sources(root / "autograded" / student / assignment / f"{page.stem}.ipynb"))
        hidden = {line for line in secret if line not in shown and line not in own}
        if shows(page.read_text(encoding="utf-8", errors="replace"), hidden):
            page.unlink()
            deleted += 1
            print(f"!!! HIDDEN TESTS LEAKED: the feedback page {page.relative_to(root)} for student {student} "
                  f"showed hidden test text, so it was DELETED. Do not release feedback to {student} before "
                  f"looking at autograded/{student}/{assignment}/{page.stem}.ipynb.")
    return 1 if deleted else 0
