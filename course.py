#!/usr/bin/env python3
"""Set up the course and run it: the one entry point, needing only Python 3.11+.

    python3 course.py lab     set up, then open the course in JupyterLab, in workspace/: the
                              learner's copies of the exercises (kept when you run it again)
    python3 course.py lab --lang zh
                              the same for the Chinese edition (中文版): its notebooks, checker's
                              messages and JupyterLab's menus in Simplified Chinese
    python3 course.py test    set up, then run the whole test suite in parallel (extra args go to pytest)
    python3 course.py setup   only set up

"Set up" means: create the virtual environment `.venv/` and install the pinned requirements
and `checker` into it. It is skipped when nothing it depends on has changed since the last time.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
WORKSPACE = ROOT / "workspace"
INSTALL_INPUTS = ["requirements.txt", "constraints.txt", "pyproject.toml"]


def venv_python() -> Path:
    scripts = "Scripts" if os.name == "nt" else "bin"
    return VENV / scripts / ("python.exe" if os.name == "nt" else "python")


def install_fingerprint() -> str:
    digest = hashlib.sha256(sys.version.encode())
    for name in INSTALL_INPUTS:
        path = ROOT / name
        digest.update(name.encode() + (path.read_bytes() if path.exists() else b""))
    return digest.hexdigest()


def run(*cmd, **kwargs) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kwargs)


def setup() -> Path:
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    python = venv_python()
    stamp = VENV / ".course-installed"
    fingerprint = install_fingerprint()
    if python.exists() and stamp.exists() and stamp.read_text() == fingerprint:
        return python
    if not python.exists():
        print(f"Creating the virtual environment in {VENV} …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    pip = [python, "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    constraints = ["-c", "constraints.txt"] if (ROOT / "constraints.txt").exists() else []
    run(*pip, "-r", "requirements.txt", *constraints)
    run(*pip, "--no-deps", "-e", ".")
    stamp.write_text(fingerprint)
    return python


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("lab", [])
    if command not in {"lab", "test", "setup"}:
        print(__doc__)
        return 2
    python = setup()
    if command == "setup":
        return 0
    if command == "test":
        # one worker per core, each taking whole test files (so the browser tests share one browser);
        # `python3 course.py test -n 0` runs in one process
        return subprocess.call([str(python), "-m", "pytest", "-n", "auto", "--dist", "loadfile", *rest], cwd=ROOT)
    lang, rest = language_option(rest)
    # the learner's copies of the exercise notebooks; existing (edited) ones are kept
    if subprocess.call([str(python), "-m", "checker", "workspace", "--dir", str(WORKSPACE), "--lang", lang],
                       cwd=ROOT):
        return 1
    as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    return subprocess.call([str(python), "-m", "jupyter", "lab", *as_root, *rest], cwd=WORKSPACE,
                           env=lab_environment(lang))


def language_option(args: list[str]) -> tuple[str, list[str]]:
    """(the --lang value, default 'en'; the other arguments, for JupyterLab)."""
    lang, rest, i = "en", [], 0
    while i < len(args):
        if args[i] == "--lang" and i + 1 < len(args):
            lang, i = args[i + 1], i + 2
            continue
        if args[i].startswith("--lang="):
            lang = args[i].split("=", 1)[1]
        else:
            rest.append(args[i])
        i += 1
    return lang, rest


def lab_environment(lang: str) -> dict:
    """JupyterLab's environment for an edition. Chinese: checker speaks Chinese in every kernel
    (CHECKER_LANG), and JupyterLab starts with its Simplified Chinese language pack, from a
    settings folder of its own (the learner's own JupyterLab settings are left as they are)."""
    env = dict(os.environ)
    if lang == "en":
        return env
    settings = ROOT / ".jupyterlab-settings" / lang
    locale = {"zh": "zh_CN"}.get(lang, lang)
    plugin = settings / "@jupyterlab" / "translation-extension" / "plugin.jupyterlab-settings"
    plugin.parent.mkdir(parents=True, exist_ok=True)
    if not plugin.exists():
        plugin.write_text('{\n  "locale": "%s"\n}\n' % locale)
    env["JUPYTERLAB_SETTINGS_DIR"] = str(settings)
    env["CHECKER_LANG"] = lang
    return env


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
