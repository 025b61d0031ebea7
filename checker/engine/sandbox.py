"""Run the learner's program in a separate, fresh, limited process.

Limits, on every platform with `resource` (Linux, macOS): CPU seconds, address space, size of
any file written, number of processes (a fork bomb stops there), plus a wall-clock limit after
which the whole process group is killed. When run as root, the child first drops to an
unprivileged user id of its own (root ignores the process limit, and a limit shared between
concurrent sandboxes would let one submission's fork bomb starve another's).

Where Debian's `bwrap` (bubblewrap) is installed, the child also runs in its own namespaces: no
network (only its own loopback), a private PID space, a read-only file system, the course folder
hidden (only its .venv is visible, read-only), and one writable temporary working directory.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import wire

HARNESS = [("running.py", "running.py"), ("snapshot.py", "snapshot.py"),
           ("engine/wire.py", "wire.py"), ("exercises/testfunctions.py", "testfunctions.py")]
CHECKER_DIR = Path(__file__).resolve().parent.parent
SANDBOX_UIDS = 200_000  # run i of worker process p uses uid SANDBOX_UIDS + p % 100_000


@dataclass
class Limits:
    wall_seconds: float = 120.0
    cpu_seconds: int = 120
    memory_bytes: int = 2 * 2 ** 30
    file_bytes: int = 64 * 2 ** 20
    processes: int = 64
    cell_seconds: float = 20.0      # a top-level loop in an answer cell is stopped after this
    exercise_seconds: float = 10.0  # all the cases of one exercise (visible and hidden)


@dataclass
class ChildRun:
    document: dict | None      # what the child wrote, or None
    arrays: dict
    problem: str = ""           # why there is no (complete) result, in words
    isolation: str = ""


def bwrap_available() -> bool:
    return shutil.which("bwrap") is not None and sys.platform.startswith("linux")


def _preexec(limits: Limits):
    def apply():
        import resource

        os.setsid()
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds))
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if os.geteuid() == 0:
            uid = SANDBOX_UIDS + os.getppid() % 100_000  # this worker's own uid (runs never overlap in it)
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
    return apply


def _child_env(workdir: Path) -> dict:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "OPENBLAS_CORETYPE",
                                                       "OPENBLAS_L2_SIZE", "SYSTEMROOT")}
    keep.update({"HOME": str(workdir), "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0",
                 "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                 "MPLCONFIGDIR": str(workdir / "mpl")})
    return keep


def _command(workdir: Path, hidden: list[Path], use_bwrap: bool) -> list[str]:
    python = [sys.executable, "-I", "-B", str(workdir / "child.py"), str(workdir)]
    if not use_bwrap:
        return python
    venv = Path(sys.prefix).resolve()
    cmd = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    for folder in hidden:
        folder = folder.resolve()
        if not folder.is_dir():
            continue
        cmd += ["--tmpfs", str(folder)]
        if venv.is_relative_to(folder):  # keep the interpreter's own packages visible
            cmd += ["--ro-bind", str(venv), str(venv)]
    cmd += ["--bind", str(workdir), str(workdir), "--chdir", str(workdir), "--unshare-net",
            "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent", "--new-session", "--"]
    return cmd + python


def run(program: dict, cases_doc: dict, case_arrays: dict, *, hidden: list[Path],
        limits: Limits | None = None) -> ChildRun:
    """Run the program ({"notebooks": [{"name", "cells": [[label, source]]}]}), then the
    learner's functions on the cases ({"exercises": {notebook: {exercise: [args]}}}), in a
    sandboxed child."""
    limits = limits or Limits()
    use_bwrap = bwrap_available()
    isolation = "bubblewrap namespaces + resource limits" if use_bwrap else "resource limits only"
    with tempfile.TemporaryDirectory(prefix="grade-") as scratch:
        workdir = Path(scratch)
        (workdir / "harness").mkdir()
        (workdir / "harness" / "__init__.py").write_text("")
        for source, target in HARNESS:
            shutil.copy(CHECKER_DIR / source, workdir / "harness" / target)
        shutil.copy(Path(__file__).with_name("child.py"), workdir / "child.py")
        wire.write(workdir, "program", {**program, "cell_seconds": limits.cell_seconds,
                                        "exercise_seconds": limits.exercise_seconds}, {})
        wire.write(workdir, "cases", cases_doc, case_arrays)
        os.chmod(workdir, 0o777)
        for path in workdir.rglob("*"):
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        with open(workdir / "child.log", "wb") as log:
            proc = subprocess.Popen(_command(workdir, hidden, use_bwrap), cwd=workdir, stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=log, env=_child_env(workdir),
                                    preexec_fn=_preexec(limits), close_fds=True)
            try:
                proc.wait(timeout=limits.wall_seconds)
                timed_out = False
            except subprocess.TimeoutExpired:
                timed_out = True
            _kill_group(proc)
        try:
            document, arrays = wire.read(workdir, "results")
            return ChildRun(document, arrays, isolation=isolation)
        except (wire.WireError, ValueError, OSError) as exc:
            if timed_out:
                problem = f"the program did not finish within {limits.wall_seconds:.0f} s"
            elif proc.returncode and proc.returncode < 0:
                problem = f"the program was killed by signal {signal.Signals(-proc.returncode).name}"
            else:
                problem = f"the program ended (exit code {proc.returncode}) before it reported ({exc})"
            return ChildRun(None, {}, problem, isolation)


def _kill_group(proc) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()
