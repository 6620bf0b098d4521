"""Reading HTML news pages: real saved pages from ../shared/pages/ (when this machine has them)
and small pages built here, one trap each."""

from __future__ import annotations

import html as html_lib
import json
from pathlib import Path

import pytest
import trafilatura

from khabar.errors import ExtractError
from khabar.extract.encoding import declared_charset, decode
from khabar.extract.html import read_html
from tests.conftest import shared_dir, ws

SHARED = shared_dir()
REAL = sorted((SHARED / "pages").glob("*.json")) if SHARED else []
needs_shared = pytest.mark.skipif(not REAL, reason="../shared/pages/ is not on this machine")


def real(page: Path) -> tuple[str, dict]:
    raw = page.with_suffix(".html").read_bytes()
    return decode(raw, declared_charset(raw))[0], json.loads(page.read_text(encoding="utf-8"))


@needs_shared
@pytest.mark.parametrize("page", REAL, ids=lambda p: p.stem)
def test_real_pages_read_right(page: Path) -> None:
    text, expected = real(page)
    article = read_html(text, url=expected["url"])
    assert article.title == expected["title"]
    assert article.published.isoformat()[:16] == expected["published"][:16]
    assert article.published.utcoffset() == _offset(expected["published"])
    assert article.agency == expected["agency"]
    paragraphs = article.paragraphs
    assert ws(paragraphs[0]).startswith(ws(expected["body_first"]))
    assert ws(paragraphs[-1]).endswith(ws(expected["body_last"]))
    for marker in ("انتهای پیام", "17302", "اخبار ورزشی", "دعوای تمام نشدنی"):
        assert marker not in article.body


@needs_shared
@pytest.mark.parametrize("page", REAL, ids=lambda p: p.stem)
def test_real_pages_need_no_profile_for_title_and_time(page: Path) -> None:
    text, expected = real(page)
    article = read_html(text, url=expected["url"], use_profiles=False)
    assert article.title == expected["title"]
    assert article.published.isoformat()[:16] == expected["published"][:16]


def _offset(iso: str):
    import datetime as dt

    return dt.datetime.fromisoformat(iso).utcoffset()


def page(
    title: str = "ائتلاف آمریکا: اگر الکاظمی بخواهد از عراق خارج می‌شویم",
    paragraphs: tuple[str, ...] = (
        "به گزارش ایسنا، سخنگوی ائتلاف بین‌المللی گفت نیروهای آمریکایی در عراق می‌مانند.",
        "وی افزود که ماموریت ائتلاف از جنگ به آموزش و مشاوره تغییر کرده است و این روند ادامه دارد.",
    ),
    head: str = "",
    before_body: str = "",
    inside_body_end: str = "",
    h1: str | None = None,
    body_attrs: str = 'itemprop="articleBody" class="item-text"',
) -> str:
    body = "".join(f"<p>{html_lib.escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="fa" dir="rtl"><head><meta charset="utf-8">
<title>{html_lib.escape(title)} - خبرگزاری نمونه</title>{head}</head>
<body><header><div class="today-date">شنبه ۱ آذر ۱۴۰۴</div><nav><a href="/">صفحه اصلی</a><a href="/p">سیاسی</a></nav></header>
<main><article><h1>{html_lib.escape(h1 if h1 is not None else title)}</h1>{before_body}
<div {body_attrs}>{body}{inside_body_end}</div></article>
<aside><ul><li><a href="/1">تیتر دیگری درباره انتخابات</a><time title="شنبه ۱ آذر ۱۴۰۴ - ۰۹:۰۰">۱ ساعت قبل</time></li></ul></aside>
</main><footer>کلیه حقوق این سایت محفوظ است.</footer></body></html>"""


def test_trafilatura_drops_every_zwnj_and_khabar_keeps_them() -> None:
    """Why khabar wraps trafilatura: it keeps only str.isprintable() characters, and ZWNJ is not."""
    paragraphs = (
        "به گزارش ایسنا، این خبر بی‌فایده نیست و آن‌ها می‌گویند که نشست امروز مجلس با حضور وزیران برگزار شد.",
        "نمایندگان درباره بودجه سال آینده گفت‌وگو کردند و قرار شد گزارش کمیسیون هفته آینده خوانده شود.",
        "رئیس مجلس در پایان نشست گفت که بررسی لایحه بودجه تا پایان ماه به پایان می‌رسد و نتیجه اعلام می‌شود.",
    )
    text = page(body_attrs='class="story-content"', paragraphs=paragraphs)
    assert "بی\u200cفایده" not in trafilatura.extract(text)  # the defect, as it stands
    assert "بیفایده" in trafilatura.extract(text)
    article = read_html(text)  # no profile, no articleBody: khabar's trafilatura path
    assert "بی\u200cفایده" in article.body and "بیفایده" not in article.body


def test_a_stale_og_title_and_a_section_h1_lose_to_the_agreeing_h1() -> None:
    text = page(
        head='<meta property="og:title" content="گزارش زنده؛ استقلال 0 - پرسپولیس 0">'
        '<meta property="og:title" content="استقلال 1 - پرسپولیس 2؛ جشن قهرمانی">',
        before_body="",
        title="استقلال 1 - پرسپولیس 2؛ جشن قهرمانی",
    ).replace("<main>", "<main><h1>سرویس ورزشی</h1>")
    assert read_html(text).title == "استقلال 1 - پرسپولیس 2؛ جشن قهرمانی"


def test_without_an_h1_the_title_loses_its_site_suffix() -> None:
    text = (
        page(head='<meta property="og:site_name" content="خبرگزاری نمونه">')
        .replace("<h1>", "<h2>")
        .replace("</h1>", "</h2>")
    )
    assert read_html(text).title == "ائتلاف آمریکا: اگر الکاظمی بخواهد از عراق خارج می‌شویم"


@pytest.mark.parametrize(
    ("head", "before_body", "published"),
    [
        # UTC whose calendar day is not Tehran's
        ('<meta property="article:published_time" content="2019-05-29T19:50:37Z">', "", "2019-05-30T00:20:37+04:30"),
        # no offset: Tehran time
        (
            '<meta property="og:article:published_time" content="2019-05-01T15:54:40.8500000">',
            "",
            "2019-05-01T15:54:40+04:30",
        ),
        # Jalali with Persian digits in a meta tag
        ('<meta property="article:published_time" content="۱۳۹۹/۰۲/۲۱ - ۱۸:۵۹">', "", "2020-05-10T18:59:00+04:30"),
        # JSON-LD only, seven-digit fractions
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2019-05-20T18:23:00.0000000Z"}'
            "</script>",
            "",
            "2019-05-20T22:53:00+04:30",
        ),
        # nothing for machines: the labelled visible time, not the header's today nor the sidebar's times
        ("", '<div class="news-date">تاریخ انتشار: ۱۵ خرداد ۱۴۰۲ - ۰۹:۴۵</div>', "2023-06-05T09:45:00+03:30"),
        # an update time printed first is not the publish time
        (
            "",
            '<div class="date">به روز شده: ۱۶ خرداد ۱۴۰۲ - ۱۰:۰۰</div><div class="date">۱۵ خرداد ۱۴۰۲ - ۰۹:۴۵</div>',
            "2023-06-05T09:45:00+03:30",
        ),
        # a machine date without a time of day takes the visible time of that day
        (
            '<meta property="article:published_time" content="2023-06-05">',
            '<span class="time">۰۹:۴۵ - ۱۴۰۲/۰۳/۱۵</span>',
            "2023-06-05T09:45:00+03:30",
        ),
    ],
)
def test_publish_time(head: str, before_body: str, published: str) -> None:
    article = read_html(page(head=head, before_body=before_body))
    assert article.published.isoformat() == published


def test_disagreeing_times_are_noted() -> None:
    text = page(
        head='<meta property="article:published_time" content="2023-06-05T06:15:00Z">',
        before_body='<div class="date">زمان: ۱۵ خرداد ۱۴۰۲ - ۱۱:۰۰</div>',
    )
    article = read_html(text)
    assert article.published.isoformat() == "2023-06-05T09:45:00+03:30"
    assert any("disagree" in n or "is not" in n for n in article.notes)


def test_body_furniture_is_left_out() -> None:
    text = page(
        paragraphs=(
            "به گزارش ایسنا، سخنگوی ائتلاف بین‌المللی گفت نیروهای آمریکایی در عراق می‌مانند.",
            "وی افزود که ماموریت ائتلاف از جنگ به آموزش و مشاوره تغییر کرده است و این روند ادامه دارد.",
        ),
        inside_body_end=(
            '<figure><img src="a.jpg"><figcaption>عکس: آرشیو</figcaption></figure>'
            '<div class="share-box">ارسال به دوستان</div>'
            '<div class="related-news"><a href="/2">خبر مرتبط دیگری</a></div>'
            "<p>انتهای پیام/</p><p>17302</p>"
        ),
    )
    article = read_html(text)
    assert len(article.paragraphs) == 2
    for furniture in ("عکس", "ارسال", "مرتبط", "انتهای", "17302"):
        assert furniture not in article.body


def test_paragraphs_written_with_br() -> None:
    text = (
        page()
        .replace("<p>به گزارش ایسنا،", '<div dir="rtl"><br> به گزارش ایسنا،')
        .replace("می‌مانند.</p>", "می‌مانند.<br><br>جمله دوم همین بند که با دو شکست خط جدا شده است و ادامه دارد.</div>")
    )
    assert read_html(text).paragraphs[:2] == [
        "به گزارش ایسنا، سخنگوی ائتلاف بین‌المللی گفت نیروهای آمریکایی در عراق می‌مانند.",
        "جمله دوم همین بند که با دو شکست خط جدا شده است و ادامه دارد.",
    ]


def test_agency_of_a_republished_story_and_of_the_site() -> None:
    own = read_html(page(), url="https://www.isna.ir/news/1402031500001/x")
    assert (own.agency, own.site, own.news_code) == ("خبرگزاری ایسنا", "خبرگزاری ایسنا", "1402031500001")
    republished = page(paragraphs=("به گزارش ایرنا، وزیر نفت امروز در جمع خبرنگاران از افزایش صادرات خبر داد.",) * 2)
    article = read_html(republished, url="https://www.isna.ir/news/1402031500002/y")
    assert article.agency == "خبرگزاری ایرنا"
    unknown = read_html(page(head='<meta property="og:site_name" content="پایگاه خبری نمونه | اخبار روز">'))
    assert unknown.agency == "خبرگزاری ایسنا"  # the opening names a known outlet: its full name
    assert unknown.site == "پایگاه خبری نمونه"


def test_relative_canonical_is_made_absolute() -> None:
    text = page(
        head='<link rel="canonical" href="/fa/news/1402/03/15/123/x">'
        '<script type="application/ld+json">{"@type":"NewsArticle","publisher":{"url":"https://www.tasnimnews.com"}}</script>'
    )
    assert read_html(text).url == "https://www.tasnimnews.com/fa/news/1402/03/15/123/x"


def test_pages_without_an_article_are_errors() -> None:
    with pytest.raises(ExtractError, match="headline"):
        read_html("<html><body><p>فقط یک بند کوتاه</p></body></html>")
    with pytest.raises(ExtractError, match="no article text"):
        read_html(page(paragraphs=()).replace('itemprop="articleBody"', ""))
