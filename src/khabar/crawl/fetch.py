"""The one way khabar fetches from the web: asynchronous (httpx), polite, bounded.

- Politeness: at most `per_host` requests at once to one host, and `delay` seconds between the
  starts of two requests to it (a robots.txt Crawl-delay can ask for more); a clear User-Agent.
- Conditional requests: an ETag or Last-Modified from last time is sent back, so an unchanged
  feed costs one 304.
- Bounds: a total time per fetch (a server that drips bytes cannot hold a worker), a redirect
  limit, a cap on the size after gzip/brotli decoding (a compression bomb stops at the cap),
  a content-type check before the body is read.
- Retries: a 5xx, a 429 or a timeout is tried again with backoff, honouring Retry-After up to a
  bound; past it, the fetch fails with the reason and the crawl schedules the source later.
- Lanes: httpcore's connection pool checks every pooled connection (a socket poll each) and
  counts them again for each idle one whenever a request starts or ends (encode/httpcore#1035),
  so one pool of many connections costs more CPU than the fetching. Each host is served by
  lanes of at most LANE connections, one small pool each.

Nothing here raises for a failed fetch: the result says what went wrong, in one line.
"""

from __future__ import annotations

import asyncio
import email.utils
import ssl
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from urllib.parse import urlsplit

import certifi
import httpx

USER_AGENT = f"khabar/{version('khabar')} (Persian news search; polite crawler; obeys robots.txt)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = ("xml", "rss", "atom", "text/plain", "text/html")  # sites serve feeds under many types


@dataclass(frozen=True)
class Politeness:
    delay: float = 1.0  # seconds between two requests to one host
    per_host: int = 2
    total: int = 16  # requests in flight at once, all hosts together
    timeout: float = 20.0  # seconds for the whole fetch
    max_bytes: int = 5_000_000  # after decoding
    retries: int = 2
    backoff: float = 1.0  # seconds before the first retry; doubles
    max_retry_after: float = 120.0
    max_redirects: int = 5


POLITE = Politeness()
LANE = 4  # connections in one pool (see the module docstring)


@dataclass
class Fetched:
    """What one fetch gave: the response (status, headers, body) or the reason it failed."""

    url: str
    final_url: str
    status: int | None = None
    reason: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    error: str | None = None
    retry_after: float | None = None  # the server asked to wait this long before asking again
    request_headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and self.status == 200

    @property
    def not_modified(self) -> bool:
        return self.error is None and self.status == 304

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in (self.header("content-type") or "").split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip("\"' ")
        return None


class Fetcher:
    """Use as `async with Fetcher(...) as f: await f.get(url)`. `on_response` sees every
    response whose body was read (the crawl archives them), but a 200 of a `get` with
    `keep_ok`: that one its caller archives itself."""

    def __init__(
        self,
        politeness: Politeness = POLITE,
        on_response: Callable[[Fetched], None] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.politeness = politeness
        self.on_response = on_response
        self._transport = transport
        self._clients: list[httpx.AsyncClient] = []
        self._tls: ssl.SSLContext | None = None  # one for all lanes: each costs the CA bundle to load
        self._all = asyncio.Semaphore(politeness.total)
        self._hosts: dict[str, _Host] = {}
        self._open = False

    async def __aenter__(self) -> Fetcher:
        self._open = True
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._open = False
        for client in self._clients:
            await client.aclose()
        self._clients.clear()

    def _new_client(self) -> httpx.AsyncClient:
        p = self.politeness
        if self._tls is None and self._transport is None:
            self._tls = ssl.create_default_context(cafile=certifi.where())
        client = httpx.AsyncClient(
            follow_redirects=True,
            max_redirects=p.max_redirects,
            timeout=httpx.Timeout(p.timeout),
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate, br"},
            limits=httpx.Limits(max_connections=LANE, max_keepalive_connections=LANE),
            verify=self._tls or True,
            transport=self._transport,
        )
        self._clients.append(client)
        return client

    def slow_down(self, host: str, delay: float) -> None:
        """Ask for at least `delay` seconds between requests to `host` (robots.txt Crawl-delay)."""
        self._host(host).delay = max(self._host(host).delay, delay)

    async def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: tuple[str, ...] | None = None,
        keep_ok: bool = False,
    ) -> Fetched:
        """GET `url` (conditionally when given validators); `accept`: content types (substrings)
        whose body is worth reading."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        p = self.politeness
        result = Fetched(url, url)
        for attempt in range(p.retries + 1):
            result = await self._attempt(url, headers, accept, keep_ok)
            retryable = result.status is None or result.status == 429 or (result.status or 0) >= 500
            if not retryable or (result.error and "too many redirects" in result.error) or attempt == p.retries:
                break
            wait = p.backoff * 2**attempt
            if result.retry_after is not None:
                if result.retry_after > p.max_retry_after:
                    break
                wait = max(wait, result.retry_after)
            await asyncio.sleep(wait)
        return result

    async def _attempt(
        self, url: str, headers: dict[str, str], accept: tuple[str, ...] | None, keep_ok: bool = False
    ) -> Fetched:
        assert self._open, "use the Fetcher in `async with`"
        host = self._host(urlsplit(url).hostname or "")
        p = self.politeness
        result = Fetched(url, url)
        async with self._all, host.lane() as client:
            await host.wait_turn()
            try:
                async with asyncio.timeout(p.timeout):
                    async with client.stream("GET", url, headers=headers) as response:
                        result = _start(url, response)
                        problem = _refusal(result, accept, p.max_bytes)
                        if problem:
                            result.error = problem
                            return result
                        result.body = await _read_capped(response, p.max_bytes)
            except TimeoutError:
                result.error = f"no complete answer within {p.timeout:g} s"
                return result
            except httpx.TooManyRedirects:
                result.error = f"too many redirects (more than {p.max_redirects})"
                return result
            except _TooLarge:
                result.error = f"larger than {p.max_bytes / 1e6:g} MB"
                return result
            except httpx.DecodingError as e:
                result.error = f"the compressed body is broken: {e}"
                return result
            except (httpx.TransportError, httpx.InvalidURL, httpx.UnsupportedProtocol) as e:
                result.error = _transport_reason(e)
                return result
        if self.on_response is not None and not (keep_ok and result.status == 200):
            self.on_response(result)
        if result.status not in (200, 304) and result.error is None:
            result.error = f"HTTP {result.status} {result.reason}".strip()
        return result

    def _host(self, host: str) -> _Host:
        if host not in self._hosts:
            per_host = self.politeness.per_host
            lanes = [self._new_client() for _ in range(-(-per_host // LANE))]
            self._hosts[host] = _Host([lanes[i // LANE] for i in range(per_host)], self.politeness.delay)
        return self._hosts[host]


class _Host:
    """One host's slots (one for each request it may have in flight, each on a lane's client)
    and its turn-taking."""

    def __init__(self, slots: list[httpx.AsyncClient], delay: float) -> None:
        self._free: asyncio.Queue[httpx.AsyncClient] = asyncio.Queue()
        for client in slots:
            self._free.put_nowait(client)
        self.delay = delay
        self._next = 0.0
        self._lock = asyncio.Lock()

    @asynccontextmanager
    async def lane(self) -> AsyncIterator[httpx.AsyncClient]:
        """A free slot's client, for one request."""
        client = await self._free.get()
        try:
            yield client
        finally:
            self._free.put_nowait(client)

    async def wait_turn(self) -> None:
        async with self._lock:
            now = time.monotonic()
            if self._next > now:
                await asyncio.sleep(self._next - now)
            self._next = max(now, self._next) + self.delay


class _TooLarge(Exception):
    pass


def _start(url: str, response: httpx.Response) -> Fetched:
    result = Fetched(
        url,
        str(response.url),
        status=response.status_code,
        reason=response.reason_phrase,
        headers=[(k, v) for k, v in response.headers.multi_items()],
        request_headers=[(k, v) for k, v in response.request.headers.multi_items()],
    )
    result.retry_after = _retry_after(response.headers.get("retry-after"))
    return result


def _refusal(result: Fetched, accept: tuple[str, ...] | None, max_bytes: int) -> str | None:
    if result.status != 200:
        return None
    length = result.header("content-length")
    if length and length.isdigit() and int(length) > max_bytes:
        return f"larger than {max_bytes / 1e6:g} MB (Content-Length {int(length):,})"
    if accept and not any(kind in result.content_type for kind in accept):
        return f"not a page of the expected kind: {result.content_type or 'no content type'}"
    return None


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _transport_reason(e: Exception) -> str:
    text = str(e) or type(e).__name__
    if isinstance(e, httpx.ConnectError) and ("Name or service" in text or "resolution" in text):
        return f"unreachable: the host name does not resolve ({text})"
    if isinstance(e, httpx.ConnectError):
        return f"unreachable: {text}"
    if isinstance(e, httpx.TimeoutException):
        return f"timed out: {text or type(e).__name__}"
    return f"{type(e).__name__}: {text}"
