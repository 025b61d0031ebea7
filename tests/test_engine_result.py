"""The engine's result of one submission is a dataclass that round-trips through its JSON form."""
import json

import pytest

from checker.engine import grader
from checker.engine.result import GRADED, NOT_GRADED, ExerciseRow, SubmissionResult
from notebooks import NOTEBOOKS

SOURCE = (NOTEBOOKS / "backprop" / "01_sigmoid_and_mse.ipynb").read_text(encoding="utf-8")


def test_a_result_round_trips_through_json():
    result = SubmissionResult("ann", "backprop", [ExerciseRow("01.ipynb", "sigmoid", 1.0, 1.0, None, "✓ sigmoid")],
                              ["a flag"], ["a problem"], "bubblewrap", "")
    again = SubmissionResult.from_dict(json.loads(json.dumps(result.to_dict())))
    assert again == result and again.exercises[0].status == GRADED


def test_a_result_sums_its_rows():
    rows = [ExerciseRow("n", "a", 1.0, 1.0, None, ""), ExerciseRow("n", "b", 0.0, 2.0, "factor_two", "")]
    result = SubmissionResult("ann", "backprop", rows)
    assert (result.score, result.max_score) == (1.0, 3.0)


@pytest.mark.parametrize("data", [[], {"exercises": "x"}, {"student": "ann", "exercises": []},
                                  {"student": "a", "assignment": "b", "flags": [], "problems": [], "isolation": "",
                                   "not_graded": "", "exercises": [{"notebook": "n"}]}])
def test_anything_else_is_refused(data):
    with pytest.raises(ValueError):
        SubmissionResult.from_dict(data)


def test_not_graded_rows_carry_the_status_and_no_points():
    result = grader.not_graded(grader.Task("ann", "backprop", {}, {"01.ipynb": SOURCE}), "a test")
    assert result.not_graded == "a test" and result.exercises
    assert all(row.status == NOT_GRADED and row.score == 0 and row.max_score > 0 for row in result.exercises)
