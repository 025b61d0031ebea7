"""Runs inside the sandbox, in a fresh interpreter: python child.py WORKDIR

It imports nothing from checker (which is not there): only a copy of running.py, snapshot.py,
wire.py and testfunctions.py, placed in WORKDIR/harness by the parent. For each notebook of the
submission it runs the learner's program in a fresh namespace, then calls the learner's
functions on the cases the parent sent, and writes what it saw as plain data (results.json +
results.npz, rewritten after each notebook). The verdicts are made by the parent.
"""
import sys
import time
from pathlib import Path

WORKDIR = Path(sys.argv[1])
sys.path.insert(0, str(WORKDIR))

from harness import running, testfunctions, wire  # noqa: E402  (after the path is set)


class _NoMagic:
    """get_ipython() for notebook code outside IPython: magics and shell escapes do nothing."""

    def run_line_magic(self, *args, **kwargs):
        return None

    run_cell_magic = system = getoutput = run_line_magic


def run_notebook(cells, cases, cell_seconds: float, exercise_seconds: float) -> tuple[dict, list]:
    """Run one notebook's program in a fresh namespace, then its functions on their cases."""
    namespace = {"__name__": "__main__", "get_ipython": _NoMagic}
    cell_errors = []
    for label, source in cells:
        source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
        try:
            with running._time_limit(cell_seconds):
                exec(compile(source, f"<{label}>", "exec"), namespace)
        except BaseException as exc:  # the learner's cell failed; later cells still run
            cell_errors.append(f"{label}: {type(exc).__name__}: {running._safe_str(exc)[:300]}")
    observed = {}
    for exercise, arg_list in cases.items():
        fn = namespace.get(exercise)
        observed[exercise] = running.observe_all(fn, arg_list, exercise_seconds) if callable(fn) else None
    return observed, cell_errors


def main() -> None:
    sys.stdout = sys.stderr = running._BoundedText()   # learner prints go nowhere (and are bounded)
    program, _ = wire.read(WORKDIR, "program")
    document, arrays = wire.read(WORKDIR, "cases")
    out_arrays, report = {}, {}
    for notebook in program["notebooks"]:
        name = notebook["name"]
        cases = wire.decode_cases({"exercises": document["exercises"].get(name, {})}, arrays,
                                  testfunctions.FUNCTIONS)
        observed, cell_errors = run_notebook(notebook["cells"], cases, program["cell_seconds"],
                                             program["exercise_seconds"])
        report[name] = {"cell_errors": cell_errors, "results": {
            ex: None if obs is None else [wire.encode_observation(o, out_arrays) for o in obs]
            for ex, obs in observed.items()}}
        wire.write(WORKDIR, "results", {"notebooks": report, "finished": time.time()}, out_arrays)


main()
