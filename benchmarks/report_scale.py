"""The class report at scale: a made-up class of --students students × 12 exercises (every answer
5–30 lines of its own code, planted copies among them), then `python -m checker report --lms
canvas` on it, as an instructor runs it. Prints the report's wall time, each phase's time (in
this process, one after another), and the ratio to the baseline: reading and parsing every result file, which any
report must do. Target: under 30 s for 1,000 students on 2 cores.

    python benchmarks/report_scale.py [--students 1000]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from simulated_results import default_plan, write_class

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 30.0


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    args = parser.parse_args()
    from checker.report import build, charts, files, stats

    with tempfile.TemporaryDirectory() as scratch:
        graded = Path(scratch) / "graded"
        plans = default_plan(args.students)
        built, made = timed(write_class, graded, plans, args.students, seed=0, not_graded=args.students // 100)
        print(f"class: {args.students} students × {len(plans)} exercises, {len(built.copies)} planted copies "
              f"(made in {made:.1f} s)")
        paths = sorted((graded / "results").glob("*/*.json"))
        _, baseline = timed(lambda: [json.loads(p.read_text(encoding="utf-8")) for p in paths])
        env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
        done, wall = timed(subprocess.run, [sys.executable, "-m", "checker", "report", str(graded), "--course",
                                            str(ROOT), "--lms", "canvas"], capture_output=True, text=True, env=env)
        if done.returncode != 0:
            sys.exit(f"the report failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
        pairs = sum(1 for _ in open(graded / "report" / "similar_pairs.csv")) - 1
        size = (graded / "report" / "index.html").stat().st_size / 2 ** 20
        print(f"baseline (read and parse {len(paths)} result files): {baseline:.2f} s")
        print(f"python -m checker report: {wall:.1f} s ({wall / baseline:.0f}× the baseline; target < "
              f"{TARGET_SECONDS:.0f} s: {'met' if wall < TARGET_SECONDS else 'NOT met'}); "
              f"page {size:.1f} MiB, {pairs} similar pairs")
        print("phases, in this process:")
        (results, _), t = timed(files.load, graded)
        print(f"  load results       {t:6.2f} s")
        all_items, t = timed(stats.items, results)
        _, t2 = timed(lambda: [stats.discrimination(i, all_items) for i in all_items])
        _, t3 = timed(stats.together, all_items)
        print(f"  item analysis      {t + t2 + t3:6.2f} s")
        report = build.ClassReport(str(graded), results, [], [], [], all_items, [], None)
        _, t = timed(lambda: build._similarity(report, ROOT, build._templates(ROOT, results), "en", None))
        print(f"  similarity         {t:6.2f} s (one process; the report runs it in one per core)")
        say = lambda key, **f: key   # noqa: E731
        _, t = timed(lambda: [charts.exercise_chart(i, say) for i in all_items] + [charts.overview_chart(all_items, say)])
        print(f"  charts             {t:6.2f} s")


if __name__ == "__main__":
    main()
