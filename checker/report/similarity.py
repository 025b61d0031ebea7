"""Answer code that is suspiciously similar, per exercise: pairs of students to look at, not verdicts.

    similar_pairs(answers, template, given, threshold) -> (pairs, more)
        answers: student id -> the answer cell's source. pairs: [SimilarPair] at or above threshold,
        strongest first, at most MAX_PAIRS; more: how many further pairs were left off.

How, for one exercise:
1. Normalise each answer. ast parses it into statements (a compound statement gives its header);
   each statement's own source text is split into tokens, so whitespace, line breaks and comments
   are gone, and docstrings and bare strings are dropped. The names the answer binds (variables,
   defs, loop and comprehension variables) are placeholders; a top-level function's parameters are
   known by their position; attribute names, imported modules and free names (np, builtins) stay:
   they are API. Each run of consecutive simple statements (Assign, AnnAssign, AugAssign, Expr) is
   put in a canonical order that keeps its data dependencies, choosing among the statements free
   to go next by their name-free rendering. The template's statements (compared name-free) are
   dropped. Code that does not parse is taken line by line with the same tokens. Every statement
   keeps its original lines, for the fragments.
2. Fingerprint. Each k-gram of K tokens is hashed (blake2b token hashes, so the same on every run)
   with each placeholder as "new" or "the name seen d tokens back" within the k-gram: renaming, or
   an extra variable elsewhere, changes no other k-gram. copydetect's winnow (window WINDOW) selects
   the fingerprints: a shared run of at least K + WINDOW - 1 normalised tokens gives one.
3. Boilerplate, never evidence: the template's and the given solution's k-grams and statements, and
   k-grams, or statements, that more than max(COMMON_MIN, COMMON_SHARE x answers) distinct
   normalised answers have: correct short answers converge. Answers identical after normalisation
   form one cluster and count once, so one answer passed around the class is still reported.
4. Candidates: an inverted index distinctive fingerprint -> clusters; only cluster pairs sharing at
   least MIN_SHARED distinctive fingerprints are scored:
       similarity = |shared| / min(|distinctive of the first|, |distinctive of the second|)
   (containment: a copy padded with code of one's own still scores 1). Pairs within a cluster score 1.

Scale: normalising and fingerprinting are linear in the code's length, the index holds O(total
fingerprints) entries, and as no posting list is longer than the common cutoff C, counting candidates
costs at most O(total fingerprints x C). Pairs are counted per pair of clusters (|A| x |B|, or
m(m - 1)/2 within a cluster of m), never enumerated: only the MAX_PAIRS listed ones are built, with
their fragments. 1,000 answers of 5-30 lines take about 0.7 s on one core (parsing and copydetect's
pure-Python winnow are half of it), 200 near copies among them change little.
"""
from __future__ import annotations

import ast
import gc
import hashlib
import keyword
import re
import textwrap
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import combinations, compress, count, islice, product

import numpy as np

K = 10                  # tokens per k-gram
WINDOW = 5              # winnowing window, in k-grams
MIN_SHARED = 3          # distinctive fingerprints a pair must share to be scored
MAX_PAIRS = 50          # pairs listed per exercise
COMMON_MIN, COMMON_SHARE = 10, 0.05
MAX_FRAGMENTS, MAX_FRAGMENT_LINES = 5, 15
MAX_CHARS = 20_000      # the engine's bound on an answer; longer text is cut there
MAX_RUN = 32            # longer runs of simple statements keep their order (the canonical order is cubic)
LOOK_AHEAD = 50         # statements searched for the first use of a name, to order look-alike statements

_REORDERABLE = (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Expr)
_BLOCKS = ("body", "handlers", "cases", "orelse", "finalbody")
_TOKEN = re.compile(r"""'{3}[\s\S]*?'{3}|"{3}[\s\S]*?"{3}|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|#[^\n]*"""
                    r"""|(?!\d)\w+|\d[\w.]*|\*\*=?|//=?|>>=?|<<=?|:=|->|[-+*/%@&|^<>=!]=|\S""")
_KEYWORDS = frozenset(keyword.kwlist)
_AUGMENTED = frozenset("+= -= *= /= //= %= @= &= |= ^= >>= <<= **=".split())
_NEW_NAME, _EARLIER_NAME, _MULTIPLIER = 0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x100000001B3


@dataclass
class SimilarPair:
    first: str                          # student id; first < second
    second: str
    similarity: float                   # 0..1: shared distinctive fingerprints / the smaller one's
    fragments: list[tuple[str, str]]    # (first's lines, second's lines), as each wrote them


@dataclass
class _Unit:
    """One statement (or a compound statement's header line): tokens, depth marker first."""
    tokens: list[str]
    is_name: list[bool]                 # per token: a name the answer binds (a placeholder)
    span: tuple[int, int]               # original lines, 1-based, inclusive
    run: int = -1                       # the run of reorderable statements it is in; -1: none
    reads: frozenset = frozenset()
    writes: frozenset = frozenset()
    key: str = ""                       # name-free rendering, what the template and the canonical order compare

    def finish(self, parameters: dict[str, str]) -> None:
        """Names the parameters by position and renders the key, once the names are known."""
        if not parameters.keys().isdisjoint(self.tokens):
            for i, (token, name) in enumerate(zip(self.tokens, self.is_name)):
                if name and token in parameters:
                    self.tokens[i], self.is_name[i] = parameters[token], False
        self.key = "\x1f".join(["_" if name else token for token, name in zip(self.tokens, self.is_name)])

    def names(self) -> set[str]:
        return {token for token, name in zip(self.tokens, self.is_name) if name}


@dataclass
class _Code:
    """One answer, normalised: its tokens in canonical order, where each comes from, its source."""
    tokens: list[str]
    is_name: list[bool]
    unit_of_token: list[int]
    spans: list[tuple[int, int]]        # per unit, in canonical order
    unit_keys: list[str]                # per unit, name-free
    key: str                            # equal for answers identical after normalisation
    source: str


def similar_pairs(answers: dict[str, str], template: str = "", given: str = "",
                  threshold: float = 0.8) -> tuple[list[SimilarPair], int]:
    """answers: student id -> answer cell source. Returns the pairs at or above threshold,
    strongest first (at most MAX_PAIRS), and how many more were left off."""
    collecting = gc.isenabled()
    gc.disable()              # parsing makes many objects and none in a cycle: the collector only costs time
    try:
        return _similar_pairs(answers, template, given, threshold)
    finally:
        if collecting:
            gc.enable()


def _similar_pairs(answers, template, given, threshold) -> tuple[list[SimilarPair], int]:
    template_units = _units(_clean(template))
    template_keys = Counter(unit.key for unit in template_units)
    codes, members = {}, defaultdict(list)        # student -> _Code; normalised key -> its students
    for student in sorted(s for s in answers if isinstance(s, str)):
        code = _normalise(answers[student], template_keys)
        if code is not None:
            codes[student] = code
            members[code.key].append(student)
    if len(codes) < 2:
        return [], 0
    clusters = list(members.values())
    prints = _fingerprints([codes[cluster[0]] for cluster in clusters])
    extras = [code for code in (_code(template_units), _normalise(given, template_keys)) if code is not None]
    boilerplate = [kgrams for _, _, kgrams in _fingerprints(extras)]
    distinctive = _distinctive([codes[cluster[0]] for cluster in clusters], prints, extras, boilerplate,
                               max(COMMON_MIN, COMMON_SHARE * len(codes)))
    groups = _groups(distinctive, [len(c) for c in clusters], threshold)
    groups.sort(key=lambda g: (-g[0], clusters[g[1]][0], clusters[g[2]][0]))
    total = sum(len(clusters[a]) * (len(clusters[a]) - 1) // 2 if a == b else len(clusters[a]) * len(clusters[b])
                for _, a, b in groups)

    # Strongest first; among equally strong groups round robin, so that one big cluster does not fill the list.
    listed = []
    for order, (similarity, a, b) in enumerate(groups[:MAX_PAIRS]):
        pairs = combinations(clusters[a], 2) if a == b else product(clusters[a], clusters[b])
        for rank, (x, y) in enumerate(islice(pairs, MAX_PAIRS)):
            listed.append((-similarity, rank, order, min(x, y), max(x, y), a, b))
    positions = {}                                # cluster -> fingerprint -> the first token position
    result = []
    for negative, _, _, first, second, a, b in sorted(listed)[:MAX_PAIRS]:
        if first not in clusters[a]:
            a, b = b, a
        for c in (a, b):
            if c not in positions:
                hashes, where, _ = prints[c]
                positions[c] = dict(zip(reversed(hashes.tolist()), reversed(where.tolist())))
        fragments = _fragments(codes[first], codes[second], positions[a], positions[b], distinctive[a] & distinctive[b])
        result.append(SimilarPair(first, second, -negative, fragments))
    return result, total - len(result)


def _distinctive(codes: list[_Code], prints: list[tuple], extras: list[_Code], boilerplate: list[np.ndarray],
                 cutoff: float) -> list[set]:
    """Per cluster (codes, prints: one per cluster), the fingerprints that are not boilerplate: not a
    k-gram of the template or the given solution (boilerplate), nor one more than cutoff clusters
    have, nor lying mostly in statements that more than cutoff clusters have or the given solution
    has. Every k-gram counts, not only the winnowed ones (which k-grams a window selects depends on
    its neighbours), and statements count besides k-grams because a run of statements is sorted
    with one's own: the class's common statements meet different neighbours in different answers."""
    kgrams, clusters_with = np.unique(np.concatenate([np.unique(k) for _, _, k in prints]), return_counts=True)
    excluded = np.concatenate([kgrams[clusters_with > cutoff]] + boilerplate)
    statements = Counter(key for code in codes for key in set(code.unit_keys))
    common = {key for key, n in statements.items() if n > cutoff}.union(*(code.unit_keys for code in extras))
    mostly_common = []
    for code, (_, where, _) in zip(codes, prints):
        in_common = np.array([key in common for key in code.unit_keys])[np.array(code.unit_of_token, dtype=np.int64)]
        common_before = np.concatenate([[0], np.cumsum(in_common)])
        mostly_common.append(2 * (common_before[where + K] - common_before[where]) >= K)
    hashes = np.concatenate([h for h, _, _ in prints])
    kept = ~(np.concatenate(mostly_common) | np.isin(hashes, excluded))
    ends = np.cumsum([len(h) for h, _, _ in prints])[:-1]
    return [set(h[k].tolist()) for h, k in zip(np.split(hashes, ends), np.split(kept, ends))]


def _groups(distinctive: list[set], sizes: list[int], threshold: float) -> list[tuple[float, int, int]]:
    """(similarity, cluster a, cluster b) at or above threshold; a == b: the pairs within a cluster.
    Candidates come from an inverted index: only clusters sharing a distinctive fingerprint meet."""
    index = defaultdict(list)                     # distinctive fingerprint -> clusters
    for cluster, hashes in enumerate(distinctive):
        if len(hashes) >= MIN_SHARED:
            for h in hashes:
                index[h].append(cluster)
    shared = Counter()
    for posting in index.values():
        if len(posting) > 1:
            shared.update(combinations(posting, 2))
    groups = [(1.0, c, c) for c, hashes in enumerate(distinctive)
              if sizes[c] > 1 and len(hashes) >= MIN_SHARED and threshold <= 1]
    for (a, b), n in shared.items():
        if n >= MIN_SHARED:
            similarity = n / min(len(distinctive[a]), len(distinctive[b]))
            if similarity >= threshold:
                groups.append((similarity, a, b))
    return groups


def _clean(source) -> str:
    """source cut at MAX_CHARS, with ast's line ends as \\n; '' for what is not a string."""
    if not isinstance(source, str):
        return ""
    return source[:MAX_CHARS].replace("\r\n", "\n").replace("\r", "\n")


def _normalise(source, template_keys: Counter) -> _Code | None:
    """An answer's _Code, without the template's statements; None when nothing is left."""
    source = _clean(source)
    left = Counter(template_keys)
    kept = []
    for unit in _units(source):
        if left[unit.key] > 0:
            left[unit.key] -= 1
        else:
            kept.append(unit)
    code = _code(kept)
    if code is not None:
        code.source = source
    return code


def _units(source: str) -> list[_Unit]:
    """The statements of source in their original order; its lines when it does not parse."""
    if not source.strip():
        return []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
        return _statement_units(source, tree)
    except (SyntaxError, ValueError, TypeError, RecursionError, MemoryError):
        return _line_units(source)


def _statement_units(source: str, tree: ast.Module) -> list[_Unit]:
    """One unit per simple statement and per compound statement's header, its tokens taken from its
    own source text (so layout and comments are gone), with its depth and original lines."""
    statements = _Statements(source)
    statements.body(tree.body, 0)
    units, bound = statements.units, statements.bound
    for unit in units:
        _bind_in_tokens(unit.tokens, bound)
    bound -= statements.imported | _KEYWORDS
    parameters = _parameters(tree, bound)
    for unit in units:
        tokens = unit.tokens
        unit.is_name = is_name = [token in bound for token in tokens]
        if "." in tokens:
            for i, token in enumerate(tokens):
                if token == ".":
                    is_name[i + 1] = False            # an attribute: API, kept
        if unit.run >= 0:
            unit.reads = frozenset(t for t, name in zip(tokens, is_name) if name)
            if "." in tokens:                         # a method call may change its object
                receivers = {t for t, dot, _, call in zip(tokens, tokens[1:], tokens[2:], tokens[3:])
                             if dot == "." and call == "("}
                unit.writes = (unit.writes | receivers) & bound
        unit.finish(parameters)
    return units


class _Statements:
    """Walks a module's statements into units, collecting the names they bind. (A class, not nested
    functions: those would make a reference cycle per answer, which only the paused collector frees.)"""

    def __init__(self, source: str):
        self.source, self.at = source, _offsets(source)
        self.units, self.bound, self.imported, self.runs = [], set(), set(), count()

    def start(self, node) -> int:                 # a match case has no position; its pattern has
        node = getattr(node, "pattern", node)
        return self.at(node.lineno, node.col_offset)

    def end(self, node) -> int:
        return self.at(node.end_lineno, node.end_col_offset)

    def unit(self, text: str, lines: tuple[int, int], depth: int, run: int = -1, writes=frozenset()):
        self.units.append(_Unit([f"\n{depth}"] + _tokens(text), [], lines, run, frozenset(), writes))

    def body(self, statements: list, depth: int):
        run = None
        for statement in statements:
            if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) \
                    and isinstance(statement.value.value, str):
                continue                          # a docstring, or a string used as a comment
            if not isinstance(statement, _REORDERABLE):
                run = None
                self.block(statement, depth)
                continue
            run = next(self.runs) if run is None else run
            writes = set()
            for target in getattr(statement, "targets", None) or [getattr(statement, "target", None)]:
                _targets(target, self.bound, writes)
            self.unit(self.source[self.start(statement):self.end(statement)],
                      (statement.lineno, statement.end_lineno), depth, run, frozenset(writes))

    def block(self, node, depth: int):            # a statement, an except handler or a match case
        _bind(node, self.bound, self.imported)
        fields = [f for f in _BLOCKS if getattr(node, f, None)]
        decorators = [d.lineno for d in getattr(node, "decorator_list", ())]
        first_line = min([getattr(node, "pattern", node).lineno] + decorators)
        if not fields:
            self.unit(self.source[self.start(node):self.end(node)], (first_line, node.end_lineno), depth)
            return
        child = getattr(node, fields[0])[0]
        child_line = getattr(child, "pattern", child).lineno
        self.unit(self.source[self.start(node):self.start(child)], (first_line, max(first_line, child_line - 1)), depth)
        for f in fields:
            children = getattr(node, f)
            if f in ("handlers", "cases"):
                for child in children:
                    self.block(child, depth)
                continue
            if f != "body":
                line = getattr(children[0], "lineno", first_line)
                self.unit("else" if f == "orelse" else "finally", (line, line), depth)
            self.body(children, depth + 1)


def _parameters(tree: ast.Module, bound: set[str]) -> dict[str, str]:
    """Parameter name -> its position, "¶0", "¶1", ...: the template fixes a function's parameters,
    so a parameter is known by its position however it is named (the first def naming it wins)."""
    parameters = {}
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            a = statement.args
            for i, arg in enumerate((*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg)):
                if arg is not None and arg.arg in bound:
                    parameters.setdefault(arg.arg, f"\N{PILCROW SIGN}{i}")
    return parameters


def _tokens(text: str) -> list[str]:
    """text's tokens without comments; strings in one quoting, `elif` as `if`."""
    tokens = _TOKEN.findall(text)
    if "'" in text or '"' in text or "#" in text or "elif" in tokens:
        tokens = [("'" + token.strip("'\"")) if token[0] in "'\"" else "if" if token == "elif" else token
                  for token in tokens if token[0] != "#"]
    return tokens


def _offsets(source: str):
    """(line, column in UTF-8 bytes), as ast counts them -> index into source."""
    lines = source.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    if source.isascii():
        return lambda line, column: starts[line - 1] + column
    return lambda line, column: starts[line - 1] + len(lines[line - 1].encode()[:column].decode("utf-8", "ignore"))


def _targets(target, bound: set, writes: set) -> None:
    """An assignment target: its plain names are bound; the object of an item or attribute is written."""
    if isinstance(target, ast.Name):
        bound.add(target.id)
        writes.add(target.id)
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            _targets(element, bound, writes)
    elif isinstance(target, ast.Starred):
        _targets(target.value, bound, writes)
    elif isinstance(target, (ast.Attribute, ast.Subscript)):
        while isinstance(target, (ast.Attribute, ast.Subscript)):
            target = target.value
        if isinstance(target, ast.Name):
            writes.add(target.id)


def _bind(node, bound: set, imported: set) -> None:
    """The names a compound statement, a handler or another simple statement binds."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        bound.add(node.name)
        if not isinstance(node, ast.ClassDef):
            a = node.args
            bound.update(arg.arg for arg in (*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg) if arg)
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        for item in node.items:
            if item.optional_vars is not None:
                _targets(item.optional_vars, bound, set())
    elif isinstance(node, ast.ExceptHandler) and node.name:
        bound.add(node.name)
    elif isinstance(node, (ast.Global, ast.Nonlocal)):
        bound.update(node.names)
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        imported.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    elif isinstance(node, ast.match_case):
        bound.update(n.name for n in ast.walk(node.pattern) if getattr(n, "name", None))
        bound.update(n.rest for n in ast.walk(node.pattern) if getattr(n, "rest", None))


def _bind_in_tokens(tokens: list[str], bound: set) -> None:
    """Names bound inside expressions and headers: `for ... in` (loops and comprehensions), lambda
    parameters, `name :=`."""
    if "for" not in tokens and "lambda" not in tokens and ":=" not in tokens:
        return
    binding = None
    for i, token in enumerate(tokens):
        if token in ("for", "lambda"):
            binding = token
        elif token == ":=":
            bound.add(tokens[i - 1])
        elif token == ("in" if binding == "for" else ":"):
            binding = None
        elif binding and token.isidentifier() and tokens[i - 1] != ".":
            bound.add(token)


def _line_units(source: str) -> list[_Unit]:
    """Code that does not parse: one unit per line, its depth from its indentation; the names it
    seems to bind (assigned, defined, looped over, `as`) are placeholders."""
    lines, indents, bound = [], [0], set()
    for number, line in enumerate(source.split("\n"), start=1):
        tokens = _tokens(line)
        if not tokens:
            continue
        indent = len(line) - len(line.lstrip())
        while indent < indents[-1]:
            indents.pop()
        if indent > indents[-1]:
            indents.append(indent)
        lines.append((number, [f"\n{len(indents) - 1}"] + tokens))
        _bind_in_tokens(tokens, bound)
        if tokens[0] in ("def", "class"):
            bound.update(t for t in tokens if t.isidentifier())
        bound.update(after for before, after in zip(tokens, tokens[1:]) if before == "as")
        bound.update(_assigned(tokens))
    bound -= _KEYWORDS
    first_def = next((tokens for _, tokens in lines if tokens[1] == "def"), [])
    parameters = {}
    for before, token in zip(first_def, first_def[1:]):
        if before in ("(", ",", "*", "**") and token in bound:
            parameters.setdefault(token, f"\N{PILCROW SIGN}{len(parameters)}")
    units = [_Unit(tokens, [t in bound and before != "." for before, t in zip([""] + tokens, tokens)], (number, number))
             for number, tokens in lines]
    for unit in units:
        unit.finish(parameters)
    return units


def _assigned(tokens: list[str]) -> list[str]:
    """The names before a line's assignment operator (outside brackets, not attributes)."""
    depth = 0
    for i, token in enumerate(tokens):
        if token in ("(", "[", "{"):
            depth += 1
        elif token in (")", "]", "}"):
            depth -= 1
        elif depth == 0 and (token == "=" or token in _AUGMENTED):
            return [t for before, t in zip([""] + tokens, tokens[:i]) if t.isidentifier() and before != "."]
    return []


def _code(units: list[_Unit]) -> _Code | None:
    """Reorders each run of simple statements canonically and flattens the units into one _Code."""
    if not units:
        return None
    units = list(units)
    start = 0
    while start < len(units):
        end = start + 1
        while end < len(units) and units[start].run >= 0 and units[end].run == units[start].run:
            end += 1
        if 1 < end - start <= MAX_RUN:
            units[start:end] = _canonical_order(units[start:end], units[end:end + LOOK_AHEAD])
        start = end
    tokens, is_name, unit_of_token, renamed, placeholders = [], [], [], [], {}
    for number, unit in enumerate(units):
        tokens += unit.tokens
        is_name += unit.is_name
        unit_of_token += [number] * len(unit.tokens)
        renamed += [(placeholders.get(t) or placeholders.setdefault(t, f"_{len(placeholders)}")) if name else t
                    for t, name in zip(unit.tokens, unit.is_name)]
    return _Code(tokens, is_name, unit_of_token, [u.span for u in units], [u.key for u in units],
                 "\x1f".join(renamed), "")


def _canonical_order(run: list[_Unit], later: list[_Unit]) -> list[_Unit]:
    """run in a canonical topological order: each statement after those it depends on; among the
    statements free to go next, the smallest by name-free rendering (then by that of the first later
    statement using what it writes, so that `a = 0; b = 0` sorts the same whichever comes first)."""
    keys = [unit.key for unit in run]
    if len(set(keys)) < len(keys):
        later_names = [u.names() for u in later]
        uses = [next((u.key for u, names in zip(later, later_names) if names & unit.writes), "")
                for unit in run]
        keys = [(key, use) for key, use in zip(keys, uses)]
    waits_for = [{i for i in range(j) if run[i].writes & (run[j].reads | run[j].writes) or run[j].writes & run[i].reads}
                 for j in range(len(run))]
    placed, order = set(), []
    while len(order) < len(run):
        ready = min((j for j in range(len(run)) if j not in placed and waits_for[j] <= placed),
                    key=lambda j: (keys[j], j))
        placed.add(ready)
        order.append(run[ready])
    return order


def _fingerprints(codes: list[_Code]) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per code: its winnowed fingerprints, the token positions their k-grams start at, and the
    hashes of all its k-grams (int64 arrays)."""
    from copydetect.utils import winnow          # here: importing copydetect imports matplotlib.pyplot

    tokens, is_name, lengths = [], [], []
    repeats, back = [], []                        # positions of names seen before, and how far back
    for code in codes:
        offset, last = len(tokens), {}
        tokens += code.tokens
        is_name += code.is_name
        for position in compress(range(len(code.tokens)), code.is_name):
            name = code.tokens[position]
            if name in last:
                repeats.append(offset + position)
                back.append(position - last[name])
            last[name] = position
        lengths.append(len(code.tokens))
    numbers = {token: i for i, token in enumerate(dict.fromkeys(tokens))}
    token_ids = np.array([int.from_bytes(hashlib.blake2b(token.encode("utf-8", "surrogatepass"), digest_size=8)
                                         .digest(), "little") for token in numbers], dtype=np.uint64)
    token_ids = token_ids[np.fromiter(map(numbers.__getitem__, tokens), dtype=np.int64, count=len(tokens))]
    is_name = np.array(is_name, dtype=bool)
    distance = np.full(len(tokens), K, dtype=np.int64)
    distance[np.array(repeats, dtype=np.int64)] = back
    # All codes' k-grams at once (those across two codes are discarded below). A name is hashed as
    # "new" or as "the name seen d tokens back", when that occurrence is inside the k-gram.
    kgram_count = max(len(token_ids) - K + 1, 0)
    hashes = np.zeros(kgram_count, dtype=np.uint64)
    earlier = distance.astype(np.uint64) * np.uint64(_EARLIER_NAME)
    for j in range(K):
        at = slice(j, j + kgram_count)
        value = np.where(is_name[at], np.where(distance[at] <= j, earlier[at], np.uint64(_NEW_NAME)), token_ids[at])
        hashes = hashes * np.uint64(_MULTIPLIER) + value
    hashes ^= hashes >> np.uint64(33)
    hashes *= np.uint64(0xFF51AFD7ED558CCD)
    hashes ^= hashes >> np.uint64(33)
    hashes = hashes.view(np.int64)
    result, start, none = [], 0, np.zeros(0, dtype=np.int64)
    for length in lengths:
        if length >= K:
            kgrams = hashes[start:start + length - K + 1]
            selected, where = winnow(kgrams, WINDOW, remove_duplicates=False)
            result.append((np.asarray(selected, dtype=np.int64), np.asarray(where, dtype=np.int64), kgrams))
        else:
            result.append((none, none, none))
        start += length
    return result


def _fragments(first: _Code, second: _Code, first_at: dict, second_at: dict, shared: set) -> list[tuple[str, str]]:
    """Shared code side by side, in each student's own lines: matches (first position, second
    position) close in both codes are merged; the largest MAX_FRAGMENTS, in the first's order."""
    matches = sorted((first_at[h], second_at[h]) for h in shared)
    runs = []
    for a, b in matches:
        if runs and a - runs[-1][-1][0] <= K + WINDOW and abs(b - runs[-1][-1][1]) <= K + WINDOW:
            runs[-1].append((a, b))
        else:
            runs.append([(a, b)])
    runs = sorted(sorted(runs, key=len, reverse=True)[:MAX_FRAGMENTS])
    first_lines, second_lines = _lines(first.source), _lines(second.source)
    fragments = []
    for run in runs:
        mine = _span(first, min(a for a, _ in run), max(a for a, _ in run) + K - 1)
        theirs = _span(second, min(b for _, b in run), max(b for _, b in run) + K - 1)
        if fragments and mine[0] <= fragments[-1][0][1] and theirs[0] <= fragments[-1][1][1] \
                and theirs[1] >= fragments[-1][1][0]:
            previous = fragments.pop()
            mine = (previous[0][0], max(mine[1], previous[0][1]))
            theirs = (min(theirs[0], previous[1][0]), max(theirs[1], previous[1][1]))
        fragments.append((mine, theirs))
    return [(_text(first_lines, mine), _text(second_lines, theirs)) for mine, theirs in fragments]


def _span(code: _Code, first_token: int, last_token: int) -> tuple[int, int]:
    """The original lines of the statements holding tokens first_token..last_token."""
    units = set(code.unit_of_token[first_token:min(last_token, len(code.tokens) - 1) + 1])
    return min(code.spans[u][0] for u in units), max(code.spans[u][1] for u in units)


def _lines(source: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", source)        # as ast counts lines


def _text(lines: list[str], span: tuple[int, int]) -> str:
    start, end = span
    return textwrap.dedent("\n".join(lines[start - 1:min(end, start + MAX_FRAGMENT_LINES - 1)]))
