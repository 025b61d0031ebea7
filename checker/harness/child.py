"""Runs inside the sandbox, in a fresh interpreter: python -I INPUT_DIR/harness/child.py INPUT_DIR REPORT_FD DROP_TO

It imports nothing from checker (which is not there): only the copy of checker/harness in
INPUT_DIR/harness. It says hello on the report pipe before any
learner code runs (so the parent can tell a sandbox that never started from a submission that
broke it), then, for each notebook, runs the steps in a fresh namespace: the program's cells, and
at each autograder test cell the learner's function as it stands there, on that exercise's
cases (for a derivation, the value of its answer variable as it stands there). Every message
is one JSON line; the verdicts are made by the parent. It ends with os._exit, so no atexit
hook of the learner's runs after the report.
"""
import os
import sys

INPUT_DIR, REPORT_FD, DROP_TO = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if DROP_TO >= 0:  # bwrap ran as root to mount; from here on, an unprivileged uid of this worker's own
    os.setgroups([])
    os.setgid(DROP_TO)
    os.setuid(DROP_TO)
sys.path.insert(0, INPUT_DIR)
sys.path += [p for p in sys.argv[4:] if p not in sys.path]

import json  # noqa: E402  (after the path is set)

from harness import answers, running, testfunctions, wire  # noqa: E402

_write = os.write


def send(**fields) -> None:
    data = wire.message(**fields)
    while data:
        data = data[_write(REPORT_FD, data):]


class _NoMagic:
    """get_ipython() for notebook code outside IPython: magics and shell escapes do nothing."""

    def run_line_magic(self, *args, **kwargs):
        return None

    run_cell_magic = system = getoutput = run_line_magic


def run_notebook(notebook: dict, cases: dict, cell_seconds: float, exercise_seconds: float) -> None:
    name = notebook["name"]
    namespace = {"__name__": "__main__", "get_ipython": _NoMagic}
    for step in notebook["steps"]:
        if "test" in step:
            exercise = step["test"]
            fn = answers.reader(namespace.get(step["value"])) if isinstance(step.get("value"), str) else \
                namespace.get(exercise)
            if not callable(fn):
                send(notebook=name, observed=exercise, missing=type(fn).__name__)
                continue
            arg_list = wire.decode_cases(cases.get(exercise, []), testfunctions.FUNCTIONS)
            observations = running.observe_all(fn, arg_list, exercise_seconds)
            send(notebook=name, observed=exercise,
                 observations=[wire.encode_observation(o) for o in observations])
            continue
        label, source = step["cell"], step["source"]
        try:
            with running._time_limit(cell_seconds):
                exec(compile(source, f"<{label}>", "exec"), namespace)
        except BaseException as exc:  # the learner's cell failed; later cells still run
            send(notebook=name, cell=label, cell_error=f"{type(exc).__name__}: {running._safe_str(exc)[:300]}")


def probe(paths: list) -> dict:
    """What the engine checks before grading: checker is not importable, the course not visible."""
    import importlib

    found = ""
    for name in ("checker.reference", "checker" + ".reference.network"):
        try:
            importlib.import_module(name)
            found = name
        except BaseException:
            pass
    visible = [p for p in paths if os.path.exists(p)]
    return {"checker": found, "visible": visible, "numpy": sys.modules["numpy"].__version__}


def _stub_checker() -> None:
    """`import checker` and checker.check(...) in an answer cell do nothing here, as they cost
    nothing under nbgrader; checker itself (and its reference) is not in the sandbox."""
    import types

    stub = types.ModuleType("checker", "a stand-in: self-checks do nothing while grading")
    stub.check = stub.grade = lambda *args, **kwargs: None
    sys.modules["checker"] = stub


def main() -> None:
    send(hello=wire.PROTOCOL)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    sys.stdout = sys.stderr = running._BoundedText()   # learner prints go nowhere (and are bounded)
    with open(os.path.join(INPUT_DIR, "program.json"), encoding="utf-8") as f:
        program = json.load(f)
    if "probe" in program:
        send(probe=probe(program["probe"]))
    _stub_checker()
    for notebook in program["notebooks"]:
        run_notebook(notebook, program["cases"].get(notebook["name"], {}), program["cell_seconds"],
                     program["exercise_seconds"])
    send(done=True)


try:
    main()
finally:
    os._exit(0)
