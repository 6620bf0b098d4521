"""A short-lived cache of whole answers for the search routes (a "microcache", as news sites put
in front of their servers): news readers send the same few queries again and again, and for
them the page or JSON made a moment ago is the answer, until the index changes.

It is ASGI middleware in front of the framework, inside the guard: a repeated search is answered
without routing, parameter parsing or rendering (those cost more than the lookup), while the
guard still counts it against the rate limit and adds the security headers to it afresh.

An answer is kept for TTL seconds from when it was made, and only while the index is at the
generation it was made from: an article committed since is never hidden. A minute, because a
page says how long ago each article appeared ("۵ دقیقه پیش"). Only complete 200 answers are kept.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Collection

from khabar.web.guard import ASGIApp, Message, Receive, Scope, Send

TTL = 60.0  # seconds
SIZE = 2000  # answers kept, most recently used first

Key = tuple[str, bytes, int]  # path, query string, index generation


class AnswerCache:
    """Answers to GET requests for `paths`, by path, query string and index generation."""

    def __init__(
        self,
        app: ASGIApp,
        generation: Callable[[], int],
        *,
        paths: Collection[str],
        ttl: float = TTL,
        size: int = SIZE,
    ) -> None:
        self.app = app
        self._generation = generation
        self._paths = frozenset(paths)
        self._ttl = ttl
        self._size = size
        self._answers: OrderedDict[Key, tuple[float, list[tuple[bytes, bytes]], bytes]] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] not in self._paths:
            await self.app(scope, receive, send)
            return
        # taken before the answer is made: an answer made while a commit lands is filed under the
        # generation before it, and so is never served once the commit is seen
        key = (scope["path"], scope.get("query_string", b""), self._generation())
        found = self._answers.get(key)
        if found is not None and time.monotonic() - found[0] < self._ttl:
            self._answers.move_to_end(key)
            await send({"type": "http.response.start", "status": 200, "headers": list(found[1])})
            await send({"type": "http.response.body", "body": found[2]})
            return
        status, headers, body = 0, [], []

        async def keeping(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status, headers = message["status"], list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))
                if not message.get("more_body", False) and status == 200:
                    self._keep(key, headers, b"".join(body))
            await send(message)

        await self.app(scope, receive, keeping)

    def _keep(self, key: Key, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        self._answers[key] = (time.monotonic(), headers, body)
        self._answers.move_to_end(key)
        if len(self._answers) > self._size:
            self._answers.popitem(last=False)
