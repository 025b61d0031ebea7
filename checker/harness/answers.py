"""A derivation's answer as the value a snapshot can copy: the notebook's `answer` variable.

A string or a number is taken as it is. A sympy expression (a learner may build one with
sympy.Symbol) becomes its text, written by sympy itself; the parent then reads that text like
any typed answer. Runs inside the guarded call (``running.observe``), so a hostile object's
methods are bounded in time like any learner code.
"""


def plain_answer(value):
    """value, or its text when it is a sympy object."""
    module = getattr(type(value), "__module__", "") or ""
    if module.split(".")[0] == "sympy":
        return str(value)
    return value


def reader(value):
    """A function of no arguments that returns the plain answer: what observe() calls."""
    def read_answer():
        return plain_answer(value)
    return read_answer
