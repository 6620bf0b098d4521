"""The search routes' answer cache, in the real app over a real index: a repeated search is
answered again at once, with the security headers; an article committed since (by another
process) is never hidden behind a cached answer. Then the middleware alone, in front of a small
ASGI app that counts what reaches it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from khabar.web.app import create_app
from khabar.web.cache import AnswerCache
from khabar.web.guard import Message, Receive, Scope, Send
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
        assert again.headers.get_list("content-security-policy") == first.headers.get_list("content-security-policy")
        assert len(again.headers.get_list("content-security-policy")) == 1  # added afresh, once
        head = client.head("/search", params={"q": "ولفسبورگ"})
        assert head.status_code == 200 and head.content == b""
        api = client.get("/api/search", params={"q": "ولفسبورگ"}).json()
        assert api["total"] == 0

        run_khabar("ingest", str(PAGES / "asriran-2.html"), data=data, check=True)  # "بایرن 2 - 1 ولفسبورگ"

        after = client.get("/search", params={"q": "ولفسبورگ"})
        assert after.text != first.text and "بایرن" in after.text
        assert client.get("/api/search", params={"q": "ولفسبورگ"}).json()["total"] == 1


class Counting:
    """An ASGI app answering `n:<how many requests reached it>`, with status 400 for `q=bad`, in
    two body messages for `q=parts`."""

    def __init__(self) -> None:
        self.calls = 0
        self.during: list[int] = []  # the generation to set while an answer is being made

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.calls += 1
        if self.during:
            generation[0] = self.during.pop()
        status = 400 if scope["query_string"] == b"q=bad" else 200
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"text/plain")]})
        body = f"n:{self.calls}".encode()
        if scope["query_string"] == b"q=parts":
            await send({"type": "http.response.body", "body": body[:1], "more_body": True})
            body = body[1:]
        await send({"type": "http.response.body", "body": body})


generation = [1]


def _get(app: AnswerCache, query: str, path: str = "/search", method: str = "GET") -> tuple[int, bytes]:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "method": method, "path": path, "query_string": query.encode(), "headers": []}
    asyncio.run(app(scope, receive, send))
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


def test_an_answer_is_kept_for_its_time_only_and_errors_never() -> None:
    generation[0] = 1
    inner = Counting()
    app = AnswerCache(inner, lambda: generation[0], paths=("/search",), ttl=60)
    assert _get(app, "q=a") == (200, b"n:1")
    assert _get(app, "q=a") == (200, b"n:1")  # kept
    assert _get(app, "q=parts") == (200, b"n:2")
    assert _get(app, "q=parts") == (200, b"n:2")  # kept whole, from its two parts
    assert _get(app, "q=bad") == (400, b"n:3")
    assert _get(app, "q=bad") == (400, b"n:4")  # errors are made again
    assert _get(app, "q=a", path="/article/x") == (200, b"n:5")
    assert _get(app, "q=a", path="/article/x") == (200, b"n:6")  # other routes pass through
    assert _get(app, "q=a", method="POST") == (200, b"n:7")
    generation[0] = 2  # a commit
    assert _get(app, "q=a") == (200, b"n:8")
    stale = AnswerCache(Counting(), lambda: 1, paths=("/search",), ttl=0)
    assert _get(stale, "q=a") == (200, b"n:1")
    assert _get(stale, "q=a") == (200, b"n:2")  # its time is up at once


def test_an_answer_made_while_a_commit_lands_is_filed_under_the_generation_before_it() -> None:
    generation[0] = 1
    inner = Counting()
    inner.during.append(2)  # a commit lands while the first answer is made
    app = AnswerCache(inner, lambda: generation[0], paths=("/search",))
    assert _get(app, "q=a") == (200, b"n:1")
    assert _get(app, "q=a") == (200, b"n:2")  # made again: the first was made before the commit
    assert _get(app, "q=a") == (200, b"n:2")
