"""`python -m checker grade` run from interpreters laid out as instructors have them: each grades
the class correctly, or exits non-zero before grading anyone with a message; never all zeros
with exit 0.

Each venv reuses the packages of the course's .venv through a .pth file (no download), so the
layouts differ where the sandbox cares: where the interpreter lives, whether bin/python is a
symlink into the base interpreter (here pyenv under a mode-700 home), and whether checker is a
regular copy in site-packages rather than on the path from the repository.
"""
import os
import shutil
import subprocess
import sysconfig
import venv
from pathlib import Path

import pytest

from engine_class import RIGHT, WRONG_SIGMOID, make_course, write_submission
from notebooks import ROOT

pytestmark = pytest.mark.notebooks
SITE = Path(sysconfig.get_paths()["purelib"])
CLASS = {"right": (RIGHT, "5"), "wrong_sigmoid": ({**RIGHT, "sigmoid": WRONG_SIGMOID}, "4"),
         "imports_reference": ({**RIGHT, "sigmoid": "import importlib\ndef sigmoid(z):\n    return importlib."
                                "import_module('checker' + '.reference').sigmoid(z)\n"}, "4")}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("layouts") / "course")
    for student, (answers, _) in CLASS.items():
        write_submission(course, student, answers)
    return course


def make_venv(folder: Path, symlinks: bool, regular_install: bool = False) -> Path:
    venv.EnvBuilder(symlinks=symlinks, with_pip=False).create(folder)
    python = folder / "bin" / "python"
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "course-packages.pth").write_text(f"{SITE}\n" + ("" if regular_install else f"{ROOT}\n"))
    if regular_install:
        shutil.copytree(ROOT / "checker", site / "checker", ignore=shutil.ignore_patterns("__pycache__"))
    return python


def grade_with(python: Path, course: Path, cwd: Path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{python.parent}{os.pathsep}{env['PATH']}"
    out = subprocess.run([python, "-m", "checker", "grade", str(course / "submitted"), "--out", str(cwd / "graded"),
                          "--workers", "2"], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    return out


def totals(folder: Path) -> dict:
    import csv
    scores = {}
    with open(folder / "grades.csv", newline="") as f:
        for row in csv.DictReader(f):
            scores[row["student"]] = scores.get(row["student"], 0.0) + float(row["score"])
    return {s: f"{v:g}" for s, v in scores.items()}


def assert_class_graded(out, cwd: Path):
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert totals(cwd / "graded") == {s: want for s, (_, want) in CLASS.items()}
    feedback = (cwd / "graded" / "feedback" / "imports_reference" / "backprop.txt").read_text()
    assert "ModuleNotFoundError" in feedback


def test_a_venv_of_copies_under_a_temporary_folder(course, tmp_path):
    python = make_venv(tmp_path / "venv", symlinks=False)
    assert str(python).startswith(("/tmp", os.environ.get("TMPDIR", "/tmp")))
    assert_class_graded(grade_with(python, course, tmp_path), tmp_path)


def test_a_plain_python_m_venv_whose_python_is_a_symlink_outside_the_repository(course, tmp_path):
    python = make_venv(tmp_path / "venv", symlinks=True)
    assert python.is_symlink() and not python.resolve().is_relative_to(ROOT)
    assert_class_graded(grade_with(python, course, tmp_path), tmp_path)


def test_a_regular_install_run_from_another_folder(course, tmp_path):
    python = make_venv(tmp_path / "venv", symlinks=True, regular_install=True)
    where = subprocess.run([python, "-c", "import checker; print(checker.__file__)"], capture_output=True,
                           text=True, check=True, cwd=tmp_path).stdout
    assert "site-packages" in where and not where.startswith(str(ROOT))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert_class_graded(grade_with(python, course, elsewhere), elsewhere)


def test_a_sandbox_that_cannot_start_the_interpreter_is_refused_with_what_to_change():
    from checker.engine.sandbox import Limits, SandboxUnavailable, preflight

    with pytest.raises(SandboxUnavailable) as refused:
        preflight(Limits(memory_bytes=2 ** 20))  # too little address space for the interpreter to start
    text = str(refused.value)
    assert "the grading sandbox cannot start the interpreter" in text
    assert "nothing was graded" in text and "python -m venv --copies" in text
