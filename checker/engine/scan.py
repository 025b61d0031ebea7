"""A static scan of the learner's code for what an honest answer does not need.

Each finding names the cell, the line and what it saw. Findings are flags for a person to
read, not verdicts; only importing or calling checker's reference costs the exercise its points.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from ..messages import say
from ..verdict import Text
from .extract import PARSE_ERRORS, without_magics

MAX_FINDINGS = 200  # per cell; a hostile cell can hold millions
TABLE_NUMBERS = 32  # literal numbers in one cell, strings' included; an honest answer has a handful
_NUMBER = re.compile(r"\d+\.\d+")

MODULE_NAMES = {"np", "numpy", "math", "scipy", "pd", "pandas", "checker", "builtins", "sys", "os",
                "IPython", "plt", "matplotlib", "warnings", "random"}
INTROSPECTION = {"__builtins__", "builtins", "get_ipython", "ast_transformers", "input_transformers",
                 "input_transformers_post", "__import__", "globals", "setattr", "delattr", "exec",
                 "eval", "compile", "sys.modules", "showtraceback", "inspect", "gc", "ctypes"}
SYSTEM = {"open", "os.system", "os.popen", "os.remove", "os.unlink", "os.fork", "os._exit", "os.kill",
          "os.environ", "os.listdir", "os.walk", "os.chdir", "sys.exit", "exit", "quit", "shutil",
          "subprocess", "socket", "urllib", "requests", "http", "pathlib", "multiprocessing",
          "threading", "signal", "resource", "glob", "io.open", "tempfile", "pickle"}


@dataclass(frozen=True)
class Finding:
    cell: object          # a Text or a plain label: where the cell is
    line: int
    phrase: Text          # `flag.<kind>` with its fields
    uses_reference: bool = False

    @property
    def what(self) -> str:
        """What it saw, in English."""
        return say(self.phrase)

    @property
    def text(self) -> Text:
        return Text("flag.line", {"cell": self.cell, "line": self.line, "what": self.phrase})


def _flag(kind: str, **fields) -> Text:
    return Text(f"flag.{kind}", fields)


def _dotted(node) -> str:
    """'a.b.c' for a chain of names and attributes ('' otherwise); iterative, for any depth."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    return ".".join([node.id] + parts[::-1])


def scan(cell, source: str) -> list[Finding]:
    """The suspicious lines of one cell of learner code."""
    try:
        tree = ast.parse(without_magics(source))
    except SyntaxError as exc:
        return [Finding(cell, exc.lineno or 0, _flag("syntax"))]
    except PARSE_ERRORS:
        return [Finding(cell, 0, _flag("too_complex"))]
    found, numbers = [], 0
    for node in ast.walk(tree):
        if len(found) >= MAX_FINDINGS:
            break
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str)) and \
                not isinstance(node.value, bool):
            before = numbers
            numbers += len(_NUMBER.findall(node.value)) if isinstance(node.value, str) else 1
            if before < TABLE_NUMBERS <= numbers:
                found.append(Finding(cell, line, _flag("table", n=TABLE_NUMBERS)))
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            imported = [a.name for a in node.names]
            for module in modules:
                root = module.split(".")[0]
                if root == "checker":
                    reference = "reference" in module or "reference" in imported
                    found.append(Finding(cell, line, _flag("imports_reference" if reference else "imports_internals",
                                                           module=module[:100]), uses_reference=reference))
                elif root in {m.split(".")[0] for m in SYSTEM | INTROSPECTION}:
                    found.append(Finding(cell, line, _flag("imports", module=module[:100])))
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute):
                    owner = _dotted(target.value)
                    if owner.split(".")[0] in MODULE_NAMES:
                        found.append(Finding(cell, line, _flag("assigns_module", name=f"{owner}.{target.attr}"[:100])))
        elif isinstance(node, (ast.Name, ast.Attribute)):
            name = _dotted(node)
            if name in INTROSPECTION:
                found.append(Finding(cell, line, _flag("introspection", name=name)))
            elif name in SYSTEM:
                found.append(Finding(cell, line, _flag("system", name=name)))
            elif "checker.reference" in name or name.startswith("reference."):
                found.append(Finding(cell, line, _flag("reference", name=name[:100]), uses_reference=True))
    unique = {(f.line, f.what): f for f in found}
    return sorted(unique.values(), key=lambda f: (f.line, f.what))
