"""What the engine says about one submission: a row per exercise, plus flags and problems.

Rows are written to OUT/results/<assignment>/<student>.json with to_dict and read back with
from_dict, which checks every field (a result file is only ever the engine's own, but a run
that was killed may leave anything behind).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

GRADED = "graded"
NOT_GRADED = "not graded"
MAX_ANSWER_CHARS = 20_000
OPTIONAL = {"status": GRADED, "failed_property": None, "answer": None}   # absent from older results


@dataclass
class ExerciseRow:
    """One exercise of one notebook: its score out of max_score, the mistake id (None when
    passed or not diagnosed), the learner-facing message, GRADED or NOT_GRADED, the property of
    a right answer that failed (when no mistake matched), and the answer cell's code as
    submitted (for the class report's similarity; at most MAX_ANSWER_CHARS)."""

    notebook: str
    exercise: str
    score: float
    max_score: float
    mistake: str | None
    message: str
    status: str = GRADED
    failed_property: str | None = None
    answer: str | None = None        # None: not recorded (an older engine); "": no answer cell

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class SubmissionResult:
    """not_graded: '' when graded, else why the engine could not grade it (for the instructor)."""

    student: str
    assignment: str
    exercises: list[ExerciseRow] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)       # code for a person to look at
    problems: list[str] = field(default_factory=list)    # what was wrong with the submission
    isolation: str = ""                                  # what the sandbox held, in words
    not_graded: str = ""

    @property
    def score(self) -> float:
        return sum(row.score for row in self.exercises)

    @property
    def max_score(self) -> float:
        return sum(row.max_score for row in self.exercises)

    def to_dict(self) -> dict:
        return {**asdict(self), "exercises": [row.to_dict() for row in self.exercises]}

    @classmethod
    def from_dict(cls, data: dict) -> "SubmissionResult":
        """The result a to_dict made; ValueError if data is not one."""
        if not isinstance(data, dict) or not isinstance(data.get("exercises"), list):
            raise ValueError("not a result")
        try:
            rows = [ExerciseRow(**{f.name: row[f.name] if f.name in row or f.name not in OPTIONAL
                                   else OPTIONAL[f.name] for f in fields(ExerciseRow)})
                    for row in data["exercises"]]
            result = cls(**{**{f.name: data[f.name] for f in fields(cls)}, "exercises": rows})
        except (KeyError, TypeError):
            raise ValueError("a result field is missing") from None
        if not all(isinstance(row.score, (int, float)) and isinstance(row.max_score, (int, float))
                   for row in rows):
            raise ValueError("a score is not a number")
        if not all(isinstance(row.answer, (str, type(None))) and isinstance(row.failed_property, (str, type(None)))
                   and isinstance(row.mistake, (str, type(None))) for row in rows):
            raise ValueError("a field of a row has the wrong type")
        return result
