"""The language checker speaks: the lang= argument of check and grade, else set_language(), else
the environment variable CHECKER_LANG, else English. Each is a shipped catalogue's name
('en', 'zh'); 'zh_CN', 'zh-Hans' and the like name the same one."""
from __future__ import annotations

import os
import warnings

from .messages.catalogue import DEFAULT_LANGUAGE, languages

ENVIRONMENT_VARIABLE = "CHECKER_LANG"
_chosen: str | None = None


def normalise(lang: str) -> str:
    """The shipped catalogue lang names; ValueError listing the languages if none."""
    if isinstance(lang, str):
        base = lang.strip().lower().replace("-", "_").split("_")[0].split(".")[0]
        if base in languages():
            return base
    raise ValueError(f"checker speaks {', '.join(repr(l) for l in languages())}; not {lang!r}")


def set_language(lang: str | None) -> None:
    """Speak lang from now on in this process ('zh', 'en'); None goes back to CHECKER_LANG or English."""
    global _chosen
    _chosen = None if lang is None else normalise(lang)


def current_language(lang: str | None = None) -> str:
    """lang if given, else the one set_language chose, else CHECKER_LANG, else English."""
    if lang is not None:
        return normalise(lang)
    if _chosen is not None:
        return _chosen
    wanted = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if wanted:
        try:
            return normalise(wanted)
        except ValueError as e:
            warnings.warn(f"{ENVIRONMENT_VARIABLE}={wanted!r} is ignored: {e}", stacklevel=2)
    return DEFAULT_LANGUAGE
