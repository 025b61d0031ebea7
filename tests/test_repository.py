"""The repository keeps its promises: two commands up front, exact pins, generated files ignored."""
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_opens_with_the_two_commands():
    text = (ROOT / "README.md").read_text()
    first_block = re.search(r"```bash\n(.*?)```", text, re.S).group(1).strip().splitlines()
    assert [line.split("#")[0].strip() for line in first_block] == [
        "python3 course.py lab", "python3 course.py test"]
    assert text.index("```bash") < text.index("## ")


def test_ci_runs_the_second_command():
    assert "python3 course.py test" in (ROOT / ".ci" / "run").read_text()


def test_every_requirement_is_pinned_exactly():
    for name in ["requirements.txt", "constraints.txt"]:
        for line in (ROOT / name).read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                # an exact pin, for some interpreters only when a marker says so
                assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[\w.]+(; python_full_version [<>]=? \"[\d.]+\")?", line), \
                    f"{name}: {line}"


def test_generated_folders_are_ignored_by_git():
    paths = [".venv/x", "release/a", "submitted/s", "autograded/s", "feedback/s", "gradebook.db",
             "notebooks/.ipynb_checkpoints/x", "tests/__pycache__/x.pyc", "workspace/x.ipynb"]
    out = subprocess.run(["git", "check-ignore", *paths], cwd=ROOT, capture_output=True, text=True)
    assert sorted(out.stdout.split()) == sorted(paths)
