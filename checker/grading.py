"""checker.check and checker.grade: run a learner's function on fresh cases and judge it."""
from __future__ import annotations

import contextlib
import io
import warnings

from .exercises import EXERCISES, get_exercise
from .judge import judge
from .language import current_language
from .messages import render, text
from .result import CheckResult
from .harness import answers
from .harness.running import observe_all
from .seeds import CHECK_SEED, GRADE_SEED
from .verdict import Text, Verdict



def run_check(exercise_id: str, fn, *, seed: int, reveal: bool, time_limit: float | None,
              language: str = "en") -> CheckResult:
    exercise = get_exercise(exercise_id, language)
    if exercise.derivation:   # the answer is a value: read it, guarded like a call
        fn = answers.reader(fn)
    elif not callable(fn):
        return render(judge_not_callable(exercise, fn), reveal=reveal, language=language)
    cases = exercise.cases(seed)
    observations = observe_all(fn, [case.call_args() for case in cases], time_limit or exercise.time_limit)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return render(judge(exercise, cases, observations), reveal=reveal, language=language)


def judge_not_callable(exercise, fn) -> Verdict:
    return Verdict(exercise.id, False, 0.0, float(exercise.points), "wrong_type",
                   explanation=Text("explanation.not_callable",
                                    {"exercise": exercise.id, "type": type(fn).__name__}))


def check(exercise_id: str, fn, *, seed: int = CHECK_SEED, time_limit: float | None = None,
          show: bool = True, lang: str | None = None) -> CheckResult:
    """Check a learner's function (or, for a derivation exercise, the answer: a string holding
    an expression, or a number) for one exercise and show the verdict.

    In Jupyter the result is shown as a short rich block (pass or fail, the failing case with
    its inputs, the expected value and yours, and a hint for the diagnosed mistake); elsewhere
    it is printed. Never raises because of the learner's code. Exercise ids: checker.EXERCISES.
    lang: the messages' language ('en', 'zh'); by default the one checker.set_language chose,
    else the environment variable CHECKER_LANG, else English.
    """
    result = run_check(exercise_id, fn, seed=seed, reveal=True, time_limit=time_limit,
                       language=current_language(lang))
    if show:
        result.show()
    return result


class GradeFailure(AssertionError):
    """The AssertionError that grade raises. In IPython and nbgrader its traceback is the message
    alone: no code lines, so feedback never shows the (hidden) test line as context."""

    def _render_traceback_(self):
        return [f"AssertionError: {self}"]


# Notebooks, nbgrader and learners see the familiar name (an output's "ename" is the class name).
GradeFailure.__name__ = GradeFailure.__qualname__ = "AssertionError"


def grade(exercise_id: str, fn, *, visible: bool = False, seed: int | None = None,
          time_limit: float | None = None, lang: str | None = None) -> None:
    """For nbgrader test cells: the same check on hidden cases (visible=True: on the cases
    `check` shows). Raises AssertionError(message) when it fails; writes nothing to stderr;
    the message shows no expected values. lang: as for check."""
    language = current_language(lang)
    if seed is None:
        seed = CHECK_SEED if visible else GRADE_SEED
    with contextlib.redirect_stderr(io.StringIO()):
        result = run_check(exercise_id, fn, seed=seed, reveal=False, time_limit=time_limit, language=language)
    if not result.passed:
        raise GradeFailure(result.message)
    print(text("headline.visible_passed", language, exercise=exercise_id) if visible else result.headline)


__all__ = ["check", "grade", "EXERCISES"]
