"""The verdict on one exercise as plain data: no learner-facing words (``checker.messages`` writes them).

Every piece of wording is named by a catalogue key plus the fields its template fills: a
``Text`` (a case label, a description of a value, a mutant's extra detail), a ``Problem`` (its
kind and detail name the template), a ``Note`` (its kind).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

import numpy as np


class ProblemKind(str, Enum):
    """What is wrong with one case. All but VALUE and PROPERTY are also MISTAKES ids."""

    VALUE = "value"                      # the values differ
    NOT_FINITE = "not_finite"
    RETURNED_NONE = "returned_none"
    WRONG_TYPE = "wrong_type"
    WRONG_SHAPE = "wrong_shape"
    INTEGER_DTYPE = "integer_dtype"
    PROPERTY = "property"                # a check that does not use the reference failed
    TOO_SLOW = "too_slow"
    RAISED_EXCEPTION = "raised_exception"
    NOT_ATTEMPTED = "not_attempted"
    INPUT_MODIFIED = "input_modified"


class NoteKind(str, Enum):
    FLOAT32_PASSES = "float32_passes"    # passed, but only at float32 tolerance
    FLOAT32 = "float32"                  # returns float32 arrays
    LOOSE_PASSES = "loose_passes"        # float64 results that pass only at float32 tolerance (e.g. clipping)
    INPUT_ROUNDED = "input_rounded"      # data: changed (names): inputs back to within rounding, not exactly
    WARNINGS = "warnings"                # data: warnings (list of text)
    PRINTED = "printed"                  # data: printed (text, at most a few lines)
    INPUTS_CHANGED = "inputs_changed"    # data: changed (list of argument names)
    SEE_CALLOUT = "see_callout"          # data: mistake (an id the notebook's "Stuck?" block explains)


class HeadlineKind(str, Enum):
    PASSED = "passed"
    NOT_ATTEMPTED = "not_attempted"
    FAILED = "failed"


@dataclass(frozen=True)
class Text:
    """A phrase from the catalogue: its key (e.g. 'case.shape_of') and the fields its template
    fills. A field may itself be a Text, or a list (of texts or plain values)."""

    key: str
    fields: dict = field(default_factory=dict)


@dataclass
class Problem:
    """What is wrong with one case: the template `problem.<kind>.<detail>` filled with data
    (plus path and where). mistake: a more precise MISTAKES id, when the problem itself tells;
    want/got: the expected and the learner's values of the item that disagrees."""

    kind: ProblemKind
    detail: str = "text"
    data: dict = field(default_factory=dict)
    path: str = ""
    where: tuple | None = None
    mistake: str | None = None
    want: np.ndarray | None = None
    got: np.ndarray | None = None


@dataclass(frozen=True)
class Note:
    kind: NoteKind
    data: dict = field(default_factory=dict)


@dataclass
class FailingCase:
    """The first failing case: its label, its inputs, and whether they may be shown."""

    label: Text
    args: dict
    shown: bool = True
    public: bool = False     # a fixed probe: its inputs may be shown even when grading


@dataclass
class Verdict:
    """passed, score/max_score; when failed: the mistake id (or None), the failing case and its
    problem, the diagnosis (extra data added to the mistake's explanation, e.g. a fitted
    learning rate), or an explanation of its own (e.g. a constant factor), and the
    exception's traceback in the learner's code. cases: how many cases were judged."""

    exercise: str
    passed: bool
    score: float
    max_score: float
    mistake: str | None = None
    case: FailingCase | None = None
    problem: Problem | None = None
    diagnosis: Text | None = None
    explanation: Text | None = None
    explained: Text | None = None        # the exercise's own words on the failing output
    failed_property: str | None = None   # the property of a right answer that fails (no mistake matched)
    traceback: str = ""
    notes: list = field(default_factory=list)
    cases: int = 0

    @property
    def headline(self) -> HeadlineKind:
        if self.passed:
            return HeadlineKind.PASSED
        return HeadlineKind.NOT_ATTEMPTED if self.mistake == "not_attempted" else HeadlineKind.FAILED
