"""A graded class made up, for the class report's tests and benchmark: the engine's results
folder (results/<assignment>/<student>.json) of a class whose mix of outcomes is known.

    plan = default_plan(students=1000)     12 exercises of backprop and ema, each with its mix
    write_class(graded, plan, students)    writes the results; returns what was built (Built)

Every answer is a different piece of code of 5–30 lines (random names, operations and
constants), except the planted copies: (assignment, exercise, original, copy) where the copy is
the original with its names renamed, its comments rewritten and blank lines moved.
"""
from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from checker.engine.result import ExerciseRow, SubmissionResult

PASSED, NOT_ATTEMPTED, UNKNOWN = "passed", "not_attempted", "unknown"

# (assignment, notebook, exercise, points, arguments, the commoner mistake id, a property of right answers
#  or None, a rarer mistake id)
EXERCISES = [
    ("backprop", "01_sigmoid_and_mse.ipynb", "sigmoid", 1, "z", "sigmoid_sign_flipped", None, "sigmoid_missing_parentheses"),
    ("backprop", "01_sigmoid_and_mse.ipynb", "sigmoid_derivative", 1, "o", "sigma_prime_of_output", "within_quarter", "tanh_derivative"),
    ("backprop", "01_sigmoid_and_mse.ipynb", "mse_loss", 1, "o, t", "factor_two", None, "mse_not_squared"),
    ("backprop", "02_output_layer.ipynb", "output_delta", 2, "o, t", "missing_sigma_prime", "sign_of_o_minus_t", "sign_flipped"),
    ("backprop", "02_output_layer.ipynb", "layer_gradients", 2, "o_prev, delta", "bias_sum_not_mean", None, "dW_transposed"),
    ("backprop", "03_hidden_layers.ipynb", "hidden_delta", 2, "delta_next, W_next, o", "missing_transpose", None, "sigma_prime_before_sum"),
    ("backprop", "03_hidden_layers.ipynb", "backprop", 3, "X, T, Ws, bs", "missing_sigma_prime", "list_length", "deep_layer_missing_sigma_prime"),
    ("backprop", "04_gradient_checking.ipynb", "numerical_gradient", 2, "f, x, eps", "forward_difference", "error_order", "central_difference_missing_2"),
    ("backprop", "04_gradient_checking.ipynb", "relative_error", 1, "a, b", "absolute_error", "zero_at_zeros", "elementwise_relative_error"),
    ("ema", "01_moving_average.ipynb", "ema", 2, "thetas, beta", "beta_swapped", "impulse_response", "v0_is_theta1"),
    ("ema", "01_moving_average.ipynb", "ema_bias_corrected", 2, "thetas, beta", "correction_missing_power", None, "beta_times_t"),
    ("ema", "02_ema_of_weights.ipynb", "ema_update", 1, "v, theta, beta", "shadow_params_swapped", None, "shadow_pushed_away"),
]


@dataclass
class ExercisePlan:
    """How many students get each outcome: PASSED, ('mistake', id), ('property', name), UNKNOWN,
    NOT_ATTEMPTED; the rest of the class does not hand in the answer cell (counted as not attempted)."""

    assignment: str
    notebook: str
    exercise: str
    points: int
    arguments: str
    mix: dict


@dataclass
class Built:
    students: list
    plans: list
    outcomes: dict = field(default_factory=dict)   # (assignment, exercise) -> student -> outcome
    copies: list = field(default_factory=list)     # (assignment, exercise, original, copy)
    not_graded: list = field(default_factory=list)   # (student, assignment)


def default_plan(students: int) -> list[ExercisePlan]:
    """Shares that differ from exercise to exercise (the hardest last), rounded to whole students;
    1 % hand in no answer cell, the rest of the class makes the rarer mistake."""
    plans = []
    for i, (assignment, notebook, exercise, points, arguments, mistake, prop, rarer) in enumerate(EXERCISES):
        mix = {PASSED: round(students * (0.85 - 0.04 * i)), ("mistake", mistake): round(students * (0.06 + 0.015 * i)),
               UNKNOWN: round(students * 0.02), NOT_ATTEMPTED: round(students * (0.02 + 0.005 * i))}
        if prop:
            mix[("property", prop)] = round(students * 0.03)
        mix[("mistake", rarer)] = max(0, students - round(students * 0.01) - sum(mix.values()))
        plans.append(ExercisePlan(assignment, notebook, exercise, points, arguments, mix))
    return plans


NAMES = ["acc", "buf", "cur", "delta", "err", "grad", "h", "k", "out", "prev", "res", "s", "tmp", "total", "u",
         "val", "w", "x_hat", "y", "z2", "scale", "step", "mask", "col", "row", "nxt", "carry", "part", "mid"]
FUNCTIONS = ["np.exp", "np.tanh", "np.sqrt", "np.abs", "np.log1p", "np.square", "np.cos", "np.sin"]
OPERATORS = ["+", "-", "*", "/"]


def random_answer(rng: random.Random, exercise: str, arguments: str) -> str:
    """A function of 5–30 lines, unlike any other this makes (random names, calls and constants)."""
    names = rng.sample(NAMES, 8)
    known = [a.strip() for a in arguments.split(",")]
    lines = [f"def {exercise}({arguments}):"]
    for _ in range(rng.randint(4, 28)):
        target = rng.choice(names)
        a, b = rng.choice(known), rng.choice(known)
        kind = rng.random()
        if kind < 0.15 and len(lines) > 2:
            lines.append(f"    for {names[0]}_i in range({rng.randint(2, 9)}):")
            lines.append(f"        {target} = {a} {rng.choice(OPERATORS)} {rng.uniform(0.1, 9):.3f} * {names[0]}_i")
        elif kind < 0.25:
            lines.append(f"    # {rng.choice(['scale', 'shift', 'step', 'check', 'update'])} {target}")
            lines.append(f"    {target} = {rng.choice(FUNCTIONS)}({a}) {rng.choice(OPERATORS)} {b}")
        elif kind < 0.4:
            lines.append(f"    if np.any({a} > {rng.uniform(-2, 2):.2f}):")
            lines.append(f"        {target} = np.where({a} > 0, {a}, {rng.randint(1, 99)} * {b})")
        else:
            lines.append(f"    {target} = {rng.choice(FUNCTIONS)}({a} {rng.choice(OPERATORS)} "
                         f"{rng.uniform(0.1, 20):.3f}) {rng.choice(OPERATORS)} {b}")
        known.append(target)
    lines.append(f"    return {known[-1]}")
    return "\n".join(lines) + "\n"


def disguise(code: str, rng: random.Random) -> str:
    """The same code with every local name renamed, comments rewritten, blank lines added."""
    local = set(re.findall(r"^\s*(?:for\s+)?([a-z_][a-z0-9_]*)\s*(?:=|in\b)", code, re.MULTILINE))
    renamed = code
    for i, name in enumerate(sorted(local)):
        renamed = re.sub(rf"\b{name}\b", f"v{i}_{rng.randint(10, 99)}", renamed)
    lines = [re.sub(r"#.*", "# my own working", line) for line in renamed.splitlines()]
    out = []
    for line in lines:
        out.append(line)
        if rng.random() < 0.2:
            out.append("")
    return "\n".join(out) + "\n"


def stub(exercise: str, arguments: str) -> str:
    return f"def {exercise}({arguments}):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"


def write_class(graded: Path, plans: list[ExercisePlan], students: int, seed: int = 0, copies: int = 2,
                not_graded: int = 0, linked: tuple = ()) -> Built:
    """Writes GRADED/results/<assignment>/<student>.json for `students` students; `copies`
    planted copy pairs per exercise; the last `not_graded` students' first assignment not graded.
    linked: (exercise, outcome, other exercise, other outcome): the students given the outcome
    in the first exercise get the other outcome in the other (as many as its mix has), the
    counts of every mix unchanged; the first exercise must come earlier in plans."""
    rng = random.Random(seed)
    ids = [f"s{i:04d}" for i in range(students)]
    built = Built(ids, plans)
    rows: dict = {}   # (student, assignment) -> [ExerciseRow]
    for plan in plans:
        outcomes = [o for o, n in plan.mix.items() for _ in range(n)]
        outcomes += [None] * (students - len(outcomes))
        rng.shuffle(outcomes)
        given = dict(zip(ids, outcomes))
        for first, first_outcome, second, second_outcome in linked:
            if second == plan.exercise:
                _link(given, built.outcomes[next(k for k in built.outcomes if k[1] == first)], first_outcome,
                      second_outcome)
        built.outcomes[(plan.assignment, plan.exercise)] = given
        answers = {s: random_answer(rng, plan.exercise, plan.arguments) for s, o in given.items()
                   if o is not None and o != NOT_ATTEMPTED}
        answered = sorted(answers)
        for k in range(min(copies, len(answered) // 2)):
            original, copy = answered[2 * k], answered[2 * k + 1]
            answers[copy] = disguise(answers[original], rng)
            built.copies.append((plan.assignment, plan.exercise, original, copy))
        for student, outcome in given.items():
            rows.setdefault((student, plan.assignment), []).append(_row(plan, outcome, answers.get(student)))
    last = set(ids[students - not_graded:]) if not_graded else set()
    first_assignment = plans[0].assignment
    for (student, assignment), exercise_rows in rows.items():
        result = SubmissionResult(student, assignment, exercise_rows)
        if student in last and assignment == first_assignment:
            result.not_graded = "the sandbox did not start: simulated"
            for row in result.exercises:
                row.status, row.score, row.mistake = "not graded", 0.0, None
            built.not_graded.append((student, assignment))
        path = graded / "results" / assignment / f"{student}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result.to_dict()), encoding="utf-8")
    return built


def _link(given: dict, earlier: dict, earlier_outcome, outcome) -> None:
    """Swap outcomes in `given` so that the students with earlier_outcome in `earlier` hold `outcome`."""
    wanted = [s for s, o in earlier.items() if o == earlier_outcome]
    holders = [s for s, o in given.items() if o == outcome and s not in wanted]
    for student in wanted:
        if given[student] == outcome or not holders:
            continue
        other = holders.pop()
        given[student], given[other] = given[other], given[student]


def _row(plan: ExercisePlan, outcome, answer: str | None) -> ExerciseRow:
    points = float(plan.points)
    if outcome is None:
        return ExerciseRow(plan.notebook, plan.exercise, 0.0, points, None, "the answer cell is missing", answer="")
    if outcome == NOT_ATTEMPTED:
        return ExerciseRow(plan.notebook, plan.exercise, 0.0, points, NOT_ATTEMPTED, "not attempted",
                           answer=stub(plan.exercise, plan.arguments))
    if outcome == PASSED:
        return ExerciseRow(plan.notebook, plan.exercise, points, points, None, "passed", answer=answer)
    if outcome == UNKNOWN:
        return ExerciseRow(plan.notebook, plan.exercise, 0.0, points, None, "wrong", answer=answer)
    kind, name = outcome
    return ExerciseRow(plan.notebook, plan.exercise, 0.0, points, name if kind == "mistake" else None, "wrong",
                       failed_property=name if kind == "property" else None, answer=answer)
