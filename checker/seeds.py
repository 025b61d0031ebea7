"""The seeds of the cases that everyone can see: checker.check's, and checker.grade's "hidden"
ones under nbgrader (not secret: they ship in this package; the grading engine draws its hidden
cases from a course secret instead, checker.engine.secret)."""

CHECK_SEED = 0        # the cases `check` shows; reruns give the same messages
GRADE_SEED = 2_718    # nbgrader's test cells use other cases, so answers tuned to the shown ones fail
