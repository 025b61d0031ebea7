"""Every learner-facing word: one catalogue per language (en.toml, …) and the renderer."""
from .catalogue import Catalogue, load
from .render import Mistake, mistakes, render, say, text

__all__ = ["Catalogue", "Mistake", "load", "mistakes", "render", "say", "text"]
