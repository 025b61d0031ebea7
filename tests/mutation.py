"""Mutation testing of the graders: small, systematic edits of the reference implementations.

Each mutant changes one thing in one reference function: an arithmetic or comparison operator,
a numeric constant, an `axis=` argument, a `.T`, or a unary minus. The module's source is
compiled afresh (under the file name "<mutant>"), so a mutant is a learner's copy, not
checker.reference itself.
"""
from __future__ import annotations

import ast
import copy
import inspect
import sys
from dataclasses import dataclass

from checker.exercises import FUNCTION_EXERCISES, REGISTRY

# exercise id -> the reference module its function lives in (from the registry)
EXERCISE_MODULE = {e: REGISTRY[e].reference.__module__ for e in FUNCTION_EXERCISES}
MODULES = {name: sys.modules[name] for name in set(EXERCISE_MODULE.values())}

_BINOP_SWAPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
                ast.Pow: ast.Mult, ast.MatMult: ast.Mult}
_COMPARE_SWAPS = {ast.Lt: ast.GtE, ast.GtE: ast.Lt, ast.Gt: ast.LtE, ast.LtE: ast.Gt,
                  ast.Eq: ast.NotEq, ast.NotEq: ast.Eq}


@dataclass
class Mutation:
    exercise: str
    description: str
    source: str


def _sites(tree: ast.FunctionDef):
    """(node, list of (description, mutate(node) -> replacement)) for every mutable node."""
    body = [n for stmt in tree.body for n in ast.walk(stmt)]
    for node in body:
        if isinstance(node, ast.Expr) and isinstance(getattr(node, "value", None), ast.Constant) \
                and isinstance(node.value.value, str):
            continue  # the docstring
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOP_SWAPS:
            new_op = _BINOP_SWAPS[type(node.op)]
            yield node, f"{type(node.op).__name__} → {new_op.__name__}", \
                lambda n, op=new_op: ast.BinOp(n.left, op(), n.right)
        elif isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE_SWAPS:
            new_op = _COMPARE_SWAPS[type(node.ops[0])]
            yield node, f"{type(node.ops[0]).__name__} → {new_op.__name__}", \
                lambda n, op=new_op: ast.Compare(n.left, [op()], n.comparators)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            yield node, "drop unary minus", lambda n: n.operand
        elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
            value = node.value
            for new in {value + 1, 0 if value else 1, value * 2 if value else 2}:
                if new != value:
                    yield node, f"constant {value} → {new}", \
                        lambda n, v=type(value)(new): ast.Constant(v)
        elif isinstance(node, ast.keyword) and node.arg == "axis" and isinstance(node.value, ast.Constant):
            yield node, f"axis={node.value.value} → axis={1 - node.value.value}", \
                lambda n: ast.keyword("axis", ast.Constant(1 - n.value.value))
        elif isinstance(node, ast.Attribute) and node.attr == "T":
            yield node, "drop .T", lambda n: n.value


class _Replace(ast.NodeTransformer):
    def __init__(self, target, replacement):
        self.target, self.replacement = target, replacement

    def generic_visit(self, node):
        node = super().generic_visit(node)
        return self.replacement if node is self.target else node

    def visit(self, node):
        if node is self.target:
            return self.replacement
        return super().visit(node)


def mutations(exercise: str) -> list[Mutation]:
    """Every single-edit mutant of the reference function for this exercise."""
    module_source = inspect.getsource(MODULES[EXERCISE_MODULE[exercise]])
    module = ast.parse(module_source)
    index = next(i for i, n in enumerate(module.body)
                 if isinstance(n, ast.FunctionDef) and n.name == exercise)
    found = []
    original = module.body[index]
    for k, (node, description, mutate) in enumerate(list(_sites(original))):
        tree = copy.deepcopy(module)
        function = tree.body[index]
        target = list(_sites(function))[k][0]
        replaced = _Replace(target, mutate(copy.deepcopy(target))).visit(function)
        tree.body[index] = replaced
        ast.fix_missing_locations(tree)
        found.append(Mutation(exercise, f"{description} (line {getattr(node, 'lineno', '?')})",
                              ast.unparse(tree)))
    return found


def build(mutation: Mutation):
    """The mutant function, compiled from its module's source as a learner's copy."""
    namespace = {"__name__": "__main__"}
    exec(compile(mutation.source, "<mutant>", "exec"), namespace)
    return namespace[mutation.exercise]


def reference_copy(exercise: str):
    """The unmutated reference function, compiled the same way (a pasted copy)."""
    namespace = {"__name__": "__main__"}
    exec(compile(inspect.getsource(MODULES[EXERCISE_MODULE[exercise]]), "<learner>", "exec"), namespace)
    return namespace[exercise]
