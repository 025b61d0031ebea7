"""The callouts under each exercise name every mistake the checker can diagnose, collapsed (a
<details> block the learner opens when stuck), after the exercise's self-check and autograder
cell, in both editions."""
import functools
import re

import nbformat
import pytest

from checker import MISTAKES
from checker.editions import LANGUAGES, PHRASES, edition
from checker.exercises import REGISTRY
from notebooks import NOTEBOOKS

NAMED = re.compile(r"^- `(\w+)`", re.M)


@functools.lru_cache(maxsize=None)
def _read(notebook: str, language: str):
    assignment, name = notebook.split("/")
    return nbformat.read(NOTEBOOKS / edition(assignment, language) / f"{name}.ipynb", as_version=4)


def _callout(ex: str, language: str) -> str:
    """The first callout markdown cell after the autograder cell of exercise ex."""
    cells, heading = _read(REGISTRY[ex].notebook, language).cells, PHRASES[language]["callout"]
    graders = [i for i, c in enumerate(cells)
               if c.metadata.get("nbgrader", {}).get("grade_id") == f"test_{ex}"]
    assert len(graders) == 1, f"{ex}: expected one autograder cell test_{ex}, found {len(graders)}"
    for cell in cells[graders[0] + 1:]:
        if cell.cell_type == "markdown" and cell.source.startswith(heading):
            assert cell.source.rstrip().endswith("</details>"), f"{ex}: the callout is not closed"
            return cell.source
    pytest.fail(f"{ex}: no callout cell after its autograder cell")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("ex", list(REGISTRY))
def test_callout_names_every_mistake(ex, language):
    named = set(NAMED.findall(_callout(ex, language)))
    mutants = set(REGISTRY[ex].known_mistakes())
    assert mutants <= named, f"{ex}: the callout does not name {sorted(mutants - named)}"
    assert named <= set(MISTAKES), f"{ex}: the callout names unknown mistakes {sorted(named - set(MISTAKES))}"


def test_the_callout_says_the_same_words_as_the_checkers_pointer_to_it():
    from checker.messages import text
    for language in LANGUAGES:
        title = re.search(r"<b>(.*)</b>", PHRASES[language]["callout"]).group(1)
        assert title in text("note.see_callout", language, mistake="x"), language
