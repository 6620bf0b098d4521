"""The web app over HTTP: the real `khabar serve` on 127.0.0.1, a real index on disk."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import feedparser
import httpx
import pytest

from khabar.text.chars import fold
from khabar.text.display import display
from khabar.web import create_app
from tests.conftest import EXPECTED, SEED_NAMES
from tests.web.conftest import STORY, XSS_TITLE, serving

TITLE_000 = EXPECTED["pages"][SEED_NAMES[0]]["title"]
TITLE_002 = EXPECTED["pages"][SEED_NAMES[1]]["title"]
SPELLING_GROUPS = EXPECTED["canonical_forms"]["groups"]


def text_of(html: str) -> str:
    """The visible text of a page, roughly: tags out, entities decoded, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def hit_titles(html: str) -> list[str]:
    return [text_of(t) for t in re.findall(r'<li class="hit">\s*<h2><a href="/article/\w+">(.*?)</a>', html, re.S)]


def test_home_lists_the_latest_stories_right_to_left(client: httpx.Client) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert '<html lang="fa" dir="rtl">' in r.text
    assert 'href="/static/style.css"' in r.text
    first = re.search(r'<li class="story">.*?</li>', r.text, re.S)
    assert (first and "آغاز نشست سران" in first.group()) or "بیانیه پایانی" in first.group()
    assert f'href="/story/{STORY}"' in r.text  # a story of several reports links its story page
    assert "۳ گزارش" in r.text and "ایسنا، خبرآنلاین، ایرنا" in text_of(first.group())
    assert re.search(r"[۰-۹]+ خبر در نمایه", r.text)


def test_the_bundled_font_and_stylesheet_are_served(client: httpx.Client) -> None:
    css = client.get("/static/style.css")
    assert css.status_code == 200 and 'url("/static/fonts/Vazirmatn.woff2")' in css.text
    font = client.get("/static/fonts/Vazirmatn.woff2")
    assert font.status_code == 200 and font.content[:4] == b"wOF2" and len(font.content) > 50_000


@pytest.mark.parametrize("group", SPELLING_GROUPS[:4], ids=lambda g: g[0])
def test_every_spelling_finds_its_seed(client: httpx.Client, group: list[str]) -> None:
    for spelling in group:  # beside a word both seeds hold: the demo corpus has other such pages
        r = client.get("/search", params={"q": f"{spelling} ائتلاف"})
        assert r.status_code == 200
        titles = hit_titles(r.text)
        assert display(TITLE_000) in titles or display(TITLE_002) in titles, spelling


def test_snippets_mark_every_spelling_of_the_query(client: httpx.Client) -> None:
    r = client.get("/search", params={"q": "می شویم"})
    marks = {fold(text_of(m)) for m in re.findall(r"<mark>(.*?)</mark>", r.text)}
    assert marks and all(m.replace("\u200c", "").replace(" ", "") == "میشویم" for m in marks), marks


def test_agency_facet_links_filter_the_results(client: httpx.Client) -> None:
    r = client.get("/search", params={"q": "تیم"})
    facets = re.findall(
        r'<li><a href="(/search\?[^"]*agency=[^"]*)">([^<]+)</a> <span class="n">([۰-۹٬]+)</span>', r.text
    )
    assert len(facets) >= 2
    link, name, count = facets[1]
    filtered = client.get(unescape(link))
    assert f"{count} نتیجه" in filtered.text
    metas = re.findall(r'<p class="meta">\s*([^<·]+?)\s*(?:·|</p>)', filtered.text)
    assert metas and {m.strip() for m in metas} == {name}
    assert "×" in filtered.text  # the active filter shows, with a link that removes it


def test_day_facets_and_date_range(client: httpx.Client) -> None:
    r = client.get("/search", params={"q": "تهران"})
    days = re.findall(r'href="(/search\?[^"]*from=(\d{4}-\d\d-\d\d)&amp;to=\2[^"]*)"', r.text)
    assert days
    one_day = client.get(unescape(days[0][0]))
    assert one_day.status_code == 200 and hit_titles(one_day.text)
    jalali = client.get("/search", params={"q": "نشست سران", "from": "۱۴۰۵/۰۹/۰۲", "to": "1405-09-02"})
    assert "آغاز نشست سران کشورهای حاشیه خزر در تهران" in hit_titles(jalali.text)
    assert client.get("/search", params={"q": "نشست سران", "from": "2026-11-24"}).text.count('class="hit"') == 0


def test_paging_walks_through_the_results(client: httpx.Client) -> None:
    first = client.get("/search", params={"q": "ایران"})
    assert 'rel="next"' in first.text
    second = client.get("/search", params={"q": "ایران", "page": 2})
    assert second.status_code == 200 and 'rel="prev"' in second.text
    assert set(hit_titles(first.text)).isdisjoint(hit_titles(second.text))
    assert "۱۱ تا ۲۰" in second.text


def test_sort_by_newest(client: httpx.Client) -> None:
    r = client.get("/search", params={"q": "خزر", "sort": "newest"})
    times = re.findall(r'<li class="hit">.*?<time datetime="([^"]+)"', r.text, re.S)
    assert times == sorted(times, reverse=True) and len(times) >= 2
    assert "<strong>جدیدترین</strong>" in r.text


def test_copies_of_an_article_are_shown_with_its_hit(client: httpx.Client) -> None:
    r = client.get("/search", params={"q": '"آغاز نشست سران"'})
    assert "۱ منبع دیگر" in r.text and "خبرآنلاین" in r.text


def test_article_page_credits_and_links_the_original(client: httpx.Client) -> None:
    hits = client.get("/api/search", params={"q": "بیانیه پایانی خزر"}).json()["hits"]
    page = client.get(f"/article/{hits[0]['id']}")
    assert page.status_code == 200
    assert '<a class="original" href="https://www.irna.ir/news/85000001/" rel="noopener">' in page.text
    assert "منبع: <strong>ایرنا</strong>" in page.text
    assert "دوشنبه ۲ آذر ۱۴۰۵، ساعت ۱۸:۳۰" in page.text  # Jalali, Persian digits, Tehran time
    assert "دیگر گزارش‌های این ماجرا" in page.text and "آغاز نشست سران" in page.text


def test_article_page_of_a_seed(client: httpx.Client) -> None:
    hit = client.get("/api/search", params={"q": "واین ماروتو"}).json()["hits"][0]
    page = client.get(f"/article/{hit['id']}")
    text = text_of(page.text)
    assert display(TITLE_000) in text or display(TITLE_002) in text
    assert "به نقل از:" in text  # the attribution chain
    assert "نشانی اصلی این خبر در دست نیست" in text  # a page dump without its address says so


def test_story_page_lists_every_source_in_time_order(client: httpx.Client) -> None:
    page = client.get(f"/story/{STORY}")
    assert page.status_code == 200
    agencies = re.findall(r'<time datetime="[^"]+">[^<]+</time> · ([^<]+)</p>', page.text)
    assert [a.strip() for a in agencies] == ["ایسنا", "خبرآنلاین", "ایرنا"]
    assert "۳ گزارش از ۳ منبع" in page.text
    api = client.get(f"/api/stories/{STORY}").json()
    assert [a["agency"] for a in api["articles"]] == ["ایسنا", "خبرآنلاین", "ایرنا"]
    assert api["first_seen"] == "2026-11-23T09:00:00+03:30"


def test_untrusted_text_is_escaped_everywhere(client: httpx.Client) -> None:
    api = client.get("/api/search", params={"q": "هشدار امنیتی"}).json()
    assert api["hits"][0]["title"] == XSS_TITLE
    article_id = api["hits"][0]["id"]
    for path in ("/search?q=هشدار امنیتی", f"/article/{article_id}", "/"):
        html = client.get(path).text
        assert "<script>alert" not in html and "<img src=x" not in html and "<b onmouseover" not in html, path
        assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in html, path
        assert 'href="javascript:' not in html, path  # a hostile address is shown as no link at all
    feed = client.get("/feed", params={"q": "هشدار امنیتی"})
    assert b"<script>" not in feed.content
    assert feedparser.parse(feed.content).entries[0].title == XSS_TITLE


def test_queries_never_break_the_page(client: httpx.Client) -> None:
    for q in ['"unbalanced', "title:foo AND (", "' OR 1=1 --", "*", "\x00\x07 تیم", "«", "-", "OR OR"]:
        r = client.get("/search", params={"q": q})
        assert r.status_code in (200, 400), q
        assert "Traceback" not in r.text and '<html lang="fa" dir="rtl">' in r.text
    reflected = client.get("/search", params={"q": '"><script>alert(1)</script>'})
    assert "<script>alert(1)" not in reflected.text


def test_errors_are_persian_pages(client: httpx.Client) -> None:
    missing = client.get("/article/0000000000000000")
    assert missing.status_code == 404 and "این صفحه پیدا نشد" in missing.text and 'dir="rtl"' in missing.text
    assert client.get("/no/such/page").status_code == 404
    bad = client.get("/search", params={"q": "تیم", "page": "abc"})
    assert bad.status_code == 400 and "پارامترهای درخواست درست نیست" in bad.text
    long = client.get("/search", params={"q": "ا " * 300})
    assert long.status_code == 400 and "longer than" in long.text
    bad_date = client.get("/search", params={"q": "تیم", "from": "فردا"})
    assert bad_date.status_code == 400 and "Traceback" not in bad_date.text
    assert client.get("/api/articles/nope").json() == {
        "error": "این صفحه پیدا نشد.",
        "detail": "نشانی را بررسی کنید یا جستجو کنید.",
    }


def test_requests_beyond_the_limits_are_refused(client: httpx.Client) -> None:
    assert client.get("/search", params={"q": "x" * 5000}).status_code == 414
    assert client.post("/search", content=b"x" * 10_000).status_code == 413
    assert client.post("/search", data={"q": "تیم"}).status_code == 405
    head = client.head("/")
    assert head.status_code == 200 and head.content == b""


def test_security_headers_on_every_response(client: httpx.Client) -> None:
    for path in ("/", "/search?q=تیم", "/static/style.css", "/no/such/page", "/api/search?q=تیم", "/feed?q=تیم"):
        headers = client.get(path).headers
        assert "script-src" not in headers["content-security-policy"], path
        assert headers["content-security-policy"].startswith("default-src 'none'"), path
        assert headers["x-content-type-options"] == "nosniff", path


def test_api_search_follows_the_interface(client: httpx.Client) -> None:
    body = client.get("/api/search", params={"q": "بین المللی", "limit": 3}).json()
    assert set(body) >= {"query", "total", "hits", "facets"}
    assert body["query"] == "بین المللی" and body["total"] >= 1 and len(body["hits"]) <= 3
    hit = body["hits"][0]
    assert set(hit) >= {"id", "title", "url", "agency", "published", "snippet", "score", "story_id", "copies"}
    assert isinstance(body["facets"]["agency"], dict)
    article = client.get(f"/api/articles/{hit['id']}").json()
    assert article["id"] == hit["id"] and set(article) >= {"published_jalali", "cites", "news_code", "entities"}
    assert client.get("/api/search", params={"q": "تیم", "limit": 1000}).status_code == 400


def test_openapi_and_docs(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/api/search", "/api/articles/{article_id}", "/api/stories/{story_id}", "/healthz"} <= set(spec["paths"])
    docs = client.get("/docs")
    assert docs.status_code == 200 and "GET /api/search" in docs.text and "<script" not in docs.text
    assert client.get("/healthz").json() == {"status": "ok"}


def test_rss_of_a_search_is_valid(client: httpx.Client) -> None:
    r = client.get("/feed", params={"q": "خزر"})
    assert r.headers["content-type"].startswith("application/rss+xml")
    feed = feedparser.parse(r.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "rss20" and feed.feed.language == "fa" and "خزر" in feed.feed.title
    links = [e.link for e in feed.entries]
    assert "https://www.irna.ir/news/85000001/" in links
    assert all(e.get("published_parsed") for e in feed.entries)
    latest = feedparser.parse(client.get("/feed").content)
    assert not latest.bozo and len(latest.entries) == 30


def test_the_rate_limit_answers_429(tmp_path: Path) -> None:
    with serving(create_app(tmp_path / "data", rate_limit=1)) as base:
        codes = [httpx.get(f"{base}/search?q=x").status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and codes[-1] == 429
        assert httpx.get(f"{base}/static/style.css").status_code == 200  # files are not counted
        refused = httpx.get(f"{base}/")
        assert refused.status_code == 429 and refused.headers["retry-after"] == "1"
