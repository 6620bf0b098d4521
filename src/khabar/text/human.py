"""Numbers and times the way a Persian reader reads them: Persian digits, Jalali dates with month
names, and "۲ ساعت پیش". Pure functions, for the web pages and feeds (machine-facing JSON keeps
ISO times and Latin digits)."""

from __future__ import annotations

import datetime as dt
import functools

import jdatetime

from khabar.text.dates import TEHRAN

_TO_PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
MONTHS = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")
WEEKDAYS = ("شنبه", "یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه")  # jdatetime's weekday() order

RELATIVE_UP_TO = dt.timedelta(days=7)  # older than this, a reader wants the date itself


def persian_digits(value: object) -> str:
    """`value` as text with Persian digits (thousands grouped with the Persian separator for ints)."""
    text = f"{value:,}".replace(",", "٬") if isinstance(value, int) else str(value)
    return text.translate(_TO_PERSIAN)


@functools.lru_cache(maxsize=4096)  # a results page shows the same few dates on every request
def jalali_date(when: dt.datetime, *, weekday: bool = False) -> str:
    """ "۲۲ تیر ۱۴۰۰" in Tehran time (with "سه‌شنبه " before it when `weekday`)."""
    j = jdatetime.datetime.fromgregorian(datetime=when.astimezone(TEHRAN))
    text = f"{j.day} {MONTHS[j.month - 1]} {j.year}"
    if weekday:
        text = f"{WEEKDAYS[j.weekday()]} {text}"
    return persian_digits(text)


def jalali_datetime(when: dt.datetime) -> str:
    """ "سه‌شنبه ۲۲ تیر ۱۴۰۰، ساعت ۱۸:۱۰" in Tehran time."""
    local = when.astimezone(TEHRAN)
    return f"{jalali_date(local, weekday=True)}، ساعت {persian_digits(local.strftime('%H:%M'))}"


@functools.lru_cache(maxsize=4096)
def jalali_day(day: str) -> str:
    """A facet's day key ("1400-04-22", Jalali, Latin digits) as "۲۲ تیر ۱۴۰۰"."""
    year, month, d = (int(part) for part in day.split("-"))
    return persian_digits(f"{d} {MONTHS[month - 1]} {year}")


def time_ago(when: dt.datetime, now: dt.datetime | None = None) -> str:
    """ "همین حالا", "۵ دقیقه پیش", "۲ ساعت پیش", "۳ روز پیش"; past a week, the Jalali date.
    A time in the future (a clock ahead, a mistyped date) reads as its date, never "in 3 hours"."""
    now = now or dt.datetime.now(dt.UTC)
    age = now - when
    if age < dt.timedelta(0) or age >= RELATIVE_UP_TO:
        return jalali_date(when)
    minutes = int(age.total_seconds() // 60)
    if minutes < 1:
        return "همین حالا"
    if minutes < 60:
        return f"{persian_digits(minutes)} دقیقه پیش"
    if minutes < 24 * 60:
        return f"{persian_digits(minutes // 60)} ساعت پیش"
    return f"{persian_digits(minutes // (24 * 60))} روز پیش"
