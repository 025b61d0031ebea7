"""A maintainer adds an exercise: write the reference, run the scaffold, and the registry,
import-graph and API tests pass on it, and its notebook passes nbgrader's validation.

Runs in a scratch copy of the repository, with that copy first on the import path.
"""
import shutil
import subprocess
import sys

import pytest

from notebooks import ROOT, venv_env

pytestmark = pytest.mark.notebooks
REFERENCE = '\n\ndef tanh_derivative(o):\n    """tanh′(z) from the output o = tanh(z): 1 − o²."""\n    return 1 - o ** 2\n'


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory):
    copy = tmp_path_factory.mktemp("maintainer") / "course"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", "release", "source",
                                                              "submitted", "autograded", "feedback", "workspace",
                                                              "artifacts", "gradebook.db", ".grading-secret"))
    with open(copy / "checker" / "reference" / "network.py", "a") as f:
        f.write(REFERENCE)   # the one line by hand (and its def)
    env = {**venv_env(), "PYTHONPATH": str(copy)}
    out = subprocess.run([sys.executable, "-m", "checker", "new-exercise", "tanh_derivative",
                          "--notebook", "backprop/01_sigmoid_and_mse"], cwd=copy, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return copy, env, out.stdout


def test_it_writes_the_exercise_its_tests_its_cells_and_the_readme_row(scaffolded):
    copy, _, printed = scaffolded
    for path in ("checker/exercises/tanh_derivative.py", "tests/test_exercise_tanh_derivative.py",
                 "checker/messages/en.toml", "notebooks/backprop/01_sigmoid_and_mse.ipynb", "README.md"):
        assert f"wrote {path}" in printed
    assert "`tanh_derivative` (1)" in (copy / "README.md").read_text()


def test_the_registry_import_graph_and_api_tests_pass_on_it(scaffolded):
    copy, env, _ = scaffolded
    tests = ["tests/test_registry.py", "tests/test_import_graph.py", "tests/test_grading_api.py",
             "tests/test_catalogue.py"]
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
                         cwd=copy, env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-3000:]
    assert "tanh_derivative" in subprocess.run([sys.executable, "-c", "import checker; print(checker.EXERCISES)"],
                                               cwd=copy, env=env, capture_output=True, text=True).stdout


def test_its_placeholder_tests_fail_until_written(scaffolded):
    copy, env, _ = scaffolded
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "tests/test_exercise_tanh_derivative.py"], cwd=copy, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 1 and "2 failed" in out.stdout


def test_its_notebook_passes_its_own_tests_and_the_learner_version_fails_them(scaffolded, tmp_path):
    copy, env, _ = scaffolded
    (tmp_path / "notebooks" / "backprop").mkdir(parents=True)   # only the notebook it wrote into
    shutil.copy(copy / "notebooks" / "backprop" / "01_sigmoid_and_mse.ipynb", tmp_path / "notebooks" / "backprop")
    shutil.copy(copy / "nbgrader_config.py", tmp_path)
    out = subprocess.run([sys.executable, "-c", "import sys, pathlib; from checker.workflow import validate; "
                          f"problems = validate(['backprop'], root=pathlib.Path({str(tmp_path)!r})); "
                          "print(problems); sys.exit(1 if problems else 0)"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]


def test_the_notebook_structure_tests_pass_on_its_notebook(scaffolded):
    copy, env, _ = scaffolded
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_notebooks.py",
                          "-k", "01_sigmoid and not zh and (outputs or goals or self_check)"], cwd=copy, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0 and "4 passed" in out.stdout, out.stdout[-3000:]
