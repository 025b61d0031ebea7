"""Helpers for the notebook tests: find, execute, release (student version) and read notebooks."""
from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from checker.editions import PHRASES, edition, language_of
from translation_checks import numbers

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SOURCE_NOTEBOOKS = sorted(NOTEBOOKS.glob("*/*.ipynb"))          # both editions
ASSIGNMENTS = sorted({p.parent.name for p in SOURCE_NOTEBOOKS})
ENGLISH_NOTEBOOKS = [p for p in SOURCE_NOTEBOOKS if language_of(p.parent.name) == "en"]


def english_id(path: Path) -> str:
    """'backprop/01_sigmoid_and_mse' for the notebook in either edition (as the registry names it)."""
    return f"{path.parent.name.removesuffix('_' + language_of(path.parent.name))}/{path.stem}"


def phrases(path: Path) -> dict:
    """The fixed phrases of the edition path belongs to (checker.editions.PHRASES)."""
    return PHRASES[language_of(path.parent.name)]


def edition_of(path: Path, language: str) -> Path:
    """The same notebook in another edition (an English path → its Chinese one)."""
    english = path.parent.name.removesuffix("_" + language_of(path.parent.name))
    return NOTEBOOKS / edition(english, language) / path.name


def nb_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def venv_env() -> dict:
    """The environment with this interpreter's bin first on PATH (nbgrader runs `alembic`)."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def execute(path: Path, allow_errors: bool = False, timeout: int = 120):
    """Run a notebook top to bottom in its folder; returns the executed notebook."""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=allow_errors,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def executed_source(path: Path):
    """The source notebook at path as it ran (nbgrader's validation run, shared by every test)."""
    return validated(path)[1]


@functools.lru_cache(maxsize=None)
def validated(path: Path, invert: bool = False):
    """nbgrader's own Validator on the notebook at path (invert: the learner's version, whose
    tests must all fail): (its findings, {} if none; the notebook as the Validator executed it).
    One execution serves the validation and every check of what the cells did or printed; a
    source notebook runs once per test session, whichever pytest-xdist worker asks first (the
    others wait for it and read its result)."""
    shared = _session_folder()
    if invert or shared is None:
        return _validate(path, invert)
    key = hashlib.sha256(path.read_bytes()).hexdigest()[:20]
    with open(shared / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = shared / f"{key}.json"
        if done.exists():
            kept = json.loads(done.read_text(encoding="utf-8"))
            return kept["findings"], nbformat.from_dict(kept["notebook"])
        findings, nb = _validate(path, invert)
        done.write_text(json.dumps({"findings": findings, "notebook": nb}), encoding="utf-8")
        return findings, nb


def _validate(path: Path, invert: bool):
    from nbgrader.validator import Validator
    from traitlets.config import Config

    class Keeping(Validator):
        def _preprocess(self, nb):
            self.executed = super()._preprocess(nb)
            return self.executed

    validator = Keeping(invert=invert, config=Config({"Execute": {"timeout": 180}}))
    findings = validator.validate(str(path))
    return findings, validator.executed


def _session_folder() -> Path | None:
    """A folder shared by the workers of this pytest-xdist run (None outside xdist)."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if not run:
        return None
    folder = Path(tempfile.gettempdir()) / f"course-tests-{run}"
    folder.mkdir(exist_ok=True)
    return folder


def release(assignment: str, workdir: Path) -> Path:
    """Generate the student version with nbgrader in a copy of the course; returns its folder."""
    shutil.copytree(NOTEBOOKS, workdir / "notebooks")
    shutil.copy(ROOT / "nbgrader_config.py", workdir)
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force"],
                   cwd=workdir, env=venv_env(), check=True, capture_output=True, timeout=300)
    return workdir / "release" / assignment


def markdown(nb) -> str:
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def printed(nb) -> str:
    """Everything the code cells printed (stdout streams and text/plain results)."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "stream" and out.name == "stdout":
                parts.append(out.text)
            elif "text/plain" in out.get("data", {}):
                parts.append(out.data["text/plain"])
    return "\n".join(parts)


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def errors(nb):
    """(cell, error output) for every cell that raised."""
    return [(cell, out) for cell in nb.cells for out in cell.get("outputs", [])
            if out.output_type == "error"]


def callout_forms(path: Path, exercise: str) -> list[tuple[str, list[str]]]:
    """(mistake id, the answers typed in `"..."` on its line) of the collapsed callout under the
    autograder cell of exercise."""
    cells = nbformat.read(path, as_version=4).cells
    i = next(i for i, c in enumerate(cells) if nbgrader_meta(c).get("grade_id") == f"test_{exercise}")
    text = cells[i + 1].source
    assert text.startswith(phrases(path)["callout"].rstrip("\n"))
    return [(m.group(1), re.findall(r'`"([^"`]+)"`', m.group(2)))
            for m in re.finditer(r"^- `(\w+)`: (.*)$", text, re.M)]


def interview_quotes_only_taught_numbers(nb, words: dict = PHRASES["en"]) -> None:
    """The interview section follows the Summary, has 2 or 3 answer cells, and every number in it
    appears earlier in the notebook (the questions ask about what was taught)."""
    ids = [nbgrader_meta(c).get("grade_id", "") for c in nb.cells]
    summary = next(i for i, c in enumerate(nb.cells) if c.source.startswith(words["summary"]))
    assert nb.cells[summary + 1].source.startswith(words["interview"])
    answers = [i for i, g in enumerate(ids) if g.startswith("interview_")]
    assert 2 <= len(answers) <= 3 and min(answers) > summary
    interview = "\n".join(nb.cells[i].source for i in range(summary + 1, len(nb.cells)))
    taught = "\n".join(c.source for c in nb.cells[:summary + 1])
    for number in re.findall(r"\d+(?:\.\d+)?(?:e-?\d+)?", interview):
        assert number in taught, number


def interview_answer_cells(nb, tag: str, words: dict = PHRASES["en"]) -> list:
    """The interview answer cells after the Summary, each checked to be a 2-point markdown answer
    cell `interview_<tag>_<k>` under its locked question `**Question k** …`."""
    summary = next(i for i, c in enumerate(nb.cells) if c.source.startswith(words["summary"]))
    assert nb.cells[summary + 1].source.startswith(words["interview"])
    rest = nb.cells[summary + 2:]
    for k, (question, answer) in enumerate(zip(rest[::2], rest[1::2]), start=1):
        assert question.source.startswith(words["question"].format(k=k))
        assert nbgrader_meta(question)["locked"] and not nbgrader_meta(question)["grade"]
        assert answer.cell_type == "markdown"
        assert nbgrader_meta(answer) == {"grade": True, "solution": True, "locked": False, "points": 2,
                                         "grade_id": f"interview_{tag}_{k}", "schema_version": 3}
        assert answer.source.startswith(words["model_answer"]) and words["rubric"] in answer.source
    return rest[1::2]


def _math_and_code(snippet: str) -> list[str]:
    """The whole $math$ and `code` spans of a snippet, \\text{…} and spaces dropped."""
    parts = re.findall(r"\$\$.*?\$\$|\$[^$]+\$", snippet) if snippet.count("$") % 2 == 0 else []
    parts += re.findall(r"`[^`]+`", snippet) if snippet.count("`") % 2 == 0 else []
    return [_bare(p) for p in parts]


def _bare(text: str) -> str:
    return re.sub(r"\\text\{[^{}]*\}|\s+", "", text)


def claims(path: Path):
    """states(snippet): the English notebook at path says snippet word for word, and every other
    edition states what of it is language-independent (its numbers, whole $math$ and `code` spans)."""
    english = markdown(nbformat.read(path, as_version=4))
    others = {lang: markdown(nbformat.read(edition_of(path, lang), as_version=4))
              for lang in PHRASES if lang != "en"}
    bare = {lang: _bare(text) for lang, text in others.items()}

    def states(snippet: str) -> None:
        assert snippet in english, f"the notebook no longer says: {snippet}"
        for lang, text in others.items():
            missing = sorted(numbers(snippet) - numbers(text))
            assert not missing, f"the {lang} edition does not state {missing} (from: {snippet})"
            for part in _math_and_code(snippet):
                assert part in bare[lang], f"the {lang} edition does not state {part} (from: {snippet})"
    return states
