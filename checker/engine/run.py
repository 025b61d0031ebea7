"""Grade a whole nbgrader `submitted/` folder, in parallel, resumably, and write the reports.

    python -m checker grade submitted/ [--out graded/] [--workers N] [--scheduler tcp://HOST:8786]

- Before anyone is graded, every worker proves that its sandbox starts the interpreter, imports
  the harness and cannot import checker (sandbox.preflight); otherwise the run stops, loudly.
- Tasks go to a Dask cluster: a LocalCluster with one single-threaded worker process per core
  by default, or the scheduler given (the same code path; workers need checker installed, not
  the submission files: each task carries its notebooks).
- Each finished submission is written at once and atomically to OUT/results/<assignment>/<student>.json;
  a run that is killed and started again grades only what has no final result yet (a result
  "not graded" for an infrastructure reason is tried again).
- Reports: OUT/grades.csv (one row per student and exercise), OUT/feedback/<student>/<assignment>.txt
  (no hidden expected values), and, when COURSE/gradebook.db exists, OUT/comparison.csv with
  every exercise whose nbgrader score differs (a difference is the cheat signal).
"""
from __future__ import annotations

import csv
import functools
import itertools
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import messages
from ..verdict import Text
from . import files, sandbox
from .grader import Task, not_graded, grade
from ..editions import language_of
from .secret import course_secret, student_seed

MAX_SUBMISSION_BYTES = 32 * 2 ** 20
SAFE_NAME = re.compile(r"[^\x00-\x1f\x7f/\\]{1,128}")


@dataclass
class Submission:
    student: str
    assignment: str
    folder: Path | None
    problem: Text | None = None   # why it cannot be opened (None when it can)


@dataclass
class Summary:
    submissions: int = 0
    graded_now: int = 0
    not_graded: dict = field(default_factory=dict)   # student/assignment -> why
    skipped: list = field(default_factory=list)      # entries of submitted/ that are not submissions

    def lines(self) -> list[str]:
        out = [f"{self.submissions} submissions, {self.graded_now} graded now"]
        out += [f"skipped {s}" for s in self.skipped]
        if self.not_graded:
            out.append(f"NOT GRADED: {len(self.not_graded)} submission(s), for reasons outside the "
                       "students' code; run the same command again to retry them:")
            reasons = {}
            for who, why in self.not_graded.items():
                reasons.setdefault(why, []).append(who)
            for why, who in sorted(reasons.items(), key=lambda kv: -len(kv[1])):
                out.append(f"  {len(who)} × {why}  (e.g. {', '.join(sorted(who)[:3])})")
        return out


def safe_name(name: str) -> bool:
    return bool(SAFE_NAME.fullmatch(name)) and name not in (".", "..") and not name.startswith(".")


def discover(submitted: Path, assignments: list[str]) -> tuple[list[Submission], list[str]]:
    """Every submitted/<student>/<assignment>/ of the course's assignments, links and special
    files never followed (reported for that student); and the entries skipped, with why."""
    found, skipped = [], []
    for student_entry in sorted(os.scandir(submitted), key=lambda e: e.name):
        student = student_entry.name
        if not safe_name(student):
            skipped.append(f"{student[:60]!r}: not a usable student id")
            continue
        kind = files.entry_kind(Path(student_entry.path))
        if kind != "folder":
            found += [Submission(student, a, None, _not_a_folder(student, kind)) for a in assignments]
            continue
        for entry in sorted(os.scandir(student_entry.path), key=lambda e: e.name):
            kind = files.entry_kind(Path(entry.path))
            if entry.name not in assignments:
                skipped.append(f"submitted/{student}/{entry.name[:60]}: not an assignment of this course")
            elif kind != "folder":
                found.append(Submission(student, entry.name, None, _not_a_folder(f"{student}/{entry.name}", kind)))
            else:
                found.append(Submission(student, entry.name, Path(entry.path)))
    return found, skipped


def _not_a_folder(path: str, kind: str) -> Text:
    return Text("engine.not_a_folder", {"path": path, "kind": files.kind_text(kind)})


def result_path(out: Path, student: str, assignment: str) -> Path:
    path = out / "results" / assignment / f"{student}.json"
    if not path.resolve().is_relative_to(out.resolve()):
        raise ValueError(f"unsafe result path for {student!r}")
    return path


def is_final(path: Path) -> bool:
    """A stored result that needs no regrading (graded, not an infrastructure failure)."""
    try:
        return not json.loads(path.read_text()).get("not_graded")
    except (OSError, ValueError):
        return False


def collect_files(folder: Path | None, expected, budget: int = MAX_SUBMISSION_BYTES) -> tuple[dict, list]:
    """notebook name -> bytes (or a Text of why it was not read) for the expected notebooks, ''
    for other notebooks there (listed, not read), and problems (Texts); nothing is followed, and
    at most `budget` bytes are read in all."""
    found, problems = {}, []
    if folder is None:
        return found, problems
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if not entry.name.endswith(".ipynb"):
            continue
        if not safe_name(entry.name):
            problems.append(Text("engine.unusable_name", {"name": entry.name[:60]}))
            continue
        if entry.name not in expected:
            found[entry.name] = ""
            continue
        try:
            found[entry.name] = files.read_regular(Path(entry.path), min(budget, files.MAX_NOTEBOOK_BYTES))
            budget -= len(found[entry.name])
        except files.NotReadable as exc:
            found[entry.name] = exc.text
        if len(found) > 50:
            problems.append(Text("engine.too_many_notebooks"))
            break
    return found, problems


def make_task(sub: Submission, sources: dict, secret: bytes) -> Task:
    found, problems = collect_files(sub.folder, sources)
    if sub.problem:
        problems.append(sub.problem)
    return Task(sub.student, sub.assignment, found, sources, student_seed(secret, sub.assignment, sub.student),
                problems, language_of(sub.assignment))


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(f.name, path)


def course_assignments(course: Path) -> dict:
    """assignment -> {notebook name: source text}."""
    return {a.name: {p.name: p.read_text(encoding="utf-8") for p in sorted(a.glob("*.ipynb"))}
            for a in sorted((course / "notebooks").iterdir()) if a.is_dir() and any(a.glob("*.ipynb"))}


def _preflight_everywhere(client, limits, course: Path) -> str:
    answers = client.run(_preflight_answer, limits, str(course))
    failures = {w: a for w, a in answers.items() if a.startswith("FAILED ")}
    if failures:
        worker, text = next(iter(failures.items()))
        raise sandbox.SandboxUnavailable(f"{text[len('FAILED '):]} (worker {worker}"
                                         f"{f' and {len(failures) - 1} more' if len(failures) > 1 else ''})")
    return next(iter(answers.values()), "")


def _preflight_answer(limits, course: str) -> str:
    try:
        return sandbox.preflight(limits, Path(course))
    except sandbox.SandboxUnavailable as exc:
        return f"FAILED {exc}"


def _submit(client, queue, running, sub, assignments, secret, limits) -> None:
    task = make_task(sub, assignments[sub.assignment], secret)
    future = client.submit(grade, task, limits=limits, pure=False)
    running[future] = task
    queue.add(future)


def grade_folder(submitted: Path, out: Path, *, course: Path, scheduler: str | None = None,
                 workers: int | None = None, progress: bool = True, client=None, limits=None) -> Summary:
    """Grade every submission that has no final result in `out` yet; returns a Summary.
    Raises SandboxUnavailable (before grading anyone) when the sandbox cannot work here."""
    from dask.distributed import Client, LocalCluster, as_completed
    from tqdm.auto import tqdm

    submitted, out, course = submitted.resolve(), out.resolve(), course.resolve()
    assignments = course_assignments(course)
    subs, skipped = discover(submitted, sorted(assignments))
    summary = Summary(len(subs), skipped=skipped)
    todo = [s for s in subs if not is_final(result_path(out, s.student, s.assignment))]
    summary.graded_now = len(todo)
    if todo:
        secret = course_secret(course)
        own = client is None
        if own:
            cluster = None if scheduler else LocalCluster(n_workers=workers or os.cpu_count(), threads_per_worker=1,
                                                          processes=True, dashboard_address=":0")
            client = Client(scheduler or cluster)
        try:
            isolation = _preflight_everywhere(client, limits, course)
            if "NO " in isolation:
                print(f"warning: the grading sandbox here is weaker than it should be: {isolation}")
            bar = tqdm(total=len(todo), desc="grading", unit="submission", disable=not progress)
            pending = iter(todo)
            window = 4 * max(1, len(client.scheduler_info().get("workers", {})))  # tasks in memory at once
            running, queue = {}, as_completed()
            for sub in itertools.islice(pending, window):
                _submit(client, queue, running, sub, assignments, secret, limits)
            for future in queue:
                task = running.pop(future)
                try:
                    result = future.result()
                except Exception as exc:  # the worker died (killed, out of memory): that student only
                    result = not_graded(task, f"the grading worker failed ({type(exc).__name__}: "
                                               f"{str(exc)[:150]})")
                write_atomically(result_path(out, task.student, task.assignment),
                                 json.dumps(result.to_dict(), indent=1))
                future.release()
                bar.update()
                for sub in itertools.islice(pending, 1):
                    _submit(client, queue, running, sub, assignments, secret, limits)
            bar.close()
        finally:
            if own:
                client.close()
                if not scheduler:
                    cluster.close()
    results = load_results(out)
    summary.not_graded = {f"{r['student']}/{r['assignment']}": r["not_graded"] for r in results
                          if r.get("not_graded")}
    write_reports(out, course, results)
    return summary


def load_results(out: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((out / "results").glob("*/*.json"))]


def write_reports(out: Path, course: Path, results: list | None = None) -> None:
    results = load_results(out) if results is None else results
    with open(out / "grades.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "assignment", "notebook", "exercise", "score", "max_score", "mistake", "status"])
        for r in results:
            for row in r["exercises"]:
                writer.writerow([r["student"], r["assignment"], row["notebook"], row["exercise"],
                                 row["score"], row["max_score"], row["mistake"] or "", row.get("status", "graded")])
    for r in results:
        say = functools.partial(messages.text, language=language_of(r["assignment"]))   # the assignment's
        lines = [say("feedback.title", student=r["student"], assignment=r["assignment"]), ""]
        lines.append(say("feedback.score", score=sum(row["score"] for row in r["exercises"]),
                         max_score=sum(row["max_score"] for row in r["exercises"])) + "\n")
        if r.get("not_graded"):
            lines += [say("feedback.not_graded"), ""]
        for row in r["exercises"]:
            lines += [f"[{row['notebook']}] {row['message']}", ""]
        if r["problems"]:
            lines += [say("feedback.problems")] + [f"- {p}" for p in r["problems"]] + [""]
        if r["flags"]:
            lines += [say("feedback.flags")] + [f"- {f}" for f in r["flags"]]
        write_atomically(out / "feedback" / r["student"] / f"{r['assignment']}.txt", "\n".join(lines) + "\n")
    gradebook = course / "gradebook.db"
    if gradebook.exists():
        write_comparison(results, gradebook, out / "comparison.csv")


def nbgrader_scores(gradebook: Path) -> dict:
    """(student, assignment, notebook, exercise) -> nbgrader's score of the test cell test_<exercise>."""
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{gradebook}") as gb:
        for assignment in gb.assignments:
            for submission in gb.assignment_submissions(assignment.name):
                for nb in submission.notebooks:
                    for g in nb.grades:
                        if g.name.startswith("test_"):
                            scores[(submission.student.id, assignment.name, f"{nb.name}.ipynb",
                                    g.name[len("test_"):])] = g.score
    return scores


def compare_with_nbgrader(results: list, theirs: dict) -> tuple[int, list]:
    """(how many exercises nbgrader scored too, the rows where it disagrees with this engine:
    student, assignment, notebook, exercise, engine score, nbgrader score, engine mistake).
    results: result dicts (to_dict); theirs: nbgrader_scores()."""
    compared, rows = 0, []
    for r in results:
        for row in r["exercises"]:
            key = (r["student"], r["assignment"], row["notebook"], row["exercise"])
            if theirs.get(key) is not None:
                compared += 1
                if abs(theirs[key] - row["score"]) > 1e-9:
                    rows.append([*key, row["score"], theirs[key], row["mistake"] or ""])
    return compared, rows


def write_comparison(results: list, gradebook: Path, path: Path) -> list:
    """Rows where this engine and nbgrader disagree; written to `path` (header only if none)."""
    _, rows = compare_with_nbgrader(results, nbgrader_scores(gradebook))
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "assignment", "notebook", "exercise", "engine_score", "nbgrader_score",
                         "engine_mistake"])
        writer.writerows(rows)
    return rows
