"""The course's exercises, by id (each id is the learner function's name)."""
from .activation import MSELoss, Sigmoid, SigmoidDerivative
from .base import Case, Exercise, Mutant
from .ema import EMA, EMABiasCorrected, EMAUpdate
from .gradcheck import NumericalGradient, RelativeError
from .network import Backprop, HiddenDelta, LayerGradients, OutputDelta

_ALL = [Sigmoid(), SigmoidDerivative(), MSELoss(), OutputDelta(), HiddenDelta(), LayerGradients(),
        Backprop(), NumericalGradient(), RelativeError(), EMA(), EMABiasCorrected(), EMAUpdate()]
REGISTRY = {ex.id: ex for ex in _ALL}
EXERCISES = tuple(REGISTRY)


def get_exercise(exercise_id: str) -> Exercise:
    try:
        return REGISTRY[exercise_id]
    except (KeyError, TypeError):
        raise ValueError(f"unknown exercise {exercise_id!r}; the exercises are: {', '.join(EXERCISES)}") from None


__all__ = ["EXERCISES", "REGISTRY", "get_exercise", "Exercise", "Case", "Mutant"]
