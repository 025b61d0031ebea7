"""Hidden cases come from a course secret that learners never have, differ per student, repeat on
a rerun; a grader that cannot grade says so and exits non-zero."""
import argparse
import os
import stat

import numpy as np
import pytest

from checker.engine import grader, run
from checker.engine.secret import SECRET_FILE, course_secret, student_seed
from checker.exercises import REGISTRY
from checker.grading import CHECK_SEED, GRADE_SEED
from checker.judge import judge
from checker.messages import render
from checker.harness.running import Observation
from checker.harness.snapshot import take


def inputs(seed):
    return [np.asarray(c.args["z"]).tolist() for c in REGISTRY["sigmoid"].cases(seed)]


def test_the_secret_is_made_once_private_and_kept(tmp_path):
    first = course_secret(tmp_path)
    assert course_secret(tmp_path) == first and len(first) == 64
    assert stat.S_IMODE(os.stat(tmp_path / SECRET_FILE).st_mode) == 0o600


def test_the_secret_is_gitignored_and_outside_what_release_hands_out():
    from notebooks import ROOT
    assert SECRET_FILE in (ROOT / ".gitignore").read_text().split()
    assert not list((ROOT / "notebooks").rglob(SECRET_FILE))


def test_each_student_gets_other_cases_and_a_rerun_the_same(tmp_path):
    secret = course_secret(tmp_path)
    ann, bob = student_seed(secret, "backprop", "ann"), student_seed(secret, "backprop", "bob")
    assert ann == student_seed(secret, "backprop", "ann")
    assert inputs(ann) != inputs(bob)
    assert inputs(ann) != inputs(GRADE_SEED) and inputs(ann) != inputs(CHECK_SEED)
    assert student_seed(secret, "ema", "ann") != ann


def test_another_course_secret_gives_other_cases(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert student_seed(course_secret(tmp_path / "a"), "backprop", "ann") != \
        student_seed(course_secret(tmp_path / "b"), "backprop", "ann")


def test_a_scale_failure_in_hidden_cases_shows_no_hidden_figure():
    ex = REGISTRY["relative_error"]
    cases = ex.cases(GRADE_SEED)
    def scale_dependent(a, b):  # right size, but not scale-free
        d = np.linalg.norm(a) + np.linalg.norm(b)
        return 0.0 if d == 0 else float(np.linalg.norm(a - b) / d * (1 + abs(a).sum()) ** 0.01)
    observations = [Observation(output=take(scale_dependent(**c.args))) for c in cases]
    result = render(judge(ex, cases, observations), reveal=False)
    assert not result.passed
    assert "scale" in result.message
    assert not any(ch.isdigit() for ch in result.message.split("Problem:")[-1])


def test_a_grader_failure_is_not_graded_never_a_silent_zero():
    task = grader.Task("ann", "backprop", {}, {"nb.ipynb": "{ not a notebook"})
    result = grader.grade(task).to_dict()
    assert result["not_graded"].startswith("the grader failed on this submission")


def grade_args(submitted, course):
    return argparse.Namespace(submitted=str(submitted), course=str(course), out=None, scheduler=None, workers=1)


def test_the_command_exits_1_and_says_why_when_submissions_were_not_graded(tmp_path, monkeypatch, capsys):
    from checker import workflow

    (tmp_path / "notebooks" / "backprop").mkdir(parents=True)
    (tmp_path / "nbgrader_config.py").write_text("")
    (tmp_path / "submitted").mkdir()
    summary = run.Summary(3, 3, not_graded={"ann/backprop": "the sandbox did not start: exit code 1",
                                            "bob/backprop": "the sandbox did not start: exit code 1"})
    monkeypatch.setattr(run, "grade_folder", lambda *a, **k: summary)
    assert workflow.grade_command(grade_args(tmp_path / "submitted", tmp_path)) == 1
    out = capsys.readouterr().out
    assert "NOT GRADED: 2 submission(s)" in out and "2 × the sandbox did not start" in out


def test_the_command_exits_2_before_grading_when_the_sandbox_cannot_work(tmp_path, monkeypatch, capsys):
    from checker import workflow
    from checker.engine.sandbox import SandboxUnavailable

    (tmp_path / "notebooks" / "backprop").mkdir(parents=True)
    (tmp_path / "nbgrader_config.py").write_text("")
    (tmp_path / "submitted").mkdir()

    def refuse(*args, **kwargs):
        raise SandboxUnavailable("the grading sandbox cannot start the interpreter")
    monkeypatch.setattr(run, "grade_folder", refuse)
    assert workflow.grade_command(grade_args(tmp_path / "submitted", tmp_path)) == 2
    assert "error: the grading sandbox cannot start" in capsys.readouterr().out


@pytest.mark.parametrize("name, ok", [("ann", True), ("Zhāng Wěi", True), ("a b", True), (".git", False),
                                      ("..", False), ("a\nb", False), ("x" * 200, False)])
def test_student_ids_that_could_escape_or_confuse_are_refused(name, ok):
    assert run.safe_name(name) is ok
