"""The message catalogue: every verdict's words come from it, in any language with its keys."""
import ast
import json
import re
import warnings
from pathlib import Path

import pytest

import checker
from checker.exercises import REGISTRY
from checker.judge import judge
from checker.messages import Catalogue, catalogue as catalogue_module, load, mistakes, render, text
from checker.harness.running import observe_all
from checker.verdict import HeadlineKind, NoteKind, ProblemKind

CHECKER = Path(checker.__file__).parent
EN = load("en")
LEFTOVER_FIELD = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:![rsa])?(?::[^{}]*)?\}")


def _mutant_verdicts():
    """(exercise id, mutant index, Verdict) for every mutant of every exercise, on the shown cases."""
    found = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for ex in REGISTRY.values():
            cases = ex.cases(0)
            for i, mutant in enumerate(ex.mutants):
                # one case at a time: a mutant calls checker.reference, which would end observe_all
                observations = [observe_all(mutant.fn, [c.call_args()], ex.time_limit)[0] for c in cases]
                for obs in observations:  # judged as if it were learner code
                    obs.used_reference = ""
                found.append((ex.id, i, judge(ex, cases, observations)))
    return found


VERDICTS = _mutant_verdicts()


def _string_literals(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def _enum_values():
    return {k.value for enum in (ProblemKind, NoteKind, HeadlineKind) for k in enum}


# ------------------------------------------------------------------ completeness

def test_every_mistake_id_has_an_explanation_and_a_hint():
    ids = {m.mistake for ex in REGISTRY.values() for m in ex.mutants} | {"uses_reference", "uses_updated_weights"}
    ids |= {k.value for k in ProblemKind} - {"value", "property"}
    for mistake in ids:
        assert EN.has(f"mistake.{mistake}.explanation") and EN.has(f"mistake.{mistake}.hint"), mistake


def test_every_problem_kind_has_a_template():
    for kind in ProblemKind:
        assert EN.entries["problem"].get(kind.value), kind


def test_every_note_and_headline_kind_has_a_template():
    for kind in NoteKind:
        assert EN.has(f"note.{kind.value}"), kind
    for kind in HeadlineKind:
        assert EN.has(f"headline.{kind.value}"), kind


def test_every_exercise_has_a_summary():
    for exercise_id in REGISTRY:
        assert EN.has(f"exercise.{exercise_id}.summary"), exercise_id


def test_every_mutant_detail_has_a_template():
    for ex in REGISTRY.values():
        for mutant in ex.mutants:
            assert not mutant.detail or EN.has(f"mutant.{mutant.detail}"), (ex.id, mutant.detail)


def test_no_template_key_is_unused():
    """A key is used when the code names it, or names its last part (a kind, a detail, a label)
    under a prefix it builds: 'problem.value.hidden_at', 'case.' + 'close'."""
    literals = set().union(*(_string_literals(p) for p in CHECKER.rglob("*.py")))
    named = literals | _enum_values() | set(REGISTRY) | set(EN.entries["mistake"])
    unused = []
    for key in EN.keys():
        parts = key.split(".")
        if parts[0] == "mistake" or (parts[0] == "exercise" and parts[1] in REGISTRY):
            continue
        if key not in named and ".".join(parts[:2]) not in named and parts[-1] not in named:
            unused.append(key)
    assert unused == []


def test_mistakes_is_built_from_the_catalogue():
    assert set(checker.MISTAKES) == set(EN.entries["mistake"])
    assert checker.MISTAKES["too_slow"].explanation == EN.lookup("mistake.too_slow.explanation")
    assert "W_{l+1}.T" in checker.MISTAKES["missing_transpose"].hint  # {{ }} in a template is a brace


# ------------------------------------------------------------------ every template's fields are filled

@pytest.mark.parametrize("reveal", [True, False])
def test_every_mutant_verdict_renders_with_no_field_left_over(reveal):
    assert len(VERDICTS) == sum(len(ex.mutants) for ex in REGISTRY.values())
    for exercise_id, i, verdict in VERDICTS:
        r = render(verdict, reveal=reveal)
        assert not r.passed and r.message.startswith(f"✗ {exercise_id}: "), (exercise_id, i)
        assert LEFTOVER_FIELD.search(r.message) is None, (exercise_id, i, r.message)


def test_mutant_verdicts_use_most_problem_kinds_and_every_exercise():
    kinds = {v.problem.kind for _, _, v in VERDICTS if v.problem is not None}
    assert {ProblemKind.VALUE, ProblemKind.PROPERTY, ProblemKind.NOT_FINITE} <= kinds
    assert {e for e, _, _ in VERDICTS} == {e for e, ex in REGISTRY.items() if ex.mutants}


def test_a_failing_verdict_hides_expected_values_when_not_revealed():
    verdict = next(v for e, _, v in VERDICTS if e == "output_delta")
    assert "expected:" in render(verdict, reveal=True).message
    assert "expected:" not in render(verdict, reveal=False).message


# ------------------------------------------------------------------ another language

def _prefixed(entries: dict, prefix: str) -> dict:
    return {k: _prefixed(v, prefix) if isinstance(v, dict) else prefix + v for k, v in entries.items()}


def _write_toml(path: Path, entries: dict) -> None:
    """Dotted keys (every key is bare), JSON strings (valid TOML basic strings)."""
    lines = []

    def walk(node, prefix):
        for k, v in node.items():
            if isinstance(v, dict):
                walk(v, f"{prefix}{k}.")
            else:
                lines.append(f"{prefix}{k} = {json.dumps(v, ensure_ascii=False)}")
    walk(entries, "")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def xx(tmp_path) -> Catalogue:
    path = tmp_path / "xx.toml"
    _write_toml(path, _prefixed(EN.entries, "XX "))
    return Catalogue.from_file(path)


def test_a_catalogue_with_the_same_keys_plugs_in(xx):
    assert xx.keys() == EN.keys()
    for reveal in (True, False):
        for _, _, verdict in VERDICTS:
            r = render(verdict, reveal=reveal, language=xx)
            assert r.headline.startswith("XX ") and r.explanation.startswith("XX ") and r.hint.startswith("XX ")
            assert all(line.startswith("XX ") for line in r.message.splitlines() if line and line[0] != " ")
            assert r.details.startswith("XX ") and LEFTOVER_FIELD.search(r.message) is None


def test_mistakes_and_single_templates_come_in_the_other_language(xx):
    assert mistakes(xx)["factor_two"].explanation.startswith("XX ")
    assert text("engine.not_graded", xx, exercise="ema").startswith("XX ✗ ema: not graded")


def test_a_language_is_a_file_next_to_en_toml(tmp_path, monkeypatch):
    _write_toml(tmp_path / "xx.toml", _prefixed(EN.entries, "XX "))
    monkeypatch.setattr(catalogue_module, "FOLDER", tmp_path)
    load.cache_clear()
    try:
        r = checker.check("output_delta", lambda o, t: 2 * (o - t) * o * (1 - o), show=False, lang="xx")
        assert r.message.startswith("XX ✗ output_delta: not right yet") and "XX Hint: " in r.message
    finally:
        load.cache_clear()


def test_an_unknown_language_is_refused_with_the_languages_there_are():
    with pytest.raises(ValueError, match="en"):
        load("qq")


# ------------------------------------------------------------------ no words outside the catalogue

WORDS = re.compile(r"\b(your|Your|you|You|expected|got|should|wrong|missing|passed|failed|points)\b")
NO_WORDS = ["judge.py", "compare.py", "grading.py", "assess.py", "verdict.py", "engine/grader.py",
            "engine/extract.py", "engine/scan.py", "engine/files.py", "engine/sandbox.py", "engine/run.py",
            "harness/wire.py", "explorer.py", *[f"exercises/{p.name}" for p in (CHECKER / "exercises").glob("*.py")]]
ALLOWED = {  # for the instructor, not the learner: why a submission was not graded
    "judge.py": {  # not words to show: the pattern of Python's own TypeError for a call of the wrong signature
        r"takes \d+ positional arguments? but \d+ (were|was) given|missing \d+ required positional arguments?|"
        r"got an unexpected keyword argument"},
    "engine/grader.py": {"the grader failed on this submission (",
                         "the grader failed on this submission ({type(exc).__name__}: {str(exc)[:200]})"},
    "engine/run.py": {"the grading worker failed (", "the grading worker failed ({type(exc).__name__}: {str(exc)[:150]})",
                      "warning: the grading sandbox here is weaker than it should be: ",
                      "warning: the grading sandbox here is weaker than it should be: {isolation}"},
}


def _sentences(path: Path) -> set[str]:
    """String constants and f-string texts, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            found.add(ast.unparse(node)[2:-1])
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            found.add(node.value)
    return found


# Where the code names a catalogue key by its last part: the call, and the section it is in.
KEY_MAKERS = {"Text": "", "NotReadable": "file.", "BadSubmission": "engine.", "WireError": "wire.", "_flag": "flag."}


def _named_keys(path: Path) -> set[str]:
    """The catalogue keys a module names as literals: Text("a.b", …), NotReadable("k", …), …"""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in KEY_MAKERS and isinstance(node.args[0].value, str):
                found.add(KEY_MAKERS[name] + node.args[0].value)
    return found


@pytest.mark.parametrize("path", sorted(CHECKER.rglob("*.py")), ids=lambda p: str(p.relative_to(CHECKER)))
def test_every_key_the_code_names_is_in_the_catalogue(path):
    named = {k for k in _named_keys(path) if k}   # Text(""): a default, filled in later
    assert sorted(k for k in named if not EN.has(k) and not EN.has(f"{k}.text")) == []   # explanations: .text


def test_every_kind_of_file_has_words():
    from checker.engine import files
    assert all(EN.has(f"file.kind.{kind}") for kind in files.KINDS)


def test_the_engines_stop_reasons_and_flags_are_found_by_the_key_test():
    names = _named_keys(CHECKER / "engine" / "sandbox.py") | _named_keys(CHECKER / "engine" / "scan.py")
    assert {"stop.wall", "stop.memory", "flag.table", "flag.system"} <= names
    assert "wire.not_json" in _named_keys(CHECKER / "harness" / "wire.py")


@pytest.mark.parametrize("name", NO_WORDS)
def test_judging_code_builds_no_message_text(name):
    flagged = {s for s in _sentences(CHECKER / name) if " " in s and WORDS.search(s)}
    assert flagged <= ALLOWED.get(name, set())


def test_grading_shows_no_figure_of_a_tensor_by_tensor_report():
    verdict = next(v for e, _, v in VERDICTS if e == "backprop" and v.mistake == "missing_sigma_prime")
    assert "relative error 0." in render(verdict, reveal=True).details
    hidden = render(verdict, reveal=False).details
    assert "relative error …" in hidden and "relative error 0." not in hidden


def test_the_engines_not_graded_rows_are_written_from_the_catalogue():
    from checker.engine import grader

    source = (CHECKER.parent / "notebooks" / "backprop" / "01_sigmoid_and_mse.ipynb").read_text(encoding="utf-8")
    rows = grader.not_graded(grader.Task("ann", "backprop", {}, {"01.ipynb": source}), "a test").to_dict()["exercises"]
    assert sorted(r["exercise"] for r in rows) == sorted(e for e, ex in REGISTRY.items()
                                                        if ex.notebook == "backprop/01_sigmoid_and_mse")
    assert rows[0]["message"] == text("engine.not_graded", exercise="sigmoid")
    assert "not graded: the grading system failed, not your code" in rows[0]["message"]


def test_the_engines_feedback_page_is_written_from_the_catalogue(tmp_path):
    from checker.engine.run import write_reports

    row = {"notebook": "01.ipynb", "exercise": "sigmoid", "score": 0.0, "max_score": 1.0, "mistake": None,
           "message": "✗ sigmoid: …", "status": "graded"}
    write_reports(tmp_path, tmp_path, [{"student": "ann", "assignment": "backprop", "exercises": [row],
                                        "problems": ["p"], "flags": [], "not_graded": ""}])
    page = (tmp_path / "feedback" / "ann" / "backprop.txt").read_text(encoding="utf-8")
    assert page.startswith(text("feedback.title", student="ann", assignment="backprop"))
    assert "Score: 0 / 1" in page and text("feedback.problems") in page
