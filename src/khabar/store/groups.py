"""The grouping stage's memory, in the store's database: each article's MinHash signature (the
originals' make the band buckets that find copies: `bands`), the stories (centroid terms, time
span) with an inverted table from their terms and entities, and the subject each story belongs to.

The one writing process reads and writes these for every article it groups, so their shapes are
chosen for that: a centroid's weights are kept as binary floats (as JSON, formatting and parsing
them had cost 30 and 25 µs a story), and the lookup tables are clustered by term, the latest
stories of a term one range of their B-tree."""

from __future__ import annotations

import json
import struct
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from khabar.store import sqlite
from khabar.store.sqlite import Connection

_STORIES = """
CREATE TABLE IF NOT EXISTS {name} (
    id         TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL,
    first_ts   INTEGER,
    last_ts    INTEGER,
    size       INTEGER NOT NULL,
    terms      TEXT NOT NULL,              -- the centroid's terms, joined by TERM_SEP
    weights    BLOB NOT NULL,              -- their weights, in that order: little-endian doubles
    entities   TEXT NOT NULL DEFAULT '{{}}'  -- JSON: entity key → mentions
);
"""
SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS signatures (
    rowid     INTEGER PRIMARY KEY,          -- the article's rowid
    signature BLOB NOT NULL,
    size      INTEGER NOT NULL,
    bucketed  INTEGER NOT NULL DEFAULT 0    -- 1: an original when grouped, in its band buckets
);
"""
    + _STORIES.format(name="stories")
    + """
CREATE INDEX IF NOT EXISTS stories_subject ON stories(subject_id);
-- term (entity key) → the stories that gained it, by `seq`: the rowid of the article that brought
-- it, so a term's latest stories are the last rows of its range of the table's B-tree
CREATE TABLE IF NOT EXISTS story_by_term (
    term TEXT NOT NULL, seq INTEGER NOT NULL, story_id TEXT NOT NULL, PRIMARY KEY (term, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS story_by_entity (
    key TEXT NOT NULL, seq INTEGER NOT NULL, story_id TEXT NOT NULL, PRIMARY KEY (key, seq)
) WITHOUT ROWID;
"""
)
RECENT_PER_TERM = 20  # stories looked at per shared term: the latest that hold it
_LOOKUPS = {"term": ("story_by_term", "term"), "entity": ("story_by_entity", "key")}
TERM_SEP = "\x1f"  # (no term holds it: terms are words)
_CHUNK = 5000  # values bound in one IN (...) list
_json = json.JSONEncoder(ensure_ascii=False).encode


@dataclass
class StoryRow:
    id: str
    subject_id: str
    first_ts: int | None
    last_ts: int | None
    size: int
    centroid: dict[str, float]
    entities: dict[str, int]


def upgrade_buckets(conn: Connection) -> None:
    """Store schema 1 or 2 → 3 (in the caller's transaction): the band buckets were a table
    (`lsh`, then `lsh_bands`); now they are made in memory from the signatures of the originals,
    which the signatures table marks."""
    if "bucketed" not in sqlite.columns(conn, "signatures"):
        conn.execute("ALTER TABLE signatures ADD COLUMN bucketed INTEGER NOT NULL DEFAULT 0")
    for table, column in (("lsh", "rowid"), ("lsh_bands", "article")):  # (schema 1's named its column rowid)
        if sqlite.has_table(conn, table):
            conn.execute(f"UPDATE signatures SET bucketed = 1 WHERE rowid IN (SELECT {column} FROM {table})")
            conn.execute(f"DROP TABLE {table}")


def narrow_signatures(conn: Connection) -> None:
    """Store schema 3 or before → 4 (in the caller's transaction): the 96 MinHash values of a
    signature were kept as 64-bit numbers (768 bytes); they are 32-bit (half the memory for the
    latest originals' signatures, half the table), and lose nothing: datasketch's are below 2^32."""
    after = 0
    while rows := conn.execute(
        "SELECT rowid, signature FROM signatures WHERE rowid > ? AND length(signature) = 768 ORDER BY rowid"
        " LIMIT 10000",
        (after,),
    ).fetchall():
        conn.executemany(
            "UPDATE signatures SET signature = ? WHERE rowid = ?",
            [(np.frombuffer(signature, dtype="<u8").astype("<u4").tobytes(), rowid) for rowid, signature in rows],
        )
        after = rows[-1][0]


def add_signatures(conn: Connection, signatures: Iterable[tuple[int, bytes, int, bool]]) -> None:
    """Store (rowid, signature, size, bucketed) rows."""
    conn.executemany("INSERT OR REPLACE INTO signatures VALUES (?, ?, ?, ?)", signatures)


def signatures(conn: Connection, rowids: Iterable[int]) -> dict[int, tuple[bytes, int]]:
    """rowid → (signature, size) of these articles."""
    found: dict[int, tuple[bytes, int]] = {}
    for chunk in _chunks(list(rowids)):
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(f"SELECT rowid, signature, size FROM signatures WHERE rowid IN ({marks})", chunk)
        found.update((rowid, (signature, size)) for rowid, signature, size in rows)
    return found


def story(conn: Connection, story_id: str) -> StoryRow | None:
    row = conn.execute(
        "SELECT id, subject_id, first_ts, last_ts, size, terms, weights, entities FROM stories WHERE id = ?",
        (story_id,),
    ).fetchone()
    return _story(row) if row else None


def latest_stories(conn: Connection, kind: str, value: str) -> list[str]:
    """The stories of the RECENT_PER_TERM latest lookup rows of a term (`kind` "term") or an
    entity key ("entity"), newest first; a story may come twice. Only the latest are read, so
    the cost stays flat as the store grows (an event's story is among the latest to use its words)."""
    table, column = _LOOKUPS[kind]
    rows = conn.execute(
        f"SELECT story_id FROM {table} WHERE {column} = ? ORDER BY seq DESC LIMIT ?", (value, RECENT_PER_TERM)
    )
    return [r[0] for r in rows]


def save_stories(conn: Connection, stories: Iterable[StoryRow]) -> None:
    """Write stories (their lookup rows go in with `index_stories` as they gain terms; terms a
    story no longer ranks high keep leading to it: a candidate too many costs one comparison)."""
    conn.executemany(
        "INSERT OR REPLACE INTO stories VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (s.id, s.subject_id, s.first_ts, s.last_ts, s.size, *_centroid(s.centroid), _json(s.entities))
            for s in stories
        ],
    )


def index_stories(conn: Connection, rows: list[tuple[str, str, int, str]]) -> None:
    """Lookup rows of stories: (kind, value, seq, story id), where a term (`kind` "term") or an
    entity key ("entity") leads to the story since the article of rowid `seq` (one article brings
    a story a term once)."""
    for kind, (table, _) in _LOOKUPS.items():
        conn.executemany(
            f"INSERT OR IGNORE INTO {table} VALUES (?, ?, ?)",
            [(v, seq, story) for k, v, seq, story in rows if k == kind],
        )


def merge_subjects(conn: Connection, keep: str, gone: Iterable[str]) -> None:
    conn.executemany("UPDATE stories SET subject_id = ? WHERE subject_id = ?", ((keep, g) for g in gone if g != keep))


def subject_stories(conn: Connection, subject_id: str) -> list[str]:
    """The stories of a subject thread, oldest first."""
    rows = conn.execute(
        "SELECT id FROM stories WHERE subject_id = ? ORDER BY first_ts IS NULL, first_ts, id", (subject_id,)
    )
    return [r[0] for r in rows]


def subject_of(conn: Connection, story_id: str) -> str | None:
    row = conn.execute("SELECT subject_id FROM stories WHERE id = ?", (story_id,)).fetchone()
    return row[0] if row else None


def binary_centroids(conn: Connection) -> None:
    """Store schema 4 or before → 5 (in the caller's transaction): a story's centroid was one JSON
    object (term → weight); it is its terms and their weights as binary floats (the same values:
    JSON's floats round-trip). The lookup tables were heaps with an index on the term, read in
    rowid order; they are clustered by (term, seq), the rows moved in the same order, before any
    article's (their `seq` is below 0)."""
    if "centroid" in sqlite.columns(conn, "stories"):
        conn.execute("DROP INDEX IF EXISTS stories_subject")
        conn.execute("ALTER TABLE stories RENAME TO stories_json")
        conn.execute(_STORIES.format(name="stories"))  # (not executescript: it would commit)
        rows = conn.execute("SELECT id, subject_id, first_ts, last_ts, size, centroid, entities FROM stories_json")
        while chunk := rows.fetchmany(10_000):
            conn.executemany(
                "INSERT INTO stories VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(*row[:5], *_centroid(json.loads(row[5])), row[6]) for row in chunk],
            )
        conn.execute("DROP TABLE stories_json")
        conn.execute("CREATE INDEX stories_subject ON stories(subject_id)")
    for old, (table, column) in (("story_terms", _LOOKUPS["term"]), ("story_entities", _LOOKUPS["entity"])):
        if sqlite.has_table(conn, old):
            conn.execute(
                f"INSERT OR IGNORE INTO {table} SELECT {column}, rowid - (SELECT max(rowid) + 1 FROM {old}), story_id"
                f" FROM {old}"
            )
            conn.execute(f"DROP TABLE {old}")


def _centroid(centroid: dict[str, float]) -> tuple[str, bytes]:
    """A centroid as it is stored: (terms, weights)."""
    return TERM_SEP.join(centroid), struct.pack(f"<{len(centroid)}d", *centroid.values())


def _story(row: tuple) -> StoryRow:
    sid, subject, first, last, size, terms, weights, ents = row
    values = struct.unpack(f"<{len(weights) // 8}d", weights)
    centroid = dict(zip(terms.split(TERM_SEP), values, strict=True)) if terms else {}
    return StoryRow(sid, subject, first, last, size, centroid, json.loads(ents))


def _chunks(values: list) -> Iterable[list]:
    return (values[i : i + _CHUNK] for i in range(0, len(values), _CHUNK))
