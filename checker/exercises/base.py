"""What an exercise is: a case generator plus a judge of (inputs, learner outputs).

An Exercise subclass supplies
- ``make_cases(rng)``: fresh, seeded inputs (plain arrays and numbers);
- ``expected(case)``: the right answer, from ``checker.reference``;
- ``mutants``: known wrong implementations, each tagged with a MISTAKES id, for diagnosis;
- optionally ``extra_problem(case, snap)``: a check that does not use the reference
  (numerical gradients, properties), and ``describe(case)`` for messages;
- ``probe_cases()``: fixed, purpose-built inputs (the same for every seed, so never secret), and
  ``properties``: what every right answer does, checked in order on all cases when a wrong
  answer matches no mutant, so that the message can say which property fails.
Labels and details are catalogue keys with fields (``checker.verdict.Text``), never words.
Learner code never runs here: it only maps a case's inputs to outputs (``checker.harness.running``).
"""
from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass, field

import numpy as np

from ..assess import assess_case
from ..verdict import Problem, Text


DECLARED: list = []   # every Exercise subclass with an id, in the order its module declares it


@dataclass
class Case:
    """One set of inputs. args maps the contract's parameter names to values, in the order of the
    signature; learner functions receive them positionally, mutants by name."""

    args: dict
    label: Text = Text("")     # a catalogue key under [case] and its fields
    shown: bool = True      # may the check show this case's input values to the learner?
    info: dict = field(default_factory=dict)  # judge-only facts, e.g. the batch size N
    public: bool = False    # a probe: the same for every seed, so shown even when grading

    def call_args(self) -> dict:
        """Fresh copies of the arguments, ready to pass to a function."""
        return copy.deepcopy(self.args)


@dataclass
class Mutant:
    mistake: str
    fn: object            # fn(**case.args) -> output, like the learner's function
    detail: str = ""      # a key under [mutant]: words added when this mutant is the diagnosis
    data: dict = field(default_factory=dict)   # the fields of that template
    in_place: bool = False   # explains only answers that also changed their inputs in place


@dataclass
class Property:
    """What every right answer does. check(cases, outputs) -> None when it holds, else
    (index of the case that shows it, fields of the template `property.<exercise>.<name>`).
    outputs[i] is the learner's output on cases[i] as plain data (see checker.compare.plain),
    None where the call failed."""

    name: str
    check: object


class Exercise:
    """One exercise, declared in one place: a subclass with an `id` registers itself (the id is
    the learner function's name; `notebook` is its nbgrader notebook, assignment/name without
    .ipynb; `points` must equal the points of its autograder cell there; `reference` is its
    function in checker.reference)."""

    id: str = ""
    notebook: str = ""
    reference = None
    points: int = 1
    signature: str = ""
    time_limit: float = 5.0      # seconds for the whole check
    derivation: bool = False     # True: answered by a value (checker.exercises.derivation), not a function
    answer_name: str = ""        # a derivation's answer variable in the notebook

    def make_cases(self, rng: np.random.Generator) -> list[Case]:
        raise NotImplementedError

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.id:
            DECLARED.append(cls)

    def expected(self, case: Case):
        """The right answer: by default the reference called on the case's arguments."""
        return self.reference(**case.args)

    @property
    def mutants(self) -> list[Mutant]:
        return []

    def known_mistakes(self) -> list[str]:
        """The mistake ids this exercise diagnoses by name (its notebook's callout lists each)."""
        return list(dict.fromkeys(m.mistake for m in self.mutants))

    def extra_problem(self, case: Case, snap) -> Problem | None:
        """A check beyond agreeing with the reference (run only when the output agrees)."""
        return None

    def fitted_mutants(self, cases, observations) -> list[Mutant]:
        """Mutants whose parameters are estimated from the learner's outputs (default: none)."""
        return []

    def assess(self, cases, observations, wants):
        """(problem or None, passed only at float32 tolerance) for every case. By default each
        case is judged alone (agreement with the reference, then extra_problem)."""
        return [assess_case(self, c, o, w) for c, o, w in zip(cases, observations, wants)]

    def explain(self, case: Case, snap) -> Text | None:
        """More about a failing case (e.g. which tensor is wrong); None for nothing."""
        return None

    def probe_cases(self) -> list[Case]:
        """Fixed inputs that test the properties (public: identical for every seed)."""
        return []

    @property
    def properties(self) -> list[Property]:
        return []

    def batch_size(self, case: Case) -> int | None:
        return case.info.get("N")

    def describe(self, case: Case) -> Text:
        return case.label

    def cases(self, seed: int) -> list[Case]:
        probes = self.probe_cases()
        for probe in probes:
            probe.public = True
        return self.make_cases(np.random.default_rng(seed)) + probes


def on_each_case(test, only=None):
    """A Property.check from test(case, output) -> fields when the property fails there, else None;
    run on the cases `only(case)` accepts (all by default) whose output is plain data."""
    def check(cases, outputs):
        for i, (case, out) in enumerate(zip(cases, outputs)):
            if out is not None and (only is None or only(case)):
                with np.errstate(all="ignore"):
                    fields = test(case, out)
                if fields is not None:
                    return i, fields
        return None
    return check


def probe(name: str) -> callable:
    """only= for on_each_case: the probe cases whose info['probe'] is name."""
    return lambda case: case.info.get("probe") == name


def run_quietly(fn, args: dict):
    """Run trusted code (a reference or a mutant) with numpy and Python warnings silenced."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(**copy.deepcopy(args))


def shape_text(a) -> str:
    return "×".join(map(str, np.shape(a))) if np.ndim(a) else "scalar"


def spread_activations(rng, shape, low=0.05, high=0.95):
    """Activations o = σ(z) spread over (low, high)."""
    return rng.uniform(low, high, size=shape)
