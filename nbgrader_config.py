"""nbgrader configuration for this course (the course root is the folder of this file).

Source notebooks live in notebooks/<assignment>/; nbgrader writes release/, submitted/,
autograded/, feedback/ and gradebook.db next to this file (all gitignored).

Safe defaults that plain nbgrader lacks:
- feedback never shows hidden tests (ClearHiddenTests), not even in an output where learner code
  printed a test cell's source (RemoveHiddenTestOutput, before it), and checker.grade's failures
  print their message alone, with no code line as context;
- checker is importable in every kernel, whatever its working directory (PYTHONPATH below);
- a cell may run for at most CELL_TIMEOUT seconds; then it is interrupted and the notebook goes
  on. checker.grade stops an endless learner function much sooner (5 s per check, an error
  in that test cell only);
- correct code that warns keeps its points: checker.grade writes nothing to stderr.
"""
import os

from nbgrader.converters import GenerateAssignment
from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions, GetGrades
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor

from checker.feedback_filter import RemoveHiddenTestOutput
from checker.stubs import ClearSolutionsInItsLanguage

COURSE_ROOT = os.path.dirname(os.path.abspath(__file__))
CELL_TIMEOUT = 60  # seconds per cell, under autograde and validate

c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.root = COURSE_ROOT
c.CourseDirectory.source_directory = "notebooks"
c.CourseDirectory.course_id = "bp-ema"
# The learner's version: a solution becomes a stub in the assignment's language ("# YOUR CODE HERE",
# "# 在这里写你的代码"; checker.editions.PHRASES).
c.GenerateAssignment.preprocessors = [ClearSolutionsInItsLanguage if p is ClearSolutions else p
                                      for p in GenerateAssignment.class_traits()["preprocessors"].default()]

c.Execute.timeout = CELL_TIMEOUT
c.Execute.interrupt_on_timeout = True
c.GenerateFeedback.preprocessors = [GetGrades, RemoveHiddenTestOutput, ClearHiddenTests, CSSHTMLHeaderPreprocessor]

# Kernels inherit nbgrader's environment: put the course root first on their import path.
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in [COURSE_ROOT, os.environ.get("PYTHONPATH")] if p)
