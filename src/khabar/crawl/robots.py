"""robots.txt rules (RFC 9309) from a fetch's outcome: read by the standard library's parser.

A robots.txt that is missing (4xx) allows everything; one that cannot be fetched (5xx, network
error) forbids everything until it can be, as the RFC asks.
"""

from __future__ import annotations

from urllib.robotparser import RobotFileParser

AGENT = "khabar"
MAX_CRAWL_DELAY = 30.0  # seconds; a site asking for more is visited at this pace


class Robots:
    """`unreachable` holds why robots.txt could not be read (everything is refused meanwhile,
    and the crawl tries again on its next visit); None when the site answered."""

    def __init__(self, text: str | None = None, *, allow_all: bool = False, unreachable: str | None = None) -> None:
        self._parser: RobotFileParser | None = None
        self._allow_all = allow_all
        self.unreachable = unreachable
        if text is not None:
            self._parser = RobotFileParser()
            self._parser.parse(text.splitlines())

    @classmethod
    def from_fetch(cls, status: int | None, body: bytes, error: str | None = None) -> Robots:
        if status == 200:
            return cls(body.decode("utf-8", errors="replace"))
        if status is not None and 400 <= status < 500:
            return cls(allow_all=True)
        return cls(unreachable=f"robots.txt: {error or f'HTTP {status}'}")  # nothing is allowed for now

    def allows(self, url: str) -> bool:
        if self._parser is None:
            return self._allow_all
        return self._parser.can_fetch(AGENT, url)

    @property
    def crawl_delay(self) -> float | None:
        if self._parser is None:
            return None
        delay = self._parser.crawl_delay(AGENT)
        return min(float(delay), MAX_CRAWL_DELAY) if delay is not None else None
