"""Checks of a translated notebook against its English source, shared by tests/test_editions.py
(and handy for a translator: python tests/translation_checks.py translations/zh/ema/01_moving_average.toml)."""
from __future__ import annotations

import io
import re
import sys
import tokenize
from pathlib import Path

CJK = re.compile(r"[\u4e00-\u9fff]")
NUMBER = re.compile(r"(?<![A-Za-z_\\])\d+(?:[.,]\d+)*")
ENGLISH_RUN = re.compile(r"\b[A-Za-z][a-z]+(?:[ ,'-]+[A-Za-z][a-z]+){2,}\b")
UNSEEN_ZH = ("如图", "下图", "上图", "原文")
# matplotlib's placement options are English words by design ("outside lower center")
OPTION = re.compile(r"""^[rf]?(['"])(outside )?(upper|lower|center)( (left|right|center))?\1$""")


def numbers(text: str) -> set[str]:
    """The numbers a text states, thousands separators dropped ('1,000' → '1000')."""
    return {re.sub(r"(?<=\d),(?=\d{3})", "", n).rstrip(".,") for n in NUMBER.findall(text)}


def prose(markdown: str) -> str:
    """markdown without what stays English by design: math, code, HTML tags, links' targets,
    and short parenthesised terms (（error term）)."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    text = re.sub(r"\$\$.*?\$\$|\$[^$]*\$|`[^`]*`", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>|\]\([^)]*\)|https?://\S+", " ", text)
    text = re.sub(r"（[^（）]{0,80}）|\([^()]{0,80}\)|\*[^*]{0,60}\*", " ", text)
    return text


def english_runs(text: str) -> list[str]:
    return ENGLISH_RUN.findall(text)


def markdown_problems(english: str, translated: str) -> list[str]:
    found = []
    if CJK.search(english + "x") is None and not CJK.search(translated) and english_runs(prose(english)):
        found.append("not translated")
    if numbers(english) != numbers(translated):
        found.append(f"numbers differ: only English {sorted(numbers(english) - numbers(translated))}, "
                     f"only translation {sorted(numbers(translated) - numbers(english))}")
    runs = english_runs(prose(translated))
    if runs:
        found.append(f"English left: {runs[:3]}")
    for phrase in UNSEEN_ZH:
        if phrase in translated:
            found.append(f"{phrase!r} points at a picture the reader may not see; name the figure instead")
    heads = lambda s: [re.match(r"#+", l).group(0) + re.sub(r"\D", "", l.split("·")[0])
                       for l in s.splitlines() if l.startswith("#")]
    if heads(english) != heads(translated):
        found.append(f"headings differ: {heads(english)} vs {heads(translated)}")
    return found


def code_words(source: str) -> list[str]:
    """String literals and comments of a code cell that still hold three English words."""
    from checker.editions import MARKERS, _python
    left = []
    for t in tokenize.generate_tokens(io.StringIO(_python(source)).readline):
        if t.type in (tokenize.STRING, tokenize.COMMENT) and not MARKERS.match(t.string) \
                and not OPTION.match(t.string):
            text = re.sub(r"\$[^$]*\$|\{[^}]*\}|\\[a-z]+|noqa.*|https?://\S+", " ", t.string)
            if english_runs(text):
                left.append(t.string)
    return left


def notebook_problems(english_nb, translated_nb) -> list[str]:
    out = []
    for en, zh in zip(english_nb.cells, translated_nb.cells):
        if en.cell_type == "markdown":
            out += [f"markdown.{en.id}: {p}" for p in markdown_problems(en.source, zh.source)]
        elif en.cell_type == "code":
            out += [f"code.{en.id}: English left in {s[:70]!r}" for s in code_words(zh.source)]
    return out


if __name__ == "__main__":   # python tests/translation_checks.py translations/zh/<assignment>/<name>.toml
    import nbformat
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from checker import editions
    catalogue_file = Path(sys.argv[1]).resolve()
    root = catalogue_file.parents[3]
    language, assignment, name = catalogue_file.parts[-3], catalogue_file.parts[-2], catalogue_file.stem
    english = nbformat.read(root / "notebooks" / assignment / f"{name}.ipynb", as_version=4)
    built = editions.translate_notebook(english, editions.read_catalogue(catalogue_file), language)
    problems = notebook_problems(english, built)
    print("\n".join(problems) or "OK")
    if len(sys.argv) > 2:
        out = Path(sys.argv[2])
        out.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(built, out)
        print(f"built: {out}")
    sys.exit(1 if problems else 0)
