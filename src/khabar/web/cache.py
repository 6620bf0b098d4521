"""A short-lived cache of whole answers for the search routes (a "microcache", as news sites put
in front of their servers): news readers send the same few queries again and again, and for
them the page or JSON made a moment ago is the answer, until the index changes.

An answer is kept for TTL seconds from when it was made, and only while the index is at the
generation it was made from: an article committed since is never hidden. A minute, because a
page says how long ago each article appeared ("۵ دقیقه پیش"). Only successful answers are
kept; headers (the security policy) are added afresh to each response by the guard.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

TTL = 60.0  # seconds
SIZE = 2000  # answers kept, most recently used first


class AnswerCache:
    """Answers by route, query string and index generation."""

    def __init__(self, generation: Callable[[], int], *, ttl: float = TTL, size: int = SIZE) -> None:
        self._generation = generation
        self._ttl = ttl
        self._size = size
        self._answers: OrderedDict[tuple[str, str, int], tuple[float, bytes, str | None]] = OrderedDict()

    def key(self, request: Request) -> tuple[str, str, int]:
        """Taken before the answer is made: an answer made while a commit lands is filed under
        the generation before it, and so is never served once the commit is seen."""
        return request.url.path, request.url.query, self._generation()

    def get(self, key: tuple[str, str, int]) -> Response | None:
        found = self._answers.get(key)
        if found is None or time.monotonic() - found[0] >= self._ttl:
            return None
        self._answers.move_to_end(key)
        return Response(found[1], media_type=found[2])

    def keep(self, key: tuple[str, str, int], response: Response) -> Response:
        """Remember `response` (when it is a 200) under `key`; returns it."""
        if response.status_code == 200:
            self._answers[key] = (time.monotonic(), bytes(response.body), response.media_type)
            self._answers.move_to_end(key)
            if len(self._answers) > self._size:
                self._answers.popitem(last=False)
        return response
