"""checker's modules use each other in one direction: no import circles, and nothing a learner's
notebook imports (check, grade, the exercises, the judge, the reference, the explorer) reaches
the instructor's tooling (the grading engine, the nbgrader workflows)."""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "checker"
INSTRUCTOR = ("checker.engine", "checker.workflow", "checker.submission_check", "checker.feedback_filter", "checker.stubs",
              "checker.scaffold", "checker.report", "checker.__main__")
SANDBOX_CHILD = {"checker.harness.child"}   # a script run in the sandbox, not a module
HARNESS = "checker.harness"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every checker module this file imports, at the top or inside a function."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "checker"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] != "checker":
                continue
            found.add(module)
            found |= {f"{module}.{a.name}" for a in node.names}   # `from . import running`
    return found


GRAPH = {module_name(p): imports(p) for p in PACKAGE.rglob("*.py") if module_name(p) not in SANDBOX_CHILD}
MODULES = set(GRAPH)


def parents(module: str) -> set[str]:
    """The packages around a module; importing it runs their __init__ anyway, so no edge."""
    parts = module.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


EDGES = {m: {d for d in deps if d in MODULES and d != m and d not in parents(m)} for m, deps in GRAPH.items()}


def reachable(start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for dep in EDGES.get(todo.pop(), ()):
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_imports_itself_through_others(module):
    circle = [dep for dep in EDGES[module] if module in reachable(dep)]
    assert circle == [], f"{module} -> {circle} -> … -> {module}"


LEARNER_FACING = sorted(m for m in MODULES if not m.startswith(INSTRUCTOR))


@pytest.mark.parametrize("module", LEARNER_FACING)
def test_learner_facing_modules_never_reach_instructor_tooling(module):
    assert [m for m in reachable(module) if m.startswith(INSTRUCTOR)] == []


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith(HARNESS)))
def test_the_harness_imports_only_itself_because_only_it_is_copied_into_the_sandbox(module):
    assert sorted(d for d in GRAPH[module] if not d.startswith(HARNESS)) == []


def test_the_sandbox_child_imports_only_the_harness():
    child = PACKAGE / "harness" / "child.py"
    tree = ast.parse(child.read_text())
    top = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    top |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert "checker" not in top and "harness" in top


def test_the_graph_is_read():
    assert "checker.judge" in EDGES["checker.grading"] and "checker.engine.grader" in MODULES
