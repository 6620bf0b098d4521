"""The grouping stage's memory, in the store's database: MinHash band buckets for finding copies,
each article's signature, the stories (centroid terms, time span) with an inverted table from
their terms and entities, and the subject each story belongs to."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

SCHEMA = """
CREATE TABLE IF NOT EXISTS signatures (
    rowid     INTEGER PRIMARY KEY,      -- the article's rowid
    signature BLOB NOT NULL,
    size      INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS lsh (key INTEGER NOT NULL, rowid INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS lsh_key ON lsh(key);
CREATE TABLE IF NOT EXISTS stories (
    id         TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL,
    first_ts   INTEGER,
    last_ts    INTEGER,
    size       INTEGER NOT NULL,
    centroid   TEXT NOT NULL,              -- JSON: term → weight
    entities   TEXT NOT NULL DEFAULT '{}'  -- JSON: entity key → mentions
);
CREATE INDEX IF NOT EXISTS stories_subject ON stories(subject_id);
-- term → stories, newest last (an index on term alone is ordered by rowid within a term)
CREATE TABLE IF NOT EXISTS story_terms (term TEXT NOT NULL, story_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS story_terms_term ON story_terms(term);
CREATE TABLE IF NOT EXISTS story_entities (key TEXT NOT NULL, story_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS story_entities_key ON story_entities(key);
"""
RECENT_PER_TERM = 20  # stories looked at per shared term: the latest that hold it


@dataclass
class StoryRow:
    id: str
    subject_id: str
    first_ts: int | None
    last_ts: int | None
    size: int
    centroid: dict[str, float]
    entities: dict[str, int]


def add_signature(conn: sqlite3.Connection, rowid: int, signature: bytes, size: int, keys: Iterable[int]) -> None:
    conn.execute("INSERT OR REPLACE INTO signatures VALUES (?, ?, ?)", (rowid, signature, size))
    conn.executemany("INSERT INTO lsh VALUES (?, ?)", ((k, rowid) for k in keys))


def bucket_mates(conn: sqlite3.Connection, keys: list[int]) -> dict[int, tuple[bytes, int]]:
    """rowid → (signature, size) of the articles sharing a band bucket with these keys."""
    marks = ",".join("?" * len(keys))
    rows = conn.execute(
        f"SELECT s.rowid, s.signature, s.size FROM signatures s WHERE s.rowid IN "
        f"(SELECT rowid FROM lsh WHERE key IN ({marks}))",
        keys,
    )
    return {rowid: (sig, size) for rowid, sig, size in rows}


def story(conn: sqlite3.Connection, story_id: str) -> StoryRow | None:
    row = conn.execute(
        "SELECT id, subject_id, first_ts, last_ts, size, centroid, entities FROM stories WHERE id = ?", (story_id,)
    ).fetchone()
    return _story(row) if row else None


def story_ids_sharing(conn: sqlite3.Connection, terms: list[str], entity_keys: list[str], limit: int) -> list[str]:
    """Ids of recent stories that hold any of these terms or entities, most shared first. Each
    term leads to its RECENT_PER_TERM latest stories only, so the cost stays flat as the store
    grows (an event's story is among the latest to use its words)."""
    counts: Counter[str] = Counter()
    for table, column, values in (("story_terms", "term", terms), ("story_entities", "key", entity_keys)):
        for value in values:
            rows = conn.execute(
                f"SELECT DISTINCT story_id FROM (SELECT story_id FROM {table} WHERE {column} = ?"
                " ORDER BY rowid DESC LIMIT ?)",
                (value, RECENT_PER_TERM),
            )
            counts.update([r[0] for r in rows])
    return [story_id for story_id, _ in counts.most_common(limit)]


def save_story(conn: sqlite3.Connection, s: StoryRow) -> None:
    """Write a story (its lookup rows go in with `index_story` as it gains terms; terms it no
    longer ranks high keep leading to it: a candidate too many costs one comparison)."""
    conn.execute(
        "INSERT OR REPLACE INTO stories VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            s.id,
            s.subject_id,
            s.first_ts,
            s.last_ts,
            s.size,
            json.dumps(s.centroid, ensure_ascii=False),
            json.dumps(s.entities, ensure_ascii=False),
        ),
    )


def index_story(conn: sqlite3.Connection, story_id: str, top_terms: list[str], entity_keys: list[str]) -> None:
    """The lookup rows of a story: its terms and entities lead to it."""
    conn.executemany("INSERT INTO story_terms VALUES (?, ?)", ((t, story_id) for t in top_terms))
    conn.executemany("INSERT INTO story_entities VALUES (?, ?)", ((k, story_id) for k in entity_keys))


def merge_subjects(conn: sqlite3.Connection, keep: str, gone: Iterable[str]) -> None:
    conn.executemany("UPDATE stories SET subject_id = ? WHERE subject_id = ?", ((keep, g) for g in gone if g != keep))


def subject_stories(conn: sqlite3.Connection, subject_id: str) -> list[str]:
    """The stories of a subject thread, oldest first."""
    rows = conn.execute(
        "SELECT id FROM stories WHERE subject_id = ? ORDER BY first_ts IS NULL, first_ts, id", (subject_id,)
    )
    return [r[0] for r in rows]


def subject_of(conn: sqlite3.Connection, story_id: str) -> str | None:
    row = conn.execute("SELECT subject_id FROM stories WHERE id = ?", (story_id,)).fetchone()
    return row[0] if row else None


def _story(row: tuple) -> StoryRow:
    sid, subject, first, last, size, centroid, ents = row
    return StoryRow(sid, subject, first, last, size, json.loads(centroid), json.loads(ents))
