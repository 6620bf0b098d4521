"""A small web of Persian news on 127.0.0.1 for the crawler's tests: real HTTP (the standard
library's threading server), the stand-in article pages of tests/data/pages (real article text in
the layouts of ten sites, two in windows-1256), an RSS feed, a news sitemap behind a sitemap
index, a robots.txt that disallows /private/, validators (ETag, Last-Modified) with 304s, and a
hostile corner: malformed XML, an XML entity bomb, a redirect loop, a 10 s response, a gzip bomb,
a 503 with Retry-After, an image where a page should be."""

from __future__ import annotations

import functools
import gzip
import hashlib
import io
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from khabar.inputs import fetched_page
from khabar.models import Article
from tests.conftest import REPO

PAGES = REPO / "tests" / "data" / "pages"
NAMES = sorted(p.stem for p in PAGES.glob("*.html"))
IN_FEED, IN_SITEMAP = NAMES[:20], NAMES[18:]  # two pages listed by both
WINDOWS_1256 = {"asriran-3", "ilna-3"}
MANY_COPIES = 8  # /many.xml lists every page this many times, at as many addresses
LAST_MODIFIED = formatdate(time.time() - 3600, usegmt=True)
BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE r [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
]>
<rss version="2.0"><channel><title>&e;</title><item><title>&e;</title><link>&e;</link></item></channel></rss>
"""


def expected(name: str) -> dict:
    return json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))


def _rss(base: str, paths: list[str]) -> bytes:
    items = "".join(
        f"<item><title>خبر {n}</title><link>{base}{path}</link><pubDate>{LAST_MODIFIED}</pubDate></item>"
        for n, path in enumerate(paths)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>خبرهای آزمایشی</title>'
        f"<link>{base}/</link><description>وب آزمایشی</description>{items}</channel></rss>"
    ).encode()


def _sitemap(base: str, paths: list[str]) -> bytes:
    urls = "".join(
        f"<url><loc>{base}{p}</loc><news:news><news:title>خبر</news:title>"
        f"<news:publication_date>2021-07-13T18:10:00+04:30</news:publication_date></news:news></url>"
        for p in paths
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>'
    ).encode()


@dataclass
class TestWeb:
    base: str = ""
    page_delay: float = 0.0  # seconds each article page takes (for the kill -9 test)
    robots_status: int = 200
    log: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # (path, request headers)
    _busy_served: set[str] = field(default_factory=set)

    def requests(self, prefix: str = "") -> list[str]:
        return [path for path, _ in self.log if path.startswith(prefix)]

    def sources_toml(self, *, hostile: bool = False) -> str:
        text = f"""
[[source]]
name = "testnews"
title = "خبرگزاری آزمایشی"
homepage = "{self.base}/"
feeds = ["{self.base}/feed.xml"]
sitemaps = ["{self.base}/sitemap_index.xml"]
"""
        if hostile:
            text += f"""
[[source]]
name = "hostile"
title = "گوشهٔ خصمانه"
homepage = "{self.base}/hostile/"
feeds = ["{self.base}/hostile/malformed.xml", "{self.base}/hostile/bomb.xml", "{self.base}/hostile/loop",
         "{self.base}/hostile/slow.xml", "{self.base}/hostile/busy.xml", "{self.base}/hostile/articles.xml"]
"""
        return text

    def reading(self, name: str) -> Article:
        """What khabar reads from page `name` as served here. (The crawl must store exactly this;
        whether the reading is right is tests/extract's business. Here the pages are served from
        127.0.0.1, so a site known only by its address is read without its profile.)"""
        charset = "windows-1256" if name in WINDOWS_1256 else None
        item = fetched_page((PAGES / f"{name}.html").read_bytes(), f"{self.base}/news/{name}.html", charset)
        assert isinstance(item, Article), item
        return item

    def route(self, path: str) -> tuple[int, dict[str, str], bytes]:
        base = self.base
        if path == "/robots.txt":
            if self.robots_status != 200:
                return self.robots_status, {"Content-Type": "text/plain"}, b"down"
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n"
        if path == "/feed.xml":
            paths = [f"/news/{n}.html" for n in IN_FEED] + ["/private/secret.html"]
            return 200, {"Content-Type": "application/rss+xml; charset=utf-8"}, _rss(base, paths)
        if path == "/sitemap_index.xml":
            body = (
                '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<sitemap><loc>{base}/sitemap-news.xml</loc></sitemap></sitemapindex>"
            ).encode()
            return 200, {"Content-Type": "application/xml"}, body
        if path == "/sitemap-news.xml":
            return 200, {"Content-Type": "application/xml"}, _sitemap(base, [f"/news/{n}.html" for n in IN_SITEMAP])
        if path.startswith("/news/") and path.endswith(".html"):
            name = path[len("/news/") : -len(".html")]
            if name in NAMES:
                if self.page_delay:
                    time.sleep(self.page_delay)
                charset = "; charset=windows-1256" if name in WINDOWS_1256 else ""
                return 200, {"Content-Type": f"text/html{charset}"}, (PAGES / f"{name}.html").read_bytes()
        if path.startswith("/many/") and path.endswith(".html"):  # /many/<copy>/<name>.html: a larger web
            name = path.rsplit("/", 1)[1][: -len(".html")]
            if name in NAMES:
                charset = "; charset=windows-1256" if name in WINDOWS_1256 else ""
                return 200, {"Content-Type": f"text/html{charset}"}, (PAGES / f"{name}.html").read_bytes()
        if path == "/many.xml":  # the larger web, its pages half on this address and half on "localhost"
            other = base.replace("127.0.0.1", "localhost")
            links = [f"{(base, other)[c % 2]}/many/{c}/{n}.html" for c in range(MANY_COPIES) for n in NAMES]
            items = "".join(f"<item><title>خبر</title><link>{link}</link></item>" for link in links)
            return (
                200,
                {"Content-Type": "application/rss+xml"},
                f'<rss version="2.0"><channel>{items}</channel></rss>'.encode(),
            )
        if path.startswith("/private/"):
            return 200, {"Content-Type": "text/html; charset=utf-8"}, "<html><title>محرمانه</title></html>".encode()
        if path == "/hostile/malformed.xml":
            good = _rss(base, ["/hostile/image.jpg"])
            return 200, {"Content-Type": "application/rss+xml"}, good[: len(good) - 40] + b"<<&&>>"
        if path == "/hostile/bomb.xml":
            return 200, {"Content-Type": "application/rss+xml"}, BOMB
        if path in ("/hostile/loop", "/hostile/loop2"):
            other = "/hostile/loop2" if path == "/hostile/loop" else "/hostile/loop"
            return 302, {"Location": f"{base}{other}"}, b""
        if path == "/hostile/slow.xml":
            time.sleep(10)
            return 200, {"Content-Type": "application/rss+xml"}, _rss(base, [])
        if path == "/hostile/busy.xml":
            if path not in self._busy_served:
                self._busy_served.add(path)
                return 503, {"Retry-After": "1", "Content-Type": "text/plain"}, b"busy"
            return 200, {"Content-Type": "application/rss+xml"}, _rss(base, ["/hostile/gzipbomb.html"])
        if path == "/hostile/articles.xml":
            return 200, {"Content-Type": "application/rss+xml"}, _rss(base, ["/hostile/image.jpg"])
        if path == "/hostile/gzipbomb.html":
            return 200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, _gzip_bomb()
        if path == "/hostile/image.jpg":
            return 200, {"Content-Type": "image/jpeg"}, b"\xff\xd8\xff\xe0" + b"\0" * 5000
        return 404, {"Content-Type": "text/plain"}, b"not found"


@functools.cache
def _gzip_bomb() -> bytes:
    """200 MB of zeros in about 200 KB of gzip."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as f:
        zeros = b"\0" * (1 << 20)
        for _ in range(200):
            f.write(zeros)
    return buffer.getvalue()


def _handler(web: TestWeb) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            web.log.append((self.path, headers))
            status, extra, body = web.route(self.path)
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            if status == 200 and headers.get("if-none-match") == etag:
                status, body = 304, b""
            self.send_response(status)
            for key, value in extra.items():
                self.send_header(key, value)
            if status in (200, 304):
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", LAST_MODIFIED)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with suppress(BrokenPipeError, ConnectionResetError):  # the crawler gave up on it
                self.wfile.write(body)

        def handle(self) -> None:
            with suppress(BrokenPipeError, ConnectionResetError):
                super().handle()

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serving(page_delay: float = 0.0) -> Iterator[TestWeb]:
    web = TestWeb(page_delay=page_delay)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(web))
    server.daemon_threads = True
    web.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield web
    finally:
        server.shutdown()
        server.server_close()
