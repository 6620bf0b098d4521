import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khabar.text.chars import _TABLE, fold, fold_term, tidy_space


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("علي", "علی"),  # Arabic yeh
        ("مصطفى", "مصطفی"),  # alef maksura
        ("كمك", "کمک"),  # Arabic kaf
        ("رئيس", "رییس"),  # yeh with hamza
        ("مسؤول", "مسوول"),
        ("أحمد إيران", "احمد ایران"),
        ("مدرسة", "مدرسه"),  # teh marbuta
        ("خانۀ", "خانه"),  # heh with yeh above
        ("كِتابٌ", "کتاب"),  # harakat
        ("مُحَمَّد", "محمد"),  # shadda
        ("کـــتاب", "کتاب"),  # tatweel
        ("ﻛﺘﺎﺏ", "کتاب"),  # presentation forms
        ("ﻻ", "لا"),  # lam-alef ligature
        ("اجزاء", "اجزا"),  # lone hamza
        ("۱۴۰۰", "1400"),
        ("١٤٠٠", "1400"),
        ("۱٫۵", "1.5"),
        ("Iran\u00a0News", "iran news"),
        ("\u200fسلام\u200e", "سلام"),  # direction marks
        ("می\u200cشود", "می\u200cشود"),  # ZWNJ is kept for the word rules
        ("می\u200bشود", "می\u200cشود"),  # zero-width space used as a half-space
    ],
)
def test_fold(written: str, canonical: str) -> None:
    assert fold(written) == canonical


def test_fold_keeps_alef_madda_but_the_term_does_not() -> None:
    assert fold("آمریکا") == "آمریکا"
    assert fold_term("آمریکا") == fold_term("امريكا") == "امریکا"
    assert fold_term("می\u200cشود") == "میشود"


def test_tidy_space_keeps_letters_and_tidies_space() -> None:
    assert tidy_space("  ائتلاف\u00a0\u00a0آمریکا  \r\n\r\n  كمك  ") == "ائتلاف آمریکا\n\nكمك"


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.text())
def test_fold_invents_no_characters(text: str) -> None:
    """Every character of the folded text is an input character or the fold image of one."""
    images = set()
    for c in text:
        image = _TABLE.get(ord(c), c)
        images.update((image or "").lower())
        images.update(c.lower())
    assert set(fold(text)) <= images


@given(st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)))
def test_folded_arabic_block_has_no_arabic_variant_letters(text: str) -> None:
    folded = fold(text)
    assert not set(folded) & set("يىكةۀأإؤئ")
    assert not any(unicodedata.category(c) == "Mn" for c in folded)


@given(st.text(alphabet=st.characters(max_codepoint=0xFFFF), min_size=24, max_size=200))
def test_fold_replaces_exactly_what_the_table_says(text: str) -> None:
    """In a long text `fold` finds the foldable characters with a regular expression instead
    of translating every character: it must agree with the table on any text."""
    assert fold(text) == text.translate(_TABLE).lower()
