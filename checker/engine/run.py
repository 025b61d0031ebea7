"""Grade a whole nbgrader `submitted/` folder, in parallel, resumably, and write the reports.

    python -m checker grade submitted/ [--out graded/] [--workers N] [--scheduler tcp://HOST:8786]

- Tasks go to a Dask cluster: a LocalCluster with one single-threaded worker process per core
  by default, or the scheduler given (the same code path; workers need checker installed, not
  the submission files: each task carries its notebooks as text).
- Each finished submission is written at once and atomically to OUT/results/<assignment>/<student>.json;
  a run that is killed and started again grades only what has no result yet.
- Reports: OUT/grades.csv (one row per student and exercise), OUT/feedback/<student>/<assignment>.txt
  (no hidden expected values), and, when COURSE/gradebook.db exists, OUT/comparison.csv with
  every exercise whose nbgrader score differs (a difference is the cheat signal).
"""
from __future__ import annotations

import csv
import json
import os
import tempfile
from pathlib import Path

from ..workflow import COURSE_ROOT
from .grader import Task, grade


def discover(submitted: Path) -> list[tuple[str, str, Path]]:
    """(student, assignment, folder) for every submitted/<student>/<assignment>/ folder."""
    return sorted((s.name, a.name, a) for s in submitted.iterdir() if s.is_dir()
                  for a in s.iterdir() if a.is_dir())


def result_path(out: Path, student: str, assignment: str) -> Path:
    return out / "results" / assignment / f"{student}.json"


def make_task(student, assignment, folder: Path, course: Path, hidden: list[Path]) -> Task:
    sources = {p.name: p.read_text() for p in sorted((course / "notebooks" / assignment).glob("*.ipynb"))}
    files = {}
    for path in sorted(folder.glob("*.ipynb")):
        try:
            files[path.name] = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            files[path.name] = ""
    return Task(student, assignment, files, sources, [str(h) for h in hidden])


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(f.name, path)


def grade_folder(submitted: Path, out: Path, *, course: Path = COURSE_ROOT, scheduler: str | None = None,
                 workers: int | None = None, progress: bool = True, client=None, limits=None) -> dict:
    """Grade every submission that has no result in `out` yet; returns counts."""
    from dask.distributed import Client, LocalCluster, as_completed
    from tqdm.auto import tqdm

    submitted, out = submitted.resolve(), out.resolve()
    hidden = sorted({course.resolve(), submitted.parent, COURSE_ROOT})
    todo = [(s, a, f) for s, a, f in discover(submitted) if not result_path(out, s, a).exists()]
    counts = {"submissions": len(discover(submitted)), "graded now": len(todo)}
    if todo:
        own = client is None
        if own:
            cluster = None if scheduler else LocalCluster(n_workers=workers or os.cpu_count(), threads_per_worker=1,
                                                          processes=True, dashboard_address=":0")
            client = Client(scheduler or cluster)
        try:
            tasks = [make_task(s, a, f, course, hidden) for s, a, f in todo]
            futures = client.map(grade, tasks, limits=limits, pure=False)
            bar = tqdm(total=len(futures), desc="grading", unit="submission", disable=not progress)
            for future in as_completed(futures):
                result = future.result()
                write_atomically(result_path(out, result["student"], result["assignment"]),
                                 json.dumps(result, indent=1))
                bar.update()
            bar.close()
        finally:
            if own:
                client.close()
                if not scheduler:
                    cluster.close()
    write_reports(out, course)
    return counts


def load_results(out: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((out / "results").glob("*/*.json"))]


def write_reports(out: Path, course: Path = COURSE_ROOT) -> None:
    results = load_results(out)
    with open(out / "grades.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "assignment", "notebook", "exercise", "score", "max_score", "mistake"])
        for r in results:
            for row in r["exercises"]:
                writer.writerow([r["student"], r["assignment"], row["notebook"], row["exercise"],
                                 row["score"], row["max_score"], row["mistake"] or ""])
    for r in results:
        lines = [f"Feedback for {r['student']}, assignment {r['assignment']}", ""]
        total = sum(row["score"] for row in r["exercises"])
        lines.append(f"Score: {total:g} / {sum(row['max_score'] for row in r['exercises']):g}\n")
        for row in r["exercises"]:
            lines += [f"[{row['notebook']}] {row['message']}", ""]
        if r["problems"]:
            lines += ["Problems with the submission:"] + [f"- {p}" for p in r["problems"]] + [""]
        if r["flags"]:
            lines += ["Code flagged for a person to look at (not penalised):"] + [f"- {f}" for f in r["flags"]]
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


def write_comparison(results: list, gradebook: Path, path: Path) -> list:
    """Rows where this engine and nbgrader disagree; written to `path` (header only if none)."""
    theirs = nbgrader_scores(gradebook)
    rows = []
    for r in results:
        for row in r["exercises"]:
            key = (r["student"], r["assignment"], row["notebook"], row["exercise"])
            if key in theirs and abs(theirs[key] - row["score"]) > 1e-9:
                rows.append([*key, row["score"], theirs[key], row["mistake"] or ""])
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "assignment", "notebook", "exercise", "engine_score", "nbgrader_score",
                         "engine_mistake"])
        writer.writerows(rows)
    return rows
