"""The course's workflows on top of nbgrader: the learner's workspace, and the instructor's
release → validate → autograde → feedback → export. Each step wraps nbgrader; none replaces it.

    python -m checker workspace [--dir workspace] [--lang zh]
                                                    learner copies of every assignment (of one edition)
    python -m checker translate [--check]           build the Chinese edition (checker.editions)
    python -m checker release [ASSIGNMENT ...]      nbgrader generate_assignment (release/)
    python -m checker validate [ASSIGNMENT ...]     fail loudly unless the source notebooks pass
                                                    their tests and the learner versions fail them
    python -m checker autograde ASSIGNMENT [--student ID]
    python -m checker feedback ASSIGNMENT           nbgrader generate_feedback (feedback/)
    python -m checker export [--to grades.csv]      nbgrader export
    python -m checker grade SUBMITTED [--out DIR]   the trusted, parallel grading engine
                                                    (checker.engine.run)
    python -m checker report GRADED [--lms canvas] [--roster EXPORT.csv] [--lang zh]
                                                    the class report (checker.report): GRADED/report/
    python -m checker new-exercise ID --notebook ASSIGNMENT/NAME [--points N]
                                                    scaffold an exercise (checker.scaffold)
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

COURSE_ROOT = Path(__file__).resolve().parent.parent
STATE_FILE = ".released.json"  # in the workspace: the hash of every notebook as it was handed out


def assignments(root: Path = COURSE_ROOT) -> list[str]:
    return sorted(p.name for p in (root / "notebooks").iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def course_root() -> Path:
    """The course nbgrader works on: the current folder if it has an nbgrader_config.py, else this kit's."""
    here = Path.cwd()
    return here if (here / "nbgrader_config.py").is_file() else COURSE_ROOT


def nbgrader(*args: str, root: Path = COURSE_ROOT, quiet: bool = False) -> int:
    """Run an nbgrader command in the course root; returns its exit code."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")  # for alembic
    out = subprocess.DEVNULL if quiet else None
    return subprocess.call([sys.executable, "-m", "nbgrader", *args], cwd=root, env=env,
                           stdout=out, stderr=out)


def release_into(folder: Path, names: list[str], root: Path = COURSE_ROOT) -> Path:
    """Generate the learner versions in a scratch copy of the course (the course root is left
    untouched); returns the scratch release/ folder."""
    shutil.copytree(root / "notebooks", folder / "notebooks")
    shutil.copy(root / "nbgrader_config.py", folder)
    for name in names:
        if nbgrader("generate_assignment", name, "--force", root=folder, quiet=True) != 0:
            raise SystemExit(f"nbgrader could not generate the learner version of {name!r}")
    return folder / "release"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_workspace(workspace: Path, root: Path = COURSE_ROOT, language: str = "en") -> list[str]:
    """Create or refresh the learner's copies of one edition's assignments (language 'en':
    backprop, ema; 'zh': backprop_zh, ema_zh). Never overwrites or deletes a notebook the learner
    has edited; adds new ones; refreshes one only if it is exactly as it was handed out.
    Returns one line per notebook saying what happened."""
    from .editions import language_of

    names = [a for a in assignments(root) if language_of(a) == language]
    if not names:
        raise SystemExit(f"the course has no assignments in language {language!r}")
    workspace.mkdir(parents=True, exist_ok=True)
    state_path = workspace / STATE_FILE
    handed_out = json.loads(state_path.read_text()) if state_path.exists() else {}
    report = []
    with tempfile.TemporaryDirectory() as scratch:
        release = release_into(Path(scratch), names, root)
        for new in sorted(release.glob("*/*.ipynb")):
            name = str(new.relative_to(release))
            mine = workspace / name
            if not mine.exists():
                mine.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(new, mine)
                report.append(f"added    {name}")
            elif _digest(mine) == _digest(new):
                report.append(f"kept     {name} (unchanged)")
            elif handed_out.get(name) == _digest(mine):
                shutil.copy(new, mine)
                report.append(f"updated  {name} (you had not edited it)")
            elif handed_out.get(name) in (None, _digest(new)):
                report.append(f"kept     {name} (your work)")
                continue
            else:
                report.append(f"kept     {name} (your work; a newer version exists: rename yours "
                              "and run this again to get it)")
                continue
            handed_out[name] = _digest(mine)
    state_path.write_text(json.dumps(handed_out, indent=1, sort_keys=True))
    return report


def validate(names: list[str], root: Path = COURSE_ROOT) -> list[str]:
    """Problems found: every source notebook must pass its own tests, and every learner version
    must fail every test (nbgrader's Validator; `nbgrader validate` exits 0 even on failure)."""
    from nbgrader.validator import Validator

    problems = []
    for name in names:
        for source in sorted((root / "notebooks" / name).glob("*.ipynb")):
            result = Validator().validate(str(source))
            if result:
                problems.append(f"{name}/{source.name}: the instructor version fails: {_summary(result)}")
    with tempfile.TemporaryDirectory() as scratch:
        release = release_into(Path(scratch), names, root)
        for student in sorted(release.glob("*/*.ipynb")):
            result = Validator(invert=True).validate(str(student))
            if result:
                problems.append(f"{student.parent.name}/{student.name}: the learner version passes "
                                f"tests before any work: {_summary(result)}")
    return problems


def _summary(result: dict) -> str:
    """'failed: 2 cell(s), first: <its error, or its first line of code>' for each kind."""
    parts = []
    for kind, cells in result.items():
        first = cells[0]
        error_lines = [line for line in first.get("raw_error", "").splitlines() if line.strip()]
        shown = next((line for line in error_lines if "Error" in line), None) or first.get("source", "")
        parts.append(f"{kind}: {len(cells)} cell(s), first: {shown.strip().splitlines()[0][:100]!r}")
    return "; ".join(parts)


def is_course(folder: Path) -> bool:
    return (folder / "nbgrader_config.py").is_file() and (folder / "notebooks").is_dir()


def find_course(given: str | None, beside: Path) -> Path | None:
    """The course folder: `given` (--course) if it is one; without it, the folder that holds
    `beside` (submitted/ or graded/), else the current folder, else this kit's; None if none is."""
    candidates = [Path(given)] if given else [beside.resolve().parent, Path.cwd(), COURSE_ROOT]
    return next((c for c in candidates if is_course(c)), None)


def grade_command(args) -> int:
    """python -m checker grade: exit 0 when every submission was graded, 1 when some could not be
    (infrastructure, with a summary of why), 2 when grading could not start at all."""
    from .engine.run import grade_folder
    from .engine.sandbox import SandboxUnavailable

    submitted = Path(args.submitted)
    if not submitted.is_dir():
        print(f"error: {submitted} is not a folder of submissions (submitted/<student>/<assignment>/)")
        return 2
    course = find_course(args.course, submitted)
    if course is None:
        print(f"error: {args.course or submitted.resolve().parent} is not a course folder (it needs "
              "nbgrader_config.py and notebooks/); say which with --course")
        return 2
    out = Path(args.out) if args.out else submitted.resolve().parent / "graded"
    try:
        summary = grade_folder(submitted, out, course=course, scheduler=args.scheduler, workers=args.workers)
    except SandboxUnavailable as exc:
        print(f"error: {exc}")
        return 2
    for line in summary.lines():
        print(line)
    print(f"reports in {out}: grades.csv, feedback/, comparison.csv (if {course}/gradebook.db exists)")
    return 1 if summary.not_graded else 0


def report_command(args) -> int:
    """python -m checker report: exit 0 when the report is whole; 1 when it was written but
    something is missing from it (unreadable results, similarity not computed, students not in
    the roster), said on the page and here; 2 when there is nothing to report."""
    from .report import build, files

    graded = Path(args.graded)
    if not (graded / "results").is_dir():
        print(f"error: {graded} holds no results/ folder; run python -m checker grade first "
              "(the report reads the engine's results)")
        return 2
    course = find_course(args.course, graded)
    if args.course and course is None:
        print(f"error: {args.course} is not a course folder (it needs nbgrader_config.py and notebooks/)")
        return 2
    try:
        roster = files.read_roster(Path(args.roster)) if args.roster else None
    except (OSError, ValueError, KeyError) as exc:
        print(f"error: the roster cannot be used: {exc}")
        return 2
    report = build.make_report(graded, course, args.lang, args.threshold)
    if not report.results:
        print(f"error: {graded}/results holds no result the report can read")
        for path, why in report.unreadable:
            print(f"  unreadable: {path}: {why}")
        return 2
    out = Path(args.out) if args.out else graded / "report"
    unmatched = build.write_report(report, out, args.lang, args.lms, roster)
    counts = report.counts()
    print(f"{counts['students']} students, {counts['submissions']} submissions ({counts['not_graded']} not graded), "
          f"{len(report.items)} exercises; {sum(len(p) for p in report.pairs.values())} similar pairs listed")
    print(f"report: {out / 'index.html'}")
    trouble = [f"{len(report.unreadable)} result file(s) could not be read, e.g. {report.unreadable[0][0]}: "
               f"{report.unreadable[0][1]}"] if report.unreadable else []
    trouble += [report.similarity_note] if report.similarity_note else []
    trouble += report.warnings
    trouble += [f"{len(unmatched)} student(s) are not in the roster (written with their id as SIS User ID "
                f"and SIS Login ID): {', '.join(unmatched[:5])}"] if unmatched else []
    for line in trouble:
        print(f"WARNING: {line}")
    return 1 if trouble else 0


def translate_command(args) -> int:
    from . import editions

    if args.skeletons:
        print("\n".join(editions.write_skeletons(COURSE_ROOT, args.lang)))
        return 0
    try:
        built = editions.build(COURSE_ROOT, args.lang, write=not args.check)
    except editions.TranslationError as e:
        print(f"error: the {args.lang} edition cannot be built:\n{e}")
        return 1
    if args.check:
        stale = [p for p, text in built.items() if not p.is_file() or p.read_text(encoding="utf-8") != text]
        for p in stale:
            print(f"out of date: {p.relative_to(COURSE_ROOT)} (run python -m checker translate)")
        return 1 if stale else 0
    print(f"built {len(built)} notebooks of the {args.lang} edition")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m checker", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    ws = commands.add_parser("workspace", help="create or refresh the learner's copies")
    ws.add_argument("--dir", default=str(COURSE_ROOT / "workspace"))
    ws.add_argument("--lang", default="en", help="the edition: en (default) or zh")
    tr = commands.add_parser("translate", help="build notebooks/<assignment>_zh from the English and translations/zh")
    tr.add_argument("--lang", default="zh")
    tr.add_argument("--check", action="store_true", help="only check that the built notebooks are up to date")
    tr.add_argument("--skeletons", action="store_true", help="create or refresh the catalogues to translate")
    for name in ("release", "validate"):
        sub = commands.add_parser(name, help=f"{name} assignments (default: all)")
        sub.add_argument("assignments", nargs="*")
    auto = commands.add_parser("autograde", help="nbgrader autograde submitted/*/ASSIGNMENT")
    auto.add_argument("assignment")
    auto.add_argument("--student", help="only this student id (a glob)")
    fb = commands.add_parser("feedback", help="nbgrader generate_feedback")
    fb.add_argument("assignment")
    ex = commands.add_parser("export", help="nbgrader export of the gradebook to CSV")
    ex.add_argument("--to", default="grades.csv")
    gr = commands.add_parser("grade", help="grade submitted/<student>/<assignment>/ in sandboxes, in parallel")
    gr.add_argument("submitted", help="nbgrader's submitted/ folder")
    gr.add_argument("--out", help="where results and reports go (default: graded/ beside SUBMITTED)")
    gr.add_argument("--course", help="the course root (notebooks/, gradebook.db); default: the folder "
                    "that holds SUBMITTED, else the current folder")
    gr.add_argument("--workers", type=int, help="local worker processes (default: one per core)")
    gr.add_argument("--scheduler", help="a Dask scheduler address, e.g. tcp://HOST:8786")
    rp = commands.add_parser("report", help="the class report of the engine's results: GRADED/report/index.html")
    rp.add_argument("graded", help="the engine's --out folder (it holds results/)")
    rp.add_argument("--out", help="where the report goes (default: GRADED/report)")
    rp.add_argument("--course", help="the course root, for the released templates (default: the folder that "
                    "holds GRADED, else the current folder)")
    rp.add_argument("--lms", choices=["canvas"], help="also write the grades for a learning-management system")
    rp.add_argument("--roster", help="a Canvas gradebook export: students' names, Canvas ids and sections")
    rp.add_argument("--lang", default="en", choices=["en", "zh"], help="the page's language")
    rp.add_argument("--threshold", type=float, default=0.8, help="the similarity at which a pair is listed")
    new = commands.add_parser("new-exercise", help="scaffold an exercise around a reference function",
                              add_help=False)
    new.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    argv_rest = getattr(args, "rest", [])

    if args.command == "new-exercise":
        from .scaffold import main as scaffold

        return scaffold(argv_rest)
    if args.command == "workspace":
        workspace = Path(args.dir)
        print(f"Your workspace: {workspace}")
        for line in make_workspace(workspace, language=args.lang):
            print("  " + line)
        return 0
    if args.command == "translate":
        return translate_command(args)
    if args.command == "release":
        root = course_root()
        return max([nbgrader("generate_assignment", a, "--force", root=root)
                    for a in args.assignments or assignments(root)])
    if args.command == "validate":
        root = course_root()
        problems = validate(args.assignments or assignments(root), root)
        for problem in problems:
            print("FAILED " + problem)
        print(f"{len(problems)} problem(s)" if problems else "All source notebooks pass their tests, "
              "and every learner version fails them before any work.")
        return 1 if problems else 0
    if args.command == "grade":
        return grade_command(args)
    if args.command == "report":
        return report_command(args)
    if args.command == "autograde":
        from .submission_check import autograde

        return autograde(course_root(), args.assignment, args.student, nbgrader)
    if args.command == "feedback":
        from .feedback_filter import remove_leaking_feedback

        root = course_root()
        code = nbgrader("generate_feedback", args.assignment, "--force", root=root)
        return max(code, remove_leaking_feedback(root, args.assignment))
    return nbgrader("export", f"--to={args.to}", root=course_root())
