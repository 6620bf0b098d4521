import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khabar.text.chars import ZWNJ
from khabar.text.display import display
from tests.text.test_analysis import persian_text


def z(text: str) -> str:
    """Write ZWNJ as | so expectations are readable."""
    return text.replace("|", ZWNJ)


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("از عراق خارج میشویم", "از عراق خارج می|شویم"),
        ("از عراق خارج می شویم", "از عراق خارج می|شویم"),
        ("احترام میگذارند", "احترام می|گذارند"),
        ("مخفی شدهاند", "مخفی شده|اند"),
        ("مخفی شده اند", "مخفی شده|اند"),
        ("تروریست های داعش", "تروریست|های داعش"),
        ("نمیدانست", "نمی|دانست"),
        ("ادامه می دهند", "ادامه می|دهند"),
    ],
)
def test_zwnj_is_restored_where_the_rules_are_sure(written: str, shown: str) -> None:
    assert display(written) == z(shown)


@pytest.mark.parametrize(
    "written",
    [
        "میلیارد دلار",  # starts with می but is no verb
        "میلاد و میدان",
        "در ماه می شد",  # the month May
        "لباس تر",  # wet clothes
        "بزرگ تر",  # تر may be a word: not sure, not changed
        "تن ها و تنها",  # bodies / alone
        "بهروز",
        "کشور",
    ],
)
def test_nothing_changes_where_the_rules_are_not_sure(written: str) -> None:
    assert display(written) == written


def test_joined_suffix_needs_a_stem_as_common_as_the_word() -> None:
    frequency = {"کمک": 40, "کمکهای": 12, "انت": 3, "انتهای": 500}
    assert display("کمکهای ائتلاف") == "کمکهای ائتلاف"  # without frequencies, not sure
    assert display("کمکهای ائتلاف", frequency=lambda w: frequency.get(w, 0)) == z("کمک|های ائتلاف")
    assert display("انتهای پیام", frequency=lambda w: frequency.get(w, 0)) == "انتهای پیام"


def test_a_written_zwnj_is_respected() -> None:
    assert display(z("می|شود")) == z("می|شود")


@given(persian_text)
def test_display_changes_no_letters(text: str) -> None:
    def letters(t: str) -> str:
        return re.sub(f"[ {ZWNJ}]", "", t)

    assert letters(display(text)) == letters(text)


@given(persian_text)
def test_display_is_idempotent(text: str) -> None:
    assert display(display(text)) == display(text)


@given(st.text(max_size=200))
def test_display_never_fails_on_any_text(text: str) -> None:
    display(text)
