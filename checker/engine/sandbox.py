"""Run a learner's program in a separate, fresh, contained process, and read what it reports.

Where Debian's `bwrap` (bubblewrap) is installed the child sees only what it needs, read-only:
/usr (and the /bin, /lib links), the loader's cache, the interpreter's own folders (wherever it
lives: a venv under /tmp, pyenv under a private home), the harness, and one size-capped /tmp.
The host's other files, the course, checker itself (masked even when it is installed in
site-packages), the network and other processes are not there. As root, bwrap mounts as root
and the child drops to an unprivileged uid of this worker's own before it imports anything.

Limits hold for the whole sandbox: a watchdog sums CPU time, resident memory and processes over
every process of the sandbox (watchdog.py) and kills it past the budget; rlimits bound each
process too, and the tmpfs size bounds disk. The parent reads the child's report from a pipe,
bounded in size and time; nothing the child leaves in a file is ever read.
"""
from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..harness import wire
from ..messages import say
from ..verdict import Text
from . import watchdog

HERE = Path(__file__).resolve().parent
CHECKER_DIR = HERE.parent
HARNESS = CHECKER_DIR / "harness"   # its .py files are all the sandbox gets of checker
INSIDE = "/box"                    # where the harness appears inside the sandbox
SANDBOX_UIDS = 200_000             # a worker process p uses uid SANDBOX_UIDS + p % 100_000
SYSTEM_LINKS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")
MAX_MESSAGES = 5000                # report lines: one per answer cell that failed and per test cell
LOADER_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d")


@dataclass
class Limits:
    """Per submission, for the whole sandbox (all its processes together)."""

    wall_seconds: float = 60.0
    cpu_seconds: float = 60.0        # also: never more than one core's worth, plus 2 s
    memory_bytes: int = 1 * 2 ** 30  # resident, summed over processes
    disk_bytes: int = 64 * 2 ** 20   # everything written to /tmp (the only writable place)
    processes: int = 8
    report_bytes: int = 32 * 2 ** 20
    cell_seconds: float = 10.0       # a top-level loop in an answer cell is stopped after this
    exercise_seconds: float = 10.0   # all the cases of one exercise (visible and hidden)

    def figures(self) -> str:
        return (f"{self.wall_seconds:g} s wall, {self.cpu_seconds:g} s CPU, "
                f"{self.memory_bytes / 2 ** 20:.0f} MiB memory, {self.disk_bytes / 2 ** 20:.0f} MiB disk, "
                f"{self.processes} processes")


@dataclass
class ChildRun:
    started: bool                      # the harness said hello: no failure after it is infrastructure's
    messages: list = field(default_factory=list)
    stop: Text | None = None           # why it ended early (None when it reported done): `stop.<why>`
    log: str = ""                      # the tail of stderr before hello (for infrastructure failures)
    isolation: str = ""

    @property
    def ended(self) -> str:
        """Why it ended early, in English ('' when it reported done)."""
        return say(self.stop) if self.stop else ""


class SandboxUnavailable(Exception):
    """The sandbox cannot start the interpreter or import the harness here (the message says what to change)."""


def bwrap_available() -> bool:
    return shutil.which("bwrap") is not None and sys.platform.startswith("linux")


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def worker_uid() -> int | None:
    """The unprivileged uid this worker's sandboxes run as (None: not root, so the caller's own)."""
    return SANDBOX_UIDS + os.getpid() % 100_000 if _is_root() else None


def isolation(use_bwrap: bool) -> str:
    held = ["bubblewrap: only the interpreter visible, read-only; no network; own PID space"
            if use_bwrap else "NO bubblewrap: the file system (checker included) and network are NOT isolated"]
    held.append("whole-sandbox CPU/memory/process watchdog" if watchdog.available()
                else "NO /proc watchdog: limits hold per process only")
    held.append("disk capped (tmpfs)" if use_bwrap else "disk capped per file only")
    held.append("own unprivileged uid" if _is_root() else "the instructor's uid")
    return "; ".join(held)


# ---------------------------------------------------------------- what the child sees

def _interpreter_roots() -> list[Path]:
    """Folders the interpreter and numpy live in, outermost only."""
    import numpy

    paths = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.exec_prefix), Path(sys.base_exec_prefix),
             Path(sys.executable).parent, Path(os.path.realpath(sys.executable)).parent.parent,
             Path(numpy.__file__).resolve().parent.parent}
    resolved = set()
    for p in paths:
        for q in (p, Path(os.path.realpath(p))):
            if q.is_dir() and not q.is_relative_to("/usr"):
                resolved.add(q)
    return sorted(p for p in resolved if not any(p != q and p.is_relative_to(q) for q in resolved))


def _checker_copies(roots: list[Path]) -> list[Path]:
    """This checker package, and any other copy of it, inside what the child sees."""
    found = {CHECKER_DIR}
    for entry in sys.path:
        candidate = Path(entry) / "checker"
        if (candidate / "reference").is_dir():
            found.add(candidate.resolve())
    return sorted(p for p in found if p.is_relative_to("/usr") or any(p.is_relative_to(r) for r in roots))


def extra_paths() -> list[str]:
    """Where numpy is, when the child's own sys.path (-I: no user site, no PYTHONPATH) lacks it."""
    import numpy

    return [str(Path(numpy.__file__).resolve().parent.parent)]


def _dirs_for(path: Path, made: set) -> list[str]:
    """--dir for each missing ancestor, world-traversable (bwrap's own are mode 0700 as root)."""
    args = []
    for parent in reversed(path.parents):
        if str(parent) in ("/",) or str(parent) in made:
            continue
        made.add(str(parent))
        args += ["--perms", "0755", "--dir", str(parent)]
    return args


def bwrap_command(input_dir: Path, empty_dir: Path, limits: Limits) -> list[str]:
    cmd = ["bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
           "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--ro-bind", "/usr", "/usr"]
    if not _is_root():
        cmd.insert(1, "--unshare-user")
    for name in SYSTEM_LINKS:
        top = Path("/") / name
        if top.is_symlink():
            cmd += ["--symlink", os.readlink(top), str(top)]
        elif top.is_dir():
            cmd += ["--ro-bind", str(top), str(top)]
    for path in LOADER_FILES:
        cmd += ["--ro-bind-try", path, path]
    cmd += ["--proc", "/proc", "--dev", "/dev", "--remount-ro", "/dev",   # no uncapped /dev/shm
            "--perms", "1777", "--size", str(limits.disk_bytes), "--tmpfs", "/tmp"]
    made = {"/tmp", "/usr", "/etc", "/proc", "/dev"}
    roots = _interpreter_roots()
    for root in roots:
        cmd += _dirs_for(root, made) + ["--ro-bind", str(root), str(root)]
        made.add(str(root))
    for copy in _checker_copies(roots):
        cmd += ["--ro-bind", str(empty_dir), str(copy)]
    cmd += _dirs_for(Path(INSIDE), made) + ["--ro-bind", str(input_dir), INSIDE,
                                            "--remount-ro", "/", "--chdir", "/tmp", "--"]
    return cmd


def _child_env() -> dict:
    keep = {k: v for k, v in os.environ.items() if k in ("LANG", "LC_ALL", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    keep.update({"PATH": "/usr/bin:/bin", "HOME": "/tmp", "TMPDIR": "/tmp", "MPLBACKEND": "Agg",
                 "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                 "MKL_NUM_THREADS": "1", "MPLCONFIGDIR": "/tmp/mpl"})
    return keep


def _preexec(limits: Limits, drop_to: int | None, nproc: int):
    def apply():
        import resource

        os.setsid()
        cpu = int(limits.cpu_seconds) + 1
        address_space = 4 * limits.memory_bytes   # virtual: numpy maps far more than it touches
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.disk_bytes, limits.disk_bytes))
        if nproc:  # per uid: only meaningful for a uid of the sandbox's own (the watchdog counts otherwise)
            resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if drop_to is not None:  # no bwrap: drop here (with bwrap the child drops, after the mounts)
            os.setgroups([])
            os.setgid(drop_to)
            os.setuid(drop_to)
    return apply


def _prepare(folder: Path, program: dict) -> None:
    (folder / "in" / "harness").mkdir(parents=True)
    (folder / "empty").mkdir()
    for source in HARNESS.glob("*.py"):
        shutil.copy(source, folder / "in" / "harness" / source.name)
    (folder / "in" / "program.json").write_text(wire.json.dumps(program), encoding="utf-8")
    for path in [folder, *folder.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)


def run(program: dict, limits: Limits | None = None) -> ChildRun:
    """Run the program ({"notebooks": [{"name", "steps"}], "cases": {...}}) in a sandboxed child;
    returns its messages and how it ended. Never raises because of what the child does."""
    limits = limits or Limits()
    use_bwrap = bwrap_available()
    uid = worker_uid()
    program = {**program, "cell_seconds": limits.cell_seconds, "exercise_seconds": limits.exercise_seconds}
    with tempfile.TemporaryDirectory(prefix="grade-") as scratch:
        folder = Path(scratch)
        _prepare(folder, program)
        inside = INSIDE if use_bwrap else str(folder / "in")
        report_r, report_w = os.pipe()
        log_r, log_w = os.pipe()
        python = [sys.executable, "-I", "-B", f"{inside}/harness/child.py", inside, str(report_w),
                  str(uid if use_bwrap and uid is not None else -1), *extra_paths()]
        cmd = (bwrap_command(folder / "in", folder / "empty", limits) if use_bwrap else []) + python
        nproc = limits.processes if uid is not None else 0
        try:
            proc = subprocess.Popen(cmd, cwd=scratch, stdin=subprocess.DEVNULL, stdout=log_w, stderr=log_w,
                                    env=_child_env(), pass_fds=(report_w,), close_fds=True,
                                    preexec_fn=_preexec(limits, None if use_bwrap else uid, nproc))
        except OSError as exc:
            for fd in (report_r, report_w, log_r, log_w):
                os.close(fd)
            return ChildRun(False, stop=Text("stop.not_started", {"error": str(exc)[:200]}),
                            isolation=isolation(use_bwrap))
        os.close(report_w)
        os.close(log_w)
        try:
            return _supervise(proc, report_r, log_r, limits, uid, isolation(use_bwrap))
        finally:
            os.close(report_r)
            os.close(log_r)


def _supervise(proc, report_r: int, log_r: int, limits: Limits, uid, isolation_text: str) -> ChildRun:
    started = time.monotonic()
    report, log = bytearray(), bytearray()
    streams = {report_r, log_r}
    ended, last_check, exited_at, crowded = None, 0.0, None, 0
    while streams:
        now = time.monotonic()
        ready, _, _ = select.select(list(streams), [], [], 0.05)
        for fd in ready:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                streams.discard(fd)
            elif fd == report_r:
                report += chunk
            elif not report:                 # stderr matters only before the harness said hello
                log = (log + chunk)[-8192:]
        if len(report) > limits.report_bytes:
            ended = Text("stop.report_too_big", {"mib": limits.report_bytes / 2 ** 20})
        elif now - started > limits.wall_seconds:
            ended = Text("stop.wall", {"seconds": limits.wall_seconds})
        elif now - last_check >= 0.1:
            last_check = now
            use, _ = watchdog.usage(proc.pid, uid)
            cpu_allowed = min(limits.cpu_seconds, (now - started) + 2.0)
            if use.cpu_seconds > cpu_allowed:
                ended = Text("stop.cpu", {"seconds": use.cpu_seconds})
            elif use.memory_bytes > limits.memory_bytes:
                ended = Text("stop.memory", {"mib": limits.memory_bytes / 2 ** 20})
            elif use.processes > limits.processes + 3:   # bwrap's own two, and the interpreter
                ended = Text("stop.processes", {"n": limits.processes})
            crowded = crowded + 1 if use.busy > 1 else 0
            if crowded >= 10:   # a second of several busy processes: more than its one core
                ended = Text("stop.busy", {"n": use.busy})
        if ended:
            break
        if proc.poll() is not None:
            exited_at = exited_at or now
            if now - exited_at > 0.5:        # a leftover process holds the pipes open
                break
    _kill(proc, uid)
    messages, problem = _parse(bytes(report))
    done = bool(messages) and messages[-1].get("done") is True
    hello = bool(messages) and messages[0].get("hello") == wire.PROTOCOL
    if not ended and not done:
        code = proc.returncode
        ended = (Text("stop.signal", {"signal": signal.Signals(-code).name}) if code and code < 0 and
                 -code in signal.Signals._value2member_map_ else Text("stop.exit", {"code": code}))
        if problem:
            ended = Text("stop.and_report", {"ended": ended, "report": problem})
    return ChildRun(hello, messages[1:] if hello else [], ended, log.decode("utf-8", "replace"), isolation_text)


def _parse(report: bytes) -> tuple[list, Text | None]:
    """The well-formed messages, up to the first malformed line; and what was wrong with it."""
    messages = []
    lines = report.split(b"\n", MAX_MESSAGES)
    too_many = len(lines) > MAX_MESSAGES
    for line in lines[:MAX_MESSAGES if too_many else -1]:
        try:
            messages.append(wire.parse_line(line))
        except wire.WireError as exc:
            return messages, Text("stop.report_damaged", {"why": Text(f"wire.{exc.key}", exc.fields)})
    if too_many:   # the first lines (the hello among them) still count
        return messages, Text("stop.report_too_long", {"n": MAX_MESSAGES})
    return messages, (Text("stop.report_cut") if lines[-1] else None)


KILL_SECONDS = 10.0   # how long _kill waits for the last process of a sandbox to be gone


def _kill(proc, uid) -> None:
    """End every process of the sandbox, and wait until none is left: a process still dying (a
    fork bomb's children, say) would otherwise count, with its CPU time, against this worker's
    next submission, whose sandbox runs as the same uid."""
    deadline = time.monotonic() + KILL_SECONDS
    while True:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        _, pids = watchdog.usage(proc.pid, uid)
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if proc.poll() is None:
            try:
                proc.wait(timeout=0.05)
            except subprocess.TimeoutExpired:
                pass
        if (not pids and proc.poll() is not None) or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    proc.wait()


# ---------------------------------------------------------------- proving it works, before grading

def preflight(limits: Limits | None = None, course: Path | None = None) -> str:
    """Start the sandbox as grading will and check that it works; returns the isolation text.
    Raises SandboxUnavailable with what to change."""
    secret_places = [CHECKER_DIR / "reference"] + ([course / "notebooks"] if course else [])
    probe = {"probe": [str(p) for p in secret_places], "notebooks": [], "cases": {}}
    run_ = run(probe, limits)
    report = next((m.get("probe") for m in run_.messages if "probe" in m), None)
    where = f"interpreter {sys.executable} (sys.prefix {sys.prefix})"
    if not run_.started or not isinstance(report, dict):
        log = run_.log.strip().splitlines()[-3:]
        raise SandboxUnavailable(
            f"the grading sandbox cannot start the {where}: {run_.ended or 'no report'}"
            + (f"; it said: {' | '.join(log)}" if log else "")
            + ". Every submission would score 0, so nothing was graded. "
            + (f"The sandbox runs as uid {worker_uid()}, which must be able to read the interpreter's "
               "folders; use a virtual environment made with `python -m venv --copies` in a "
               "world-readable folder (python3 course.py setup does this)." if worker_uid() is not None else
               "Without root, bubblewrap needs unprivileged user namespaces (sysctl "
               "kernel.unprivileged_userns_clone=1, or user.max_user_namespaces > 0); or uninstall "
               "bubblewrap to grade with resource limits only (weaker)."))
    if report.get("checker") and bwrap_available():
        raise SandboxUnavailable(f"inside the sandbox, checker's reference can be imported ({report['checker']}); "
                                 "grading would let submissions call it. Nothing was graded.")
    if bwrap_available() and report.get("visible"):
        raise SandboxUnavailable(f"inside the sandbox the course is visible ({', '.join(report['visible'])}). "
                                 "Nothing was graded.")
    return run_.isolation
