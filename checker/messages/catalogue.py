"""A catalogue of message templates for one language, read from <language>.toml in this folder.

Keys are dotted paths into the file ('problem.value.at'); a template is a str.format string, or
a table {one, other} chosen by the field n.
"""
from __future__ import annotations

import functools
import tomllib
from pathlib import Path

FOLDER = Path(__file__).parent
DEFAULT_LANGUAGE = "en"
PLURAL_FORMS = ("one", "other")


class Catalogue:
    def __init__(self, entries: dict, language: str):
        self.entries, self.language = entries, language

    @classmethod
    def from_file(cls, path, language: str = "") -> "Catalogue":
        path = Path(path)
        with open(path, "rb") as f:
            return cls(tomllib.load(f), language or path.stem)

    def lookup(self, key: str):
        """The template (a str, or a {one, other} table) at key; KeyError naming key if none."""
        node = self.entries
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise KeyError(f"no template {key!r} in the {self.language!r} catalogue")
            node = node[part]
        if isinstance(node, dict) and not _is_plural(node):
            raise KeyError(f"{key!r} is a section of the {self.language!r} catalogue, not a template")
        return node

    def has(self, key: str) -> bool:
        try:
            self.lookup(key)
        except KeyError:
            return False
        return True

    def keys(self) -> set[str]:
        """Every template's key."""
        found = set()

        def walk(node, prefix):
            for name, value in node.items():
                key = f"{prefix}{name}"
                if isinstance(value, dict) and not _is_plural(value):
                    walk(value, key + ".")
                else:
                    found.add(key)
        walk(self.entries, "")
        return found


def _is_plural(node: dict) -> bool:
    return set(node) == set(PLURAL_FORMS)


def languages() -> list[str]:
    """The shipped catalogues' languages."""
    return sorted(p.stem for p in FOLDER.glob("*.toml"))


@functools.lru_cache(maxsize=None)
def load(language: str = DEFAULT_LANGUAGE) -> Catalogue:
    """The shipped catalogue of a language ('en', …)."""
    path = FOLDER / f"{language}.toml"
    if not path.is_file():
        raise ValueError(f"no messages in language {language!r}; the languages are: {', '.join(languages())}")
    return Catalogue.from_file(path, language)
