"""A typed math answer, read safely into a sympy expression, and compared with another.

Nothing here evaluates the learner's text as Python: a small tokenizer and a recursive-descent
parser build the sympy expression from a whitelist (numbers, the exercise's symbols, exp, log,
ln, sqrt, tanh, e, pi, + − * / ** ^ and parentheses), with bounds on length, nesting and the
size of constant powers. What a person types is accepted: `^` for powers, implicit
multiplication (`o(1-o)`, `2beta`, `betak`), β or beta, × · ÷ −, superscripts ² and ³,
full-width characters, and one leading `name =` (its right-hand side is read).

Equivalence is decided at fixed sample points of each symbol's domain, evaluated node by node in
30-digit arithmetic with every intermediate value bounded: equal to 1e-9 at every point, the
answer is right; a point where both are finite and differ is a counterexample, so it is wrong;
where a point cannot be evaluated (not finite, not real) sampling is inconclusive and sympy's
simplify of the difference decides, within a time limit.
"""
from __future__ import annotations

import math
import re
import unicodedata

import mpmath
import numpy as np
import sympy

from .harness.running import _can_use_alarm, _time_limit, _TimeLimit

MAX_LENGTH = 300          # characters of a typed answer
MAX_TOKENS = 200
MAX_DEPTH = 40            # nested parentheses, powers and signs
MAX_DIGITS = 30           # digits of one number
MAX_POWER_DIGITS = 300    # a constant power may have at most this many digits
SAMPLES = 12
SAME = 1e-9               # relative agreement of two values at a sample point
SIMPLIFY_SECONDS = 1.0

FUNCTIONS = {"exp": sympy.exp, "log": sympy.log, "ln": sympy.log, "sqrt": sympy.sqrt, "tanh": sympy.tanh}
CONSTANTS = {"e": sympy.E, "pi": sympy.pi}
GREEK = {"β": "beta", "θ": "theta", "σ": "sigma", "δ": "delta", "η": "eta", "α": "alpha"}
_SUPERSCRIPTS = {"²": "^2", "³": "^3", "⁻¹": "^(-1)"}
_TOKEN = re.compile(r"\s*(?:(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_][A-Za-z_0-9]*)"
                    r"|(?P<op>\*\*|[-+*/^(),]))")


class Unreadable(Exception):
    """The answer is not an expression this exercise can read. kind: a key under [derivation];
    fields: what its template fills (the excerpt, the unknown names, …)."""

    def __init__(self, kind: str, **fields):
        super().__init__(kind)
        self.kind, self.fields = kind, fields


def _normalise(text: str) -> str:
    for sup, plain in _SUPERSCRIPTS.items():
        text = text.replace(sup, plain)
    text = unicodedata.normalize("NFKC", text)     # full-width （）＋ and the like to ASCII
    for greek, name in GREEK.items():
        text = text.replace(greek, f" {name} ")
    for symbol, plain in (("−", "-"), ("–", "-"), ("×", "*"), ("·", "*"), ("⋅", "*"), ("∗", "*"), ("÷", "/")):
        text = text.replace(symbol, plain)
    text = text.strip().strip("`\"'").strip()
    if text.count("=") == 1 and "==" not in text:   # "σ'(z) = o(1 - o)": read the right-hand side
        text = text.split("=", 1)[1].strip()
    return text


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            bad = text[pos:].lstrip()[:1]
            raise Unreadable("parse_error", excerpt=_excerpt(text, pos), character=bad)
        kind = m.lastgroup
        out.append((kind, m.group(kind), m.start(kind)))
        pos = m.end()
        if len(out) > MAX_TOKENS:
            raise Unreadable("too_long", limit=MAX_LENGTH)
    return out


def _excerpt(text: str, pos: int) -> str:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return text[:pos] + " ⟨here⟩ " + text[pos:pos + 12] if pos < len(text) else text + " ⟨here⟩"


def _split_name(name: str, symbols: dict) -> list[str] | None:
    """A run of letters as known names (betak → beta, k; ot → o, t), longest first; None if it is not."""
    known = sorted(set(symbols) | set(CONSTANTS), key=len, reverse=True)
    parts, rest = [], name
    while rest:
        head = next((k for k in known if rest.startswith(k)), None)
        if head is None:
            return None
        parts.append(head)
        rest = rest[len(head):]
    return parts


def _with_implicit_products(tokens, symbols: dict) -> list[tuple[str, str]]:
    """Names split into known parts, and `*` put where a person leaves it out: 2beta, o(1-o), (a)(b), 2 o."""
    expanded = []
    for kind, value, at in tokens:
        if kind == "name" and value not in symbols and value not in FUNCTIONS and value not in CONSTANTS:
            parts = _split_name(value, symbols)
            if parts is None:
                expanded.append((kind, value, at))     # an unknown name: reported by the parser
                continue
            for i, part in enumerate(parts):
                if i:
                    expanded.append(("op", "*", at))
                expanded.append(("name", part, at))
                at += len(part)
        else:
            expanded.append((kind, value, at))
    out = []
    for kind, value, at in expanded:
        if out:
            prev_kind, prev, _ = out[-1]
            ends_value = prev_kind in ("number", "name") or prev == ")"
            starts_value = kind in ("number", "name") or value == "("
            if ends_value and starts_value and not (prev_kind == "name" and prev in FUNCTIONS and value == "("):
                out.append(("op", "*", at))
        out.append((kind, "**" if value == "^" else value, at))
    return out


class _Parser:
    def __init__(self, text: str, tokens, symbols: dict):
        self.text, self.tokens, self.pos, self.symbols, self.depth = text, tokens, 0, symbols, 0
        self.unknown: list[str] = []

    def peek(self):
        return self.tokens[self.pos][:2] if self.pos < len(self.tokens) else ("end", "")

    def take(self):
        token = self.peek()
        self.pos += 1
        return token

    def fail(self):
        at = self.tokens[self.pos][2] if self.pos < len(self.tokens) else len(self.text)
        return Unreadable("parse_error", excerpt=_excerpt(self.text, at), character=self.peek()[1])

    def nested(self, parse):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise Unreadable("too_deep", limit=MAX_DEPTH)
        try:
            return parse()
        finally:
            self.depth -= 1

    def expression(self):
        value = self.term()
        while self.peek() in (("op", "+"), ("op", "-")):
            op = self.take()[1]
            right = self.term()
            value = value + right if op == "+" else value - right
        return value

    def term(self):
        value = self.unary()
        while self.peek() in (("op", "*"), ("op", "/")):
            op = self.take()[1]
            right = self.unary()
            if op == "/" and right == 0:
                raise Unreadable("division_by_zero")
            value = value * right if op == "*" else value / right
        return value

    def unary(self):
        if self.peek() in (("op", "-"), ("op", "+")):
            sign = self.take()[1]
            value = self.nested(self.unary)
            return -value if sign == "-" else value
        return self.power()

    def power(self):
        base = self.atom()
        if self.peek() == ("op", "**"):
            self.take()
            exponent = self.nested(self.unary)     # right-associative; 2**-1 allowed
            return _power(base, exponent)
        return base

    def atom(self):
        kind, value = self.take()
        if kind == "number":
            mantissa, _, power = value.lower().partition("e")
            if len(mantissa.replace(".", "")) > MAX_DIGITS or (power and abs(int(power)) > 300):
                raise Unreadable("too_large")
            return sympy.Rational(value)
        if kind == "name":
            if value in FUNCTIONS:
                if self.take() != ("op", "("):
                    self.pos -= 1
                    raise self.fail()
                argument = self.nested(self.expression)
                if self.take() != ("op", ")"):
                    self.pos -= 1
                    raise self.fail()
                return FUNCTIONS[value](argument)
            if value in self.symbols:
                return self.symbols[value]
            if value in CONSTANTS:
                return CONSTANTS[value]
            self.unknown.append(value)
            return sympy.Symbol(value)
        if (kind, value) == ("op", "("):
            inner = self.nested(self.expression)
            if self.take() != ("op", ")"):
                self.pos -= 1
                raise self.fail()
            return inner
        self.pos -= 1
        raise self.fail()


def _power(base, exponent):
    """base ** exponent, refused when both are numbers and the result would have too many digits."""
    if base.is_number and exponent.is_number:
        try:
            b, x = abs(complex(base)), complex(exponent)
        except (TypeError, ValueError, OverflowError):
            raise Unreadable("too_large") from None
        if b > 1 and x.real * math.log10(b) > MAX_POWER_DIGITS:
            raise Unreadable("too_large")
        if 0 < b < 1 and -x.real * math.log10(b) > MAX_POWER_DIGITS:
            raise Unreadable("too_large")
        if b == 0 and x.real < 0:
            raise Unreadable("division_by_zero")
    return base ** exponent


def parse(text: str, symbols: dict) -> sympy.Expr:
    """The expression text means, with `symbols` (name -> sympy.Symbol) the only names allowed
    besides the functions and constants. Raises Unreadable."""
    if len(text) > MAX_LENGTH:
        raise Unreadable("too_long", limit=MAX_LENGTH)
    cleaned = _normalise(text)
    if not cleaned:
        raise Unreadable("empty")
    parser = _Parser(cleaned, _with_implicit_products(_tokens(cleaned), symbols), symbols)
    try:
        value = parser.expression()
    except (RecursionError, MemoryError, OverflowError):
        raise Unreadable("too_deep", limit=MAX_DEPTH) from None
    if parser.peek()[0] != "end":
        raise parser.fail()
    if parser.unknown:
        raise Unreadable("unknown_symbol", names=sorted(set(parser.unknown)))
    if value.has(sympy.zoo, sympy.nan):
        raise Unreadable("division_by_zero")
    return value


# ---------------------------------------------------------------- comparing


def sample_points(symbols: dict, domains: dict, rng: np.random.Generator, n: int = SAMPLES) -> list[dict]:
    """n points drawn with rng: symbol -> value in its domain (whole numbers for integer domains)."""
    points = []
    for _ in range(n):
        point = {}
        for name, sym in symbols.items():
            d = domains[name]
            value = rng.integers(int(d.low), int(d.high) + 1) if d.integer else rng.uniform(d.low, d.high)
            point[sym] = sympy.Integer(int(value)) if d.integer else sympy.Float(float(value), 30)
        points.append(point)
    return points


MAX_MAGNITUDE = mpmath.mpf("1e300")   # a value beyond this at any step counts as not finite


class _NotFinite(Exception):
    pass


def _bounded(x):
    if not isinstance(x, mpmath.mpf) or not mpmath.isfinite(x) or abs(x) > MAX_MAGNITUDE:
        raise _NotFinite
    return x


def _evaluate(expr, point: dict):
    """expr at point in 30-digit arithmetic, node by node, every intermediate value checked to be
    a finite real below MAX_MAGNITUDE (so exp(exp(exp(…))) stops instead of computing a huge number)."""
    if expr in point:
        return mpmath.mpf(str(point[expr]))
    if expr.is_Number or expr in (sympy.E, sympy.pi):
        return _bounded(mpmath.mpf(sympy.N(expr, 30)))
    args = [_evaluate(a, point) for a in expr.args]
    if expr.is_Add:
        return _bounded(mpmath.fsum(args))
    if expr.is_Mul:
        out = mpmath.mpf(1)
        for a in args:
            out = _bounded(out * a)
        return out
    if expr.is_Pow:
        base, exponent = args
        if base == 0:
            if exponent <= 0:
                raise _NotFinite
            return mpmath.mpf(0)
        if base < 0 and exponent != mpmath.floor(exponent):
            raise _NotFinite   # not a real number
        if abs(exponent * mpmath.log(abs(base))) > 690:
            raise _NotFinite
        return _bounded(mpmath.power(base, exponent))
    if isinstance(expr, sympy.exp):
        if args[0] > 690:
            raise _NotFinite
        return _bounded(mpmath.exp(args[0]))
    if isinstance(expr, sympy.log):
        if args[0] <= 0:
            raise _NotFinite
        return _bounded(mpmath.log(args[0]))
    if isinstance(expr, sympy.tanh):
        return _bounded(mpmath.tanh(args[0]))
    raise _NotFinite   # nothing else is built by the parser


def value_at(expr, point: dict) -> float | None:
    """expr at point as a float, None where it is not a finite real number."""
    try:
        with mpmath.workdps(30):
            return float(_evaluate(expr, point))
    except (_NotFinite, ZeroDivisionError, ValueError, TypeError, OverflowError, RecursionError):
        return None


def values(expr, points) -> list:
    return [value_at(expr, p) for p in points]


def same_values(a: list, b: list, tolerance: float = SAME) -> bool:
    return all(x is not None and y is not None and abs(x - y) <= tolerance * max(1.0, abs(y))
               for x, y in zip(a, b))


def simplifies_to_zero(difference) -> bool:
    """True when sympy can show difference == 0 within SIMPLIFY_SECONDS (False: it could not)."""
    if not _can_use_alarm():
        return False
    try:
        with _time_limit(SIMPLIFY_SECONDS):
            return bool(sympy.simplify(difference) == 0)
    except _TimeLimit:
        return False
    except Exception:
        return False


def shown(expr) -> str:
    """An expression as a learner would type it (Python syntax)."""
    return sympy.sstr(expr)
