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
