"""Publish times written in Persian news pages, read as Tehran instants.

Persian news sites print when a story was published in the Jalali (Solar Hijri) calendar, in
many shapes: "سه‌شنبه ۲۲ تیر ۱۴۰۰ - ۱۸:۱۰", "۲۲:۴۶ - ۰۴-۰۹-۱۳۹۹", "1400/04/22". Search needs
that moment as an instant it can sort and filter on, so `find_dates` reads these shapes and
`DateMatch.when` pins them to Tehran's clock.

The clock is the subtle part. Iran kept daylight saving time (+04:30 in summer) until the 2022
season and abolished it afterwards, so the same summer wall-clock hour means different instants
in 1400 and in 1402. `TEHRAN` therefore comes from the tzdata *package* shipped with khabar,
not the machine's time-zone database, so every machine reads a page the same way.

Matching runs on the page's own text, never on a normalised copy, so the spans point into the
string the caller holds. Instead of rewriting the text, the patterns accept every spelling
readers treat as the same: Persian, Arabic-Indic and Latin digits (`int` reads all three),
Arabic ي and ك, tatweel, diacritics and the zero-width non-joiner inside words, and the no-break
and other horizontal spaces.

Words such as "تیر", "مهر" and "دی" are month names only between a day number and a year; the
patterns never look for a month name on its own. A number written with separators counts as a
date only when it has three parts and one of them is a year the news could carry (1300-1499);
"2021/07/13" is Gregorian and left alone.

Two-digit years are read only in the numeric year-first form and only from 50 to 99, meaning
1350-1399 ("۹۹/۰۹/۰۴" is 1399-09-04). A leading part of 50 or more cannot be a day, so the order
is certain; "۰۲/۰۱/۱۵" could be 1402-01-15 or 2 Farvardin of a year ending in 15, and is
skipped. Two-digit years after month names ("۲۲ تیر ۹۹") are not read either, because "۲۲ تیر ۹۹
نفر" is as likely to be a count as a year.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from importlib import resources
from zoneinfo import ZoneInfo

import jdatetime


def _load_tehran() -> ZoneInfo:
    """Tehran's rules from the pinned tzdata package, so results do not depend on the host."""
    with resources.files("tzdata.zoneinfo").joinpath("Asia/Tehran").open("rb") as rules:
        return ZoneInfo.from_file(rules, key="Asia/Tehran")


class _TehranTime(datetime.tzinfo):
    """Asia/Tehran as tzdata's rules say, as a tzinfo that pickles (a ZoneInfo read from a file
    does not, and articles cross to worker processes): it pickles as a reference to `TEHRAN`."""

    def __init__(self, rules: ZoneInfo) -> None:
        self._rules = rules

    def utcoffset(self, dt: datetime.datetime | None) -> datetime.timedelta | None:
        return self._rules.utcoffset(dt)

    def dst(self, dt: datetime.datetime | None) -> datetime.timedelta | None:
        return self._rules.dst(dt)

    def tzname(self, dt: datetime.datetime | None) -> str | None:
        return self._rules.tzname(dt)

    def fromutc(self, dt: datetime.datetime) -> datetime.datetime:
        return self._rules.fromutc(dt.replace(tzinfo=self._rules)).replace(tzinfo=self)

    def __reduce__(self) -> tuple:
        return (_tehran, ())

    def __repr__(self) -> str:
        return "Asia/Tehran"


def _tehran() -> datetime.tzinfo:
    return TEHRAN


TEHRAN: datetime.tzinfo = _TehranTime(_load_tehran())

# Year-first numbers from this year on are Gregorian dates in `parse_user_date`; the Jalali
# calendar will not reach it for centuries, the Gregorian one left it long ago.
_FIRST_GREGORIAN_YEAR = 1800

_DIGIT_SCRIPTS = ("0123456789", "۰۱۲۳۴۵۶۷۸۹", "٠١٢٣٤٥٦٧٨٩")


def _digit_chars(latin: str = "0123456789") -> str:
    """The given digits in each script pages write them in."""
    return "".join(script[int(digit)] for digit in latin for script in _DIGIT_SCRIPTS)


def _digits(latin: str = "0123456789") -> str:
    return f"[{_digit_chars(latin)}]"


_D = _digits()
# Diacritics, tatweel and ZWNJ change how a word looks, not which word it is.
_NOISE = "[\u064b-\u065f\u0640\u200c]"
_SPACE = "[ \t\u00a0\u2000-\u200a\u202f]"
_NOISE_OR_SPACE = re.compile(f"{_NOISE}|{_SPACE}")

# Letters typed with an Arabic keyboard, or with the madda left off, beside the Persian ones.
_LETTER_VARIANTS = {"ی": "یيى", "ک": "کك", "آ": "آا"}
_LETTER_FOLD = str.maketrans({variant: letter for letter, variants in _LETTER_VARIANTS.items() for variant in variants})


def _fold(word: str) -> str:
    """One key for every spelling `_word` accepts, to look matched words up in a table."""
    return _NOISE_OR_SPACE.sub("", word).translate(_LETTER_FOLD)


def _word(spelling: str) -> str:
    """A pattern for a word however it was typed: letter variants, noise after any letter.

    A space in `spelling` marks a place where writers put a space, a ZWNJ or nothing.
    """
    parts = []
    for char in spelling:
        if char == " ":
            parts.append(f"{_SPACE}?")
        else:
            letter = f"[{_LETTER_VARIANTS[char]}]" if char in _LETTER_VARIANTS else re.escape(char)
            parts.append(f"{letter}{_NOISE}*")
    return "".join(parts)


_MONTH_SPELLINGS = (
    ("فروردین",),
    ("اردی بهشت",),
    ("خرداد",),
    ("تیر",),
    ("مرداد", "امرداد"),
    ("شهریور",),
    ("مهر",),
    ("آبان",),
    ("آذر",),
    ("دی",),
    ("بهمن",),
    ("اسفند",),
)
_MONTH_NUMBER = {
    _fold(spelling): number for number, spellings in enumerate(_MONTH_SPELLINGS, 1) for spelling in spellings
}

# In jdatetime's order: `jdatetime.date.weekday()` is 0 on Saturday (شنبه).
_WEEKDAY_NAMES = ("شنبه", "یک‌شنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنج‌شنبه", "جمعه")
_WEEKDAY_NUMBER = {_fold(name): number for number, name in enumerate(_WEEKDAY_NAMES)}


def _alternatives(spellings: list[str]) -> str:
    return "|".join(_word(spelling) for spelling in spellings)


# The numbered weekdays are written joined, with a ZWNJ or with a space: "سه‌شنبه", "سه شنبه".
_WEEKDAY_PREFIXES = ["یک", "دو", "سه", "چهار", "پنج"]
_WEEKDAY = (
    rf"(?<!\w)(?P<weekday>(?:(?:{_alternatives(_WEEKDAY_PREFIXES)}){_SPACE}?)?"
    rf"{_word('شنبه')}|{_word('جمعه')})"
)
_MONTH = "(?P<month_name>" + _alternatives([s for spellings in _MONTH_SPELLINGS for s in spellings]) + ")"
_SAAT = _word("ساعت") + f"{_SPACE}*+(?::{_SPACE}*+)?"

# Every match starts with a digit, a weekday or "ساعت". Saying so up front lets the regex engine
# skip other characters quickly instead of trying the whole pattern at each of them.
_FIRST_CHARS = "".join(
    [
        _digit_chars(),
        *(_LETTER_VARIANTS.get(word[0], word[0]) for word in [*_WEEKDAY_PREFIXES, "شنبه", "جمعه", "ساعت"]),
    ]
)

_YEAR = _digits("1") + _digits("34") + _D + _D
# Two-digit years 50-99 only, read as 1350-1399 (see the module docstring for why).
_SHORT_YEAR = _digits("56789") + _D
_SEPARATOR = "[-/.]"


def _time(prefix: str) -> str:
    """HH:MM or HH:MM:SS; hours and minutes out of range are not a time."""
    hour = f"{_digits('01')}?{_D}|{_digits('2')}{_digits('0123')}"
    sixty = _digits("012345") + _D
    return f"(?P<{prefix}h>{hour}):(?P<{prefix}m>{sixty})(?::(?P<{prefix}s>{sixty}))?"


# A time belongs to the date it touches, across a dash, comma, bar or plain spaces. Runs of
# spaces are matched possessively (*+, ++) so a failed attempt never re-splits them.
_TIME_GAP = f"(?:{_SPACE}*+[-–—|،,]{_SPACE}*+|{_SPACE}++)"

_YEAR_FIRST = (
    f"(?P<ymd_year>{_YEAR}|{_SHORT_YEAR})(?P<ymd_sep>{_SEPARATOR})"
    f"(?P<ymd_month>{_D}{{1,2}})(?P=ymd_sep)(?P<ymd_day>{_D}{{1,2}})"
)
_DAY_FIRST = (
    f"(?P<dmy_day>{_D}{{1,2}})(?P<dmy_sep>{_SEPARATOR})(?P<dmy_month>{_D}{{1,2}})(?P=dmy_sep)(?P<dmy_year>{_YEAR})"
)
_NAMED = (
    f"(?P<named_day>{_D}{{1,2}}){_SPACE}*+{_MONTH}(?:{_SPACE}*+{_word('ماه')})?"
    f"(?:{_SPACE}++{_word('سال')})?{_SPACE}*+(?P<named_year>{_YEAR})"
)

_DATE = re.compile(
    f"(?=[{_FIRST_CHARS}])"
    # Not the tail of a longer number, such as a phone number or another date.
    f"(?<!{_D})(?<!{_D}[-/.:])"
    # A time written first, as in "۲۲:۴۶ - ۰۴-۰۹-۱۳۹۹".
    f"(?:(?:{_SAAT})?{_time('before_')}{_TIME_GAP})?"
    f"(?:{_WEEKDAY}{_SPACE}*+(?:[،,]{_SPACE}*+)?)?"
    f"(?:{_YEAR_FIRST}|{_DAY_FIRST}|{_NAMED})"
    # A time written after, unless one was written first.
    f"(?(before_h)|(?:{_TIME_GAP}(?:{_SAAT})?{_time('after_')})?)"
    f"(?!{_D})(?![-/.:]{_D})"
)


@dataclass(frozen=True)
class DateMatch:
    """A Jalali date found in text, with the time and weekday written next to it.

    `weekday_ok` is False when the written weekday is not the date's: pages get one or the
    other wrong, and the caller decides which to trust, so the match is reported, not dropped.
    `second` is 0 when a time without seconds is written, None only when no time is.
    """

    start: int
    end: int
    text: str
    year: int
    month: int
    day: int
    hour: int | None
    minute: int | None
    second: int | None
    weekday: str | None
    weekday_ok: bool | None

    @property
    def has_time(self) -> bool:
        return self.hour is not None

    @property
    def when(self) -> datetime.datetime:
        """The instant in Tehran; a date without a time stands for its midnight."""
        return tehran_time(self.year, self.month, self.day, self.hour or 0, self.minute or 0, self.second or 0)

    def iso(self) -> str:
        return self.when.isoformat(timespec="seconds")

    def jalali(self) -> str:
        """The date as written, in Latin digits, for display and logs."""
        date = f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        return f"{date} {self.hour:02d}:{self.minute:02d}" if self.has_time else date


def tehran_time(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime.datetime:
    """A Jalali wall-clock reading in Tehran as an aware datetime with that day's offset.

    The written wall clock is kept. Where the clock was moved (a skipped hour on 2 Farvardin,
    a repeated one on 30 Shahrivar in the years with daylight saving time), the offset follows
    zoneinfo's default fold: the repeated hour is read as its first, daylight-saving pass.
    Raises ValueError for a date or time that does not exist.
    """
    gregorian = jdatetime.date(year, month, day).togregorian()
    return datetime.datetime.combine(gregorian, datetime.time(hour, minute, second), tzinfo=TEHRAN)


def _year(digits: str) -> int:
    """Four digits are the year; two digits (only 50-99 are matched) are 1350-1399."""
    return int(digits) + (1300 if len(digits) == 2 else 0)


def _date_parts(found: re.Match[str]) -> tuple[int, int, int]:
    if found["named_year"] is not None:
        return int(found["named_year"]), _MONTH_NUMBER[_fold(found["month_name"])], int(found["named_day"])
    if found["dmy_year"] is not None:
        return int(found["dmy_year"]), int(found["dmy_month"]), int(found["dmy_day"])
    return _year(found["ymd_year"]), int(found["ymd_month"]), int(found["ymd_day"])


def _time_parts(found: re.Match[str]) -> tuple[int, int, int] | tuple[None, None, None]:
    for prefix in ("before_", "after_"):
        if found[f"{prefix}h"] is not None:
            return int(found[f"{prefix}h"]), int(found[f"{prefix}m"]), int(found[f"{prefix}s"] or 0)
    return None, None, None


def _to_match(found: re.Match[str]) -> DateMatch | None:
    """The DateMatch for a pattern hit, or None when the calendar has no such day."""
    year, month, day = _date_parts(found)
    try:
        date = jdatetime.date(year, month, day)
    except ValueError:
        return None
    weekday = weekday_ok = None
    if found["weekday"] is not None:
        number = _WEEKDAY_NUMBER[_fold(found["weekday"])]
        weekday, weekday_ok = _WEEKDAY_NAMES[number], number == date.weekday()
    hour, minute, second = _time_parts(found)
    return DateMatch(
        start=found.start(),
        end=found.end(),
        text=found[0],
        year=year,
        month=month,
        day=day,
        hour=hour,
        minute=minute,
        second=second,
        weekday=weekday,
        weekday_ok=weekday_ok,
    )


def find_dates(text: str) -> list[DateMatch]:
    """Every Jalali date in `text`, with its time and weekday when written next to it, in order."""
    matches = []
    position = 0
    while found := _DATE.search(text, position):
        match = _to_match(found)
        if match is None:
            # Impossible as a date (day 32, Esfand 30 of a common year): let a later start try.
            position = found.start() + 1
        else:
            matches.append(match)
            position = found.end()
    return matches


_USER_DATE = re.compile(f"({_D}{{4}})([-/])({_D}{{1,2}})\\2({_D}{{1,2}})")


def parse_user_date(value: str) -> datetime.date:
    """A date typed on the command line, Jalali or Gregorian, as a Gregorian date.

    People type the calendar they think in, so both are read: years from 1800 on are
    Gregorian ("2021-07-13"), earlier ones Jalali ("1400-04-22", "۱۴۰۰/۰۴/۲۲").
    """
    error = ValueError(f"not a date: {value!r} (use 1400-04-22 or 2021-07-13)")
    found = _USER_DATE.fullmatch(value.strip())
    if found is None:
        raise error
    year, month, day = int(found[1]), int(found[3]), int(found[4])
    try:
        if year >= _FIRST_GREGORIAN_YEAR:
            return datetime.date(year, month, day)
        return jdatetime.date(year, month, day).togregorian()
    except ValueError:
        raise error from None


_MACHINE = re.compile(
    r"(\d{4})[-/](\d{2})[-/](\d{2})(?:\s*T\s*|\s+)(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}:?\d{2})?$"
)
_MACHINE_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})$")


def parse_machine_time(value: str, naive_zone: datetime.tzinfo | None = None) -> datetime.datetime | None:
    """A publish time as pages write it for machines (meta tags, JSON-LD, `<time datetime>`),
    as an aware datetime in Tehran time; None when it is not a time.

    Pages write ISO 8601 with "Z" or an offset, with fractions of up to 7 digits, with a space
    around the "T" ("2019-05-30 T 00:20:37 +0430"), with no offset at all (Iranian servers mean
    Tehran time then; `naive_zone` says otherwise for a site that means UTC) or as a Jalali date
    with Persian digits ("۱۳۹۹/۰۲/۲۱ - ۱۸:۵۹"). Fractions of a second are dropped: no page means
    them.
    """
    text = value.strip()
    found = _MACHINE.match(text)
    if found:
        year, month, day, hour, minute, second = (int(g or 0) for g in found.groups()[:6])
        zone = found.group(8)
        try:
            if zone is None:
                naive = datetime.datetime(year, month, day, hour, minute, second, tzinfo=naive_zone or TEHRAN)
                return naive.astimezone(TEHRAN)
            offset = datetime.timedelta(0)
            if zone != "Z":
                sign = -1 if zone[0] == "-" else 1
                digits = zone[1:].replace(":", "")
                offset = sign * datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            moment = datetime.datetime(year, month, day, hour, minute, second, tzinfo=datetime.timezone(offset))
        except ValueError:
            return None
        return moment.astimezone(TEHRAN)
    day_only = _MACHINE_DAY.match(text)
    if day_only:
        try:
            return datetime.datetime(*(int(g) for g in day_only.groups()), tzinfo=TEHRAN)
        except ValueError:
            return None
    jalali = find_dates(text)
    return jalali[0].when if jalali else None
