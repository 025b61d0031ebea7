"""Every learner-facing word: one catalogue per language (en.toml, …) and the renderer."""
from .catalogue import Catalogue, load
from .render import Mistake, mistakes, render, text

__all__ = ["Catalogue", "Mistake", "load", "mistakes", "render", "text"]
