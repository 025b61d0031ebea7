"""The course's editions: the English notebooks are the source; another language's notebooks are
built from them and a translation catalogue, so code, nbgrader metadata and hidden tests cannot drift.

    notebooks/<assignment>/<name>.ipynb          the English source
    translations/<lang>/<assignment>/<name>.toml  one entry per cell to translate, keyed by cell id
    notebooks/<assignment>_<lang>/<name>.ipynb    built: python -m checker translate

A catalogue entry records the fingerprint of the English cell it translates, so a changed English
cell makes its translation stale (the build refuses it; tests/test_editions.py fails):

    [markdown.<cell id>]            the whole cell, translated
    english = "<fingerprint>"
    text = '''…'''

    [code.<cell id>]                words in a code cell: string literals and comments only
    english = "<fingerprint>"
    strings = [["English", "中文"], …]

A built code cell differs from its English source in string literals and comments only (checked
on the syntax tree); autograder and self-check cells differ in comments only, hidden tests not at
all; the set-up cell gains one line, checker.set_language("<lang>").
"""
from __future__ import annotations

import ast
import copy
import hashlib
import io
import re
import tokenize
import tomllib
from dataclasses import dataclass
from pathlib import Path

import nbformat

ENGLISH = "en"
LANGUAGES = ("en", "zh")

# The fixed phrases every notebook uses, per language: the tests find sections and cells by them,
# and a translation must use them word for word.
PHRASES = {
    "en": {"goals": "**Learning goals.**", "summary": "## Summary", "interview": "## Interview questions",
           "question": "**Question {k}** (2 points, marked by hand). ", "model_answer": "**Model answer.** ",
           "rubric": "\n\n**Rubric (2 points).** 1 point",
           "callout": "<details>\n<summary><b>Stuck? Common mistakes the checker recognises</b></summary>\n\n",
           "reference_rule": "*Write it yourself: an answer that calls `checker.reference` scores 0, even where "
                             "the demonstrations in this notebook use it.*",
           "not_attempted": "not attempted yet",
           "code_stub": "# YOUR CODE HERE\nraise NotImplementedError()", "text_stub": "YOUR ANSWER HERE"},
    "zh": {"goals": "**学习目标。**", "summary": "## 小结", "interview": "## 面试题",
           "question": "**面试题 {k}**（2 分，人工评分）。", "model_answer": "**参考答案。**",
           "rubric": "\n\n**评分标准（2 分）。** 1 分",
           "callout": "<details>\n<summary><b>卡住了？检查器能识别的常见错误</b></summary>\n\n",
           "reference_rule": "*自己动手写：调用 `checker.reference` 的答案得 0 分，即使本笔记本的演示用到了它。*",
           "not_attempted": "尚未作答",
           "code_stub": "# 在这里写你的代码\nraise NotImplementedError()", "text_stub": "在这里写下你的回答"},
}
SETUP_ID = "setup"                     # the grade_id of every notebook's set-up cell
MARKERS = re.compile(r"^\s*#{2,3} (BEGIN|END) (SOLUTION|HIDDEN TESTS)")


def language_of(assignment: str) -> str:
    """The language of an assignment's notebooks: its name's suffix ('backprop_zh' → 'zh'), else English."""
    base, _, suffix = assignment.rpartition("_")
    return suffix if base and suffix in LANGUAGES and suffix != ENGLISH else ENGLISH


def edition(assignment: str, language: str) -> str:
    """The name of an English assignment's edition in a language ('backprop', 'zh' → 'backprop_zh')."""
    return assignment if language == ENGLISH else f"{assignment}_{language}"


def fingerprint(source: str) -> str:
    """The fingerprint of an English cell's source, recorded with its translation."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


class TranslationError(ValueError):
    """A catalogue that does not fit its English notebook: missing, stale or extra entries, or a
    code translation that changes more than words."""


@dataclass
class Problems:
    missing: list[str]
    stale: list[str]
    extra: list[str]
    other: list[str]

    def __bool__(self):
        return bool(self.missing or self.stale or self.extra or self.other)

    def __str__(self):
        parts = [f"{what}: {', '.join(ids)}" for what, ids in
                 (("missing", self.missing), ("stale", self.stale), ("extra", self.extra)) if ids]
        return "; ".join(parts + self.other)


def catalogue_path(root: Path, language: str, assignment: str, name: str) -> Path:
    return root / "translations" / language / assignment / f"{name}.toml"


def read_catalogue(path: Path) -> dict:
    with open(path, "rb") as f:
        entries = tomllib.load(f)
    return {"markdown": entries.get("markdown", {}), "code": entries.get("code", {})}


def audit(nb, catalogue: dict) -> Problems:
    """What keeps catalogue from translating nb: every markdown cell needs a fresh entry; a code
    entry must be fresh and name a code cell."""
    cells = {c.id: c for c in nb.cells}
    p = Problems([], [], [], [])
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            entry = catalogue["markdown"].get(cell.id)
            if entry is None:
                p.missing.append(cell.id)
            elif entry.get("english") != fingerprint(cell.source):
                p.stale.append(cell.id)
    for kind in ("markdown", "code"):
        for cell_id, entry in catalogue[kind].items():
            cell = cells.get(cell_id)
            if cell is None or cell.cell_type != kind:
                p.extra.append(f"{kind}.{cell_id}")
            elif kind == "code" and entry.get("english") != fingerprint(cell.source):
                p.stale.append(cell_id)
    return p


def translate_notebook(nb, catalogue: dict, language: str):
    """The edition of English notebook nb in language; TranslationError if catalogue does not fit."""
    problems = audit(nb, catalogue)
    if problems:
        raise TranslationError(str(problems))
    out = nbformat.from_dict(copy.deepcopy(dict(nb)))
    for cell in out.cells:
        if cell.cell_type == "markdown":
            cell.source = catalogue["markdown"][cell.id]["text"].strip("\n")
        elif cell.cell_type == "code":
            english = cell.source
            entry = catalogue["code"].get(cell.id)
            if entry is not None:
                cell.source = _replace_words(english, entry.get("strings", []), cell.id)
            if (cell.metadata.get("nbgrader") or {}).get("grade_id") == SETUP_ID:
                cell.source = _with_language(cell.source, language, cell.id)
            _check_same_code(english, cell.source, cell, language)
    return out


def _replace_words(source: str, pairs: list, cell_id: str) -> str:
    for pair in pairs:
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(s, str) for s in pair)):
            raise TranslationError(f"code.{cell_id}: each of strings is a pair [English, translation]")
        english, translated = pair
        if english not in source:
            raise TranslationError(f"code.{cell_id}: {english!r} is not in the English cell (stale?)")
        source = source.replace(english, translated)
    return source


def _with_language(source: str, language: str, cell_id: str) -> str:
    lines = source.split("\n")
    for i, line in enumerate(lines):
        if line.strip() == "import checker":
            lines.insert(i + 1, f'checker.set_language("{language}")')
            return "\n".join(lines)
    raise TranslationError(f"code.{cell_id}: the set-up cell has no line `import checker`")


def _check_same_code(english: str, translated: str, cell, language: str) -> None:
    """Only string literals and comments may differ (and the set-up cell's language line); in
    autograder and self-check cells only comments, and hidden tests and nbgrader markers not at all."""
    where = f"code.{cell.id}"
    meta = cell.metadata.get("nbgrader") or {}
    if meta.get("grade_id") == SETUP_ID:
        translated = translated.replace(f'\nchecker.set_language("{language}")', "", 1)
    if _markers(english) != _markers(translated):
        raise TranslationError(f"{where}: nbgrader's markers (### BEGIN/END …) must stay as they are")
    if _hidden(english) != _hidden(translated):
        raise TranslationError(f"{where}: hidden tests must stay exactly as they are")
    if _code_shape(english) != _code_shape(translated):
        raise TranslationError(f"{where}: the translation changes code, not only strings and comments")
    if (meta.get("grade") or "checker.check(" in english) and _tokens(english) != _tokens(translated):
        raise TranslationError(f"{where}: in an autograder or self-check cell only comments may be translated")


def _markers(source: str) -> list[str]:
    return [line for line in source.splitlines() if MARKERS.match(line)]


def _hidden(source: str) -> str:
    start, end = source.find("### BEGIN HIDDEN TESTS"), source.find("### END HIDDEN TESTS")
    return source[start:end] if start >= 0 else ""


def _python(source: str) -> str:
    """source with IPython's %magics and !commands made plain Python."""
    from IPython.core.inputtransformer2 import TransformerManager
    return TransformerManager().transform_cell(source)


class _BlankStrings(ast.NodeTransformer):
    def visit_Constant(self, node):
        return ast.Constant("") if isinstance(node.value, str) else node


def _code_shape(source: str) -> str:
    return ast.dump(_BlankStrings().visit(ast.parse(_python(source))))


def _tokens(source: str) -> list[tuple[int, str]]:
    return [(t.type, t.string) for t in tokenize.generate_tokens(io.StringIO(_python(source)).readline)
            if t.type not in (tokenize.COMMENT, tokenize.NL)]


# ---------------------------------------------------------------------------------- the build
def english_notebooks(root: Path) -> list[Path]:
    return sorted(p for p in (root / "notebooks").glob("*/*.ipynb") if language_of(p.parent.name) == ENGLISH)


def built_path(root: Path, english: Path, language: str) -> Path:
    return root / "notebooks" / edition(english.parent.name, language) / english.name


def build(root: Path, language: str, write: bool = True) -> dict[Path, str]:
    """Every notebook of language's edition, as text, built from the English sources; written
    into notebooks/<assignment>_<language>/ when write. TranslationError names every problem."""
    built, problems = {}, []
    for english in english_notebooks(root):
        path = catalogue_path(root, language, english.parent.name, english.stem)
        if not path.is_file():
            problems.append(f"{path.relative_to(root)}: no catalogue")
            continue
        nb = nbformat.read(english, as_version=4)
        try:
            out = translate_notebook(nb, read_catalogue(path), language)
        except (TranslationError, tomllib.TOMLDecodeError, SyntaxError) as e:
            problems.append(f"{path.relative_to(root)}: {e}")
            continue
        built[built_path(root, english, language)] = nbformat.writes(out) + "\n"
    if problems:
        raise TranslationError("\n".join(problems))
    if write:
        for path, text in built.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return built


def skeleton(nb, old: dict | None = None) -> str:
    """A catalogue for nb: the existing entries kept, every missing or stale markdown cell with its
    English text (to translate), and each code cell with words in it listed as a comment."""
    old = old or {"markdown": {}, "code": {}}
    out = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            entry = old["markdown"].get(cell.id)
            fresh = entry is not None and entry.get("english") == fingerprint(cell.source)
            text = entry["text"].strip("\n") if fresh else cell.source
            out += [f"[markdown.{cell.id}]" + ("" if fresh else "   # TO TRANSLATE"),
                    f'english = "{fingerprint(cell.source)}"', f"text = {_toml_block(text)}", ""]
        elif cell.cell_type == "code":
            entry = old["code"].get(cell.id)
            words = _words(cell.source)
            if entry is None and not words:
                continue
            out.append(f"[code.{cell.id}]" + ("" if entry and entry.get("english") == fingerprint(cell.source)
                                               else "   # TO TRANSLATE"))
            out.append(f'english = "{fingerprint(cell.source)}"')
            out += [f"# words: {w!r}" for w in words]
            pairs = (entry or {}).get("strings", [])
            out.append("strings = [" + "".join(f"\n  [{_toml(a)}, {_toml(b)}]," for a, b in pairs) +
                       ("\n]" if pairs else "]"))
            out.append("")
    return "\n".join(out)


def _toml_block(text: str) -> str:
    """text as a TOML multi-line string: literal ('''…''', backslashes as they are) unless it holds '''."""
    if "'''" not in text:
        return f"'''\n{text}\n'''"
    return '"""\n' + text.replace("\\", "\\\\").replace('"""', '\\"""') + '\n"""'


def _toml(s: str) -> str:
    import json
    return json.dumps(s, ensure_ascii=False)


def _words(source: str) -> list[str]:
    """String literals and comments of source that look like words (two letters, then a space)."""
    found = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(_python(source)).readline))
    except (tokenize.TokenError, SyntaxError):
        return []
    for t in tokens:
        if t.type in (tokenize.STRING, tokenize.COMMENT) and re.search(r"[A-Za-z]{2,}[ ,:;]+[A-Za-z]", t.string):
            if not MARKERS.match(t.string):
                found.append(t.string)
    return found


def write_skeletons(root: Path, language: str) -> list[str]:
    """Create or refresh every catalogue of language: fresh entries kept, the rest marked TO TRANSLATE."""
    lines = []
    for english in english_notebooks(root):
        path = catalogue_path(root, language, english.parent.name, english.stem)
        old = read_catalogue(path) if path.is_file() else None
        nb = nbformat.read(english, as_version=4)
        text = skeleton(nb, old)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {language} translation of notebooks/{english.parent.name}/{english.name}; "
                        f"see checker/editions.py\n\n" + text, encoding="utf-8")
        lines.append(f"{path.relative_to(root)}: {text.count('# TO TRANSLATE')} cell(s) to translate")
    return lines
