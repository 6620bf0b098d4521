"""SQLite schema and queries for articles.

The store is the record of truth; the search index is derived from it. An article is stored with
a row in `unindexed` that is deleted only after the index has committed it, so a crash between
the two is repaired by the next writer (`unindexed` lists what still has to go in) and nothing
acknowledged is lost. (A narrow table of its own: marking a flag in the article's row would
rewrite the whole row, its text included.) WAL mode lets readers search while one writer ingests.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from khabar.errors import StoreError
from khabar.models import Article
from khabar.store import crawl, groups, sqlite
from khabar.store.sqlite import Connection

# 2: `unindexed` apart from the articles (`_upgrade_from_1`); 3: band buckets made in memory from
# the originals' signatures (`groups.upgrade_buckets`); 4: signatures of 32-bit values; 5: binary
# story centroids, lookup tables clustered by term (`groups.binary_centroids`)
SCHEMA_VERSION = 5
_MMAP_BYTES = 1 << 40  # the whole file, whatever its size (the most this SQLite maps: see `sqlite`)
# SQLite's page cache, KiB: with reads mapped, it holds what a write transaction changed. The
# ingest writes 20,000 articles (`pipeline.STORE_COMMIT_EVERY`) in one; at the default 2 MB their
# pages spilled into the WAL in the middle of it, and every later read had to look there.
_CACHE_KIB = 256 * 1024

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    rowid        INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    url          TEXT,
    title        TEXT NOT NULL,
    lead         TEXT,
    body         TEXT NOT NULL,
    published    TEXT,
    published_ts INTEGER,
    agency       TEXT,
    site         TEXT,
    cites        TEXT NOT NULL DEFAULT '[]',
    news_code    TEXT,
    story_id     TEXT,
    duplicate_of TEXT,
    entities     TEXT NOT NULL DEFAULT '[]',
    source       TEXT,
    added_at     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS unindexed (rowid INTEGER PRIMARY KEY);  -- stored, not yet committed by the index
CREATE INDEX IF NOT EXISTS articles_latest ON articles(published_ts);
CREATE INDEX IF NOT EXISTS articles_story ON articles(story_id) WHERE story_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS articles_copies ON articles(duplicate_of) WHERE duplicate_of IS NOT NULL;
"""

_COLUMNS = (
    "rowid, id, url, title, lead, body, published, agency, site, cites, news_code, story_id, duplicate_of, entities"
)


def connect(path: Path) -> Connection:
    """Open (creating if needed) the store at `path`. The connection may be handed to another
    thread (the crawler stores in a thread of its own), never used by two at once: its users
    take turns (see `Crawler._store`)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        # Reads through the page cache, not a copy per page into SQLite's own small cache: the
        # grouping stage looks up stories and signatures all over a store of many GB.
        conn.execute(f"PRAGMA mmap_size={_MMAP_BYTES}")
        conn.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, 1, 2, 3, 4, SCHEMA_VERSION):
            raise StoreError(f"{path} has store schema {version}; this khabar reads {SCHEMA_VERSION}")
        conn.executescript(_SCHEMA)
        conn.executescript(crawl.SCHEMA)
        conn.executescript(groups.SCHEMA)
        if version != SCHEMA_VERSION:
            conn.execute("BEGIN IMMEDIATE")  # one process upgrades; another waits, then finds it done
            found = conn.execute("PRAGMA user_version").fetchone()[0]
            if found == 1:
                _upgrade_from_1(conn)
            if found in (1, 2):
                groups.upgrade_buckets(conn)
            if found in (1, 2, 3):
                groups.narrow_signatures(conn)
            if found in (1, 2, 3, 4):
                groups.binary_centroids(conn)
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            conn.execute("COMMIT")
    except sqlite.DatabaseError as e:
        raise StoreError(f"cannot open the store {path}: {e}") from None
    return conn


def _upgrade_from_1(conn: Connection) -> None:
    """Store schema 1 → 2 (in the caller's transaction): what the index has not committed moves
    from a column of the articles to `unindexed`."""
    if "indexed" in sqlite.columns(conn, "articles"):
        conn.execute("INSERT OR IGNORE INTO unindexed SELECT rowid FROM articles WHERE indexed = 0")
        conn.execute("DROP INDEX IF EXISTS articles_unindexed")
        conn.execute("ALTER TABLE articles DROP COLUMN indexed")


def add_article(
    conn: Connection,
    article: Article,
    source: str | None = None,
    *,
    rowid: int | None = None,
    groups: tuple[str, str | None, list[str]] | None = None,
) -> int | None:
    """Store `article` unless an article with its id is there, as not yet indexed; return its new
    rowid, or None. `rowid`: the one to give it (the ingest's, which grouped it under that rowid
    first: `next_rowid`); `groups`: (story id, original or None, entities) from the grouping
    stage, else the article's own."""
    published = article.published
    story_id, duplicate_of, entities = groups or (article.story_id, article.duplicate_of, list(article.entities))
    cur = conn.execute(
        "INSERT OR IGNORE INTO articles (rowid, id, url, title, lead, body, published, published_ts, agency,"
        " site, cites, news_code, story_id, duplicate_of, entities, source, added_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            rowid,
            article.id,
            article.url,
            article.title,
            article.lead,
            article.body,
            published.isoformat() if published else None,
            int(published.timestamp()) if published else None,
            article.agency,
            article.site,
            json.dumps(list(article.cites), ensure_ascii=False),
            article.news_code,
            story_id,
            duplicate_of,
            json.dumps(entities, ensure_ascii=False),
            source,
            dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        ),
    )
    if cur.rowcount != 1:
        return None
    conn.execute("INSERT INTO unindexed VALUES (?)", (cur.lastrowid,))
    return cur.lastrowid


def stored_ids(conn: Connection, article_ids: Iterable[str]) -> set[str]:
    """Which of these article ids the store holds."""
    found: set[str] = set()
    wanted = list(article_ids)
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        marks = ",".join("?" * len(chunk))
        found.update(r[0] for r in conn.execute(f"SELECT id FROM articles WHERE id IN ({marks})", chunk))
    return found


def next_rowid(conn: Connection) -> int:
    """The rowid the next article stored gets (in the writer's transaction)."""
    return conn.execute("SELECT coalesce(max(rowid), 0) + 1 FROM articles").fetchone()[0]


def get_article(conn: Connection, article_id: str) -> Article | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM articles WHERE id = ?", (article_id,)).fetchone()
    return _article(row)[1] if row else None


def articles_by_rowid(conn: Connection, rowids: Iterable[int]) -> dict[int, Article]:
    """The articles with these rowids (missing ones are left out)."""
    wanted = list(rowids)
    if not wanted:
        return {}
    marks = ",".join("?" * len(wanted))
    rows = conn.execute(f"SELECT {_COLUMNS} FROM articles WHERE rowid IN ({marks})", wanted)
    return dict(_article(row) for row in rows)


def unindexed(conn: Connection, batch: int = 1000) -> Iterator[list[tuple[int, Article]]]:
    """Batches of (rowid, article) that the index has not committed yet, oldest first."""
    last = 0
    while True:
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM unindexed JOIN articles USING (rowid) WHERE rowid > ? ORDER BY rowid LIMIT ?",
            (last, batch),
        ).fetchall()
        if not rows:
            return
        last = rows[-1][0]
        yield [_article(row) for row in rows]


def mark_indexed(conn: Connection, rowids: Iterable[int]) -> None:
    """Record that the index has committed these articles (in the caller's transaction)."""
    conn.executemany("DELETE FROM unindexed WHERE rowid = ?", ((r,) for r in rowids))


def mark_unindexed(conn: Connection, rowids: Iterable[int]) -> None:
    """These articles' documents are to change (in the caller's transaction)."""
    conn.executemany("INSERT OR IGNORE INTO unindexed VALUES (?)", ((r,) for r in rowids))


def mark_all_unindexed(conn: Connection) -> None:
    """Every article is to be indexed again (the index is being rebuilt)."""
    conn.execute("INSERT OR IGNORE INTO unindexed SELECT rowid FROM articles")


def latest_articles(conn: Connection, limit: int) -> list[Article]:
    """The `limit` most recently published articles, then (when too few have a publish time) the
    latest added without one. Originals only: copies stand behind them."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM articles WHERE published_ts IS NOT NULL AND duplicate_of IS NULL"
        " ORDER BY published_ts DESC LIMIT ?",
        (limit,),
    ).fetchall()
    if len(rows) < limit:
        rows += conn.execute(
            f"SELECT {_COLUMNS} FROM articles WHERE published_ts IS NULL AND duplicate_of IS NULL"
            " ORDER BY rowid DESC LIMIT ?",
            (limit - len(rows),),
        ).fetchall()
    return [_article(row)[1] for row in rows]


def story_articles(conn: Connection, story_id: str) -> list[Article]:
    """Every article of a story in publish order. An article that no story holds yet is a story
    of its own, under its own id."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM articles WHERE story_id = ? OR (id = ? AND story_id IS NULL)"
        " ORDER BY published_ts IS NULL, published_ts, rowid",
        (story_id, story_id),
    )
    return [_article(row)[1] for row in rows]


CopyLink = tuple[str, str | None, str | None]  # id, url, agency (or site)


def copy_links(conn: Connection, article_ids: Iterable[str]) -> dict[str, list[CopyLink]]:
    """(id, url, agency or site) of each of these articles' copies: what a search hit lists,
    without reading their texts."""
    wanted = list(article_ids)
    if not wanted:
        return {}
    marks = ",".join("?" * len(wanted))
    found: dict[str, list[CopyLink]] = {}
    rows = conn.execute(
        f"SELECT duplicate_of, id, url, coalesce(agency, site) FROM articles WHERE duplicate_of IN ({marks})"
        " ORDER BY published_ts, rowid",
        wanted,
    )
    for original, *link in rows:
        found.setdefault(original, []).append(tuple(link))  # type: ignore[arg-type]
    return found


def copies_of(conn: Connection, article_ids: Iterable[str]) -> dict[str, list[Article]]:
    """Other sources' copies of each of these articles (`duplicate_of` points at the original)."""
    wanted = list(article_ids)
    if not wanted:
        return {}
    marks = ",".join("?" * len(wanted))
    found: dict[str, list[Article]] = {}
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM articles WHERE duplicate_of IN ({marks}) ORDER BY published_ts, rowid", wanted
    )
    for row in rows:
        article = _article(row)[1]
        found.setdefault(article.duplicate_of or "", []).append(article)
    return found


def ungrouped(conn: Connection, rowids: list[int]) -> set[int]:
    """Which of these articles the grouping stage has not seen yet."""
    if not rowids:
        return set()
    marks = ",".join("?" * len(rowids))
    seen = {r for (r,) in conn.execute(f"SELECT rowid FROM signatures WHERE rowid IN ({marks})", rowids)}
    return set(rowids) - seen


def set_groups(conn: Connection, rowid: int, story_id: str, duplicate_of: str | None, entities: list[str]) -> None:
    conn.execute(
        "UPDATE articles SET story_id = ?, duplicate_of = ?, entities = ? WHERE rowid = ?",
        (story_id, duplicate_of, json.dumps(entities, ensure_ascii=False), rowid),
    )


def count_articles(conn: Connection) -> int:
    return conn.execute("SELECT count(*) FROM articles").fetchone()[0]


def _article(row: tuple) -> tuple[int, Article]:
    (
        rowid,
        _id,
        url,
        title,
        lead,
        body,
        published,
        agency,
        site,
        cites,
        news_code,
        story_id,
        dup,
        entities,
    ) = row
    return rowid, Article(
        title=title,
        body=body,
        lead=lead,
        url=url,
        published=dt.datetime.fromisoformat(published) if published else None,
        agency=agency,
        site=site,
        cites=tuple(json.loads(cites)),
        news_code=news_code,
        story_id=story_id,
        duplicate_of=dup,
        entities=tuple(json.loads(entities)),
    )
