"""checker.report.similarity: pairs of students whose answer code is the same after normalisation."""
import importlib
import random
import re
import time

import numpy as np
import pytest

from checker.reference.moving_average import ema_bias_corrected
from checker.report.similarity import MAX_PAIRS, similar_pairs

TEMPLATE = "def backprop(X, T, Ws, bs):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"

BACKPROP = '''def backprop(X, T, Ws, bs):
    # forward pass: keep every layer's output
    outs = [X]
    for W, b in zip(Ws, bs):
        outs.append(1 / (1 + np.exp(-(outs[-1] @ W + b))))
    N = X.shape[0]
    delta = (outs[-1] - T) * outs[-1] * (1 - outs[-1])
    dWs, dbs = [], []
    for l in range(len(Ws) - 1, -1, -1):
        dWs.insert(0, outs[l].T @ delta / N)
        dbs.insert(0, delta.sum(axis=0) / N)
        if l > 0:
            delta = (delta @ Ws[l].T) * outs[l] * (1 - outs[l])
    return dWs, dbs
'''

# BACKPROP renamed, commented differently, spaced differently, with a docstring
DISGUISED = '''def backprop(X, T, Ws, bs):
    """Gradients of the loss, layer by layer."""
    acts = [X]   # the activations

    for weight, bias in zip(Ws, bs):
        acts.append(1/(1+np.exp(-(acts[-1]@weight+bias))))

    n_examples = X.shape[0]
    err = (acts[-1]-T)*acts[-1]*(1-acts[-1])
    grad_W, grad_b = [], []
    for layer in range(len(Ws)-1, -1, -1):
        # the gradients of this layer
        grad_W.insert(0, acts[layer].T @ err / n_examples)
        grad_b.insert(0, err.sum(axis=0) / n_examples)
        if layer > 0:
            err = (err @ Ws[layer].T) * acts[layer] * (1 - acts[layer])

    return grad_W, grad_b
'''

EMA_TEMPLATE = "def ema(thetas, beta):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"

# Six correct bias-corrected EMAs, each written its own way
EMA_STYLES = {
    "loop": '''
def ema(thetas, beta):
    thetas = np.asarray(thetas, dtype=float)
    v = np.zeros_like(thetas[0])
    out = np.empty_like(thetas)
    for t in range(len(thetas)):
        v = beta * v + (1 - beta) * thetas[t]
        out[t] = v / (1 - beta ** (t + 1))
    return out
''',
    "vectorised": '''
def ema(thetas, beta):
    thetas = np.asarray(thetas, dtype=float)
    t = np.arange(1, thetas.shape[0] + 1)
    lag = t[:, None] - t[None, :]
    weights = np.where(lag >= 0, (1 - beta) * beta ** np.maximum(lag, 0), 0.0)
    raw = np.tensordot(weights, thetas, axes=1)
    return raw / (1 - beta ** t).reshape((-1,) + (1,) * (thetas.ndim - 1))
''',
    "recursion": '''
def ema(thetas, beta):
    def v(t):
        if t == 0:
            return 0.0
        return beta * v(t - 1) + (1 - beta) * np.asarray(thetas[t - 1], dtype=float)
    return np.array([v(t) / (1 - beta ** t) for t in range(1, len(thetas) + 1)])
''',
    "comprehension": '''
def ema(thetas, beta):
    x = np.asarray(thetas, dtype=float)
    return np.array([sum((1 - beta) * beta ** (t - i) * x[i - 1] for i in range(1, t + 1)) / (1 - beta ** t)
                     for t in range(1, len(x) + 1)])
''',
    "frompyfunc": '''
def ema(thetas, beta):
    step = np.frompyfunc(lambda v, theta: beta * v + (1 - beta) * theta, 2, 1)
    raw = step.accumulate(np.concatenate([[0.0], np.asarray(thetas, dtype=float)]), dtype=object)[1:]
    return raw.astype(float) / (1 - beta ** np.arange(1, len(thetas) + 1))
''',
    "lfilter": '''
from scipy.signal import lfilter

def ema(thetas, beta):
    thetas = np.asarray(thetas, dtype=float)
    steps = np.arange(1, len(thetas) + 1).reshape((-1,) + (1,) * (thetas.ndim - 1))
    return lfilter([1 - beta], [1, -beta], thetas, axis=0) / (1 - beta ** steps)
''',
}

NAMES = ["x", "y", "acc", "total", "delta", "grad", "out", "res", "tmp", "prev", "cur", "err", "loss", "h", "o"]
CALLS = ["np.exp", "np.log", "np.sum", "np.mean", "np.sqrt", "np.tanh", "abs", "len", "np.maximum", "np.dot"]


def _expression(rng, names, depth=0):
    roll = rng.random()
    if depth > 2 or roll < 0.3:
        return rng.choice(names) if rng.random() < 0.7 else str(rng.choice([0, 1, 2, 0.5, 1e-3, 10]))
    if roll < 0.55:
        return f"{_expression(rng, names, depth + 1)} {rng.choice('+-*/')} {_expression(rng, names, depth + 1)}"
    if roll < 0.75:
        call = rng.choice(CALLS)
        arguments = [_expression(rng, names, depth + 1) for _ in range(2 if call in ("np.maximum", "np.dot") else 1)]
        return f"{call}({', '.join(arguments)})"
    if roll < 0.85:
        return f"{rng.choice(names)}[{rng.choice(['i', '0', '-1', ':, 0'])}]"
    if roll < 0.92:
        return f"{rng.choice(names)}.{rng.choice(['T', 'shape[0]', 'sum()', 'mean(axis=0)'])}"
    return f"({_expression(rng, names, depth + 1)})"


def _statements(rng, names, depth, budget):
    pad, lines = "    " * depth, []
    while budget > 0:
        roll = rng.random()
        if roll < 0.55 or depth > 2:
            target = rng.choice(NAMES)
            lines.append(f"{pad}{target} {rng.choice(['=', '=', '+=', '*='])} {_expression(rng, names + [target])}")
            names, budget = names + [target], budget - 1
        elif roll < 0.7:
            inner = rng.randint(1, 4)
            lines.append(f"{pad}for {rng.choice('ijk')} in range({_expression(rng, names)}):")
            lines += _statements(rng, names + ["i", "j", "k"], depth + 1, inner)
            budget -= inner + 1
        elif roll < 0.8:
            inner = rng.randint(1, 3)
            lines.append(f"{pad}if {_expression(rng, names)} {rng.choice(['>', '<', '=='])} {_expression(rng, names)}:")
            lines += _statements(rng, names, depth + 1, inner)
            budget -= inner + 1
        elif roll < 0.9:
            lines.append(f"{pad}{rng.choice(names)}.append({_expression(rng, names)})")
            budget -= 1
        else:
            lines.append(f"{pad}# {rng.choice(['update', 'step', 'the gradient'])}")
    return lines


def random_answer(rng: random.Random, header="def backprop(X, T, Ws, bs):") -> str:
    """A made-up, well-formed answer of 5 to 30 lines: header, a random body, a return."""
    params = re.findall(r"\w+", header.split("(", 1)[1])
    lines = [header] + _statements(rng, params, 1, rng.randint(3, 27))
    return "\n".join(lines + [f"    return {_expression(rng, NAMES[:6] + params)}"]) + "\n"


def disguised_copy(source: str, rng: random.Random) -> str:
    """source with its own variables renamed, a comment added and a blank line, as a copier would."""
    for name in ("outs", "W", "b", "N", "delta", "dWs", "dbs", "l"):
        source = re.sub(rf"\b{name}\b", f"{name}_{rng.randint(0, 99)}", source)
    lines = source.split("\n")
    lines.insert(rng.randint(1, len(lines) - 2), "    # " + rng.choice(["step", "see lecture 3", "todo"]))
    lines.insert(rng.randint(1, len(lines) - 2), "")
    return "\n".join(lines)


def the_pair(pairs, first, second):
    found = [p for p in pairs if (p.first, p.second) == (first, second)]
    assert len(found) == 1, pairs
    return found[0]


def test_a_copy_with_other_names_comments_layout_and_a_docstring_is_paired_and_shown_in_each_ones_own_code():
    pairs, more = similar_pairs({"ann": BACKPROP, "bob": DISGUISED}, TEMPLATE)
    pair = the_pair(pairs, "ann", "bob")
    assert pair.similarity == 1.0 and more == 0
    assert 1 <= len(pair.fragments) <= 5
    ann_lines, bob_lines = set(BACKPROP.split("\n")), set(DISGUISED.split("\n"))
    for mine, theirs in pair.fragments:
        assert len(mine.split("\n")) <= 15 and len(theirs.split("\n")) <= 15
        assert all(any(line in original for original in ann_lines) for line in mine.split("\n"))
        assert all(any(line in original for original in bob_lines) for line in theirs.split("\n"))
    ann_text = "\n".join(mine for mine, _ in pair.fragments)
    bob_text = "\n".join(theirs for _, theirs in pair.fragments)
    assert "outs" in ann_text and "acts" not in ann_text
    assert "acts" in bob_text and "outs" not in bob_text


def test_a_copy_with_two_independent_assignments_swapped_is_paired():
    swapped = BACKPROP.replace("    N = X.shape[0]\n    delta = (outs[-1] - T) * outs[-1] * (1 - outs[-1])\n",
                               "    delta = (outs[-1] - T) * outs[-1] * (1 - outs[-1])\n    N = X.shape[0]\n")
    assert swapped != BACKPROP
    pairs, _ = similar_pairs({"ann": BACKPROP, "cat": swapped}, TEMPLATE)
    assert the_pair(pairs, "ann", "cat").similarity == 1.0


def test_an_extra_unused_variable_does_not_hide_a_copy():
    padded = DISGUISED.replace('    acts = [X]', '    eps = 1e-12\n    acts = [X]').replace(
        "        if layer > 0:", "        lr = 0.1\n        if layer > 0:")
    pairs, _ = similar_pairs({"ann": BACKPROP, "dan": padded}, TEMPLATE)
    assert the_pair(pairs, "ann", "dan").similarity >= 0.8


def test_a_copy_with_a_line_changed_and_a_print_added_is_still_paired():
    edited = DISGUISED.replace("err.sum(axis=0)", "np.sum(err, axis=0)").replace(
        "    n_examples = X.shape[0]", "    print('debug', Ws)\n    n_examples = X.shape[0]")
    pairs, _ = similar_pairs({"ann": BACKPROP, "fay": edited}, TEMPLATE)
    assert the_pair(pairs, "ann", "fay").similarity >= 0.8


def test_chinese_comments_and_names_are_read_in_their_own_lines():
    chinese = DISGUISED.replace("# the activations", "# 每一层的输出").replace("err", "误差")
    template = TEMPLATE.replace("# YOUR CODE HERE", "# 在这里写你的代码")
    pair = the_pair(similar_pairs({"ann": BACKPROP, "gus": chinese}, template)[0], "ann", "gus")
    assert pair.similarity == 1.0
    theirs = "\n".join(t for _, t in pair.fragments)
    assert "误差 = (acts[-1]-T)*acts[-1]*(1-acts[-1])" in theirs and "# 每一层的输出" in theirs


def test_a_copy_padded_with_code_of_ones_own_is_still_paired():
    padded = BACKPROP.replace("    return dWs, dbs\n", "") + "\n".join(random_answer(random.Random(3)).split("\n")[1:])
    pairs, _ = similar_pairs({"ann": BACKPROP, "eve": padded}, TEMPLATE)
    assert the_pair(pairs, "ann", "eve").similarity >= 0.8


@pytest.mark.parametrize("style", sorted(EMA_STYLES))
def test_each_style_is_a_correct_ema(style):
    namespace = {"np": np}
    exec(EMA_STYLES[style], namespace)
    thetas = np.random.default_rng(0).normal(size=(12, 3))
    assert np.allclose(namespace["ema"](thetas[:, 0], 0.9), ema_bias_corrected(thetas[:, 0], 0.9))


def test_students_who_wrote_the_ema_in_different_styles_are_not_paired():
    rng = random.Random(1)
    answers = {f"style-{name}": source for name, source in EMA_STYLES.items()}
    answers |= {f"other-{i:02d}": random_answer(rng, "def ema(thetas, beta):") for i in range(24)}
    assert similar_pairs(answers, EMA_TEMPLATE) == ([], 0)
    # and nothing pairs them even at a low threshold
    pairs, _ = similar_pairs(answers, EMA_TEMPLATE, threshold=0.5)
    assert [(p.first, p.second) for p in pairs if p.first.startswith("style")] == []


def test_the_template_alone_never_pairs_anyone():
    variants = [TEMPLATE, TEMPLATE.replace("# YOUR CODE HERE", "# I don't know"),
                TEMPLATE + "    pass\n", TEMPLATE.replace("raise NotImplementedError()", "pass"),
                "def backprop( X,T, Ws,bs ):\n\n    raise NotImplementedError( )\n"]
    answers = {f"s{i:02d}": variants[i % len(variants)] for i in range(20)}
    assert similar_pairs(answers, TEMPLATE) == ([], 0)


def test_copies_of_the_given_solution_are_not_paired():
    rng = random.Random(2)
    answers = {f"given-{i}": disguised_copy(BACKPROP, rng) for i in range(6)}
    answers |= {f"other-{i:02d}": random_answer(rng) for i in range(20)}
    assert similar_pairs(answers, TEMPLATE, given=BACKPROP) == ([], 0)
    assert len(similar_pairs(answers, TEMPLATE)[0]) == 15          # without the given solution: 6·5/2


def test_a_block_the_whole_class_wrote_pairs_no_one():
    block = BACKPROP.split("\n")[2:8]       # the forward pass and the output delta, 6 lines
    rng = random.Random(4)

    def answer():                          # the block, then 3 statements of one's own
        own = _statements(rng, ["X", "T", "outs", "delta"], 1, 3)
        return "\n".join(["def backprop(X, T, Ws, bs):"] + block + own + ["    return delta"])

    p, q = answer(), answer()
    assert [(x.first, x.second) for x in similar_pairs({"p": p, "q": q}, TEMPLATE, threshold=0.5)[0]] == [("p", "q")]
    class_ = {"p": p, "q": q} | {f"s{i:02d}": answer() for i in range(38)}
    assert similar_pairs(class_, TEMPLATE, threshold=0.5) == ([], 0)


def test_answers_that_do_not_parse_are_compared_token_by_token():
    broken = BACKPROP.replace("dWs, dbs = [], []", "dWs, dbs = [], [")
    renamed = re.sub(r"\bouts\b", "acts", re.sub(r"\bdelta\b", "err", broken))
    pairs, _ = similar_pairs({"ann": broken, "bob": renamed}, TEMPLATE)
    assert the_pair(pairs, "ann", "bob").similarity >= 0.8


def test_odd_answers_never_raise_and_are_never_paired():
    answers = {"empty": "", "blank": " \n\t\n", "none": None, "number": 42, "bytes": b"x = 1",
               "syntax": "def backprop(X, T, Ws, bs:\n    return", "null": "x = 1\x00",
               "escape": "x = '\\d'\n", "surrogate": "x = '\ud800'\n", "indent": "  x = 1\n y = 2\n",
               "parens": "x = " + "(" * 5000 + "1" + ")" * 5000, "minus": "x = " + "-" * 100_000 + "1",
               "sum": "x = 1" + " + 1" * 30_000, "nested": "".join("    " * d + "if x:\n" for d in range(150)),
               "template": TEMPLATE, 7: BACKPROP}
    assert similar_pairs(answers, TEMPLATE) == ([], 0)
    assert similar_pairs({}, TEMPLATE) == ([], 0)
    assert similar_pairs({"a": BACKPROP, "b": BACKPROP}, template=None, given=3) != ([], 0)


def test_the_result_does_not_depend_on_the_order_of_the_answers():
    rng = random.Random(5)
    answers = {f"c{i}": disguised_copy(BACKPROP, rng) for i in range(4)}
    answers |= {f"s{i:02d}": random_answer(rng) for i in range(30)}
    shuffled = list(answers.items())
    random.Random(6).shuffle(shuffled)
    assert similar_pairs(answers, TEMPLATE) == similar_pairs(dict(shuffled), TEMPLATE)


def test_many_near_copies_list_a_bounded_number_of_pairs_fast():
    importlib.import_module("copydetect.utils")   # before the clock starts: it brings matplotlib

    rng = random.Random(7)
    answers = {f"s{i:03d}": random_answer(rng) for i in range(800)}
    answers |= {f"copy{i:03d}": disguised_copy(BACKPROP, rng) for i in range(200)}
    start = time.perf_counter()
    pairs, more = similar_pairs(answers, TEMPLATE)
    elapsed = time.perf_counter() - start
    assert elapsed < 5, elapsed
    assert len(pairs) == MAX_PAIRS and more == 200 * 199 // 2 - MAX_PAIRS
    assert all(p.first.startswith("copy") and p.second.startswith("copy") and p.first < p.second for p in pairs)
    assert [p.similarity for p in pairs] == sorted((p.similarity for p in pairs), reverse=True)
