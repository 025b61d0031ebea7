"""The catalogue of mistakes the graders recognise: a stable id → a one-line explanation and a hint.

Ids are stable: grade exports and the notebooks' "common mistake" callouts refer to them. The
words live in checker/messages/en.toml (section [mistake]); this is their English view.
"""
from __future__ import annotations

from .messages import Mistake, mistakes

MISTAKES: dict[str, Mistake] = mistakes("en")

__all__ = ["MISTAKES", "Mistake"]
