"""checker: reference math and graders for the backpropagation and EMA course.

Conventions, used with the same letters in every notebook, docstring and message:

Network (D layers; layer D is the output layer)
    Rows are examples. Layer l computes z_l = o_{l-1} @ W_l + b_l and o_l = σ(z_l), with o_0 = X.
    W_l has shape (n_in, n_out) and b_l has shape (n_out,). Every layer is sigmoid, the output
    layer included.
    Loss            L = (1/N) Σ_n ½ Σ_k (o_nk − t_nk)²      (N = 1: the familiar ½ Σ_k (o_k − t_k)²)
    Output layer    δ_D = (o_D − t) ⊙ o_D ⊙ (1 − o_D)      per example, with no 1/N
    Hidden layers   δ_l = (δ_{l+1} @ W_{l+1}.T) ⊙ o_l ⊙ (1 − o_l)
    Gradients       ∂L/∂W_l = o_{l-1}.T @ δ_l / N,   ∂L/∂b_l = Σ_n δ_l / N

EMA
    θ_1 … θ_T are stored at indices 0 … T−1 along axis 0; vector-valued θ is allowed.
    v_0 = 0,   v_t = β v_{t−1} + (1 − β) θ_t,   corrected v̂_t = v_t / (1 − β^t),   β in [0, 1).

Use ``checker.check(exercise_id, fn)`` in a notebook for feedback and ``checker.grade(exercise_id, fn)``
in nbgrader test cells (their messages: ``checker.set_language("zh")``, the environment variable
CHECKER_LANG, or a ``lang=`` argument; English by default); for a derivation exercise pass the answer instead of a function: a string
holding an expression (``checker.check("d_sigmoid_in_o", "o*(1 - o)")``) or a number. ``checker.EXERCISES`` lists the exercise ids; ``checker.MISTAKES`` maps each
mistake id to a one-line explanation and a hint.

Modules: ``checker.reference`` (the math), ``checker.data`` (the shipped data sets),
``checker.exercises`` (case generators, mutants and judges), ``checker.harness`` (calling learner
code, guarded), ``checker.judge`` (verdicts, as plain data, from plain observations),
``checker.messages`` (every learner-facing word: one catalogue per language, and the renderer).
"""
from .exercises import EXERCISES
from .grading import check, grade
from .language import set_language
from .mistakes import MISTAKES
from .result import CheckResult

__version__ = "0.1.0"
__all__ = ["check", "grade", "set_language", "EXERCISES", "MISTAKES", "CheckResult"]
