"""The trusted grading engine: learner code runs in a sandboxed child, verdicts in this process.

extract (submission → program) · scan (static flags) · wire (plain data across the wall) ·
child (runs in the sandbox) · sandbox (limits and namespaces) · grader (one submission) ·
run (a whole submitted/ folder, in parallel, resumable; reports).
"""
