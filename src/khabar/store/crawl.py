"""The crawl's memory, in the store's database: what each feed, sitemap and robots.txt said last
time (validators for conditional requests, when to look again, the last error) and the frontier
of article addresses (pending until the article is stored, then done), so a crawl survives a
restart or a `kill -9` and never fetches a stored article twice."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from khabar.store.sqlite import Connection

SCHEMA = """
CREATE TABLE IF NOT EXISTS fetch_state (
    url           TEXT PRIMARY KEY,
    source        TEXT NOT NULL,
    kind          TEXT NOT NULL,          -- feed | sitemap | robots
    etag          TEXT,
    last_modified TEXT,
    body          BLOB,                   -- kept for robots.txt, which a 304 must still answer
    fetched_at    REAL,
    next_due      REAL NOT NULL DEFAULT 0,
    interval      REAL NOT NULL DEFAULT 600,
    status        TEXT,                   -- ok | unchanged | error
    error         TEXT,
    failures      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS frontier (
    url      TEXT PRIMARY KEY,
    source   TEXT NOT NULL,
    found_at REAL NOT NULL,
    state    TEXT NOT NULL DEFAULT 'pending',  -- pending | done | failed | skipped | deferred
    attempts INTEGER NOT NULL DEFAULT 0,
    error    TEXT
);
CREATE INDEX IF NOT EXISTS frontier_pending ON frontier(found_at) WHERE state = 'pending';
"""


@dataclass(frozen=True)
class FetchState:
    url: str
    etag: str | None
    last_modified: str | None
    body: bytes | None
    next_due: float
    interval: float
    failures: int


def fetch_state(conn: Connection, url: str) -> FetchState | None:
    row = conn.execute(
        "SELECT url, etag, last_modified, body, next_due, interval, failures FROM fetch_state WHERE url = ?", (url,)
    ).fetchone()
    return FetchState(*row) if row else None


def record_fetch(
    conn: Connection,
    url: str,
    *,
    source: str,
    kind: str,
    status: str,
    next_due: float,
    interval: float,
    etag: str | None = None,
    last_modified: str | None = None,
    body: bytes | None = None,
    error: str | None = None,
) -> None:
    """What one fetch of a feed, sitemap or robots.txt found. Validators and a kept body survive
    an unchanged (304) or failed fetch; failures count up until a fetch succeeds."""
    failed = status == "error"
    conn.execute(
        """INSERT INTO fetch_state (url, source, kind, etag, last_modified, body, fetched_at, next_due,
                                    interval, status, error, failures)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(url) DO UPDATE SET
               source = excluded.source, kind = excluded.kind,
               etag = coalesce(excluded.etag, fetch_state.etag),
               last_modified = coalesce(excluded.last_modified, fetch_state.last_modified),
               body = coalesce(excluded.body, fetch_state.body),
               fetched_at = excluded.fetched_at, next_due = excluded.next_due, interval = excluded.interval,
               status = excluded.status, error = excluded.error,
               failures = CASE WHEN excluded.status = 'error' THEN fetch_state.failures + 1 ELSE 0 END""",
        (url, source, kind, etag, last_modified, body, time.time(), next_due, interval, status, error, int(failed)),
    )


def add_to_frontier(conn: Connection, source: str, urls: Iterable[str]) -> int:
    """Queue article addresses not seen before; returns how many were new."""
    now = time.time()
    conn.execute("BEGIN")
    cur = conn.executemany(
        "INSERT OR IGNORE INTO frontier (url, source, found_at) VALUES (?, ?, ?)", ((u, source, now) for u in urls)
    )
    conn.execute("COMMIT")
    return cur.rowcount


def pending(conn: Connection, limit: int, sources: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """(url, source) of addresses still to fetch, oldest found first."""
    wanted = list(sources) if sources is not None else None
    if wanted is None:
        rows = conn.execute(
            "SELECT url, source FROM frontier WHERE state = 'pending' ORDER BY found_at, url LIMIT ?", (limit,)
        )
    else:
        marks = ",".join("?" * len(wanted))
        rows = conn.execute(
            f"SELECT url, source FROM frontier WHERE state = 'pending' AND source IN ({marks})"
            " ORDER BY found_at, url LIMIT ?",
            (*wanted, limit),
        )
    return rows.fetchall()


def finish(conn: Connection, outcomes: Iterable[tuple[str, str, str | None]]) -> None:
    """Record (url, state, error) for fetched addresses: done, failed or skipped."""
    conn.execute("BEGIN")
    conn.executemany(
        "UPDATE frontier SET state = ?, error = ?, attempts = attempts + 1 WHERE url = ?",
        ((state, error, url) for url, state, error in outcomes),
    )
    conn.execute("COMMIT")


def requeue_deferred(conn: Connection) -> None:
    """Addresses put off in the last crawl (their site's robots.txt could not be read) are due."""
    conn.execute("UPDATE frontier SET state = 'pending' WHERE state = 'deferred'")


def source_status(conn: Connection) -> dict[str, dict]:
    """Per source: its feeds' and sitemaps' last fetch (time, status, error) and its frontier
    counts, for the sources page and the log."""
    found: dict[str, dict] = {}
    for source, url, kind, fetched_at, status, error, failures in conn.execute(
        "SELECT source, url, kind, fetched_at, status, error, failures FROM fetch_state"
        " WHERE kind != 'robots' ORDER BY source, url"
    ):
        entry = found.setdefault(source, {"fetches": [], "articles": {}})
        entry["fetches"].append(
            {"url": url, "kind": kind, "fetched_at": fetched_at, "status": status, "error": error, "failures": failures}
        )
    for source, state, count in conn.execute("SELECT source, state, count(*) FROM frontier GROUP BY source, state"):
        found.setdefault(source, {"fetches": [], "articles": {}})["articles"][state] = count
    return found
