"""Judging returns data: a typed Verdict, str-valued kinds, and no words (the renderer writes them)."""
import inspect
import json

import numpy as np

from checker.harness import wire
from checker.exercises import REGISTRY
from checker.exercises.base import Exercise
from checker.exercises.network import variant_backprop
from checker.judge import judge
from checker.messages import render
from checker.harness.running import Observation, observe
from checker.harness.snapshot import ErrorKind, SnapshotKind, take
from checker.verdict import FailingCase, NoteKind, ProblemKind, Text, Verdict


def output_delta_twice(o, t):
    return 2 * (o - t) * o * (1 - o)


def _verdict(fn, exercise_id="output_delta"):
    ex = REGISTRY[exercise_id]
    cases = ex.cases(0)
    return judge(ex, cases, [observe(fn, c.call_args()) for c in cases])


def test_judge_returns_a_verdict_of_plain_data():
    v = _verdict(output_delta_twice)
    assert isinstance(v, Verdict) and (v.passed, v.score, v.max_score, v.mistake) == (False, 0.0, 2.0, "factor_two")
    assert isinstance(v.case, FailingCase) and v.case.label.key == "case.batch" and v.case.shown
    assert v.problem.kind == ProblemKind.VALUE and v.problem.detail == "at"
    assert v.problem.where == (0, 0) and v.problem.data["difference"] > 0


def test_a_passing_verdict_counts_its_cases():
    v = _verdict(lambda o, t: (o - t) * o * (1 - o))
    assert v.passed and v.score == 2.0 and v.cases == len(REGISTRY["output_delta"].cases(0)) and v.problem is None


def test_an_exception_keeps_its_type_message_and_traceback_as_data():
    v = _verdict(lambda o, t: o @ np.ones((7, 7)))
    assert v.mistake == "raised_exception" and v.problem.kind == ProblemKind.RAISED_EXCEPTION
    assert v.problem.data["type"] == "ValueError" and "matmul" in v.problem.data["message"]
    assert "line" in v.traceback


def test_a_fitted_mistake_carries_its_figure_as_data():
    ex = REGISTRY["backprop"]
    cases = ex.cases(0)
    fitted = ex.fitted_mutants(cases, [Observation(output=take(variant_backprop(**c.args, lr=0.5))) for c in cases])
    assert fitted[0].detail == "updated_weights_lr" and abs(fitted[0].data["lr"] - 0.5) < 1e-6


def test_notes_are_kinds_with_data():
    v = _verdict(lambda o, t: (print("x"), ((o - t) * o * (1 - o)).astype(np.float32))[1])
    assert [n.kind for n in v.notes] == [NoteKind.FLOAT32_PASSES, NoteKind.PRINTED]
    assert v.notes[1].data == {"printed": "x"}


def test_the_printed_note_is_left_out_when_grading():
    v = _verdict(lambda o, t: (print("x"), (o - t) * o * (1 - o))[1])
    assert any("printed" in n for n in render(v).notes)
    assert not any("printed" in n for n in render(v, reveal=False).notes)


def test_kinds_are_str_valued_enums():
    assert ErrorKind.TIMEOUT == "timeout" and SnapshotKind.ARRAY == "array" and ProblemKind.VALUE == "value"
    assert json.dumps([ErrorKind.EXCEPTION, SnapshotKind.NONE]) == '["exception", "none"]'


def test_observations_use_the_kinds():
    assert observe(lambda: 1 / 0, {}).error is ErrorKind.EXCEPTION
    assert take(np.zeros(2)).kind is SnapshotKind.ARRAY and take(None).kind is SnapshotKind.NONE


def test_the_wire_sends_kinds_as_strings_and_brings_back_enums():
    obs = observe(lambda: [np.ones(2), 3.0], {})
    line = wire.message(observations=[wire.encode_observation(obs)])
    assert b'"kind":"sequence"' in line
    back = wire.decode_observation(wire.parse_line(line)["observations"][0], [10_000])
    assert back.output.kind is SnapshotKind.SEQUENCE and back.output.items[0].kind is SnapshotKind.ARRAY
    failed = wire.decode_observation(wire.encode_observation(observe(lambda: 1 / 0, {})), [0])
    assert failed.error is ErrorKind.EXCEPTION


def test_an_exercise_assesses_its_cases_without_a_callback_from_the_judge():
    assert list(inspect.signature(Exercise.assess).parameters) == ["self", "cases", "observations", "wants"]


def test_labels_are_catalogue_texts():
    for ex in REGISTRY.values():
        for case in ex.cases(0):
            assert isinstance(case.label, Text) and case.label.key.startswith("case."), ex.id
