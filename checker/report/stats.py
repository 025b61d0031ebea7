"""Item analysis of a graded class: per exercise, who attempted, passed, and which mistake each
failure showed; the discrimination index; and which misconceptions go together.

Definitions (the page states them too):
- the class of an exercise: the students with a graded result for its assignment;
- attempted: graded, an answer cell was submitted (results of an older engine, which did not
  record answers, count every one), and it is not the stub as handed out (not_attempted, or
  equal to the released stub);
- attempt rate and pass rate: shares of the class; mean score: mean share of the points over the class;
- a failure's cause: its mistake id, else the property of right answers it broke, else unknown;
  counted over the attempts;
- discrimination D = (mean score share of the upper group) − (of the lower group), the groups
  being the 27 % of the class with the highest and lowest rest score (the student's share of
  all their other graded points); nan under MIN_FOR_DISCRIMINATION students.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from ..engine.result import GRADED, SubmissionResult

NOT_ATTEMPTED = "not_attempted"
MISTAKE, PROPERTY, UNKNOWN = "mistake", "property", "unknown"
GROUP_SHARE = 0.27
MIN_FOR_DISCRIMINATION = 4
SIGNIFICANCE = 0.01


@dataclass(frozen=True)
class Cause:
    """Why one attempt failed: kind MISTAKE (name: a mistake id), PROPERTY (name: a property of
    right answers) or UNKNOWN (name '')."""

    kind: str
    name: str = ""

    @property
    def label(self) -> str:
        return {MISTAKE: self.name, PROPERTY: f"property:{self.name}", UNKNOWN: UNKNOWN}[self.kind]


@dataclass
class Item:
    """One exercise across the class. shares: student -> score / max_score (graded students
    only); attempted: the students who attempted it; causes: student -> Cause, for every
    failed attempt."""

    assignment: str
    notebook: str
    exercise: str
    max_score: float
    shares: dict = field(default_factory=dict)
    attempted: set = field(default_factory=set)
    causes: dict = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return self.assignment, self.exercise

    @property
    def graded(self) -> int:
        return len(self.shares)

    @property
    def passed(self) -> set:
        return {s for s, share in self.shares.items() if share >= 1 - 1e-9}

    @property
    def attempt_rate(self) -> float:
        return _ratio(len(self.attempted), self.graded)

    @property
    def pass_rate(self) -> float:
        return _ratio(len(self.passed), self.graded)

    @property
    def mean_score(self) -> float:
        """Mean points over the class (not a share)."""
        return _ratio(sum(self.shares.values()), self.graded) * self.max_score

    def cause_counts(self) -> list[tuple[Cause, int]]:
        """(cause, number of failed attempts), most frequent first; unknown last."""
        counts = Counter(self.causes.values())
        return sorted(counts.items(), key=lambda kv: (kv[0].kind == UNKNOWN, -kv[1], kv[0].kind, kv[0].name))

    def share_of_attempts(self, count: int) -> float:
        return _ratio(count, len(self.attempted))


def _ratio(a: float, b: float) -> float:
    return a / b if b else math.nan


def cause_of(row) -> Cause:
    if row.mistake and row.mistake != NOT_ATTEMPTED:
        return Cause(MISTAKE, row.mistake)
    if row.failed_property:
        return Cause(PROPERTY, row.failed_property)
    return Cause(UNKNOWN)


def items(results: list[SubmissionResult], stubs: dict | None = None) -> list[Item]:
    """One Item per (assignment, exercise), in the order the results list them. Submissions
    that were not graded, and rows not graded, count nowhere. stubs: (assignment, exercise) ->
    the released stub; an answer that is the stub as handed out was not attempted, even where the
    engine did not reach it to say so (a run stopped by an earlier cell)."""
    stubs = stubs or {}
    found: dict[tuple, Item] = {}
    for result in results:
        if result.not_graded:
            continue
        for row in result.exercises:
            if row.status != GRADED:
                continue
            item = found.setdefault((result.assignment, row.exercise), Item(
                result.assignment, row.notebook, row.exercise, row.max_score))
            share = row.score / row.max_score if row.max_score else 0.0
            item.shares[result.student] = share
            if _attempted(row, stubs.get((result.assignment, row.exercise))):
                item.attempted.add(result.student)
                if share < 1 - 1e-9:
                    item.causes[result.student] = cause_of(row)
    return list(found.values())


def _attempted(row, stub: str | None) -> bool:
    if row.mistake == NOT_ATTEMPTED or row.answer is not None and not row.answer.strip():
        return False
    return row.answer is None or stub is None or row.answer.strip() != stub.strip()


def rest_scores(all_items: list[Item], left_out: Item) -> dict:
    """student -> share of their points on every other graded item (nan with no other item)."""
    earned, possible = Counter(), Counter()
    for item in all_items:
        if item is left_out:
            continue
        for student, share in item.shares.items():
            earned[student] += share * item.max_score
            possible[student] += item.max_score
    return {s: _ratio(earned[s], possible[s]) for s in left_out.shares}


def discrimination(item: Item, all_items: list[Item]) -> float:
    """D = mean score share of the upper 27 % minus the lower 27 %, ranked by the rest score."""
    rest = {s: r for s, r in rest_scores(all_items, item).items() if not math.isnan(r)}
    if len(rest) < MIN_FOR_DISCRIMINATION:
        return math.nan
    ranked = sorted(rest, key=lambda s: (rest[s], s))
    n = max(1, round(GROUP_SHARE * len(ranked)))
    lower, upper = ranked[:n], ranked[-n:]
    mean = lambda group: sum(item.shares[s] for s in group) / len(group)   # noqa: E731
    return mean(upper) - mean(lower)


@dataclass(frozen=True)
class Together:
    """Students whose attempt at `first` failed with `cause`, and how they did on `second`:
    n of them attempted second, failed of those failed it (share), against the failure share
    of everyone else who attempted second (baseline); and the commonest cause of those failures."""

    first: tuple
    cause: Cause
    second: tuple
    n: int
    failed: int
    share: float
    baseline: float
    commonest: Cause | None


def together(all_items: list[Item], min_students: int = 3, limit: int = 20) -> list[Together]:
    """Which misconceptions go together: for each diagnosed cause in one exercise (shared by at
    least min_students) and each other exercise, the failure share there among those students
    against everyone else's. Kept when at least min_students of them failed and chance is an
    unlikely explanation: the binomial probability of that many failures at the others' rate,
    times the number of comparisons made (Bonferroni: there are hundreds), under SIGNIFICANCE.
    The `limit` strongest first."""
    from scipy.stats import binom

    found, compared = [], 0
    for first in all_items:
        by_cause: dict[Cause, set] = {}
        for student, cause in first.causes.items():
            by_cause.setdefault(cause, set()).add(student)
        for cause, group in by_cause.items():
            if cause.kind == UNKNOWN or len(group) < min_students:
                continue
            for second in all_items:
                if second is first:
                    continue
                tried = group & second.attempted
                others = second.attempted - group
                if len(tried) < min_students or not others:
                    continue
                compared += 1
                failing = [second.causes[s] for s in tried if s in second.causes]
                share = len(failing) / len(tried)
                baseline = sum(1 for s in others if s in second.causes) / len(others)
                if len(failing) >= min_students and share > baseline:
                    chance = float(binom.sf(len(failing) - 1, len(tried), max(baseline, 1 / len(others))))
                    commonest = Counter(failing).most_common(1)[0][0]
                    found.append((chance, Together(first.key, cause, second.key, len(tried), len(failing), share,
                                                   baseline, commonest)))
    found = [t for chance, t in found if chance * compared < SIGNIFICANCE]
    found.sort(key=lambda t: (-(t.share - t.baseline) * math.sqrt(t.failed), t.first, t.second, t.cause.label))
    return found[:limit]
