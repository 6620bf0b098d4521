"""Tests for khabar.extract.textdump: reading the article out of a plain-text page dump."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import jdatetime
import pytest

from khabar.errors import ExtractError
from khabar.extract import read_text_dump
from khabar.models import Article
from khabar.text.dates import find_dates

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "src" / "khabar" / "demo" / "seeds"
DUMPS = ROOT / "tests" / "data" / "dumps"
EXPECTED_FILES = (ROOT / "tests" / "data" / "seeds_expected.json", Path("/work/shared/seeds/expected.json"))
SEED_000 = "000_f3ac28793e446b22.txt"
SEED_002 = "002_2685855fda886fa6.txt"
NBSP = "\u00a0"


def squash(text: str | None) -> str | None:
    """Whitespace runs, no-break spaces included, as one space: how texts are compared here."""
    if text is None:
        return None
    return re.sub(r"[\s\u00a0]+", " ", text).strip()


def page(*lines: str) -> str:
    return "\n".join(lines)


@functools.cache
def expected_pages() -> dict:
    path = next(p for p in EXPECTED_FILES if p.exists())
    return json.loads(path.read_text(encoding="utf-8"))["pages"]


@functools.cache
def seed(name: str) -> Article:
    return read_text_dump((SEEDS / name).read_text(encoding="utf-8"))


@functools.cache
def dump(name: str) -> Article:
    return read_text_dump((DUMPS / name).read_text(encoding="utf-8"))


# --- the two real seed pages ------------------------------------------------------------------

BOTH_SEEDS = pytest.mark.parametrize("name", [SEED_000, SEED_002])


@BOTH_SEEDS
def test_seed_title(name):
    assert squash(seed(name).title) == squash(expected_pages()[name]["title"])


def test_seed_000_has_no_lead():
    assert seed(SEED_000).lead is None


def test_seed_002_lead():
    assert squash(seed(SEED_002).lead) == squash(expected_pages()[SEED_002]["lead"])


@BOTH_SEEDS
def test_seed_published(name):
    published = seed(name).published
    assert published is not None
    assert published.isoformat() == expected_pages()[name]["published"]


@BOTH_SEEDS
def test_seed_agency(name):
    assert seed(name).agency == expected_pages()[name]["agency"]


@pytest.mark.parametrize(("name", "cites"), [(SEED_000, ["شبکه خبری الفرات"]), (SEED_002, ["میدل ایست نیوز"])])
def test_seed_cites(name, cites):
    assert list(seed(name).cites) == cites
    assert list(seed(name).cites) == expected_pages()[name]["cites"]


@BOTH_SEEDS
def test_seed_people_are_not_cited(name):
    cited = {squash(c) for c in seed(name).cites}
    for person in expected_pages()[name]["people"]:
        assert not any(person in c or c in person for c in cited)


def test_seed_news_code():
    assert seed(SEED_002).news_code == expected_pages()[SEED_002]["news_code"] == "757695"
    assert seed(SEED_000).news_code is None


def test_seed_site():
    assert seed(SEED_000).site == expected_pages()[SEED_000]["republished_by"] == "تیترآنلاین"
    assert seed(SEED_002).site is None


@BOTH_SEEDS
def test_seed_body_first_paragraph(name):
    first = squash(seed(name).paragraphs[0])
    assert first.startswith(squash(expected_pages()[name]["body_first_line_starts_with"]))


@BOTH_SEEDS
def test_seed_body_last_paragraph(name):
    last = squash(seed(name).paragraphs[-1])
    assert last.endswith(squash(expected_pages()[name]["body_last_line_ends_with"]))


@BOTH_SEEDS
def test_seed_paragraph_count(name):
    assert len(seed(name).paragraphs) == expected_pages()[name]["body_paragraphs"]


@BOTH_SEEDS
def test_seed_body_leaves_out_the_page_furniture(name):
    article = seed(name)
    text = squash(f"{article.lead or ''} {article.body}")
    for phrase in expected_pages()[name]["body_must_not_contain"]:
        assert squash(phrase) not in text


def test_seed_000_other_dates_are_not_the_publish_time():
    published = seed(SEED_000).published
    for other in expected_pages()[SEED_000]["other_dates_in_text_that_are_not_the_publish_time"]:
        for match in find_dates(other):
            assert match.when != published
        year = int(re.search(r"1[34]\d\d", other.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")))[0])
        assert jdatetime.datetime.fromgregorian(datetime=published).year != year


def test_seed_002_update_time_is_passed_over_with_a_note():
    article = seed(SEED_002)
    assert article.published.isoformat() != expected_pages()[SEED_002]["page_updated_not_published"]
    assert any("۲۷ آبان ۱۴۰۳ - ۰۲:۰۰" in note and "update" in note for note in article.notes)


@BOTH_SEEDS
def test_seed_weekday_agrees_so_no_weekday_note(name):
    assert not any("weekday" in note for note in seed(name).notes)


# --- page dumps in the layouts Persian news sites use (tests/data/dumps, see NOTE.md) ----------


@dataclass(frozen=True)
class Dump:
    file: str
    title: str
    published: str
    agency: str | None
    paragraphs: int
    first_starts: str
    last_ends: str
    lead: tuple[str, str] | None = None  # (starts with, ends with)
    news_code: str | None = None
    note: str | None = None  # a note that must be there
    not_in_body: tuple[str, ...] = ()


DUMP_CASES = [
    Dump(
        file="fars_menu_header_date.txt",
        title="اینتر به معاوضه مارتینس با گریژمان فکر می‌کند",
        published="2020-02-17T10:25:00+03:30",
        agency="خبرگزاری فارس",
        paragraphs=7,
        first_starts="به گزارش خبرگزاری فارس، در هفته‌های اخیر خبرهای زیادی",
        last_ends="وی تابستان سال جاری از اتلتیکومادرید با حواشی بسیار راهی بارسلونا شد.",
        lead=("اینترمیلان حاضر است مارتینس را به بارسلونا", "گریژمان را در اختیار گیرد."),
        news_code="13981128000609",
        note="دوشنبه ۱۵ خرداد ۱۴۰۲",  # the header's "today" was passed over
        not_in_body=("سیاسی", "استان‌ها", "تاریخ انتشار", "کد خبر", "انتهای پیام", "نسخه چاپی"),
    ),
    Dump(
        file="irna_lead_then_attribution.txt",
        title="ایبراهیموویچ برای دومین مرتبه بهترین بازیکن فرانسه شد",
        published="2014-05-12T10:12:00+04:30",
        agency="ایرنا",
        paragraphs=3,
        first_starts="به گزارش ایرنا، زلاتان ایبراهیموویچ روز گذشته",
        last_ends="مهاجم با تجربه در فصلی که انجام شد، 40 گل برای پاریسی‌ها زد.",
        lead=("مهاجم سوئدی تیم فوتبال پاری‌سن‌ژرمن برای دومین مرتبه", "«لوشامپیونه» \u200cانتخاب شد."),
        news_code="81163245",
        not_in_body=("کپی لینک", "اشتراک‌گذاری", "کد خبر"),
    ),
    Dump(
        file="isna_reporter_attribution.txt",
        title="هزینه‌های درمان بزه دیده اسیدپاشی پرداخت می شود",
        published="2019-05-21T17:54:00+04:30",
        agency="ایسنا",
        paragraphs=6,
        first_starts="به گزارش خبرنگار سیاسی ایسنا، نمایندگان مجلس",
        last_ends="پیش بینی و اختصاص می‌یابد.",
        lead=("براساس مصوبه مجلس، اسیدپاش ملزم به پرداخت", "از صندوق تامین خسارت های بدنی پرداخت می شود."),
        news_code="98023117854",
        not_in_body=("انتهای پیام", "برچسب‌ها", "مجلس شورای اسلامی\n"),
    ),
    Dump(
        file="fars_sport_reporter_shenase.txt",
        title="مخالفت کمالوند با درخواست استقلالی‌ها برای تعویق بازی نیمه‌نهایی جام حذفی",
        published="2018-01-28T15:20:00+03:30",
        agency="خبرگزاری فارس",
        paragraphs=3,
        first_starts="به گزارش خبرنگار ورزشی خبرگزاری فارس، مسئولان باشگاه استقلال",
        last_ends="اگر استقلال چنین درخواستی کرده باشد امکان‌پذیر نیست.",
        lead=("سرمربی تیم فوتبال نفت آبادان", "شدنی نیست."),
        news_code="13961108001536",
        not_in_body=("شناسه خبر", "انتهای پیام"),
    ),
    Dump(
        file="end_marker_share_related.txt",
        title="مربی منچسترسیتی: بعد از باخت از بایرن، پیروزی بر رم وظیفه‌ای اجباری است",
        published="2014-09-17T11:05:00+04:30",
        agency="خبرگزاری فارس",
        paragraphs=4,
        first_starts="به گزارش خبرگزاری فارس، شب گذشته قهرمان فصل گذشته",
        last_ends="می‌توانیم در بازی‌های بعدی این شکست را جبران کنیم.",
        lead=("مربی تیم فوتبال منچسترسیتی گفت:", "وظیفه‌ای اجباری است."),
        not_in_body=(
            "انتهای پیام",
            "اشتراک گذاری",
            "ارسال به دوستان",
            "نسخه چاپی",
            "کپی لینک",
            "اخبار مرتبط",
            "ایبراهیموویچ برای دومین مرتبه بهترین بازیکن فرانسه شد",
            "سیدیبه:موناکو باید خود را جمع و جور کند",
            "ماسکرانو: بارسا سرشار از زندگی است",
            "سالروز اولین گل کریس رونالدو+فیلم",
            "ویسی: ایران می‌تواند قهرمان جام ملت‌های آسیا شود",
        ),
    ),
    Dump(
        # No attribution opens the body, so the agency comes from the byline and the first
        # paragraph stays in the body: without "به گزارش…" after it, it is not a lead.
        file="byline_disclaimer_end.txt",
        title="کاروان پرسپولیس عازم کردان کرج شد",
        published="2011-08-03T11:45:00+04:30",
        agency="ورزش سه",
        paragraphs=7,
        first_starts="کاروان تیم فوتبال پرسپولیس ساعت 11:20 امروز",
        last_ends="این تیم فردا شب به تهران باز می گردد.",
        not_in_body=("تمامی حقوق", "استفاده از مطالب", "ذکر منبع"),
    ),
    Dump(
        file="update_then_publish.txt",
        title="سیدیبه:موناکو باید خود را جمع و جور کند",
        published="2018-11-12T23:40:00+03:30",
        agency="خبرگزاری فارس",
        paragraphs=3,
        first_starts="به گزارش خبرگزاری فارس، جبرییل سیدیبه بعد از شکست 4 بر صفر",
        last_ends="گل چهارم را وارد دروازه موناکو کرد.",
        lead=("مدافع مطرح تیم فوتبال موناکو", "ابراز تاسف کرد."),
        note="۱۳۹۷/۰۸/۲۲ - ۰۸:۳۰",  # the update time, passed over
        not_in_body=("بروزرسانی", "انتشار:"),
    ),
    Dump(
        file="header_date_only.txt",
        title="ماسکرانو: بارسا سرشار از زندگی است",
        published="2021-11-08T00:00:00+03:30",
        agency="خبرگزاری فارس",
        paragraphs=6,
        first_starts="به گزارش خبرگزاری فارس، خاویر ماسکرانو تأکید کرد",
        last_ends="ماسکرانو در این فصل 10 بار برای بارسا به میدان رفته است.",
        lead=("لژیونر آرژانتینی بارسلونا", "این تیم را سرشار از زندگی دانست."),
        note="without a time",
        not_in_body=("نظرات", "ورزشی\n"),
    ),
    Dump(
        file="weekday_contradiction.txt",
        title="نسخه الکترونیکی نشریات کتابخانه مجلس روی وب‌سایت بروزرسانی شد",
        published="2021-07-13T18:10:00+04:30",
        agency="خبرگزاری فارس",
        paragraphs=5,
        first_starts="به گزارش خبرگزاری فارس، نسخه الکترونیکی همه مقالات",
        last_ends="نیز روی سایت بارگذاری شده است.",
        lead=("نسخه الکترونیکی آخرین شماره‌های انتشار یافته", "نهاده شده است."),
        note="جمعه",
        not_in_body=("۱۸:۱۰", "انتهای پیام"),
    ),
]


@pytest.mark.parametrize("case", DUMP_CASES, ids=lambda c: c.file.removesuffix(".txt"))
def test_dump(case: Dump):
    article = dump(case.file)
    assert article.title == case.title
    assert article.published is not None
    assert article.published.isoformat() == case.published
    assert article.agency == case.agency
    assert article.news_code == case.news_code
    assert len(article.paragraphs) == case.paragraphs
    assert squash(article.paragraphs[0]).startswith(case.first_starts)
    assert squash(article.paragraphs[-1]).endswith(case.last_ends)
    if case.lead is None:
        assert article.lead is None
    else:
        assert squash(article.lead).startswith(case.lead[0])
        assert squash(article.lead).endswith(case.lead[1])
    if case.note is not None:
        assert any(case.note in note for note in article.notes), article.notes
    body_lines = {squash(p) for p in article.paragraphs} | {squash(article.lead)}
    for furniture in case.not_in_body:
        if furniture.endswith("\n"):  # a whole line of the page, which may appear inside prose
            assert furniture.strip() not in body_lines
        else:
            assert furniture not in article.body


@pytest.mark.parametrize("case", DUMP_CASES, ids=lambda c: c.file.removesuffix(".txt"))
def test_dump_body_is_whole_lines_of_the_page(case: Dump):
    """Every body paragraph is one prose line of the page, never a merge or a cut."""
    lines = {squash(line) for line in (DUMPS / case.file).read_text(encoding="utf-8").splitlines()}
    article = dump(case.file)
    for paragraph in article.paragraphs:
        assert squash(paragraph) in lines


@pytest.mark.parametrize(
    "file",
    [
        "irna_lead_then_attribution.txt",
        "isna_reporter_attribution.txt",
        "fars_sport_reporter_shenase.txt",
        "end_marker_share_related.txt",
        "byline_disclaimer_end.txt",
        "update_then_publish.txt",
        "header_date_only.txt",
        "weekday_contradiction.txt",
    ],
)
def test_dump_cites_nothing_when_the_text_cites_no_medium(file):
    assert dump(file).cites == ()


def test_dump_title_is_not_in_the_body():
    for case in DUMP_CASES:
        article = dump(case.file)
        assert squash(article.title) not in {squash(p) for p in article.paragraphs}


def test_dump_weekday_note_names_the_written_weekday_and_the_date():
    notes = [n for n in dump("weekday_contradiction.txt").notes if "weekday" in n]
    assert len(notes) == 1
    assert "جمعه" in notes[0] and "1400-04-22" in notes[0]


def test_dump_with_labelled_date_has_no_missing_time_note():
    assert not any("without a time" in n for n in dump("fars_menu_header_date.txt").notes)


def test_windows_line_ends_no_break_spaces_and_arabic_letter_labels():
    """An old Fars page in Arabic ي/ك ("تاريخ انتشار", "كد خبر"), saved with CRLF and NBSP."""
    text = (DUMPS / "arabic_letters_labels.txt").read_text(encoding="utf-8")
    article = read_text_dump(text.replace("\n", "\r\n").replace(" ", NBSP))
    assert article.title == "محمد ابراهيم: اميدوارم فوتبال ايران به قدرت سابقش بازگردد"
    assert article.published.isoformat() == "2008-06-23T00:34:00+04:30"
    assert article.news_code == "8704030155"
    assert article.agency == "خبرگزاری فارس"  # one agency however the page spells it
    assert article.lead.startswith("خبرگزاري فارس: سرمربي تيم ملي فوتبال كويت گفت:")
    assert len(article.paragraphs) == 4
    assert article.paragraphs[0].startswith("به گزارش خبرگزاري فارس، محمد ابراهيم پس از شكست 2 بر صفر")
    assert article.paragraphs[-1].endswith("به دليل مسئوليت پذيري بالايشان از آنها تشكر مي‌كنم.")
    for text_field in (article.title, article.lead, article.body):
        assert "\r" not in text_field and NBSP not in text_field
    assert "نسخه چاپي" not in article.body and "انتهاي پيام" not in article.body


# --- small pages built here from real corpus text ---------------------------------------------

TITLE = "ایبراهیموویچ برای دومین مرتبه بهترین بازیکن فرانسه شد"
FIRST = (
    "به گزارش خبرگزاری فارس، زلاتان ایبراهیموویچ روز گذشته از طرف اتحادیه فوتبالیست‌های حرفه‌ای "
    "فرانسه به عنوان بهترین بازیکن در فصل 2014-2013 برگزیده شد."
)
SECOND = "مهاجم با تجربه در فصلی که انجام شد، 40 گل برای پاریسی‌ها زد."


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("کد خبر: 12345", "12345"),
        ("کد خبر ۱۲۳۴۵", "12345"),
        ("شناسه خبر ۱۲۳۴۵", "12345"),
        ("شناسه خبر: 12345", "12345"),
        ("كد خبر: ۱۲۳۴۵", "12345"),
        ("کد مطلب: 98765", "98765"),
        ("کد ۷۵۷۶۹۵", "757695"),
    ],
)
def test_news_code_lines(line, code):
    article = read_text_dump(page(line, TITLE, "تاریخ انتشار: ۱۴۰۲/۰۳/۱۵ - ۰۹:۴۵", FIRST, SECOND))
    assert article.news_code == code
    assert article.title == TITLE
    assert article.published.isoformat() == "2023-06-05T09:45:00+03:30"
    assert article.paragraphs == [FIRST, SECOND]


@pytest.mark.parametrize(
    ("date_line", "iso"),
    [
        ("تاریخ انتشار: ۱۴۰۲/۰۳/۱۵ - ۰۹:۴۵", "2023-06-05T09:45:00+03:30"),
        ("تاريخ انتشار: ۱۴۰۲/۰۳/۱۵ - ۰۹:۴۵", "2023-06-05T09:45:00+03:30"),
        ("انتشار: ۲۲:۴۶ - ۰۴-۰۹-۱۳۹۹", "2020-11-24T22:46:00+03:30"),
        ("۱۵ خرداد ۱۴۰۲، ۹:۴۵", "2023-06-05T09:45:00+03:30"),
        ("خبرگزاری فارس سه شنبه 22 تیر 1400 - 18:10", "2021-07-13T18:10:00+04:30"),
        ("دوشنبه ۱۵ خرداد ۱۴۰۲ ساعت ۰۹:۴۵", "2023-06-05T09:45:00+03:30"),
    ],
)
def test_publish_date_line_shapes(date_line, iso):
    article = read_text_dump(page(TITLE, date_line, FIRST, SECOND))
    assert article.published.isoformat() == iso
    assert article.paragraphs == [FIRST, SECOND]


def test_labelled_publish_date_beats_byline_and_header_dates():
    article = read_text_dump(
        page(
            "چهارشنبه ۱۷ خرداد ۱۴۰۲",
            TITLE,
            "۱۴۰۲/۰۳/۱۶ - ۱۱:۰۰",
            "تاریخ انتشار: ۱۴۰۲/۰۳/۱۵ - ۰۹:۴۵",
            FIRST,
            SECOND,
        )
    )
    assert article.published.isoformat() == "2023-06-05T09:45:00+03:30"


def test_byline_time_beats_bare_header_date():
    article = read_text_dump(page("چهارشنبه ۱۷ خرداد ۱۴۰۲", TITLE, "۱۴۰۲/۰۳/۱۵ - ۰۹:۴۵", FIRST, SECOND))
    assert article.published.isoformat() == "2023-06-05T09:45:00+03:30"
    assert not any("without a time" in n for n in article.notes)


@pytest.mark.parametrize(
    "update_line",
    [
        "آخرین بروزرسانی: ۱۴۰۲/۰۳/۱۶ - ۱۰:۰۰",
        "به روز شده در: ۱۶ خرداد ۱۴۰۲ - ۱۰:۰۰",
        "به‌روزرسانی: ۱۴۰۲/۰۳/۱۶ - ۱۰:۰۰",
    ],
)
def test_update_date_is_never_the_publish_time(update_line):
    article = read_text_dump(page(update_line, TITLE, "انتشار: ۱۴۰۲/۰۳/۱۵ - ۰۹:۴۵", FIRST, SECOND))
    assert article.published.isoformat() == "2023-06-05T09:45:00+03:30"
    assert any("update" in n and "۱۰:۰۰" in n for n in article.notes)


def test_only_an_update_date_gives_no_publish_time():
    article = read_text_dump(page(TITLE, "آخرین بروزرسانی: ۱۴۰۲/۰۳/۱۶ - ۱۰:۰۰", FIRST, SECOND))
    assert article.published is None


def test_no_date_at_all_gives_no_publish_time():
    article = read_text_dump(page(TITLE, FIRST, SECOND))
    assert article.published is None
    assert article.paragraphs == [FIRST, SECOND]


def test_no_headline_shaped_line_raises():
    """A "not found" page: menu words and sentences, nothing that reads as a headline."""
    with pytest.raises(ExtractError, match="headline"):
        read_text_dump(page("ورزشی", "سیاسی", "صفحه مورد نظر شما یافت نشد.", FIRST, SECOND))


def test_empty_text_raises():
    with pytest.raises(ExtractError):
        read_text_dump(" \n\r\n\u00a0\n")


def test_headline_without_body_raises():
    with pytest.raises(ExtractError, match="no body"):
        read_text_dump(page(TITLE, "تاریخ انتشار: ۱۴۰۲/۰۳/۱۵ - ۰۹:۴۵", "انتهای پیام/", "ارسال به دوستان"))


def test_headline_followed_only_by_share_buttons_raises():
    with pytest.raises(ExtractError):
        read_text_dump(page(TITLE, "۱۵ خرداد ۱۴۰۲", "اشتراک گذاری", "نسخه چاپی", "کپی لینک"))


def test_long_run_of_headlines_is_not_body():
    """Seed 002's run of unrelated headlines, here without the share label that ends the body."""
    text = (SEEDS / SEED_002).read_text(encoding="utf-8")
    run = text.splitlines()[-1]
    article = read_text_dump(page(TITLE, "۱۵ خرداد ۱۴۰۲ - ۰۹:۴۵", FIRST, SECOND, run))
    assert article.paragraphs == [FIRST, SECOND]


def test_lead_needs_an_attribution_after_it():
    lead = "مهاجم سوئدی تیم فوتبال پاری‌سن‌ژرمن برای دومین مرتبه به عنوان بهترین بازیکن لیگ دسته اول فرانسه انتخاب شد."
    with_attribution = read_text_dump(page(TITLE, lead, FIRST, SECOND))
    assert with_attribution.lead == lead
    assert with_attribution.paragraphs == [FIRST, SECOND]
    without = read_text_dump(page(TITLE, lead, SECOND, "وی تابستان سال جاری از اتلتیکومادرید راهی بارسلونا شد."))
    assert without.lead is None
    assert without.paragraphs[0] == lead


def test_republisher_credit_names_agency_and_site():
    credit = 'منبع خبر "ورزش سه" است و موتور جستجوگر خبر تیترآنلاین در قبال محتوای آن هیچ مسئولیتی ندارد.'
    article = read_text_dump(page(TITLE, "۱۵ خرداد ۱۴۰۲ - ۰۹:۴۵", FIRST, SECOND, "انتهای پیام/", credit))
    assert article.agency == "ورزش سه"
    assert article.site == "تیترآنلاین"
    assert article.paragraphs == [FIRST, SECOND]
    assert article.cites == ()


def test_url_is_kept():
    url = "https://www.farsnews.ir/news/13930222000260"
    assert read_text_dump(page(TITLE, FIRST, SECOND), url=url).url == url


# --- realistic pages that an earlier reader got wrong ----------------------------------------------


def test_two_word_menu_items_are_not_the_title():
    article = read_text_dump(
        page("صفحه اصلی", "فوتبال ایران", "فوتبال جهان", TITLE, "تاریخ انتشار: ۱۴۰۲/۰۳/۱۵ - ۰۹:۴۵", FIRST, SECOND)
    )
    assert article.title == TITLE
    assert article.paragraphs == [FIRST, SECOND]
    assert article.agency == "خبرگزاری فارس"


LONG_FARS_TITLE = (
    "پس از تفاهم با ایران درباره آمیا شیاطین داخلی و خارجی فعال شدند/گرفتار لاشخورهای اقتصادی هستیم/ "
    "راه مبارزه با داعش همسویی با دولت و ملت سوریه است/سازمان ملل فلسطین را به رسمیت بشناسد"
)


def test_long_multi_part_headline_is_the_title():
    body = [
        "به گزارش خبرنگار دفتر منطقه‌ای خبرگزاری فارس در آمریکای لاتین، «کریستینا فرناندز» رئیس جمهور "
        "آرژانتین چهارشنبه (24 سپتامبر) سخنانی در شورای امنیت و مجمع عمومی سازمان ملل ایراد کرد.",
        "بنابر اهمیت اظهارات ایراد شده، خبرگزاری فارس متن اصلی این سخنرانی را که در سایت رسمی ریاست "
        "جمهوری آرژانتین به زبان اسپانیایی منتشر شده است را بازتاب می دهد.",
        "چرا پس از تفاهم با ایران برای حل پرونده آمیا شیطان‌های داخلی و خارجی فعال شدند؟",
        "وی در ادامه با بیان اینکه در سال 1992 سفارت اسرائیل در «بوینس آیرس» پایتخت آرژانتین و در سال 1994 "
        "مرکز یهودیان آمیا منفجر شد، گفت: از آن زمان سوالات زیادی در ذهن من ایجاد شد.",
    ]
    article = read_text_dump(page(LONG_FARS_TITLE, "تاریخ انتشار: ۱۳۹۳/۰۷/۰۷ - ۱۰:۳۰", *body, "انتهای پیام/"))
    assert article.title == LONG_FARS_TITLE
    assert article.paragraphs == body


def test_related_headlines_after_the_body_without_end_marker():
    article = read_text_dump(
        page(
            TITLE,
            "۱۵ خرداد ۱۴۰۲ - ۰۹:۴۵",
            FIRST,
            SECOND,
            "اخبار مرتبط",
            "سیدیبه:موناکو باید خود را جمع و جور کند",
            "ماسکرانو: بارسا سرشار از زندگی است",
        )
    )
    assert article.paragraphs == [FIRST, SECOND]


def test_short_dated_line_inside_the_body_stays_in_the_body():
    body = [  # Varzesh3 news/1198626: the list of Iran-Iraq matches
        "آخرین رویارویی دو تیم نیز در جام ملت‌های 2011 در دوحه بود که ایران 2-1 عراق را شکست داد.",
        "بازی شماره 2 - 3/6/1962",
        "* ایران یک - عراق 2، ورزشگاه امجدیه (دیدار دوستانه)",
        "بازی شماره 3 - 12/12/1363",
        "* ایران 4 - عراق صفر، ورزشگاه امجدیه تهران (مسابقات انتخابی المپیک)",
    ]
    article = read_text_dump(page("برتری تاریخی: ایران 15 عراق 4", "تاریخ انتشار: ۱۳۹۳/۱۰/۳۰ - ۱۰:۳۰", *body))
    assert article.paragraphs == body


def test_event_time_in_the_body_is_not_the_publish_time():
    article = read_text_dump(
        page("۱۵ خرداد ۱۴۰۲", TITLE, FIRST, "زمان برگزاری: جمعه ۱۹ خرداد ۱۴۰۲ - ساعت ۱۸:۰۰", SECOND)
    )
    assert article.published.isoformat() == "2023-06-05T00:00:00+03:30"


def test_human_rights_sentence_does_not_end_the_body():
    body = [
        FIRST,
        "کارشناسان سازمان ملل در گزارش خود از نقض حقوق بشر در غزه ابراز نگرانی کردند.",
        "وزیر کار گفت: کلیه حقوق معوق کارگران تا پایان ماه پرداخت می‌شود.",
        SECOND,
    ]
    article = read_text_dump(page(TITLE, "۱۵ خرداد ۱۴۰۲ - ۰۹:۴۵", *body, "انتهای پیام/"))
    assert article.paragraphs == body


def test_copyright_footer_is_not_a_site_name():
    article = read_text_dump(page(TITLE, "۱۵ خرداد ۱۴۰۲ - ۰۹:۴۵", FIRST, SECOND, "کلیه حقوق این سایت محفوظ است."))
    assert article.paragraphs == [FIRST, SECOND]
    assert article.site is None


def test_news_code_beside_the_date():
    article = read_text_dump(page(TITLE, "کد خبر: ۱۲۳۴۵ | تاریخ انتشار: ۱۵ خرداد ۱۴۰۲ - ۰۹:۴۵", FIRST, SECOND))
    assert article.published.isoformat() == "2023-06-05T09:45:00+03:30"
    assert article.news_code == "12345"


def test_newspaper_reporting_after_a_time_word_is_cited():
    cites = [squash(c.replace("\u200c", " ")) for c in dump("fars_menu_header_date.txt").cites]
    assert cites == ["روزنامه دیلی میل"]
