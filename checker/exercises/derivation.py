"""What a derivation exercise is: a question whose answer is an expression or a number, and its judge.

The learner's notebook maps nothing to anything: its answer cell sets `answer` to a string
holding an expression (or a number). The harness takes a plain copy of that value
(``checker.harness.answers``); ``judge_answer`` reads it with ``checker.expressions`` and compares
it with the right answer, then with the exercise's misconceptions (each a mistake id and the
wrong forms it stands for), then with simple relations (a sign, a constant factor, a constant
offset). Words come from the catalogue: keys under [derivation] and [mistake].

A subclass of Derivation supplies
- ``symbols``: name -> Domain (the only names allowed; empty: the answer is a number);
- ``right``: a right answer, as text (expressions) or ``right_value()`` (numbers);
- ``misconceptions``: Misconception(mistake id, wrong forms), forms being texts for expressions,
  numbers (or a test value -> bool) for numbers;
- for numbers, ``tolerance`` (relative) and ``integer``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..harness.snapshot import ErrorKind, SnapshotKind
from ..verdict import Note, NoteKind, Text, Verdict
from .base import Case, Exercise

ANSWER_NAME = "answer"   # the variable the notebook's answer cell sets

# sympy (and checker.expressions, which needs it) is imported where an answer is read, not here:
# every notebook imports checker, and most never judge a derivation.


@dataclass(frozen=True)
class Domain:
    """Where a symbol's values lie when answers are sampled: (low, high), whole numbers or reals."""

    low: float
    high: float
    integer: bool = False


@dataclass
class Misconception:
    mistake: str
    forms: list = field(default_factory=list)   # texts, numbers, or callables value -> bool


class Derivation(Exercise):
    """An exercise whose answer is a value (expression text or number), not a function."""

    derivation = True
    answer_name = ANSWER_NAME
    symbols: dict = {}               # name -> Domain
    right: str = ""                  # for expressions
    tolerance: float = 1e-9          # for numbers: relative
    integer: bool = False

    @property
    def misconceptions(self) -> list[Misconception]:
        return []

    def known_mistakes(self) -> list[str]:
        return list(dict.fromkeys(m.mistake for m in self.misconceptions))

    def right_value(self) -> float:
        raise NotImplementedError

    def make_cases(self, rng) -> list[Case]:
        """One case: no inputs, and the points where an expression is compared, drawn from the seed
        (so the engine's, drawn from each student's secret seed, cannot be known in advance)."""
        from .. import expressions
        points = expressions.sample_points(self.sympy_symbols(), self.symbols, rng) if self.symbols else []
        return [Case({}, Text("case.derivation_answer"), info={"points": points})]

    def expected(self, case):
        return None

    # ---------------------------------------------------------------- reading
    def sympy_symbols(self) -> dict:
        import sympy
        out = {}
        for name, d in self.symbols.items():
            out[name] = sympy.Symbol(name, integer=True, positive=True) if d.integer else \
                sympy.Symbol(name, positive=True)
        return out

    def read(self, text: str):
        from .. import expressions
        return expressions.parse(text, self.sympy_symbols())

def _allowed(ex: Derivation) -> list[str]:
    return sorted(ex.symbols)


def judge_answer(ex: Derivation, cases: list, observations: list) -> Verdict:
    """The verdict on a derivation answer from the observation of reading it (one case, whose
    info holds the sample points)."""
    import sympy

    from ..expressions import Unreadable
    obs, points = observations[0], cases[0].info.get("points", [])

    def failed(mistake, explanation=None, explained=None, notes=()):
        return Verdict(ex.id, False, 0.0, float(ex.points), mistake, explanation=explanation,
                       explained=explained, notes=list(notes), cases=1)

    if obs.error == ErrorKind.NOT_ATTEMPTED:
        return failed("not_attempted")
    if obs.error is not None:
        kind = "too_slow" if obs.error == ErrorKind.TIMEOUT else "raised_exception"
        return failed(kind, Text(f"derivation.{kind}", {"type": obs.exception_type,
                                                         "message": obs.exception_message[:200]}))
    snap = obs.output
    if snap.kind == SnapshotKind.NONE:
        return failed("not_attempted", Text("derivation.answer_none", {"name": ex.answer_name}))
    if snap.kind == SnapshotKind.TEXT:
        try:
            value = ex.read(snap.text)
        except Unreadable as exc:
            return _unreadable(ex, exc, failed)
    elif snap.kind == SnapshotKind.SCALAR and snap.values is not None:
        if not math.isfinite(float(snap.values)):
            return failed("wrong_type", Text("derivation.not_finite", {}))
        value = sympy.Float(float(snap.values), 17) if snap.dtype not in ("int", "int64", "int32") else \
            sympy.Integer(int(snap.values))
    else:
        return failed("wrong_type", Text("derivation.wrong_type", {"type": snap.type_name, "name": ex.answer_name,
                                                                   "asks": _asks(ex)}))
    if ex.symbols:
        return _judge_expression(ex, value, points, failed)
    return _judge_number(ex, value, failed)


def _asks(ex: Derivation) -> Text:
    if ex.symbols:
        return Text("derivation.asks_expression", {"allowed": _allowed(ex)})
    return Text("derivation.asks_integer" if ex.integer else "derivation.asks_number", {})


def _unreadable(ex, exc, failed) -> Verdict:
    from .. import expressions
    fields = {**exc.fields, "allowed": _allowed(ex) or ["—"], "functions": sorted(expressions.FUNCTIONS)}
    if exc.kind == "unknown_symbol" and not ex.symbols:
        return failed("expression_not_number", Text("derivation.expression_for_number", fields))
    mistake = "unknown_symbol" if exc.kind == "unknown_symbol" else "unreadable_answer"
    return failed(mistake, Text(f"derivation.{exc.kind}", fields))


def _named(failed, mistake: str, read: Text) -> Verdict:
    """A misconception: its id, what was read, and the pointer to the notebook's "Stuck?" entry."""
    return failed(mistake, explained=read, notes=[Note(NoteKind.SEE_CALLOUT, {"mistake": mistake})])


def _judge_expression(ex: Derivation, value, points: list, failed) -> Verdict:
    from .. import expressions
    read = expressions.shown(value)
    if not value.free_symbols:
        return failed("number_not_expression", Text("derivation.number_for_expression",
                                                     {"value": read, "allowed": _allowed(ex)}))
    right = ex.read(ex.right)
    mine, want = expressions.values(value, points), expressions.values(right, points)
    inconclusive = any(v is None for v in mine + want)
    if expressions.same_values(mine, want) or (inconclusive and expressions.simplifies_to_zero(value - right)):
        return Verdict(ex.id, True, float(ex.points), float(ex.points), cases=1,
                       explained=Text("derivation.read_as", {"read": read}))
    for m in ex.misconceptions:
        if any(expressions.same_values(mine, expressions.values(ex.read(form), points)) for form in m.forms):
            return _named(failed, m.mistake, Text("derivation.read_as", {"read": read}))
    at = next((i for i, (a, b) in enumerate(zip(mine, want)) if a is None or b is None
               or abs(a - b) > expressions.SAME * max(1.0, abs(b))), 0)
    point = ", ".join(f"{s} = {_number(v)}" for s, v in points[at].items())
    where = Text("derivation.read_as_at", {"read": read, "point": point,
                                           "got": mine[at] if mine[at] is not None else float("nan"),
                                           "want": want[at]})
    relation = _relation(mine, want)
    if relation is not None:
        key, factor = relation
        if key in ("sign_flipped", "factor_two"):   # the generic words would cite another exercise's formula
            return failed(key, Text(f"derivation.{key}", {}), explained=where)
        return failed(None, Text(f"derivation.{key}", {"factor": factor}), explained=where)
    return failed(None, Text("derivation.not_equivalent", {}), explained=where)


def _relation(mine: list, want: list):
    """('sign_flipped'|'factor_two'|'constant_factor'|'off_by_constant', number) when yours is
    c · right or right + c at every point, else None."""
    if any(v is None for v in mine + want):
        return None
    ratios = [a / b for a, b in zip(mine, want) if abs(b) > 1e-12]
    if len(ratios) == len(want) and max(ratios) - min(ratios) <= 1e-9 * max(1.0, abs(ratios[0])):
        r = ratios[0]
        if abs(r + 1) < 1e-9:
            return "sign_flipped", r
        if abs(r - 2) < 1e-9:
            return "factor_two", r
        return ("all_zero", 0.0) if r == 0 else ("constant_factor", r)
    offsets = [a - b for a, b in zip(mine, want)]
    if max(offsets) - min(offsets) <= 1e-9 * max(1.0, abs(offsets[0])):
        return "off_by_constant", offsets[0]
    return None


def _number(v) -> str:
    return str(int(v)) if getattr(v, "is_Integer", False) else f"{float(v):.4g}"


def _judge_number(ex: Derivation, value, failed) -> Verdict:
    x = float(value)
    want = float(ex.right_value())
    read = Text("derivation.read_number", {"read": _number(value) if value.is_Integer else f"{x:.9g}"})

    def near(target: float) -> bool:
        return abs(x - target) <= ex.tolerance * max(abs(target), 1e-300)

    whole = not ex.integer or abs(x - round(x)) <= 1e-9
    if whole and near(want):
        return Verdict(ex.id, True, float(ex.points), float(ex.points), cases=1, explained=read)
    for m in ex.misconceptions:
        if any(form(x) if callable(form) else near(float(form)) for form in m.forms):
            return _named(failed, m.mistake, read)
    if not whole:
        return failed(None, Text("derivation.not_whole", {}), explained=read)
    return failed(None, Text("derivation.wrong_number", {"tolerance": ex.tolerance}), explained=read)


__all__ = ["Derivation", "Domain", "Misconception", "judge_answer", "ANSWER_NAME"]
