"""The harness: everything that runs learner code, and the only files copied into the grading sandbox.

running (call a learner's function on one case, guarded), snapshot (plain copies of what it
returned), wire (plain data across the sandbox wall), testfunctions (the f(x) of the
numerical_gradient exercise) and child (the sandbox's entry script). These files import only
each other, numpy and the standard library, because checker is not there inside the sandbox;
tests/test_import_graph.py holds them to that.
"""
