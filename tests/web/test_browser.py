"""The web UI in a real browser: Debian's chromium driven by Playwright, against the real
`khabar serve`. Screenshots at phone and desktop width land in test-artifacts/ for people to
look at. CI sets KHABAR_REQUIRE_BROWSER=1, so a missing chromium fails there instead of skipping."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from khabar.text.display import display
from tests.conftest import EXPECTED, REPO, SEED_NAMES
from tests.web.conftest import XSS_TITLE

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# How the workplace's machines start chromium: no sandbox as root, no calls home on a closed network.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not Path(CHROMIUM).exists():
    if os.environ.get("KHABAR_REQUIRE_BROWSER"):
        raise RuntimeError(f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does)")
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, locale="fa-IR")
    p = context.new_page()
    dialogs: list[str] = []
    p.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    p.dialogs = dialogs  # type: ignore[attr-defined]
    yield p
    context.close()


def shoot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways at {label} width ({overflow}px)"
    page.set_viewport_size(DESKTOP)


def test_a_search_typed_into_the_box_finds_the_seed(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    assert page.get_attribute("html", "dir") == "rtl" and page.get_attribute("html", "lang") == "fa"
    shoot(page, "home")
    page.fill("input[name=q]", "واین ماروتو")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/search?q=*")
    titles = page.locator("li.hit h2 a").all_inner_texts()
    seeds = {display(EXPECTED["pages"][name]["title"]) for name in SEED_NAMES}
    assert seeds & set(titles), titles
    assert page.locator("li.hit mark").count() > 0
    shoot(page, "search")


def test_the_page_is_set_in_the_bundled_font(page: Page, base_url: str) -> None:
    page.goto(base_url + "/search?q=" + "تهران")
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('16px Vazirmatn', 'خبر')")
    loaded = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
    assert any("Vazirmatn" in family for family in loaded), loaded
    direction = page.eval_on_selector("li.hit", "e => getComputedStyle(e).direction")
    assert direction == "rtl"


def test_the_article_page_links_the_original(page: Page, base_url: str) -> None:
    page.goto(base_url + "/search?q=" + "بیانیه پایانی خزر")
    page.locator("li.hit h2 a").first.click()
    page.wait_for_url("**/article/*")
    original = page.locator("a.original")
    assert original.get_attribute("href") == "https://www.irna.ir/news/85000001/"
    assert "ایرنا" in page.locator(".credit").inner_text()
    shoot(page, "article")
    page.locator("text=همهٔ گزارش‌ها به ترتیب زمان").click()
    page.wait_for_url("**/story/*")
    assert page.locator("ol.timeline > li").count() == 3
    shoot(page, "story")


def test_a_stored_script_in_a_title_renders_as_text(page: Page, base_url: str) -> None:
    page.goto(base_url + "/search?q=" + "هشدار امنیتی")
    link = page.locator("li.hit h2 a", has_text="هشدار امنیتی").first
    assert link.inner_text() == XSS_TITLE
    link.click()
    page.wait_for_url("**/article/*")
    assert page.locator("h1").inner_text() == XSS_TITLE
    assert page.locator("main img, main script, .body b").count() == 0
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_errors_render_as_a_persian_page(page: Page, base_url: str) -> None:
    response = page.goto(base_url + "/article/nothing-here")
    assert response is not None and response.status == 404
    assert "پیدا نشد" in page.locator("h1").inner_text()
    shoot(page, "not-found")
