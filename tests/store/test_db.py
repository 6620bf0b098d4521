import datetime as dt
from pathlib import Path

import pytest

from khabar import StoreError, store
from khabar.models import Article
from khabar.text.dates import TEHRAN


def test_articles_round_trip_and_are_stored_once(tmp_path: Path) -> None:
    conn = store.connect(tmp_path / "k.db")
    article = Article(
        title="عنوان",
        body="بند یک\n\nبند دو",
        lead="لید",
        url="https://www.isna.ir/news/1/",
        published=dt.datetime(2021, 7, 13, 18, 10, tzinfo=TEHRAN),
        agency="ایسنا",
        cites=("میدل ایست نیوز",),
        news_code="757695",
    )
    rowid = store.add_article(conn, article, "a.txt")
    assert rowid is not None
    assert store.add_article(conn, article.with_(title="عنوان دیگر"), "b.txt") is None  # same URL
    assert store.get_article(conn, article.id) == article
    assert store.articles_by_rowid(conn, [rowid, 999]) == {rowid: article}
    assert store.count_articles(conn) == 1


def test_unindexed_until_marked(tmp_path: Path) -> None:
    conn = store.connect(tmp_path / "k.db")
    rowids = [store.add_article(conn, Article(title=f"خبر {i}", body="متن")) for i in range(3)]
    assert [r for batch in store.unindexed(conn, batch=2) for r, _ in batch] == rowids
    store.mark_indexed(conn, rowids[:2])
    assert [r for batch in store.unindexed(conn) for r, _ in batch] == rowids[2:]


def test_a_store_from_a_newer_khabar_is_refused(tmp_path: Path) -> None:
    conn = store.connect(tmp_path / "k.db")
    conn.execute("PRAGMA user_version=99")
    conn.close()
    with pytest.raises(StoreError, match="schema 99"):
        store.connect(tmp_path / "k.db")


def test_article_identity_is_the_url_else_the_text() -> None:
    a = Article(title="t", body="b", url="HTTPS://WWW.ISNA.IR/news/1/#top")
    assert a.id == Article(title="x", body="y", url="https://www.isna.ir/news/1").id
    assert Article(title="t", body="b  c").id == Article(title="t", body="b c").id
    assert Article(title="t", body="b").id != Article(title="t", body="c").id


def _at(hour: int) -> dt.datetime:
    return dt.datetime(2026, 11, 23, hour, tzinfo=TEHRAN)


def test_latest_articles_newest_first_then_undated(tmp_path: Path) -> None:
    conn = store.connect(tmp_path / "k.db")
    for title, when in (("ساعت ۹", _at(9)), ("بی‌تاریخ ۱", None), ("ساعت ۱۸", _at(18)), ("بی‌تاریخ ۲", None)):
        store.add_article(conn, Article(title=title, body="متن " + title, published=when))
    store.add_article(conn, Article(title="رونوشت", body="متن", published=_at(20), duplicate_of="x"))
    titles = [a.title for a in store.latest_articles(conn, 10)]
    assert titles == ["ساعت ۱۸", "ساعت ۹", "بی‌تاریخ ۲", "بی‌تاریخ ۱"]  # copies stand behind originals
    assert [a.title for a in store.latest_articles(conn, 1)] == ["ساعت ۱۸"]


def test_a_story_in_publish_order_and_a_lone_article_as_its_own_story(tmp_path: Path) -> None:
    conn = store.connect(tmp_path / "k.db")
    late = Article(title="دوم", body="ب", url="https://b.ir/2", published=_at(18), story_id="s1")
    early = Article(title="اول", body="الف", url="https://a.ir/1", published=_at(9), story_id="s1")
    alone = Article(title="تنها", body="ج", url="https://c.ir/3", published=_at(10))
    for a in (late, early, alone):
        store.add_article(conn, a)
    assert [a.title for a in store.story_articles(conn, "s1")] == ["اول", "دوم"]
    assert [a.title for a in store.story_articles(conn, alone.id)] == ["تنها"]
    assert store.story_articles(conn, early.id) == []  # a member of a story is reached through it
    assert store.story_articles(conn, "nothing") == []


def test_copies_point_at_their_original(tmp_path: Path) -> None:
    conn = store.connect(tmp_path / "k.db")
    original = Article(title="اصل", body="متن", url="https://isna.ir/1", agency="ایسنا")
    copy = Article(title="اصل", body="متن", url="https://other.ir/1", agency="دیگری", duplicate_of=original.id)
    store.add_article(conn, original)
    store.add_article(conn, copy)
    assert store.copies_of(conn, [original.id, "none"]) == {original.id: [copy]}
    assert store.copies_of(conn, []) == {}


@pytest.mark.parametrize(
    ("version", "table"),
    [
        (1, "lsh (key INTEGER NOT NULL, rowid INTEGER NOT NULL)"),
        (2, "lsh_bands (key INTEGER NOT NULL, article INTEGER NOT NULL)"),
    ],
)
def test_a_store_of_schema_1_or_2_is_upgraded_and_keeps_which_articles_are_originals_and_their_signatures(
    tmp_path: Path, version: int, table: str
) -> None:
    """Schemas 1 and 2 kept the band buckets in a table (`lsh`, `lsh_bands`); schema 3 makes
    them from the signatures of the articles that were in them (`bucketed`); schema 4 keeps 32-bit values."""
    import sqlite3

    old = sqlite3.connect(tmp_path / "k.db")
    old.executescript(
        "CREATE TABLE signatures (rowid INTEGER PRIMARY KEY, signature BLOB NOT NULL, size INTEGER NOT NULL);"
        "INSERT INTO signatures VALUES (1, zeroblob(768), 50), (2, zeroblob(768), 50), (3, zeroblob(768), 50);"
        f"CREATE TABLE {table};"
        f"INSERT INTO {table.split()[0]} VALUES (-5, 1), (7, 1), (7, 2);"
        f"PRAGMA user_version={version};"
    )
    old.close()
    conn = store.connect(tmp_path / "k.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 5
    assert dict(conn.execute("SELECT rowid, bucketed FROM signatures")) == {1: 1, 2: 1, 3: 0}
    assert dict(conn.execute("SELECT rowid, length(signature) FROM signatures")) == {1: 384, 2: 384, 3: 384}
    assert conn.execute("SELECT name FROM sqlite_master WHERE name LIKE 'lsh%'").fetchone() is None
    conn.close()
    again = store.connect(tmp_path / "k.db")  # opened again: as it was
    assert dict(again.execute("SELECT rowid, bucketed FROM signatures")) == {1: 1, 2: 1, 3: 0}


def test_a_store_of_schema_3_has_its_signatures_narrowed_to_32_bit_values(tmp_path: Path) -> None:
    """Schema 3 kept each of a signature's 96 MinHash values (all below 2^32) in 64 bits."""
    import sqlite3

    import numpy as np

    values = np.arange(2**32 - 96, 2**32, dtype=np.uint64)
    old = sqlite3.connect(tmp_path / "k.db")
    old.executescript(
        "CREATE TABLE signatures (rowid INTEGER PRIMARY KEY, signature BLOB NOT NULL, size INTEGER NOT NULL,"
        " bucketed INTEGER NOT NULL DEFAULT 0);"
        "PRAGMA user_version=3;"
    )
    old.execute("INSERT INTO signatures VALUES (1, ?, 50, 1)", (values.tobytes(),))
    old.commit()
    old.close()
    conn = store.connect(tmp_path / "k.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 5
    (signature,) = conn.execute("SELECT signature FROM signatures").fetchone()
    assert np.frombuffer(signature, dtype=np.uint32).tolist() == values.tolist()


def test_a_store_of_schema_4_has_binary_centroids_and_clustered_lookups_with_the_same_values(tmp_path: Path) -> None:
    """Schema 4 kept a story's centroid as JSON, and its lookup rows in heaps read in rowid
    order: the upgrade keeps every weight exactly, and the latest stories of a term, in order,
    before those any later article brings."""
    import json
    import sqlite3

    from khabar.store import groups

    centroid = {"انتخابات": 0.1 + 0.2, "مجلس": 1 / 3, "نامزد": 2.5e-17}
    old = sqlite3.connect(tmp_path / "k.db")
    old.executescript(
        "CREATE TABLE stories (id TEXT PRIMARY KEY, subject_id TEXT NOT NULL, first_ts INTEGER, last_ts INTEGER,"
        " size INTEGER NOT NULL, centroid TEXT NOT NULL, entities TEXT NOT NULL DEFAULT '{}');"
        "CREATE INDEX stories_subject ON stories(subject_id);"
        "CREATE TABLE story_terms (term TEXT NOT NULL, story_id TEXT NOT NULL);"
        "CREATE INDEX story_terms_term ON story_terms(term);"
        "CREATE TABLE story_entities (key TEXT NOT NULL, story_id TEXT NOT NULL);"
        "CREATE INDEX story_entities_key ON story_entities(key);"
        "INSERT INTO story_terms VALUES ('مجلس', 's2'), ('مجلس', 's1'), ('نامزد', 's1'), ('مجلس', 's3');"
        "INSERT INTO story_entities VALUES ('ایران', 's1');"
        "PRAGMA user_version=4;"
    )
    old.execute(
        "INSERT INTO stories VALUES ('s1', 'u1', 10, 20, 2, ?, ?)",
        (json.dumps(centroid, ensure_ascii=False), json.dumps({"ایران": 2}, ensure_ascii=False)),
    )
    old.execute("INSERT INTO stories VALUES ('s2', 'u1', NULL, NULL, 0, '{}', '{}')")
    old.commit()
    old.close()
    conn = store.connect(tmp_path / "k.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 5
    assert groups.story(conn, "s1") == groups.StoryRow("s1", "u1", 10, 20, 2, centroid, {"ایران": 2})
    assert groups.story(conn, "s2") == groups.StoryRow("s2", "u1", None, None, 0, {}, {})
    assert groups.subject_stories(conn, "u1") == ["s1", "s2"]
    assert groups.latest_stories(conn, "term", "مجلس") == ["s3", "s1", "s2"]
    assert groups.latest_stories(conn, "entity", "ایران") == ["s1"]
    groups.index_stories(conn, [("term", "مجلس", 1, "s4")])  # an article's, after the upgrade
    assert groups.latest_stories(conn, "term", "مجلس") == ["s4", "s3", "s1", "s2"]
    assert (
        conn.execute("SELECT name FROM sqlite_master WHERE name IN ('story_terms', 'story_entities')").fetchall() == []
    )
