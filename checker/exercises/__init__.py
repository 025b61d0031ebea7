"""The course's exercises, by id (each id is the learner function's name).

The registry is built from the Exercise subclasses the modules of this package declare: adding
an exercise means writing its class, nothing else here.
"""
import importlib
import pkgutil

from .. import messages
from .base import DECLARED, Case, Exercise, Mutant

COURSE_ORDER = ("activation", "network", "gradcheck", "ema")   # modules in the course's order; others follow
_HELPERS = {"base", "derivation"}

for _module in COURSE_ORDER + tuple(sorted(m.name for m in pkgutil.iter_modules(__path__)
                                           if m.name not in COURSE_ORDER and m.name not in _HELPERS)):
    importlib.import_module(f"{__name__}.{_module}")

REGISTRY = {cls.id: cls() for cls in DECLARED}
EXERCISES = tuple(REGISTRY)
DERIVATIONS = tuple(e for e, ex in REGISTRY.items() if ex.derivation)   # answered by a value
FUNCTION_EXERCISES = tuple(e for e in EXERCISES if e not in DERIVATIONS)                # answered by a function


def get_exercise(exercise_id: str, language: str | None = None) -> Exercise:
    """The exercise exercise_id; ValueError, in language, listing the exercises if there is none."""
    try:
        return REGISTRY[exercise_id]
    except (KeyError, TypeError):
        raise ValueError(messages.text("api.unknown_exercise", language, name=exercise_id,
                                       exercises=list(EXERCISES))) from None


__all__ = ["EXERCISES", "DERIVATIONS", "FUNCTION_EXERCISES", "REGISTRY", "get_exercise", "Exercise", "Case", "Mutant"]
