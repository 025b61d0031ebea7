"""The Chinese edition is built from the English notebooks and a translation catalogue
(checker.editions): every markdown cell translated and fresh, code, nbgrader metadata and hidden
tests the same by construction, the committed notebooks what a fresh build gives."""
import copy

import nbformat
import pytest

from checker import editions
from checker.editions import PHRASES, TranslationError
from notebooks import ENGLISH_NOTEBOOKS, ROOT, edition_of, nb_id, nbgrader_meta
from translation_checks import CJK, markdown_problems, notebook_problems

LANGUAGES = [lang for lang in editions.LANGUAGES if lang != "en"]
PAIRS = [(path, lang) for path in ENGLISH_NOTEBOOKS for lang in LANGUAGES]
ids = lambda pair: f"{nb_id(pair[0])}-{pair[1]}" if isinstance(pair, tuple) else None


def read(path):
    return nbformat.read(path, as_version=4)


def catalogue(path, lang):
    return editions.read_catalogue(editions.catalogue_path(ROOT, lang, path.parent.name, path.stem))


@pytest.mark.parametrize("pair", PAIRS, ids=ids)
def test_every_markdown_cell_has_a_fresh_translation_and_none_is_left_over(pair):
    path, lang = pair
    problems = editions.audit(read(path), catalogue(path, lang))
    assert not problems, f"{nb_id(path)} ({lang}): {problems}; refresh with python -m checker translate --skeletons"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_committed_notebooks_are_a_fresh_build(lang):
    built = editions.build(ROOT, lang, write=False)
    assert len(built) == len(ENGLISH_NOTEBOOKS)
    for path, text in built.items():
        assert path.is_file(), f"{path.relative_to(ROOT)} is not committed: run python -m checker translate"
        assert path.read_text(encoding="utf-8") == text, \
            f"{path.relative_to(ROOT)} differs from a fresh build: run python -m checker translate"


@pytest.mark.parametrize("pair", PAIRS, ids=ids)
def test_cells_ids_metadata_and_hidden_tests_are_the_same(pair):
    path, lang = pair
    english, translated = read(path), read(edition_of(path, lang))
    assert [(c.id, c.cell_type) for c in english.cells] == [(c.id, c.cell_type) for c in translated.cells]
    assert english.metadata == translated.metadata
    for en, zh in zip(english.cells, translated.cells):
        assert en.metadata == zh.metadata, en.id
        if nbgrader_meta(en).get("grade") and en.cell_type == "code":
            assert editions._hidden(en.source) == editions._hidden(zh.source) != ""
            assert editions._tokens(en.source) == editions._tokens(zh.source), en.id


@pytest.mark.parametrize("pair", PAIRS, ids=ids)
def test_code_differs_only_in_strings_and_comments(pair):
    path, lang = pair
    for en, zh in zip(read(path).cells, read(edition_of(path, lang)).cells):
        if en.cell_type == "code":
            setup = nbgrader_meta(en).get("grade_id") == editions.SETUP_ID
            source = zh.source.replace(f'\nchecker.set_language("{lang}")', "", 1) if setup else zh.source
            assert editions._code_shape(en.source) == editions._code_shape(source), en.id
            assert editions._markers(en.source) == editions._markers(zh.source), en.id


@pytest.mark.parametrize("pair", PAIRS, ids=ids)
def test_the_set_up_cell_chooses_the_language_before_anything_is_drawn_or_checked(pair):
    path, lang = pair
    setup = [c for c in read(edition_of(path, lang)).cells if nbgrader_meta(c).get("grade_id") == "setup"]
    assert len(setup) == 1
    lines = setup[0].source.splitlines()
    chosen = lines.index(f'checker.set_language("{lang}")')
    assert lines[chosen - 1] == "import checker"
    assert all("use_course_style()" not in line for line in lines[:chosen])


@pytest.mark.parametrize("pair", PAIRS, ids=ids)
def test_every_cell_is_translated_with_the_same_numbers_and_headings(pair):
    path, lang = pair
    assert notebook_problems(read(path), read(edition_of(path, lang))) == []


@pytest.mark.parametrize("pair", PAIRS, ids=ids)
def test_the_fixed_phrases_are_the_editions_own(pair):
    path, lang = pair
    english, translated = read(path), read(edition_of(path, lang))
    for key in ("goals", "summary", "interview", "callout", "reference_rule", "model_answer"):
        n = sum(PHRASES["en"][key] in c.source for c in english.cells)
        assert sum(PHRASES[lang][key] in c.source for c in translated.cells) == n, (key, nb_id(path))


NOTATION = {"out", "total"}   # n_out and the worked example's E_total are names, not words


@pytest.mark.parametrize("pair", PAIRS, ids=ids)
def test_no_math_keeps_english_words(pair):
    import re
    path, lang = pair
    for cell in read(edition_of(path, lang)).cells:
        if cell.cell_type == "markdown":
            for words in re.findall(r"\\text\{([^{}]*)\}", cell.source):
                english = set(re.findall(r"[a-z]{3,}", words)) - NOTATION
                assert not english, (cell.id, words)


def test_the_glossary_names_the_terms_and_the_three_notations():
    glossary = next(c.source for c in read(ROOT / "notebooks" / "backprop_zh" / "01_sigmoid_and_mse.ipynb").cells
                    if c.id == "md-glossary")
    for term in ("反向传播", "误差项 δ", "链式法则", "激活函数", "均方误差", "滑动平均", "指数加权",
                 "偏差修正", "影子变量", "衰减率"):
        assert term in glossary, term
    for notation in ("$g_j", "$e_h", "$dZ^{[l]}", "$W^{[l]} = W_l^\\top$", "v_{biased}", "\\hat v_t"):
        assert notation in glossary, notation


# ------------------------------------------------------------------ the build refuses what does not fit
def _english():
    return read(ROOT / "notebooks" / "backprop" / "01_sigmoid_and_mse.ipynb")


def test_a_changed_english_cell_makes_its_translation_stale():
    nb, cat = _english(), catalogue(ROOT / "notebooks" / "backprop" / "01_sigmoid_and_mse.ipynb", "zh")
    nb.cells[0].source += "\nOne more sentence."
    problems = editions.audit(nb, cat)
    assert problems.stale == [nb.cells[0].id]
    with pytest.raises(TranslationError, match="stale"):
        editions.translate_notebook(nb, cat, "zh")


def test_a_new_english_cell_is_missing_and_a_removed_one_is_extra():
    nb, cat = _english(), catalogue(ROOT / "notebooks" / "backprop" / "01_sigmoid_and_mse.ipynb", "zh")
    gone = nb.cells.pop(2)
    new = nbformat.v4.new_markdown_cell("A new paragraph.")
    new.id = "md-new"
    nb.cells.insert(2, new)
    problems = editions.audit(nb, cat)
    assert problems.missing == ["md-new"] and problems.extra == [f"markdown.{gone.id}"]


def _with_code_pair(english: str, translated: str):
    nb, cat = _english(), copy.deepcopy(catalogue(ROOT / "notebooks" / "backprop" / "01_sigmoid_and_mse.ipynb", "zh"))
    cell = next(c for c in nb.cells if c.cell_type == "code" and english in c.source)
    cat["code"][cell.id] = {"english": editions.fingerprint(cell.source), "strings": [[english, translated]]}
    return nb, cat, cell.id


def test_a_translation_that_changes_code_is_refused():
    nb, cat, _ = _with_code_pair("np.linspace(-8, 8, 401)", "np.linspace(-8, 8, 402)")
    with pytest.raises(TranslationError, match="changes code"):
        editions.translate_notebook(nb, cat, "zh")


def test_a_translation_that_touches_an_autograder_string_is_refused():
    nb, cat, _ = _with_code_pair('checker.grade("sigmoid", sigmoid, visible=True)',
                                 'checker.grade("sigmoid_derivative", sigmoid, visible=True)')
    with pytest.raises(TranslationError, match="only comments may be translated"):
        editions.translate_notebook(nb, cat, "zh")


def test_a_translation_of_words_that_are_not_there_is_refused():
    nb, cat, cell_id = _with_code_pair("np.linspace(-8, 8, 401)", "np.linspace(-8, 8, 401)")
    cat["code"][cell_id]["strings"] = [["words that are nowhere", "不存在"]]
    with pytest.raises(TranslationError, match="not in the English cell"):
        editions.translate_notebook(nb, cat, "zh")


def test_the_checks_catch_an_untranslated_cell_and_a_changed_number():
    english = "The last 1/(1 − β) values carry about 63% of the weight."
    assert "not translated" in " ".join(markdown_problems(english, english))
    assert any("numbers differ" in p for p in markdown_problems(english, "最近 1/(1 − β) 个值约占 64% 的权重。"))
    assert markdown_problems(english, "最近 1/(1 − β) 个值约占 63% 的权重。") == []
    assert CJK.search("权重")


# ------------------------------------------------------------------ which language an assignment speaks
def test_an_assignments_language_is_its_suffix():
    assert editions.language_of("backprop") == "en" and editions.language_of("ema_zh") == "zh"
    assert editions.language_of("my_course") == "en" and editions.language_of("zh") == "en"
    assert editions.edition("ema", "zh") == "ema_zh" and editions.edition("ema", "en") == "ema"

