"""checker speaks English or Chinese: chosen by lang=, then checker.set_language, then CHECKER_LANG,
then English; the two catalogues have the same templates with the same fields, and a Chinese
check of a wrong answer shows no English sentence."""
import os
import re
import string
import subprocess
import sys
import warnings

import numpy as np
import pytest

import checker
from checker.exercises import REGISTRY
from checker.language import current_language, normalise, set_language
from checker.messages import load, text
from translation_checks import CJK, english_runs

EN, ZH = load("en"), load("zh")
WRONG_SIGMOID = lambda z: 1 / (1 + np.exp(z))


@pytest.fixture(autouse=True)
def english_by_default(monkeypatch):
    monkeypatch.delenv("CHECKER_LANG", raising=False)
    set_language(None)
    yield
    set_language(None)


def template(cat, key):
    return cat.lookup(key)


def fields(t) -> set[str]:
    if isinstance(t, dict):
        return fields(t["one"]) | fields(t["other"])
    return {f for _, f, _, _ in string.Formatter().parse(t) if f is not None}


def left_in_english(message: str) -> list[str]:
    """Runs of three English words outside `code`, {fields} and identifiers."""
    bare = re.sub(r"`[^`]*`|\{[^}]*\}|\b\w*[_.(]\w*\b", " ", message)
    return english_runs(bare)


# ------------------------------------------------------------------ the catalogues match
def test_both_catalogues_have_the_same_templates():
    assert EN.keys() == ZH.keys(), (sorted(EN.keys() - ZH.keys())[:10], sorted(ZH.keys() - EN.keys())[:10])


def test_every_template_has_the_same_fields_and_plural_forms_in_both():
    for key in EN.keys():
        en, zh = template(EN, key), template(ZH, key)
        assert isinstance(en, dict) == isinstance(zh, dict), key
        assert fields(en) == fields(zh), key


def test_every_mistake_id_and_problem_kind_is_in_both():
    from checker.verdict import ProblemKind
    assert set(EN.entries["mistake"]) == set(ZH.entries["mistake"]) == set(checker.MISTAKES)
    for kind in ProblemKind:
        assert kind.value in EN.entries["problem"] and kind.value in ZH.entries["problem"], kind


def test_the_chinese_templates_are_chinese():
    for key in ZH.keys():
        t = template(ZH, key)
        for words in (t.values() if isinstance(t, dict) else [t]):
            assert CJK.search(words) or not re.search(r"[A-Za-z]{3,}", re.sub(r"\{[^}]*\}|\b\w*[_.(]\w*\b", "", words)), key
            assert left_in_english(words) == [], (key, words)


# ------------------------------------------------------------------ which language
def test_english_is_the_default():
    assert current_language() == "en"
    assert checker.check("sigmoid", WRONG_SIGMOID, show=False).headline.startswith("✗ sigmoid: not right yet")


def test_the_environment_variable_chooses_chinese(monkeypatch):
    monkeypatch.setenv("CHECKER_LANG", "zh_CN.UTF-8")
    assert current_language() == "zh"
    assert checker.check("sigmoid", WRONG_SIGMOID, show=False).headline == "✗ sigmoid：还不对（0/1 分）"


def test_set_language_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("CHECKER_LANG", "en")
    checker.set_language("zh")
    assert current_language() == "zh"
    checker.set_language(None)
    assert current_language() == "en"


def test_the_argument_wins_over_set_language(monkeypatch):
    monkeypatch.setenv("CHECKER_LANG", "zh")
    checker.set_language("zh")
    assert checker.check("sigmoid", WRONG_SIGMOID, show=False, lang="en").headline.startswith("✗ sigmoid: not")
    checker.set_language("en")
    assert "还不对" in checker.check("sigmoid", WRONG_SIGMOID, show=False, lang="zh").headline


def test_grade_speaks_the_chosen_language():
    checker.set_language("zh")
    with pytest.raises(AssertionError, match="还不对") as failure:
        checker.grade("sigmoid", WRONG_SIGMOID)
    assert left_in_english(str(failure.value)) == []
    with pytest.raises(AssertionError, match="not right yet"):
        checker.grade("sigmoid", WRONG_SIGMOID, lang="en")


@pytest.mark.parametrize("name", ["zh", "ZH", "zh-CN", "zh_CN", "zh-Hans", "zh_CN.UTF-8"])
def test_the_usual_spellings_of_chinese_name_it(name):
    assert normalise(name) == "zh"


def test_an_unknown_language_is_refused_with_the_languages_there_are():
    with pytest.raises(ValueError, match="'en', 'zh'"):
        checker.set_language("fr")
    with pytest.raises(ValueError, match="'en', 'zh'"):
        checker.check("sigmoid", WRONG_SIGMOID, show=False, lang="klingon")


def test_an_unknown_language_in_the_environment_warns_and_speaks_english(monkeypatch):
    monkeypatch.setenv("CHECKER_LANG", "fr")
    with pytest.warns(UserWarning, match="CHECKER_LANG='fr' is ignored"):
        assert current_language() == "en"


def test_a_fresh_python_with_checker_lang_zh_speaks_chinese(tmp_path):
    code = "import checker\nchecker.check('d_sigmoid_in_o', '1 - o^2')\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path,
                         env={**os.environ, "CHECKER_LANG": "zh"})
    assert out.returncode == 0, out.stderr
    assert "✗ d_sigmoid_in_o：还不对" in out.stdout and "tanh" in out.stdout and left_in_english(out.stdout) == []


def test_an_unknown_exercise_is_refused_in_the_chosen_language():
    with pytest.raises(ValueError) as refused:
        checker.check("sigmoidd", WRONG_SIGMOID, lang="zh")
    assert CJK.search(str(refused.value)) and "sigmoid" in str(refused.value)


def test_the_gradient_check_report_and_the_explorer_readout_speak_it_too():
    from checker.explorer import describe
    from checker.reference.gradient_check import GradientCheckReport
    report = GradientCheckReport([1e-9, float("nan")], 1e-5, 36, ["W_1", "b_1"])
    checker.set_language("zh")
    assert str(report).splitlines() == ["通过 W_1：相对误差 1.00e-09", "失败 b_1：相对误差 nan",
                                        "前向传播 36 次，容差 1e-05"]
    assert CJK.search(describe(0.9))
    checker.set_language("en")
    assert str(report).splitlines()[1] == "FAIL b_1: relative error nan"


# ------------------------------------------------------------------ no English sentence in Chinese feedback
def _wrong_answers(ex):
    """The mistakes the exercise knows (its mutants or misconceptions), and code that breaks."""
    if ex.derivation:
        forms = [f for m in ex.misconceptions for f in m.forms if isinstance(f, (str, int, float))]
        return forms + ["o(1-o", "hello world", None, "1/0", "", [1, 2], float("nan")]
    return [m.fn for m in ex.mutants] + [lambda *a, **k: 1 / 0, lambda *a, **k: None,
                                         lambda *a, **k: [1, 2], lambda *a, **k: "text", 42]


@pytest.mark.parametrize("exercise", list(REGISTRY))
def test_a_chinese_check_of_a_wrong_answer_shows_no_english_sentence(exercise):
    ex = REGISTRY[exercise]
    for answer in _wrong_answers(ex):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = checker.check(exercise, answer, show=False, lang="zh")
        assert not result.passed
        assert left_in_english(result.message) == [], result.message
        assert CJK.search(result.headline) and CJK.search(result.explanation), result.message


def test_the_engine_feedback_words_come_in_chinese():
    for key in ("engine.not_graded", "engine.missing", "engine.never_reached", "feedback.not_graded"):
        words = text(key, "zh", exercise="ema", notebook="01.ipynb")
        assert CJK.search(words) and left_in_english(words) == [], key
