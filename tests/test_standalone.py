"""The notebooks stand on their own: no cell points at a document, picture or note the learner
never sees, and no cell quotes a sentence of the note the course grew from (checked against
fingerprints of that note, tests/data/source_note_fingerprints.txt, made by
tests/note_fingerprints.py; the note itself is not in the repository)."""
import re
from pathlib import Path

import nbformat
import pytest

from note_fingerprints import fingerprints
from notebooks import ROOT, SOURCE_NOTEBOOKS, nb_id

FINGERPRINTS = set((Path(__file__).parent / "data" / "source_note_fingerprints.txt").read_text().split())

UNSEEN = [
    r"\bthe seed\b", r"\bseed's\b", r"\bseed (text|note|document|says|defines|names|picture|figure)",
    r"\bthe (source|original|interview) (note|text|document|article)\b", r"\bthe note\b",
    r"\b(picture|figure|image|diagram) (in|of|from) the (note|article|text|source)\b",
    r"如图", r"下图", r"上图", r"原文",
]


def cells(path):
    return nbformat.read(path, as_version=4).cells


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=nb_id)
def test_no_markdown_points_at_a_document_the_learner_never_sees(path):
    for cell in cells(path):
        if cell.cell_type == "markdown":
            for pattern in UNSEEN:
                found = re.search(pattern, cell.source, re.I)
                assert found is None, f"{found.group(0)!r} in: {cell.source[:120]}"


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=nb_id)
def test_no_cell_quotes_the_source_note(path):
    for cell in cells(path):
        quoted = fingerprints(cell.source) & FINGERPRINTS
        assert not quoted, f"{len(quoted)} runs of the source note's text in: {cell.source[:120]}"


def test_the_readme_and_the_checkers_words_do_not_quote_it_either():
    for path in [ROOT / "README.md", *sorted((ROOT / "checker" / "messages").glob("*.toml"))]:
        assert not fingerprints(path.read_text(encoding="utf-8")) & FINGERPRINTS, path.name


def test_the_fingerprints_catch_a_quote():
    assert FINGERPRINTS and len(FINGERPRINTS) > 500
    assert not fingerprints("反向传播是一种训练神经网络的方法，下面用自己的话说明它的推导过程") & FINGERPRINTS
