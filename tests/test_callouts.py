"""The callouts under each exercise name every mistake the checker can diagnose, collapsed (a
<details> block the learner opens when stuck), after the exercise's self-check and autograder cell."""
import functools
import re

import nbformat
import pytest

from checker import MISTAKES
from checker.exercises import REGISTRY
from checker.scaffold import CALLOUT_HEADING
from notebooks import NOTEBOOKS

HEADING = CALLOUT_HEADING
NAMED = re.compile(r"^- `(\w+)`", re.M)


@functools.lru_cache(maxsize=None)
def _read(notebook: str):
    return nbformat.read(NOTEBOOKS / f"{notebook}.ipynb", as_version=4)


def _callout(ex: str) -> str:
    """The first callout markdown cell after the autograder cell of exercise ex."""
    cells = _read(REGISTRY[ex].notebook).cells
    graders = [i for i, c in enumerate(cells)
               if c.metadata.get("nbgrader", {}).get("grade_id") == f"test_{ex}"]
    assert len(graders) == 1, f"{ex}: expected one autograder cell test_{ex}, found {len(graders)}"
    for cell in cells[graders[0] + 1:]:
        if cell.cell_type == "markdown" and cell.source.startswith(HEADING):
            assert cell.source.rstrip().endswith("</details>"), f"{ex}: the callout is not closed"
            return cell.source
    pytest.fail(f"{ex}: no callout cell after its autograder cell")


@pytest.mark.parametrize("ex", list(REGISTRY))
def test_callout_names_every_mistake(ex):
    named = set(NAMED.findall(_callout(ex)))
    mutants = set(REGISTRY[ex].known_mistakes())
    assert mutants <= named, f"{ex}: the callout does not name {sorted(mutants - named)}"
    assert named <= set(MISTAKES), f"{ex}: the callout names unknown mistakes {sorted(named - set(MISTAKES))}"
