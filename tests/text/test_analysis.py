import json
from itertools import permutations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khabar.text.analysis import GAP, analyze, positioned_terms, primary_terms, terms, written_compounds
from khabar.text.chars import ZWNJ, fold_term
from tests.conftest import DEMO, EXPECTED

GROUPS = EXPECTED["canonical_forms"]["groups"]
# A spaced compound ("بین المللی") is two words to the analysis; search matches it with the
# index's vocabulary (tests/index/test_search.py). Every other group is one term here.
COMPOUND_GROUPS = [g for g in GROUPS if "بین المللی" in g]
WORD_GROUPS = [g for g in GROUPS if g not in COMPOUND_GROUPS]


@pytest.mark.parametrize("group", WORD_GROUPS, ids=lambda g: g[-1])
def test_every_spelling_of_a_group_is_one_term_both_ways(group: list[str]) -> None:
    for a, b in permutations(group, 2):
        assert primary_terms(a) == primary_terms(b), (a, b)
        assert len(primary_terms(a)) == 1


def test_compound_group_spellings_without_space_are_one_term() -> None:
    joined, zwnj, spaced = "بینالمللی", "بین\u200cالمللی", "بین المللی"
    assert primary_terms(joined) == primary_terms(zwnj) == ["بینالمللی"]
    assert primary_terms(spaced) == ["بین", "المللی"]


@pytest.mark.parametrize(
    ("joined", "zwnj", "spaced"),
    [
        ("میشود", "می\u200cشود", "می شود"),
        ("نمیدانند", "نمی\u200cدانند", "نمی دانند"),
        ("میآید", "می\u200cآید", "می آید"),
        ("کتابها", "کتاب\u200cها", "کتاب ها"),
        ("کشورهای", "کشور\u200cهای", "کشور های"),
        ("بزرگترین", "بزرگ\u200cترین", "بزرگ ترین"),
        ("رفتهاند", "رفته\u200cاند", "رفته اند"),
        ("خانهاش", "خانه\u200cاش", "خانه اش"),
        ("کردهایم", "کرده\u200cایم", "کرده ایم"),
        ("برمیگردد", "برمی\u200cگردد", "برمی گردد"),  # a preverb before می
    ],
)
def test_joined_zwnj_and_spaced_spellings_are_one_term(joined: str, zwnj: str, spaced: str) -> None:
    assert primary_terms(joined) == primary_terms(zwnj) == primary_terms(spaced) == [fold_term(joined)]


@pytest.mark.parametrize("spaced", ["بزرگ تر", "نامه ای", "خانه ام", "تیم شان", "تلاش مان"])
def test_suffixes_that_are_words_are_indexed_glued_and_apart(spaced: str) -> None:
    first, second = spaced.split()
    assert terms(spaced) == [first, first + second, second]
    glued = [t for t in analyze(spaced) if t.span == 2]
    assert [(t.position, t.start, t.end) for t in glued] == [(0, 0, len(spaced))]


def test_wet_clothes_keep_both_words() -> None:
    """ "لباس تر" is wet clothes: "لباس" and "تر" stay searchable."""
    assert {"لباس", "تر"} <= set(terms("لباس تر"))


@pytest.mark.parametrize("text", ["ماه می", "ماه می گذشته", "ماه می شد"])
def test_the_month_may_is_not_a_verb_prefix(text: str) -> None:
    assert primary_terms(text)[:2] == ["ماه", "می"]


def test_mi_before_an_unknown_word_is_indexed_both_ways() -> None:
    assert terms("می زاپید") == ["می", "میزاپید", "زاپید"]


def test_bodies_are_not_alone() -> None:
    """ "تن‌ها" (bodies) must not become "تنها" (alone); its spaced spelling agrees with it."""
    assert primary_terms("تن\u200cها") == primary_terms("تن ها") == ["تن", "ها"]
    assert primary_terms("تنها") == ["تنها"]


def test_up_to_date_is_not_the_name_behrouz() -> None:
    assert primary_terms("به\u200cروز") == primary_terms("به روز") == ["به", "روز"]
    assert primary_terms("بهروز") == ["بهروز"]


def test_a_zwnj_for_every_space_reads_as_spaces_except_at_affixes() -> None:
    run_on = "فرگوسن\u200cیکی\u200cاز\u200cمهم\u200cترین\u200cاشخاص\u200cزندگی\u200cام\u200cاست"
    assert primary_terms(run_on) == ["فرگوسن", "یکی", "از", "مهمترین", "اشخاص", "زندگیام", "است"]
    assert primary_terms("نمی\u200cخواهم\u200cبروم") == ["نمیخواهم", "بروم"]
    # two pieces are one word, as ever
    assert primary_terms("درحالی\u200cکه") == ["درحالیکه"] and primary_terms("آن\u200cها") == ["انها"]


def test_the_parts_a_writer_marks_with_a_zwnj_are_kept_aside() -> None:
    """A compound's two pieces joined by a ZWNJ are one word to the analysis; `written_compounds`
    keeps where the writer parted it (folded as terms are), and nothing where the ZWNJ joins an
    affix, follows a separate preposition, parts a known false merge or runs on."""
    text = "«دانش‌آموزان» و بين‌المللي، می‌شود کتاب‌ها به‌روز تن‌ها یکی‌از‌مهم‌ترین خانه‌ی ما"
    assert written_compounds(text) == [("دانش", "اموزان"), ("بین", "المللی")]
    assert primary_terms("دانش‌آموزان") == ["دانشاموزان"]  # (one word all the same)
    assert written_compounds("دانش آموزان دانشآموزان") == []


def test_ezafe_after_heh_is_the_same_word() -> None:
    assert primary_terms("خانه\u200cی ما") == primary_terms("خانهٔ ما") == primary_terms("خانه ما")


@pytest.mark.parametrize(
    ("text", "protected"),
    [
        ("ببینید https://www.isna.ir/news/1400042218/خبر، و", "https://www.isna.ir/news/1400042218/خبر"),
        ("نشانی info@isna.ir است", "info@isna.ir"),
        ("ساعت ۱۸:۱۰ بود", "18:10"),
        ("در ۱۴۰۰/۴/۲۲ و", "1400/04/22"),
        ("در 1400-04-22 و", "1400/04/22"),
        ("جمعیت 1,250,000 نفر", "1250000"),
        ("نرخ ۳٫۵ درصد", "3.5"),
    ],
)
def test_protected_tokens_stay_whole(text: str, protected: str) -> None:
    assert protected in terms(text)


def test_punctuation_breaks_phrases() -> None:
    positions = [t.position for t in analyze("عراق، بغداد")]
    assert positions[1] - positions[0] > 1


def test_offsets_point_into_the_text() -> None:
    text = "ائتلاف آمریکا: اگر الکاظمی بخواهد از عراق خارج میشویم"
    for t in analyze(text):
        assert fold_term(text[t.start : t.end]).replace(" ", "") == t.text


# Text made of real Persian words, affixes and the separators that decide how they join.
WORDS = [
    "می",
    "نمی",
    "شود",
    "شویم",
    "رفته",
    "اند",
    "ها",
    "های",
    "تر",
    "ترین",
    "ای",
    "ام",
    "کتاب",
    "ماه",
    "بین",
    "المللی",
    "تن",
    "به",
    "روز",
    "خانه",
    "ی",
    "آمریکا",
    "كمك",
    "۱۴۰۰",
    "18:10",
    "1400/04/22",
    "الکاظمی",
    "لباس",
    "بزرگ",
    "است",
    "و",
]
SEPARATORS = [" ", ZWNJ, "", "، ", ". ", "  "]
persian_text = st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=12).map(
    lambda pairs: "".join(w + s for w, s in pairs).strip()
)


@settings(max_examples=300)
@given(persian_text)
def test_a_query_is_analysed_as_the_same_text_in_a_document(query: str) -> None:
    document = "متن پیشین خبر. " + query + " . متن پسین خبر"
    offset = len("متن پیشین خبر. ")
    doc_terms = analyze(document)
    first = doc_terms[3].position if len(doc_terms) > 6 else 0
    inside = [
        (t.text, t.position - first, t.start - offset, t.end - offset, t.span)
        for t in doc_terms
        if offset <= t.start < offset + len(query)
    ]
    assert inside == [tuple(t) for t in analyze(query)]


@settings(max_examples=300)
@given(persian_text)
def test_canonical_terms_are_fixed_points(text: str) -> None:
    """Analysis is idempotent: a canonical term analysed again is itself."""
    for term in terms(text):
        assert primary_terms(term) == [term]


@given(persian_text)
def test_analysis_invents_no_characters(text: str) -> None:
    allowed = set(fold_term(text)) | set("/0")  # date separators are unified, day and month padded
    for term in terms(text):
        assert set(term) <= allowed


def by_position(text: str) -> tuple[list[str], list[str]]:
    """`analyze`'s terms as `positioned_terms` gives them: by position, GAP where a position is
    skipped, glued alternatives apart."""
    words: list[str] = []
    glued: list[str] = []
    position = -1
    for term in analyze(text):
        if term.span > 1:
            glued.append(term.text)
            continue
        words += [GAP] * (term.position - position - 1)
        words.append(term.text)
        position = term.position
    return words, glued


# Separators of every kind the walk tells apart: spaces of all sorts, punctuation, characters that
# are neither a separator nor part of a token ("_"), a tatweel that folds to nothing, marks.
ANY_SEPARATORS = [*SEPARATORS, "\n", "\u00a0", "_", " _ ", "ـ", " ـ ", "«", "» ", " - ", "\u064b", "\u200f", "@"]
WORDS_AND_TOKENS = [*WORDS, "https://isna.ir/news/1", "a@b.ir", "1,250,000", "۳٫۵", "ICT", "خبرگزاري"]
any_text = st.lists(st.tuples(st.sampled_from(WORDS_AND_TOKENS), st.sampled_from(ANY_SEPARATORS)), max_size=14).map(
    lambda pairs: "".join(w + s for w, s in pairs)
)


@settings(max_examples=1000)
@given(any_text)
def test_the_index_walk_finds_what_analyze_finds(text: str) -> None:
    assert positioned_terms(text) == by_position(text)


def test_the_index_walk_finds_what_analyze_finds_in_real_articles() -> None:
    lines = (DEMO / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    for line in lines:
        article = json.loads(line)
        for text in (article["title"], article.get("lead") or "", article["body"]):
            assert positioned_terms(text) == by_position(text), text[:80]


def test_the_index_walk_is_right_when_its_caches_are_emptied_in_the_middle_of_a_text(monkeypatch) -> None:
    from khabar.text import analysis

    article = json.loads((DEMO / "articles.jsonl").read_text(encoding="utf-8").splitlines()[3])
    body = article["body"]
    positioned_terms(body)  # (its chunks known: most of them are one lookup each in `_ONE_TOKEN`)
    monkeypatch.setattr(analysis, "_TOKEN_UNITS_MAX", 8)
    for n in range(3):  # a word never seen, between two copies: the caches are emptied there
        text = f"{body} واژه{n}ای {body}"
        assert positioned_terms(text) == by_position(text)
