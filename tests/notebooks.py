"""Helpers for the notebook tests: find, execute, release (student version) and read notebooks."""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SOURCE_NOTEBOOKS = sorted(NOTEBOOKS.glob("*/*.ipynb"))
ASSIGNMENTS = sorted({p.parent.name for p in SOURCE_NOTEBOOKS})


def nb_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def venv_env() -> dict:
    """The environment with this interpreter's bin first on PATH (nbgrader runs `alembic`)."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def execute(path: Path, allow_errors: bool = False, timeout: int = 120):
    """Run a notebook top to bottom in its folder; returns the executed notebook."""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=allow_errors,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


@functools.lru_cache(maxsize=None)
def executed_source(path: Path):
    return execute(path)


def release(assignment: str, workdir: Path) -> Path:
    """Generate the student version with nbgrader in a copy of the course; returns its folder."""
    shutil.copytree(NOTEBOOKS, workdir / "notebooks")
    shutil.copy(ROOT / "nbgrader_config.py", workdir)
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force"],
                   cwd=workdir, env=venv_env(), check=True, capture_output=True, timeout=300)
    return workdir / "release" / assignment


def markdown(nb) -> str:
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def printed(nb) -> str:
    """Everything the code cells printed (stdout streams and text/plain results)."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "stream" and out.name == "stdout":
                parts.append(out.text)
            elif "text/plain" in out.get("data", {}):
                parts.append(out.data["text/plain"])
    return "\n".join(parts)


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def errors(nb):
    """(cell, error output) for every cell that raised."""
    return [(cell, out) for cell in nb.cells for out in cell.get("outputs", [])
            if out.output_type == "error"]
