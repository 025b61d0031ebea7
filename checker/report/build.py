"""python -m checker report GRADED: from the engine's results to GRADED/report/ (index.html,
items.csv, mistakes.csv, similar_pairs.csv, and canvas.csv with --lms canvas).

    make_report(graded, course, ...)   a ClassReport: every number and picture the page shows
    write_report(report, folder, ...)  the page and the CSV files
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..editions import MARKERS
from ..engine.extract import nbgrader_meta
from ..messages import text
from . import charts, files, stats
from .similarity import similar_pairs

SIMILARITY_THRESHOLD = 0.8
MIN_TOGETHER = 3
PARALLEL_FROM = 2000    # answers in the class, from which similarity runs in a process per core


@dataclass
class ClassReport:
    graded: str
    results: list
    unreadable: list
    assignments: list
    students: list
    items: list
    together: list
    differences: list | None              # None: not compared (no gradebook.db, or it could not be read)
    threshold: float = SIMILARITY_THRESHOLD
    min_together: int = MIN_TOGETHER
    pairs: dict = field(default_factory=dict)        # (assignment, exercise) -> [SimilarPair]
    more_pairs: dict = field(default_factory=dict)   # (assignment, exercise) -> pairs left off
    similarity_note: str = ""                        # why similarity was not computed ('' when it was)
    warnings: list = field(default_factory=list)
    exercise_pngs: dict = field(default_factory=dict)
    overview_png: bytes = b""
    canvas: bool = False
    compared: int = 0                                # exercises nbgrader graded too
    graded_href: str = ".."                          # the page's link to GRADED (for feedback/ and grades.csv)

    def counts(self) -> dict:
        return {"students": len(self.students), "submissions": len(self.results),
                "graded": sum(1 for r in self.results if not r.not_graded),
                "not_graded": sum(1 for r in self.results if r.not_graded),
                "flagged": sum(1 for r in self.results if r.flags),
                "differ": len(self.differences or [])}


def code_templates(course: Path, assignment: str, notebook: str) -> dict:
    """exercise -> (the released stub, the given solution) of every answer cell of the source
    notebook; {} when the course does not have it."""
    from ..stubs import ClearSolutionsInItsLanguage

    path = course / "notebooks" / assignment / notebook
    if not path.is_file():
        return {}
    source = nbformat.read(path, as_version=4)
    released, _ = ClearSolutionsInItsLanguage().preprocess(nbformat.from_dict(source),
                                                          {"nbgrader": {"assignment": assignment}})

    def answer_cells(nb) -> dict:
        return {nbgrader_meta(c)["grade_id"]: c.source for c in nb.cells
                if c.cell_type == "code" and nbgrader_meta(c).get("solution") and nbgrader_meta(c).get("grade_id")}

    stubs = answer_cells(released)
    return {gid: (stubs.get(gid, ""), "\n".join(line for line in solution.splitlines() if not MARKERS.match(line)))
            for gid, solution in answer_cells(source).items()}


def make_report(graded: Path, course: Path | None, language: str = "en",
                threshold: float = SIMILARITY_THRESHOLD, charts_too: bool = True) -> ClassReport:
    results, unreadable = files.load(graded)
    templates = _templates(course, results) if course is not None else {}
    all_items = stats.items(results, {key: stub for key, (stub, _) in templates.items()})
    report = ClassReport(str(graded), results, unreadable, sorted({r.assignment for r in results}),
                         sorted({r.student for r in results}), all_items,
                         stats.together(all_items, MIN_TOGETHER), None, threshold)
    gradebook = course / "gradebook.db" if course else None
    if gradebook is not None and gradebook.is_file():
        try:
            report.compared, report.differences = files.differences(results, gradebook)
        except Exception as exc:   # a gradebook being written, or of another nbgrader: say so, go on
            report.warnings.append(text("report.gradebook_unreadable", language, path=gradebook,
                                        error=f"{type(exc).__name__}: {str(exc)[:150]}"))
    # Similarity (most of the time) runs in worker processes while this one draws the charts.
    with _pool(report) as pool:
        pending = _similarity(report, course, templates, language, pool)
        if charts_too and all_items:
            say = lambda key, **f: text(f"report.{key}", language, **f)   # noqa: E731
            report.overview_png = charts.overview_chart(all_items, say, language)
            report.exercise_pngs = {item.key: charts.exercise_chart(item, say, language) for item in all_items}
        for key, found in pending.items():
            report.pairs[key], report.more_pairs[key] = found.result() if pool else found
    return report


def _pool(report: ClassReport):
    """A process pool when the class is big enough to be worth one, else a stand-in that is None."""
    from concurrent.futures import ProcessPoolExecutor
    from contextlib import nullcontext

    answers = sum(1 for r in report.results for row in r.exercises if row.answer)
    workers = min(os.cpu_count() or 1, len(report.items))
    return ProcessPoolExecutor(workers) if workers > 1 and answers >= PARALLEL_FROM else nullcontext()


def _templates(course: Path, results: list) -> dict:
    """(assignment, exercise) -> (the released stub, the given solution), for every notebook the results name."""
    notebooks = {(r.assignment, row.notebook) for r in results for row in r.exercises}
    return {(assignment, exercise): pair for assignment, notebook in sorted(notebooks)
            for exercise, pair in code_templates(course, assignment, notebook).items()}


def _similarity(report: ClassReport, course: Path | None, templates: dict, language: str, pool) -> dict:
    """(assignment, exercise) -> a future of (pairs, more) with a pool, else (pairs, more)."""
    if course is None:
        report.similarity_note = text("report.no_course", language)
        return {}
    graded = [r for r in report.results if not r.not_graded]
    pending = {}
    for item in report.items:
        if item.key not in templates:
            report.warnings.append(text("report.no_template", language, exercise=item.exercise,
                                        notebook=f"{item.assignment}/{item.notebook}", course=course))
        template, given = templates.get(item.key, ("", ""))
        answers = {r.student: row.answer for r in graded if r.assignment == item.assignment
                   for row in r.exercises if row.exercise == item.exercise and row.answer and row.answer.strip()}
        pending[item.key] = pool.submit(similar_pairs, answers, template, given, report.threshold) if pool \
            else similar_pairs(answers, template, given, report.threshold)
    return pending


def write_report(report: ClassReport, folder: Path, language: str = "en", lms: str | None = None,
                 roster: dict | None = None) -> list[str]:
    """Writes the page and the files into folder; returns the students a roster did not have."""
    from .page import page

    folder.mkdir(parents=True, exist_ok=True)
    report.graded_href = Path(os.path.relpath(Path(report.graded).resolve(), folder.resolve())).as_posix()
    files.write_items(folder / "items.csv", report.items)
    files.write_mistakes(folder / "mistakes.csv", report.items)
    files.write_pairs(folder / "similar_pairs.csv", report.pairs)
    unmatched = []
    if lms == "canvas":
        report.canvas = True
        unmatched = files.write_canvas(folder / "canvas.csv", report.results, roster)
    (folder / "index.html").write_text(page(report, language), encoding="utf-8")
    return unmatched
