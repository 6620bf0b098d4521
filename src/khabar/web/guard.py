"""What every response carries and every request must pass, as one small ASGI middleware.

- Security headers: a Content-Security-Policy that allows no script at all and only khabar's own
  styles and font (article text is untrusted: even if something slipped past escaping, the browser
  would not run it), no sniffing, no framing.
- Request limits: khabar only reads (GET/HEAD), so a request body is refused, and so is a URL
  longer than any search needs.
- A rate limit per client address (token bucket), so one client cannot take the engine from the
  others. Static files and the health check are not counted.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = (
    "default-src 'none'; style-src 'self'; font-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
]
MAX_URL_BYTES = 4096
MAX_BODY_BYTES = 1024  # khabar takes no uploads; a form post or a stray body is refused
UNCOUNTED = ("/static/", "/healthz")


class Guard:
    """Wraps the app: limits and rate limit on the way in, security headers on the way out.

    `rate`: requests per second allowed per client address, with bursts up to `burst`; 0 turns the
    limit off (a benchmark or a trusted proxy in front).
    """

    def __init__(self, app: ASGIApp, *, rate: float = 20.0, burst: int = 60, clients: int = 10_000) -> None:
        self.app = app
        self.rate = rate
        self.burst = burst
        self.clients = clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # address → (tokens, last)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal:
            await _plain(send, *refusal)
            return

        head = scope["method"] == "HEAD"
        if head:  # answered as a GET without its body, for every page
            scope = {**scope, "method": "GET"}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS]
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _refusal(self, scope: Scope) -> tuple[int, str, list[tuple[bytes, bytes]]] | None:
        if len(scope.get("raw_path", b"")) + len(scope.get("query_string", b"")) > MAX_URL_BYTES:
            return 414, "نشانی درخواست بیش از حد بلند است.", []
        headers = dict(scope.get("headers", []))
        length = headers.get(b"content-length", b"0")
        if (not length.isdigit() or int(length) > MAX_BODY_BYTES) or b"chunked" in headers.get(
            b"transfer-encoding", b""
        ):
            return 413, "درخواست بیش از حد بزرگ است.", []
        if self.rate and not scope["path"].startswith(UNCOUNTED):
            client = (scope.get("client") or ("?", 0))[0]
            if not self._take(client):
                return 429, "درخواست‌ها بیش از حد زیاد است؛ چند لحظه بعد دوباره امتحان کنید.", [(b"retry-after", b"1")]
        return None

    def _take(self, client: str) -> bool:
        now = time.monotonic()
        tokens, last = self._buckets.pop(client, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        allowed = tokens >= 1.0
        self._buckets[client] = (tokens - 1.0 if allowed else tokens, now)
        if len(self._buckets) > self.clients:  # forget the longest-quiet client
            self._buckets.popitem(last=False)
        return allowed


async def _plain(send: Send, status: int, text: str, extra: list[tuple[bytes, bytes]]) -> None:
    body = text.encode("utf-8")
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        *extra,
        *HEADERS,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
