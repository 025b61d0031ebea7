"""The course's grading secret: the hidden cases come from it, so nothing a learner holds
(the released notebooks, the installed checker) can regenerate them.

It is created once per course, as COURSE/.grading-secret (mode 0600, gitignored, outside
notebooks/ so that `release` never hands it out), and combined with the assignment and student
id: each student gets cases of their own, and a rerun gets the same ones.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

SECRET_FILE = ".grading-secret"


def course_secret(course: Path) -> bytes:
    """The secret of the course at `course`, created on first use."""
    path = course / SECRET_FILE
    if not path.exists():
        text = secrets.token_hex(32) + "\n"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another run made it first
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(text)
    value = path.read_text().strip()
    if len(value) < 32:
        raise SystemExit(f"{path} is damaged (too short); delete it to make a new one "
                         "(grades already given then no longer reproduce)")
    return value.encode()


def student_seed(secret: bytes, assignment: str, student: str) -> int:
    """A 128-bit seed for one student's hidden cases of one assignment."""
    digest = hmac.new(secret, f"{assignment}\0{student}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:16], "big")
