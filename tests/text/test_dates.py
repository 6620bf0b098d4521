"""Tests for khabar.text.dates: Jalali publish times in Persian news text."""

from __future__ import annotations

import datetime
import itertools
from importlib import resources
from zoneinfo import ZoneInfo

import jdatetime
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from khabar.text.dates import TEHRAN, DateMatch, find_dates, parse_user_date, tehran_time

ZWNJ = "\u200c"
NBSP = "\u00a0"
SCRIPTS = {"latin": "0123456789", "persian": "۰۱۲۳۴۵۶۷۸۹", "arabic": "٠١٢٣٤٥٦٧٨٩"}
# Written out here rather than imported, so the tests do not share the module's tables.
MONTHS = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)
WEEKDAYS = ("شنبه", "یک‌شنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنج‌شنبه", "جمعه")  # Saturday first


def _tzdata_tehran() -> ZoneInfo:
    with resources.files("tzdata.zoneinfo").joinpath("Asia/Tehran").open("rb") as rules:
        return ZoneInfo.from_file(rules, key="Asia/Tehran")


TZDATA_TEHRAN = _tzdata_tehran()


def in_script(text: str, script: str) -> str:
    return text.translate(str.maketrans(SCRIPTS["latin"], SCRIPTS[script]))


def only(text: str) -> DateMatch:
    matches = find_dates(text)
    assert len(matches) == 1, matches
    return matches[0]


# (text, jalali(), weekday written, weekday_ok)
FORMATS = [
    ("22 تیر 1400 - 18:10", "1400-04-22 18:10", None, None),
    ("سه شنبه 22 تیر 1400 - 18:10", "1400-04-22 18:10", "سه‌شنبه", True),
    ("سه‌شنبه 22 تیر 1400 - 18:10", "1400-04-22 18:10", "سه‌شنبه", True),
    ("سهشنبه 22 تیر 1400", "1400-04-22", "سه‌شنبه", True),
    ("سه‌شنبه، 22 تیر 1400", "1400-04-22", "سه‌شنبه", True),
    ("27 آبان 1403", "1403-08-27", None, None),
    ("27 آبان 1403 - 02:00", "1403-08-27 02:00", None, None),
    ("27 آبان 1403، ساعت 02:00", "1403-08-27 02:00", None, None),
    ("شنبه 12 فروردین 1402 ساعت 10:30", "1402-01-12 10:30", "شنبه", True),
    ("1402/01/12 ساعت: 10:30", "1402-01-12 10:30", None, None),
    ("18:10 - 22 تیر 1400", "1400-04-22 18:10", None, None),
    ("ساعت 18:10 - 22 تیر 1400", "1400-04-22 18:10", None, None),
    ("22 تیرماه 1400", "1400-04-22", None, None),
    ("22 تیر ماه سال 1400", "1400-04-22", None, None),
    ("5 امرداد 1399", "1399-05-05", None, None),
    ("22:46 - 04-09-1399", "1399-09-04 22:46", None, None),
    ("04-09-1399 - 22:46", "1399-09-04 22:46", None, None),
    ("04/09/1399", "1399-09-04", None, None),
    ("4.9.1399", "1399-09-04", None, None),
    ("1400/04/22", "1400-04-22", None, None),
    ("1400-04-22", "1400-04-22", None, None),
    ("1400.04.22", "1400-04-22", None, None),
    ("1400/4/22 18:10", "1400-04-22 18:10", None, None),
    ("1400/04/22 - 18:10:35", "1400-04-22 18:10", None, None),
    ("18:10 1400/04/22", "1400-04-22 18:10", None, None),
    ("1400/04/22-18:10", "1400-04-22 18:10", None, None),
    ("1400/04/22 | 18:10", "1400-04-22 18:10", None, None),
    ("1400/04/22 – 18:10", "1400-04-22 18:10", None, None),
    ("99/09/04", "1399-09-04", None, None),
    ("50-1-1", "1350-01-01", None, None),
    ("سه شنبه 99/09/04 - 22:46", "1399-09-04 22:46", "سه‌شنبه", True),
]


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize(("text", "jalali", "weekday", "weekday_ok"), FORMATS)
def test_formats(text: str, jalali: str, weekday: str | None, weekday_ok: bool | None, script: str) -> None:
    written = in_script(text, script)
    page = f"خبرگزاری: {written} | کد خبر"
    match = only(page)
    assert (match.start, match.end, match.text) == (
        len("خبرگزاری: "),
        len("خبرگزاری: ") + len(written),
        written,
    )
    assert page[match.start : match.end] == match.text
    assert match.jalali() == jalali
    assert (match.weekday, match.weekday_ok) == (weekday, weekday_ok)


def test_mixed_digit_scripts() -> None:
    assert only("۲2 تير ١٤0۰ - ۱8:١٠").jalali() == "1400-04-22 18:10"


@pytest.mark.parametrize(
    "text",
    [
        f"22{NBSP}تیر{NBSP}1400{NBSP}-{NBSP}18:10",
        "22   تیر   1400   -   18:10",
        "22 تیر 1400 -18:10",
        "22 تیر 1400،18:10",
        f"22 تیر 1400{NBSP}ساعت{NBSP}18:10",
    ],
)
def test_spaces_between_parts(text: str) -> None:
    match = only(text)
    assert (match.text, match.jalali()) == (text, "1400-04-22 18:10")


@pytest.mark.parametrize(
    ("spelling", "month"),
    [
        ("فروردين", 1),  # Arabic yeh
        ("ارديبهشت", 2),
        (f"اردی{ZWNJ}بهشت", 2),
        ("اردی بهشت", 2),
        ("تـیر", 4),  # tatweel
        ("تِیر", 4),  # kasra
        ("مُرداد", 5),
        ("شهريور", 6),
        ("مهرِ", 7),
        ("ابان", 8),  # madda left off
        ("آذر", 9),
        ("دي", 10),
        ("بهمن", 11),
        ("اسفند", 12),
    ],
)
def test_month_spelling_noise(spelling: str, month: int) -> None:
    match = only(f"۱۰ {spelling} ۱۴۰۰")
    assert (match.year, match.month, match.day) == (1400, month, 10)


# 1400-04-19 is a Saturday, so day 19 + n falls on WEEKDAYS[n].
@pytest.mark.parametrize(
    ("spelling", "number"),
    [
        ("شنبه", 0),
        ("یکشنبه", 1),
        ("یک شنبه", 1),
        (f"یک{ZWNJ}شنبه", 1),
        ("يكشنبه", 1),  # Arabic yeh and kaf
        ("دوشنبه", 2),
        ("دو شنبه", 2),
        ("سه شنبه", 3),
        (f"سه{ZWNJ}شنبه", 3),
        ("سهشنبه", 3),
        ("چهارشنبه", 4),
        ("چهار شنبه", 4),
        ("پنجشنبه", 5),
        ("پنج شنبه", 5),
        (f"پنج{ZWNJ}شنبه", 5),
        ("جمعه", 6),
    ],
)
def test_weekday_spellings(spelling: str, number: int) -> None:
    right = only(f"{spelling} {19 + number} تیر 1400")
    assert (right.weekday, right.weekday_ok) == (WEEKDAYS[number], True)
    assert right.text.startswith(spelling)
    wrong = only(f"{spelling} {20 + number} تیر 1400")
    assert (wrong.weekday, wrong.weekday_ok) == (WEEKDAYS[number], False)


def test_contradicting_weekday_is_reported() -> None:
    match = only("جمعه 22 تیر 1400")
    assert (match.weekday, match.weekday_ok) == ("جمعه", False)
    assert match.jalali() == "1400-04-22"


@pytest.mark.parametrize("text", ["سه‌شنبه‌ها 22 تیر 1400", "روزشنبه 22 تیر 1400"])
def test_weekday_inside_a_word_is_not_a_weekday(text: str) -> None:
    match = only(text)
    assert (match.weekday, match.text) == (None, "22 تیر 1400")


@pytest.mark.parametrize(
    ("text", "iso", "jalali"),
    [
        ("22 تیر 1400 - 18:10", "2021-07-13T18:10:00+04:30", "1400-04-22 18:10"),
        ("۲۲:۴۶ - ۰۴-۰۹-۱۳۹۹", "2020-11-24T22:46:00+03:30", "1399-09-04 22:46"),
        ("۲۷ آبان ۱۴۰۳ - ۰۲:۰۰", "2024-11-17T02:00:00+03:30", "1403-08-27 02:00"),
        ("۱ تیر ۱۴۰۲ - ۱۰:۰۰", "2023-06-22T10:00:00+03:30", "1402-04-01 10:00"),
        ("۱۴۰۰/۰۴/۲۲ - ۱۸:۱۰:۳۵", "2021-07-13T18:10:35+04:30", "1400-04-22 18:10"),
        ("1356/01/10", "1977-03-30T00:00:00+04:30", "1356-01-10"),
    ],
)
def test_tehran_offsets(text: str, iso: str, jalali: str) -> None:
    match = only(text)
    assert (match.iso(), match.jalali()) == (iso, jalali)


def test_numeric_day_first_has_no_weekday() -> None:
    assert only("۲۲:۴۶ - ۰۴-۰۹-۱۳۹۹").weekday is None


def test_date_without_time_is_tehran_midnight() -> None:
    match = only("۱۴۰۰/۰۴/۲۲")
    assert not match.has_time
    assert (match.hour, match.minute, match.second) == (None, None, None)
    assert match.when == datetime.datetime(2021, 7, 13, tzinfo=TEHRAN)
    assert match.when.utcoffset() == datetime.timedelta(hours=4, minutes=30)
    assert match.iso() == "2021-07-13T00:00:00+04:30"


def test_time_without_seconds_has_second_zero() -> None:
    match = only("1400/04/22 18:10")
    assert match.has_time
    assert (match.hour, match.minute, match.second) == (18, 10, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1400/04/22 رأس 18:10", "1400/04/22"),  # a word other than ساعت between them
        ("22 تیر 1400 ساعت 24:00", "22 تیر 1400"),  # no such hour
        ("22 تیر 1400 - 18:61", "22 تیر 1400"),
        ("ساعت 18 - 22 تیر 1400", "22 تیر 1400"),
        ("18:10 - 22 تیر 1400 - 19:00", "18:10 - 22 تیر 1400"),  # one time per date: the first
    ],
)
def test_time_that_does_not_belong(text: str, expected: str) -> None:
    assert only(text).text == expected


def test_several_dates_in_order() -> None:
    text = "انتشار: ۲۲ تیر ۱۴۰۰ - ۱۸:۱۰ | به‌روزرسانی: ۱۴۰۰/۰۴/۲۳ ۰۹:۰۵ و ۱ مهر ۱۴۰۰"
    matches = find_dates(text)
    assert [m.jalali() for m in matches] == ["1400-04-22 18:10", "1400-04-23 09:05", "1400-07-01"]
    assert all(text[m.start : m.end] == m.text for m in matches)


@pytest.mark.parametrize(
    "text",
    [
        "اوایل اردیبهشت سال 1398",
        "ساعت ۱۸",
        "ساعت 18:10",
        "2014 تا 2020",
        "021-88888888",
        "تلفن: ۰۲۱-۸۸۸۸۸۸۸۸",
        "1400 نفر",
        "نتیجه 2-1",
        "۱۲۰ هزار",
        "2021/07/13",
        "13/07/2021",
        "2021-07-13 18:10",
        "1500/01/01",
        "1299/12/01",
        "۰۲/۰۱/۱۵",
        "49/01/01",
        "22 تیر 99",
        "۳ دی",
        "دی ۱۴۰۰",
        "مهر مادری و تیر و کمان",
        "1400/04-22",
        "5-1400-04-22",
        "1400/04/22/5",
        "14000/04/22",
        "1400/04/223",
        "22 تیرانداز 1400",
    ],
)
def test_not_a_date(text: str) -> None:
    for script in SCRIPTS:
        assert find_dates(in_script(text, script)) == []


@pytest.mark.parametrize(
    "text",
    ["1400-13-01", "1400/00/10", "1400/01/00", "32 تیر 1400", "31 مهر 1400", "30 اسفند 1400", "1400-12-30"],
)
def test_impossible_dates(text: str) -> None:
    assert find_dates(text) == []


@pytest.mark.parametrize(("text", "jalali"), [("30 اسفند 1403", "1403-12-30"), ("1399/12/30", "1399-12-30")])
def test_esfand_30_in_leap_years(text: str, jalali: str) -> None:
    assert only(text).jalali() == jalali


def test_impossible_date_does_not_hide_a_later_one() -> None:
    assert [m.jalali() for m in find_dates("1400-13-01 و 1400-01-13")] == ["1400-01-13"]


def test_tehran_is_the_tzdata_zone() -> None:
    assert str(TEHRAN) == "Asia/Tehran"
    summer_2021 = datetime.datetime(2021, 7, 13, 12, tzinfo=TEHRAN)
    summer_2023 = datetime.datetime(2023, 7, 13, 12, tzinfo=TEHRAN)
    assert summer_2021.utcoffset() == datetime.timedelta(hours=4, minutes=30)
    assert summer_2023.utcoffset() == datetime.timedelta(hours=3, minutes=30)


def test_tehran_time() -> None:
    when = tehran_time(1400, 4, 22, 18, 10)
    assert when.isoformat() == "2021-07-13T18:10:00+04:30"
    assert tehran_time(1402, 4, 1).isoformat() == "2023-06-22T00:00:00+03:30"


def test_tehran_time_keeps_the_written_clock_across_transitions() -> None:
    # 1400: clocks went from 24:00 of 1 Farvardin to 01:00, and from 24:00 of 30 Shahrivar back to 23:00.
    skipped = tehran_time(1400, 1, 2, 0, 30)
    assert (skipped.hour, skipped.utcoffset()) == (0, datetime.timedelta(hours=3, minutes=30))
    repeated = tehran_time(1400, 6, 30, 23, 30)
    assert (repeated.hour, repeated.utcoffset()) == (23, datetime.timedelta(hours=4, minutes=30))


@pytest.mark.parametrize("args", [(1400, 12, 30), (1400, 13, 1), (1400, 1, 1, 24), (1400, 1, 1, 0, 60)])
def test_tehran_time_rejects_impossible_values(args: tuple[int, ...]) -> None:
    with pytest.raises(ValueError):
        tehran_time(*args)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1400-04-22", datetime.date(2021, 7, 13)),
        ("1400/04/22", datetime.date(2021, 7, 13)),
        ("1400/4/22", datetime.date(2021, 7, 13)),
        ("۱۴۰۰-۰۴-۲۲", datetime.date(2021, 7, 13)),
        ("١٤٠٠/٠٤/٢٢", datetime.date(2021, 7, 13)),
        (" 1399-12-30 ", datetime.date(2021, 3, 20)),
        ("2021-07-13", datetime.date(2021, 7, 13)),
        ("2021/07/13", datetime.date(2021, 7, 13)),
        ("1800-01-01", datetime.date(1800, 1, 1)),
        ("1799-01-01", jdatetime.date(1799, 1, 1).togregorian()),
    ],
)
def test_parse_user_date(value: str, expected: datetime.date) -> None:
    assert parse_user_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "yesterday",
        "1400-13-01",
        "1400-12-31",
        "1400-12-30",
        "2021-02-29",
        "2021-13-01",
        "1400-04",
        "1400-04-22-5",
        "1400/04-22",
        "22 تیر 1400",
        "00-04-22",
        "14000-04-22",
    ],
)
def test_parse_user_date_rejects(value: str) -> None:
    with pytest.raises(ValueError, match=r"^not a date: .* \(use 1400-04-22 or 2021-07-13\)$"):
        parse_user_date(value)


# Property tests: random Jalali times rendered the ways pages write them.


def days_in_month(year: int, month: int) -> int:
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if jdatetime.date(year, 1, 1).isleap() else 29


@st.composite
def jalali_times(draw: st.DrawFn) -> tuple[int, int, int, int, int, int]:
    year = draw(st.integers(1350, 1450))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, days_in_month(year, month)))
    return year, month, day, draw(st.integers(0, 23)), draw(st.integers(0, 59)), draw(st.integers(0, 59))


def weekday_spelling(name: str, joiner: str) -> str:
    return name.replace(ZWNJ, joiner)


# Each renders (y, m, d, H, M, S, weekday, space) and says whether it wrote a time, and seconds.
RENDERINGS = [
    (lambda y, m, d, H, M, S, w, sp: f"{d}{sp}{MONTHS[m - 1]}{sp}{y}", False, False),
    (lambda y, m, d, H, M, S, w, sp: f"{d}{sp}{MONTHS[m - 1]}{sp}{y}{sp}-{sp}{H:02}:{M:02}", True, False),
    (
        lambda y, m, d, H, M, S, w, sp: f"{w}{sp}{d}{sp}{MONTHS[m - 1]}{sp}{y}،{sp}ساعت{sp}{H}:{M:02}",
        True,
        False,
    ),
    (lambda y, m, d, H, M, S, w, sp: f"{H:02}:{M:02}{sp}-{sp}{d:02}-{m:02}-{y}", True, False),
    (lambda y, m, d, H, M, S, w, sp: f"{d:02}/{m:02}/{y}{sp}-{sp}{H:02}:{M:02}:{S:02}", True, True),
    (lambda y, m, d, H, M, S, w, sp: f"{y}/{m:02}/{d:02}", False, False),
    (lambda y, m, d, H, M, S, w, sp: f"{y}-{m}-{d}{sp}{H}:{M:02}", True, False),
    (lambda y, m, d, H, M, S, w, sp: f"{H:02}:{M:02}:{S:02}{sp}{y}.{m:02}.{d:02}", True, True),
    (lambda y, m, d, H, M, S, w, sp: f"{w}،{sp}{y}/{m}/{d}{sp}|{sp}{H:02}:{M:02}", True, False),
]


def exists_on_the_clock(when: datetime.datetime) -> bool:
    """False for wall-clock times skipped when clocks moved forward."""
    back = when.astimezone(datetime.UTC).astimezone(TZDATA_TEHRAN)
    return back.replace(tzinfo=None) == when.replace(tzinfo=None)


@settings(max_examples=300, deadline=None)
@given(
    moment=jalali_times(),
    rendering=st.sampled_from(RENDERINGS),
    scripts=st.lists(st.sampled_from(list(SCRIPTS.values())), min_size=1, max_size=6),
    space=st.sampled_from([" ", NBSP, "  "]),
    joiner=st.sampled_from([ZWNJ, " ", ""]),
)
def test_rendered_times_round_trip(
    moment: tuple[int, int, int, int, int, int],
    rendering: tuple,
    scripts: list[str],
    space: str,
    joiner: str,
) -> None:
    year, month, day, hour, minute, second = moment
    render, with_time, with_seconds = rendering
    weekday = weekday_spelling(WEEKDAYS[jdatetime.date(year, month, day).weekday()], joiner)
    latin = render(year, month, day, hour, minute, second, weekday, space)
    digits = itertools.count()
    written = "".join(scripts[next(digits) % len(scripts)][int(c)] if c.isascii() and c.isdigit() else c for c in latin)
    text = f"تاریخ انتشار:{space}{written}{space}- کد خبر"

    match = only(text)
    assert text[match.start : match.end] == match.text == written
    assert (match.year, match.month, match.day) == (year, month, day)
    if with_time:
        assert (match.hour, match.minute, match.second) == (hour, minute, second if with_seconds else 0)
    else:
        assert not match.has_time
    if match.weekday is not None:
        assert match.weekday_ok is True

    assume(exists_on_the_clock(match.when))
    instant = match.when.astimezone(datetime.UTC).astimezone(TZDATA_TEHRAN)
    assert match.when.utcoffset() == instant.utcoffset()
    assert match.iso() == instant.isoformat(timespec="seconds")


@settings(max_examples=200, deadline=None)
@given(year=st.integers(1300, 1499), month=st.integers(0, 13), day=st.integers(0, 32))
def test_found_exactly_when_the_calendar_has_the_day(year: int, month: int, day: int) -> None:
    try:
        jdatetime.date(year, month, day)
    except ValueError:
        valid = False
    else:
        valid = True
    for text in (f"{year}/{month}/{day}", f"{day:02}-{month:02}-{year}"):
        matches = find_dates(text)
        assert len(matches) == valid
        if valid:
            assert (matches[0].year, matches[0].month, matches[0].day) == (year, month, day)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["1400", "۱۴۰۰", "22", "۰۴", "/", "-", ".", ":", " ", NBSP, "تیر", "ساعت", "شنبه", "سه", "x"]),
        max_size=25,
    )
)
def test_spans_always_point_into_the_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    matches = find_dates(text)
    for match in matches:
        assert text[match.start : match.end] == match.text
    assert all(a.end <= b.start for a, b in itertools.pairwise(matches))
