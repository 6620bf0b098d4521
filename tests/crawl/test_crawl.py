"""`khabar crawl` against a real web server on 127.0.0.1 (tests/crawl/web.py): every allowed
article once, nothing disallowed, the hostile corner logged without a crash or a hang, a second
run of conditional requests only, a WARC that re-ingests to the same articles, and a `kill -9`
that loses nothing."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import httpx

from khabar.crawl import Politeness, Source
from khabar.crawl.crawler import FLUSH_EVERY
from khabar.service import Khabar
from tests.conftest import khabar_command, run_khabar
from tests.crawl.web import MANY_COPIES, NAMES, expected, serving


def stored(data: Path) -> dict[str, str]:
    """id → title of every stored article."""
    with sqlite3.connect(data / "khabar.db") as conn:
        return dict(conn.execute("SELECT id, title FROM articles"))


def crawl(data: Path, sources: Path, *extra: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    argv = [khabar_command(), "--data", str(data), "crawl", "--once", "--sources", str(sources), "--delay", "0"]
    return subprocess.run([*argv, *extra], capture_output=True, text=True, timeout=timeout)


def log_lines(stderr: str) -> list[dict]:
    return [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]


def test_a_crawl_stores_every_allowed_article_once_and_survives_the_hostile_corner(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with serving() as web:
        sources = tmp_path / "sources.toml"
        sources.write_text(web.sources_toml(hostile=True), encoding="utf-8")
        started = time.monotonic()
        first = crawl(data, sources, "--json", "--timeout", "3")
        took = time.monotonic() - started
        assert first.returncode == 1, first.stderr  # some sources failed: exit 1, the rest was crawled
        assert "Traceback" not in first.stderr
        assert took < 60  # the 10 s response and the Retry-After cost seconds, not a hang
        report = json.loads(first.stdout)

        titles = sorted(stored(data).values())
        assert titles == sorted(web.reading(n).title for n in NAMES)  # every allowed article, once
        assert report["added"] == len(NAMES) and report["duplicates"] == 0
        assert web.requests("/private/") == []  # robots.txt said no: never fetched
        assert report["disallowed"] == 1
        assert web.requests("/hostile/busy.xml") == ["/hostile/busy.xml"] * 2  # 503, waited, asked again

        errors = "\n".join(report["errors"])
        assert "/hostile/bomb.xml" in errors
        assert "/hostile/loop: too many redirects" in errors
        assert "/hostile/slow.xml: no complete answer within" in errors
        events = log_lines(first.stderr)
        failed = {e["url"]: e["error"] for e in events if e["event"] == "fetch failed"}
        assert "larger than" in failed[f"{web.base}/hostile/gzipbomb.html"]
        assert "not a page of the expected kind: image/jpeg" in failed[f"{web.base}/hostile/image.jpg"]
        assert all(set(e) >= {"time", "level", "event"} for e in events)

        assert expected("asriran-3")["title"] in titles  # windows-1256, decoded right (hand-checked)

        # A second run: conditional requests only, nothing new.
        web.log.clear()
        second = crawl(data, sources, "--json", "--timeout", "3")
        report2 = json.loads(second.stdout)
        assert report2["added"] == 0 and report2["fetched"] == 0
        good = [(p, h) for p, h in web.log if not p.startswith("/hostile/")]
        assert good and all("if-none-match" in h for _, h in good), [p for p, h in good if "if-none-match" not in h]
        assert not [p for p, _ in good if p.startswith("/news/")]

    # The archive holds every response: ingesting it gives the same articles.
    archives = sorted((data / "archive").glob("*.warc.gz"))
    assert archives
    again = tmp_path / "again"
    run_khabar("ingest", str(data / "archive"), data=again)
    assert stored(again) == stored(data)


def test_kill_9_in_the_middle_loses_nothing_and_stores_nothing_twice(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with serving(page_delay=0.15) as web:
        sources = tmp_path / "sources.toml"
        sources.write_text(web.sources_toml(), encoding="utf-8")
        argv = [khabar_command(), "--data", str(data), "crawl", "--once", "--sources", str(sources), "--delay", "0"]
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(web.requests("/news/")) < 8:
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert len(stored(data)) < len(NAMES)  # it really was cut short
        finished = crawl(data, sources)
        assert finished.returncode == 0, finished.stderr
    titles = list(stored(data).values())
    assert sorted(titles) == sorted(web.reading(n).title for n in NAMES)
    time.sleep(0.5)
    orphans = subprocess.run(["pgrep", "-f", str(data)], capture_output=True, text=True).stdout.split()
    assert orphans == []  # the killed crawler's worker processes ended with it


def test_an_unreachable_source_is_reported_and_shown(tmp_path: Path) -> None:
    data = tmp_path / "data"
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[source]]\nname = "gone"\ntitle = "منبع ناپیدا"\nhomepage = "http://gone.invalid/"\n'
        'feeds = ["http://gone.invalid/rss"]\n',
        encoding="utf-8",
    )
    result = crawl(data, sources)
    assert result.returncode == 1
    events = log_lines(result.stderr)
    errors = [e["error"] for e in events if e["event"] == "source error" and e["source"] == "gone"]
    assert errors and all("unreachable" in e for e in errors), result.stderr  # the reason, not "robots.txt says no"
    from tests.conftest import free_port, wait_until_up

    port = free_port()
    argv = [khabar_command(), "--data", str(data), "serve", "--port", str(port), "--sources", str(sources)]
    server = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_until_up(f"http://127.0.0.1:{port}", server)
        page = httpx.get(f"http://127.0.0.1:{port}/sources").text
        assert "منبع ناپیدا" in page and "در دسترس نیست" in page and "gone.invalid" in page
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_articles_of_a_site_whose_robots_txt_is_down_wait_for_the_next_visit(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with serving() as web:
        sources = tmp_path / "sources.toml"
        sources.write_text(web.sources_toml(), encoding="utf-8")
        crawl(data, sources, "--max-pages", "0")  # the feeds are read, the articles queued
        web.robots_status = 503
        down = json.loads(crawl(data, sources, "--json").stdout)
        assert down["added"] == 0 and down["deferred"] == len(NAMES) + 1  # + the robots-disallowed page
        assert web.requests("/news/") == []
        web.robots_status = 200
        up = json.loads(crawl(data, sources, "--json").stdout)
    assert up["added"] == len(NAMES) and up["disallowed"] == 1


def test_bad_sources_files_get_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    for text, message in (
        ("not toml [", "not valid TOML"),
        ("[[source]]\nname = 'x'\n", "neither `feeds` nor `sitemaps`"),
        ("[[source]]\nname = 'x'\nfeeds = ['javascript:alert(1)']\n", "must be a list of http(s) addresses"),
    ):
        bad.write_text(text, encoding="utf-8")
        result = run_khabar("crawl", "--once", "--sources", str(bad), data=tmp_path / "d")
        assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr


def test_a_larger_web_on_two_hosts_is_stored_once_in_several_batches(tmp_path: Path) -> None:
    """More addresses than one store batch, on two hosts: the crawler keeps fetching while a
    batch is stored (in its own thread), and the second host's robots.txt, when read meanwhile,
    waits for the store's connection. Every address ends done, each once."""
    with serving() as web:
        source = Source("many", "وب بزرگ‌تر", web.base + "/", feeds=(f"{web.base}/many.xml",))
        kh = Khabar(tmp_path / "data")
        try:
            report = kh.crawl([source], politeness=Politeness(delay=0, per_host=8, total=16))
        finally:
            kh.close()
        robots_hosts = sorted(h["host"].split(":")[0] for p, h in web.log if p == "/robots.txt")
    addresses = len(NAMES) * MANY_COPIES
    assert addresses > 2 * FLUSH_EVERY  # several batches, and a window topped up between them
    assert report.fetched == addresses and report.failed == 0
    assert report.added + report.duplicates == addresses
    assert robots_hosts == ["127.0.0.1", "localhost"]
    with sqlite3.connect(tmp_path / "data" / "khabar.db") as conn:
        states = dict(conn.execute("SELECT state, count(*) FROM frontier GROUP BY state"))
        urls = [u for (u,) in conn.execute("SELECT url FROM articles")]
    assert states == {"done": addresses}
    assert len(urls) == len(set(urls)) == report.added
    titles = set(stored(tmp_path / "data").values())
    assert titles == {web.reading(n).title for n in NAMES}
