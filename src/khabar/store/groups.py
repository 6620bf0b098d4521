"""The grouping stage's memory, in the store's database: MinHash band buckets for finding copies,
each article's signature, the stories (centroid terms, time span) with an inverted table from
their terms and entities, and the subject each story belongs to."""

from __future__ import annotations

import json
import sqlite3
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
CREATE TABLE IF NOT EXISTS story_terms (term TEXT NOT NULL, story_id TEXT NOT NULL, PRIMARY KEY (term, story_id))
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS story_entities (key TEXT NOT NULL, story_id TEXT NOT NULL, PRIMARY KEY (key, story_id))
    WITHOUT ROWID;
"""


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


def stories_sharing(conn: sqlite3.Connection, terms: list[str], entity_keys: list[str], limit: int) -> list[StoryRow]:
    """Stories that hold any of these terms or entities, most shared first."""
    if not terms and not entity_keys:
        return []
    parts, args = [], []
    if terms:
        parts.append(f"SELECT story_id FROM story_terms WHERE term IN ({','.join('?' * len(terms))})")
        args += terms
    if entity_keys:
        parts.append(f"SELECT story_id FROM story_entities WHERE key IN ({','.join('?' * len(entity_keys))})")
        args += entity_keys
    rows = conn.execute(
        "SELECT id, subject_id, first_ts, last_ts, size, centroid, entities FROM stories WHERE id IN "
        f"(SELECT story_id FROM ({' UNION ALL '.join(parts)}) GROUP BY story_id ORDER BY count(*) DESC LIMIT ?)",
        (*args, limit),
    )
    return [_story(row) for row in rows]


def save_story(conn: sqlite3.Connection, s: StoryRow, top_terms: list[str], entity_keys: list[str]) -> None:
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
    conn.execute("DELETE FROM story_terms WHERE story_id = ?", (s.id,))
    conn.executemany("INSERT OR IGNORE INTO story_terms VALUES (?, ?)", ((t, s.id) for t in top_terms))
    conn.executemany("INSERT OR IGNORE INTO story_entities VALUES (?, ?)", ((k, s.id) for k in entity_keys))


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
