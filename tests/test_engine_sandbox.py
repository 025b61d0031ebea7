"""The sandbox itself: what a child can see, write and reach, and how it ends; driven directly
with small programs (no notebooks)."""
import os
import shutil
import subprocess
import sys

import pytest

from checker.engine import sandbox

pytestmark = pytest.mark.skipif(not sandbox.bwrap_available(), reason="bubblewrap is not installed")


def run_cell(source, **limits):
    """Run one cell; the child reports what it found as a cell error ('RuntimeError: <found>')."""
    program = {"notebooks": [{"name": "nb", "steps": [{"cell": "a", "source": source}]}], "cases": {}}
    return sandbox.run(program, sandbox.Limits(**limits) if limits else None)


def found(run) -> str:
    errors = [m["cell_error"] for m in run.messages if "cell_error" in m]
    assert run.started and len(errors) == 1, (run.ended, run.messages, run.log)
    return errors[0].split("RuntimeError: ", 1)[1]


def test_the_host_files_the_course_and_checker_are_not_there():
    from notebooks import ROOT
    source = ("import os, importlib\nseen = [p for p in ('/etc/passwd', '/etc/hostname', '/home', %r, %r) if os.path.exists(p)]\n"
              "try:\n    importlib.import_module('checker' + '.reference')\n    seen.append('checker')\n"
              "except ImportError:\n    pass\nraise RuntimeError(repr(seen))\n") % (str(ROOT / "README.md"),
                                                                              str(ROOT / "checker" / "reference"))
    assert found(run_cell(source)) == "[]"


def test_the_root_is_read_only_and_tmp_is_the_only_writable_place():
    source = ("import os\nok = []\nfor d in ('/', '/usr', '/box', '/dev', '/dev/shm', '/tmp'):\n    try:\n"
              "        open(os.path.join(d, 'probe'), 'w').close()\n        ok.append(d)\n    except OSError:\n"
              "        pass\nraise RuntimeError(repr(ok))\n")
    assert found(run_cell(source)) == "['/tmp']"


def test_disk_use_is_capped_for_the_whole_sandbox():
    source = ("written = 0\nfor i in range(4):\n    try:\n        with open(f'/tmp/f{i}', 'wb') as f:\n"
              "            for _ in range(16):\n                f.write(b'x' * 2**20)\n                written += 2**20\n"
              "    except OSError:\n        break\nraise RuntimeError(str(written // 2**20))\n")
    assert int(found(run_cell(source, disk_bytes=32 * 2 ** 20))) <= 32  # of the 64 MiB it tried


def test_there_is_no_network():
    source = ("import socket\ntry:\n    socket.create_connection(('1.1.1.1', 53), timeout=2)\n    r = 'connected'\n"
              "except OSError as e:\n    r = type(e).__name__\nraise RuntimeError(r)\n")
    assert found(run_cell(source)) != "connected"


def test_the_child_sees_only_its_own_processes():
    source = "import os\nraise RuntimeError(str(len([p for p in os.listdir('/proc') if p.isdigit()])))\n"
    assert int(found(run_cell(source))) <= 3


def test_the_child_runs_as_an_unprivileged_user():
    assert found(run_cell("import os\nraise RuntimeError(str(os.getuid()))\n")) != "0"


def test_an_endless_loop_that_ignores_alarms_is_ended_at_the_wall_limit():
    run = run_cell("import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass\n",
                   wall_seconds=3)
    assert run.started and run.ended == "it did not finish within 3 s"


def test_without_bubblewrap_it_still_runs_and_says_what_does_not_hold(monkeypatch):
    monkeypatch.setattr(sandbox, "bwrap_available", lambda: False)
    run = run_cell("raise RuntimeError('ran')\n")
    assert found(run) == "ran"
    assert run.isolation.startswith("NO bubblewrap: the file system (checker included) and network are NOT isolated")


NOBODY_PROBE = """
from checker.engine import sandbox
src = ("import os\\nok = []\\nfor d in ('/', '/dev/shm', '/tmp'):\\n    try:\\n"
       "        open(os.path.join(d, 'probe'), 'w').close()\\n        ok.append(d)\\n    except OSError:\\n"
       "        pass\\nraise RuntimeError(repr(ok) + ' ' + str(os.getuid()))\\n")
print(sandbox.preflight())
print([m for m in sandbox.run({"notebooks": [{"name": "nb", "steps": [{"cell": "a", "source": src}]}],
                               "cases": {}}).messages])
"""


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to become another user")
def test_grading_as_a_normal_user_runs_in_a_user_namespace_with_the_same_walls():
    out = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c",
                          NOBODY_PROBE], cwd="/", capture_output=True, text=True, timeout=60,
                         env={"PATH": os.environ["PATH"], "HOME": "/tmp"})
    if "cannot start the interpreter" in out.stderr or "Permission denied" in out.stderr:
        pytest.skip("user nobody cannot read this interpreter here")
    assert out.returncode == 0, out.stderr[-2000:]
    assert "the instructor's uid" in out.stdout and "NO " not in out.stdout
    assert "['/tmp'] 65534" in out.stdout
