"""The search routes' answer cache, in the real app over a real index: a repeated search is
answered again at once, with the security headers; an article committed since (by another
process) is never hidden behind a cached answer."""

from __future__ import annotations

from pathlib import Path

import httpx
from starlette.requests import Request
from starlette.responses import HTMLResponse

from khabar.web.app import create_app
from khabar.web.cache import AnswerCache
from tests.conftest import REPO, run_khabar
from tests.web.conftest import serving

PAGES = REPO / "tests" / "data" / "pages"


def test_a_cached_answer_gives_way_to_a_commit(tmp_path: Path) -> None:
    data = tmp_path / "data"
    run_khabar("ingest", str(PAGES / "asriran-1.html"), data=data, check=True)
    with serving(create_app(data, rate_limit=0)) as base, httpx.Client(base_url=base, timeout=10) as client:
        first = client.get("/search", params={"q": "ولفسبورگ"})
        again = client.get("/search", params={"q": "ولفسبورگ"})
        assert first.status_code == again.status_code == 200
        assert again.text == first.text and "ولفسبورگ" in first.text
        assert again.headers["content-type"] == "text/html; charset=utf-8"
        assert "default-src" in again.headers["content-security-policy"]
        api = client.get("/api/search", params={"q": "ولفسبورگ"}).json()
        assert api["total"] == 0

        run_khabar("ingest", str(PAGES / "asriran-2.html"), data=data, check=True)  # "بایرن 2 - 1 ولفسبورگ"

        after = client.get("/search", params={"q": "ولفسبورگ"})
        assert after.text != first.text and "بایرن" in after.text
        assert client.get("/api/search", params={"q": "ولفسبورگ"}).json()["total"] == 1


def _request(query: str) -> Request:
    return Request({"type": "http", "method": "GET", "path": "/search", "query_string": query.encode(), "headers": []})


def test_an_answer_is_kept_for_its_time_only_and_errors_never() -> None:
    generation = [1]
    answers = AnswerCache(lambda: generation[0], ttl=60)
    answers.keep(answers.key(_request("q=a")), HTMLResponse("<p>الف</p>"))
    answers.keep(answers.key(_request("q=b")), HTMLResponse("خطا", status_code=400))
    kept = answers.get(answers.key(_request("q=a")))
    assert kept is not None and kept.body == "<p>الف</p>".encode() and kept.media_type == "text/html"
    assert answers.get(answers.key(_request("q=b"))) is None and answers.get(answers.key(_request("q=c"))) is None
    generation[0] = 2  # a commit
    assert answers.get(answers.key(_request("q=a"))) is None
    stale = AnswerCache(lambda: 1, ttl=0)
    stale.keep(stale.key(_request("q=a")), HTMLResponse("<p>الف</p>"))
    assert stale.get(stale.key(_request("q=a"))) is None


def test_an_answer_made_while_a_commit_lands_is_filed_under_the_generation_before_it() -> None:
    generation = [1]
    answers = AnswerCache(lambda: generation[0])
    key = answers.key(_request("q=a"))  # asked at generation 1
    generation[0] = 2  # a commit lands while the answer is made
    answers.keep(key, HTMLResponse("<p>پیش از ثبت</p>"))
    assert answers.get(answers.key(_request("q=a"))) is None
