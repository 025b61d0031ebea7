"""The class report: its numbers equal those the simulated class was built with, its files have
the layouts that other tools read, and its page stands alone and escapes what students wrote."""
import csv
import json
import math
import re
import sys
from pathlib import Path

import pytest

from checker.engine.result import ExerciseRow, SubmissionResult
from checker.messages import text
from checker.report import build, files, stats
from checker.report.page import page

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from simulated_results import NOT_ATTEMPTED, PASSED, UNKNOWN, default_plan, write_class  # noqa: E402

COURSE = Path(__file__).resolve().parent.parent
STUDENTS = 200
LINK = ("output_delta", ("mistake", "missing_sigma_prime"), "hidden_delta", ("mistake", "missing_transpose"))


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    graded = tmp_path_factory.mktemp("graded")
    built = write_class(graded, default_plan(STUDENTS), STUDENTS, seed=1, not_graded=2, linked=[LINK])
    report = build.make_report(graded, COURSE)
    build.write_report(report, graded / "report", lms="canvas")
    return graded, built, report


def _expected(plan, built):
    """(graded, attempted, passed, {label: count}) as the class was built, not-graded students left out."""
    left_out = {s for s, a in built.not_graded if a == plan.assignment}
    given = {s: o for s, o in built.outcomes[(plan.assignment, plan.exercise)].items() if s not in left_out}
    attempted = [o for o in given.values() if o is not None and o != NOT_ATTEMPTED]
    counts = {}
    for o in attempted:
        if o != PASSED:
            label = UNKNOWN if o == UNKNOWN else (o[1] if o[0] == "mistake" else f"property:{o[1]}")
            counts[label] = counts.get(label, 0) + 1
    return len(given), len(attempted), sum(o == PASSED for o in given.values()), counts


def test_the_counts_shares_and_pass_rates_are_those_the_class_was_built_with(simulated):
    _, built, report = simulated
    by_key = {item.key: item for item in report.items}
    assert len(by_key) == len(built.plans) == 12
    for plan in built.plans:
        item = by_key[(plan.assignment, plan.exercise)]
        graded, attempted, passed, counts = _expected(plan, built)
        assert (item.graded, len(item.attempted), len(item.passed)) == (graded, attempted, passed)
        assert item.pass_rate == pytest.approx(passed / graded)
        assert item.attempt_rate == pytest.approx(attempted / graded)
        assert item.mean_score == pytest.approx(passed * plan.points / graded)
        assert {c.label: n for c, n in item.cause_counts()} == counts


def test_mistakes_csv_has_every_cause_with_its_count_and_share_of_the_attempts(simulated):
    graded, built, _ = simulated
    with open(graded / "report" / "mistakes.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    for plan in built.plans:
        _, attempted, _, counts = _expected(plan, built)
        mine = {r["mistake"]: r for r in rows if (r["assignment"], r["exercise"]) == (plan.assignment, plan.exercise)}
        assert {label: int(r["count"]) for label, r in mine.items()} == counts
        for label, r in mine.items():
            assert float(r["share"]) == pytest.approx(counts[label] / attempted, rel=1e-3)
            assert r["kind"] == ("unknown" if label == UNKNOWN else "property" if label.startswith("property:")
                                 else "mistake")


def test_items_csv_has_one_row_per_exercise_with_its_rates(simulated):
    graded, built, _ = simulated
    with open(graded / "report" / "items.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["assignment"], r["exercise"]) for r in rows] == [(p.assignment, p.exercise) for p in built.plans]
    for r, plan in zip(rows, built.plans):
        students, attempted, passed, _ = _expected(plan, built)
        assert (int(r["students"]), int(r["attempted"]), int(r["passed"])) == (students, attempted, passed)
        assert float(r["pass_rate"]) == pytest.approx(passed / students, rel=1e-3)


def test_unknown_failures_are_counted_apart_and_listed_last(simulated):
    _, _, report = simulated
    for item in report.items:
        kinds = [c.kind for c, _ in item.cause_counts()]
        assert stats.UNKNOWN in kinds and kinds[-1] == stats.UNKNOWN


def test_a_planted_pair_of_misconceptions_is_found_and_chance_pairs_are_not(simulated):
    _, _, report = simulated
    found = {(t.first[1], t.cause.name, t.second[1]) for t in report.together}
    assert ("output_delta", "missing_sigma_prime", "hidden_delta") in found
    assert found <= {("output_delta", "missing_sigma_prime", "hidden_delta"),
                     ("hidden_delta", "missing_transpose", "output_delta")}
    link = next(t for t in report.together if t.first[1] == "output_delta")
    assert link.share == 1.0 and link.commonest == stats.Cause(stats.MISTAKE, "missing_transpose")


def _item(shares: dict, exercise="a", points=1.0):
    item = stats.Item("x", "n.ipynb", exercise, points, dict(shares))
    item.attempted = set(shares)
    return item


def test_an_exercise_only_the_strong_students_pass_discriminates_fully():
    students = [f"s{i}" for i in range(10)]
    strong = set(students[5:])
    rest = _item({s: 1.0 if s in strong else 0.0 for s in students}, "rest")
    item = _item({s: 1.0 if s in strong else 0.0 for s in students})
    assert stats.discrimination(item, [item, rest]) == 1.0
    everyone = _item({s: 1.0 for s in students}, "easy")
    assert stats.discrimination(everyone, [everyone, rest]) == 0.0
    backwards = _item({s: 0.0 if s in strong else 1.0 for s in students}, "odd")
    assert stats.discrimination(backwards, [backwards, rest]) == -1.0


def test_discrimination_needs_four_students():
    item, rest = _item({"a": 1, "b": 0, "c": 1}), _item({"a": 1, "b": 0, "c": 0}, "rest")
    assert math.isnan(stats.discrimination(item, [item, rest]))


def test_not_graded_submissions_count_in_no_number(simulated):
    _, built, report = simulated
    left_out = {s for s, _ in built.not_graded}
    first = [item for item in report.items if item.assignment == built.plans[0].assignment]
    assert all(not (left_out & set(item.shares)) for item in first)
    assert report.counts()["not_graded"] == 2


def test_the_canvas_csv_has_canvas_columns_a_points_row_and_one_row_per_student(simulated):
    graded, built, _ = simulated
    with open(graded / "report" / "canvas.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "backprop", "ema"]
    assert rows[1][0] == "    Points Possible" and rows[1][5:] == ["15", "5"]
    students = rows[2:]
    assert sorted(r[2] for r in students) == built.students and len(students) == STUDENTS
    not_graded = {s for s, _ in built.not_graded}
    for r in students:
        assert (r[5] == "") == (r[2] in not_graded)
        assert r[6] != ""


def test_a_canvas_roster_gives_each_student_their_name_id_and_section(tmp_path):
    roster_file = tmp_path / "export.csv"
    roster_file.write_text("Student,ID,SIS User ID,SIS Login ID,Section,Quiz 1 (101)\n"
                           "    Points Possible,,,,,10\n"
                           '"Lovelace, Ada",4711,U-1,ada,Section A,9\n', encoding="utf-8")
    results = [SubmissionResult("ada", "backprop", [ExerciseRow("n", "sigmoid", 1.0, 1.0, None, "")]),
               SubmissionResult("bob", "backprop", [ExerciseRow("n", "sigmoid", 0.0, 1.0, None, "")])]
    unmatched = files.write_canvas(tmp_path / "canvas.csv", results, files.read_roster(roster_file))
    with open(tmp_path / "canvas.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[2] == ["Lovelace, Ada", "4711", "U-1", "ada", "Section A", "1"]
    assert rows[3] == ["bob", "", "bob", "bob", "", "0"] and unmatched == ["bob"]


def test_a_file_that_is_not_a_canvas_export_is_refused(tmp_path):
    (tmp_path / "x.csv").write_text("name,score\nada,1\n")
    with pytest.raises(ValueError, match="not a Canvas gradebook export"):
        files.read_roster(tmp_path / "x.csv")


def test_the_page_stands_alone_with_every_chart_embedded(simulated):
    graded, built, _ = simulated
    html = (graded / "report" / "index.html").read_text(encoding="utf-8")
    assert "<script" not in html and not re.search(r"""(src|href)=['"]?(https?:)?//""", html)
    assert html.count("data:image/png;base64,") == len(built.plans) + 1


def test_the_page_explains_each_mistake_and_property_from_the_catalogue(simulated):
    graded, _, _ = simulated
    html = (graded / "report" / "index.html").read_text(encoding="utf-8")
    import html as html_module
    assert html_module.escape(text("mistake.missing_sigma_prime.explanation", "en")) in html
    assert html_module.escape(text("property.sigmoid_derivative.within_quarter.hint", "en")) in html


def test_the_page_says_the_pairs_are_not_verdicts(simulated):
    graded, _, _ = simulated
    assert "pairs to look at, not verdicts" in (graded / "report" / "index.html").read_text(encoding="utf-8")


HOSTILE = "<img src=x onerror=alert(1)>"


def test_what_students_wrote_is_escaped_on_the_page(tmp_path):
    rows = [ExerciseRow("01_sigmoid_and_mse.ipynb", "sigmoid", 0.0, 1.0, "</td><script>", HOSTILE,
                        answer=f"def sigmoid(z):\n    return '{HOSTILE}'\n")]
    result = SubmissionResult(HOSTILE, "backprop", rows, flags=[HOSTILE], not_graded="")
    path = tmp_path / "results" / "backprop" / f"{HOSTILE}.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(result.to_dict()))
    html = page(build.make_report(tmp_path, COURSE, charts_too=False))
    assert HOSTILE not in html and "<script>" not in html and "&lt;img src=x" in html


def test_a_result_file_that_is_not_one_is_reported_not_skipped(tmp_path):
    write_class(tmp_path, default_plan(10), 10)
    (tmp_path / "results" / "backprop" / "s0003.json").write_text("{not json")
    (tmp_path / "results" / "ema" / "s0004.json").write_text(json.dumps({"student": "other"}))
    results, unreadable = files.load(tmp_path)
    assert sorted(p for p, _ in unreadable) == ["results/backprop/s0003.json", "results/ema/s0004.json"]
    assert len(results) == 18


def test_a_result_filed_under_another_student_is_refused(tmp_path):
    write_class(tmp_path, default_plan(4), 4)
    one = tmp_path / "results" / "backprop" / "s0001.json"
    one.rename(tmp_path / "results" / "backprop" / "s0009.json")
    _, unreadable = files.load(tmp_path)
    assert unreadable == [("results/backprop/s0009.json", "its student or assignment is not the file's")]


def test_the_chinese_page_is_in_chinese(tmp_path):
    write_class(tmp_path, default_plan(20), 20)
    html = page(build.make_report(tmp_path, COURSE, "zh", charts_too=False), "zh")
    assert "<html lang=zh>" in html and "班级报告" in html and "只是值得查看的配对，不是结论" in html


def test_a_score_nbgrader_gave_otherwise_is_listed_with_both_scores(tmp_path, monkeypatch):
    import checker.engine.run as engine_run

    write_class(tmp_path / "graded", default_plan(6), 6)
    (tmp_path / "gradebook.db").write_bytes(b"")
    monkeypatch.setattr(engine_run, "nbgrader_scores", lambda gradebook: {
        ("s0001", "backprop", "01_sigmoid_and_mse.ipynb", "sigmoid"): 7.0,
        ("s0002", "ema", "01_moving_average.ipynb", "ema"): None})
    report = build.make_report(tmp_path / "graded", tmp_path, charts_too=False)
    assert report.compared == 1 and [(d["student"], d["nbgrader_score"]) for d in report.differences] == [("s0001", "7")]
    assert "s0001" in page(report).split("id=views")[1]


def test_without_a_gradebook_the_page_says_nothing_was_compared(tmp_path):
    write_class(tmp_path / "graded", default_plan(6), 6)
    report = build.make_report(tmp_path / "graded", tmp_path, charts_too=False)
    import html as html_module
    assert report.differences is None and html_module.escape(text("report.differ_missing", "en")) in page(report)


def test_a_stub_the_engine_never_reached_counts_as_not_attempted_not_as_a_failure(tmp_path):
    stub, _ = build.code_templates(COURSE, "backprop", "01_sigmoid_and_mse.ipynb")["sigmoid_derivative"]
    rows = [ExerciseRow("01_sigmoid_and_mse.ipynb", "sigmoid", 0.0, 1.0, None, "stopped", answer="import os\nos._exit(0)\n"),
            ExerciseRow("01_sigmoid_and_mse.ipynb", "sigmoid_derivative", 0.0, 1.0, None, "stopped", answer=stub)]
    path = tmp_path / "results" / "backprop" / "gus.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(SubmissionResult("gus", "backprop", rows).to_dict()))
    report = build.make_report(tmp_path, COURSE, charts_too=False)
    by = {item.exercise: item for item in report.items}
    assert by["sigmoid"].attempted == {"gus"} and by["sigmoid"].causes["gus"].kind == stats.UNKNOWN
    assert by["sigmoid_derivative"].attempted == set() and by["sigmoid_derivative"].causes == {}
