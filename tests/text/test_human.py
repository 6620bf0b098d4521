import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from khabar.text.dates import TEHRAN
from khabar.text.human import jalali_date, jalali_datetime, jalali_day, persian_digits, time_ago

NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=TEHRAN)


def test_persian_digits() -> None:
    assert persian_digits(1234567) == "۱٬۲۳۴٬۵۶۷"
    assert persian_digits("1400-04-22") == "۱۴۰۰-۰۴-۲۲"


def test_jalali_dates_in_tehran_time() -> None:
    when = dt.datetime(2021, 7, 13, 18, 10, tzinfo=TEHRAN)
    assert jalali_datetime(when) == "سه‌شنبه ۲۲ تیر ۱۴۰۰، ساعت ۱۸:۱۰"
    assert jalali_date(when.astimezone(dt.UTC)) == "۲۲ تیر ۱۴۰۰"  # the Tehran day, not the UTC one
    late_utc = dt.datetime(2021, 7, 13, 21, 0, tzinfo=dt.UTC)  # already the 23rd in Tehran
    assert jalali_date(late_utc) == "۲۳ تیر ۱۴۰۰"
    assert jalali_day("1399-09-04") == "۴ آذر ۱۳۹۹"


def test_time_ago_reads_like_a_persian_news_site() -> None:
    assert time_ago(NOW - dt.timedelta(seconds=20), NOW) == "همین حالا"
    assert time_ago(NOW - dt.timedelta(minutes=5), NOW) == "۵ دقیقه پیش"
    assert time_ago(NOW - dt.timedelta(hours=2, minutes=59), NOW) == "۲ ساعت پیش"
    assert time_ago(NOW - dt.timedelta(days=3), NOW) == "۳ روز پیش"
    assert time_ago(NOW - dt.timedelta(days=30), NOW) == "۳ آبان ۱۴۰۵"
    assert time_ago(NOW + dt.timedelta(hours=3), NOW) == "۳ آذر ۱۴۰۵"  # a future time reads as its date


@given(st.integers(min_value=0, max_value=10**12))
def test_persian_digits_only_change_digits(n: int) -> None:
    text = persian_digits(n)
    assert not any(c in "0123456789" for c in text)
    assert int(text.replace("٬", "").translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))) == n
