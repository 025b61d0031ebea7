"""nbgrader configuration for this course (the course root is the repository root).

Source notebooks live in notebooks/<assignment>/; nbgrader writes release/, submitted/,
autograded/, feedback/ and gradebook.db next to this file (all gitignored).
"""
c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.root = "."
c.CourseDirectory.source_directory = "notebooks"
c.CourseDirectory.course_id = "bp-ema"
# Solutions and hidden tests are marked with the default "### BEGIN SOLUTION" / "### BEGIN HIDDEN TESTS".
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
