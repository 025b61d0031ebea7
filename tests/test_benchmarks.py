"""The benchmark scripts run and print their figures (on small sizes; no timing is asserted)."""
import subprocess
import sys
from pathlib import Path

import pytest

import checker

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def run(script, *args):
    out = subprocess.run([sys.executable, str(BENCHMARKS / script), *args],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_ema_speed_benchmark_prints_both_times_and_the_ratio():
    out = run("ema_speed.py", "--points", "20000")
    assert "reference" in out and "Python loop" in out and "speed-up" in out
    assert "results agree: True" in out


@pytest.mark.slow
def test_gradcheck_benchmark_prints_passes_times_and_flags_the_same_tensors():
    out = run("gradcheck_directional.py", "--sizes", "8", "16", "6", "4", "--batch", "5")
    assert out.count("same tensors flagged: True") == 2
    assert "flags ['W_2', 'b_3']" in out


def test_check_speed_benchmark_prints_the_total_and_the_baseline():
    out = run("check_speed.py", "--repeats", "1")
    assert f"checking all {len(checker.EXERCISES)} exercises" in out and "baseline" in out and "× the bare calls" in out


@pytest.mark.notebooks
def test_notebook_times_benchmark_prints_each_notebook_against_the_empty_baseline():
    out = run("notebook_times.py", "notebooks/backprop/01_sigmoid_and_mse.ipynb")
    assert "baseline, an empty notebook" in out and "01_sigmoid_and_mse.ipynb" in out and "limit 30 s" in out


@pytest.mark.notebooks
@pytest.mark.slow
def test_autograde_benchmark_prints_per_submission_and_start_up_cost():
    out = run("autograde_throughput.py", "--submissions", "2")
    assert "per submission:" in out and "fixed start-up cost:" in out


@pytest.mark.notebooks
@pytest.mark.slow
def test_engine_benchmark_prints_both_times_the_ratio_and_whether_scores_agree():
    out = run("engine_throughput.py", "--submissions", "2", "--class-size", "0")
    assert "nbgrader autograde:" in out and "checker grade (sandboxed):" in out
    assert "identical scores: True" in out and "engine alone" not in out   # --class-size 0 skips it


def test_diagnosis_share_benchmark_prints_the_table_and_the_kinds_of_message():
    out = run("diagnosis_share.py")
    assert "buggy functions in the corpus" in out and "by kind of message: mistake id" in out


def test_report_scale_benchmark_prints_the_time_the_baseline_and_the_phases():
    out = run("report_scale.py", "--students", "60")
    assert "python -m checker report:" in out and "× the baseline" in out
    assert all(phase in out for phase in ("load results", "item analysis", "similarity", "charts"))
