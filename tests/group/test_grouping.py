"""Grouping through the real pipeline (ingest → store → index): copies, stories, subjects."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from khabar.service import Khabar
from khabar.text.dates import TEHRAN
from tests.conftest import DEMO, SEEDS

BODY = (
    "وزیر امور خارجه کشورمان امروز در دیدار با همتای ترکیه‌ای خود در آنکارا درباره همکاری‌های اقتصادی "
    "و تجاری دو کشور گفتگو کرد. در این دیدار دو طرف بر گسترش روابط در حوزه انرژی و حمل و نقل تاکید کردند "
    "و قرار شد کمیسیون مشترک اقتصادی دو کشور ماه آینده در تهران برگزار شود. وزیر خارجه همچنین از "
    "آمادگی ایران برای افزایش حجم مبادلات تجاری به سی میلیارد دلار خبر داد و گفت موانع گمرکی باید برداشته شود.\\n\\n"
    "همتای ترکیه‌ای وی نیز با استقبال از این پیشنهاد گفت کشورش آماده است خط ریلی جدیدی میان دو کشور بسازد "
    "و گذرگاه‌های مرزی تازه‌ای بگشاید. دو وزیر در پایان دیدار یک سند همکاری در زمینه گردشگری امضا کردند."
)


def write(path: Path, articles: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in articles) + "\n", encoding="utf-8")
    return path


def test_the_seeds_are_two_stories_of_one_subject_not_copies(tmp_path: Path) -> None:
    kh = Khabar(tmp_path / "data")
    kh.ingest([DEMO])
    seeds = [kh.search(q, limit=1).hits[0] for q in ("الکاظمی بخواهد از عراق خارج", "تحرکات اخیر نیروهای ما از سوریه")]
    articles = [kh.article(h.id) for h in seeds]
    assert all(a.duplicate_of is None for a in articles)
    assert articles[0].story_id != articles[1].story_id
    subjects = [kh.subject_of(a.story_id) for a in articles]
    assert subjects[0] == subjects[1] is not None
    assert set(kh.subject(subjects[0])) >= {articles[0].story_id, articles[1].story_id}
    names = [e for a in articles for e in a.entities if "ماروتو" in e]
    assert len(names) == 2 and {"وین ماروتو", "واین ماروتو"} == set(names)
    assert len({kh.entity_key(n) for n in names}) == 1  # one entity, two spellings
    assert SEEDS.exists()


def test_a_republished_copy_is_one_hit_with_its_sources(tmp_path: Path) -> None:
    original = {
        "url": "https://www.irna.ir/news/1",
        "title": "دیدار وزیران خارجه ایران و ترکیه در آنکارا",
        "body": "به گزارش ایرنا، " + BODY.replace("\\n", "\n"),
        "agency": "ایرنا",
        "published": dt.datetime(2026, 11, 20, 10, tzinfo=TEHRAN).isoformat(),
    }
    copy = {  # another site, its own agency line, the last sentence trimmed, other spellings
        "url": "https://www.example-news.ir/n/77",
        "title": "گفتگوی وزرای خارجه ایران و ترکیه",
        "body": ("به گزارش خبرگزاری جمهوری اسلامی، " + BODY.replace("\\n", "\n"))
        .replace("همکاری‌های", "همکاری های")
        .replace("ی", "ي")
        .rsplit(".", 2)[0],
        "agency": "ایرنا",
        "published": dt.datetime(2026, 11, 20, 11, 30, tzinfo=TEHRAN).isoformat(),
    }
    kh = Khabar(tmp_path / "data")
    kh.ingest([write(tmp_path / "a.jsonl", [original])])
    kh.ingest([write(tmp_path / "b.jsonl", [copy])])
    result = kh.search("دیدار وزیر خارجه ترکیه")
    assert result.total == 1
    (hit,) = result.hits
    assert hit.url == original["url"] and [c.url for c in hit.copies] == [copy["url"]]
    stored_copy = kh.article(hit.copies[0].id)
    assert stored_copy.duplicate_of == hit.id and stored_copy.story_id == kh.article(hit.id).story_id


# One article published twice: at noon by one site, at nine by another, which is found later.
LATE = {
    "url": "https://late.ir/1",
    "title": "دیدار در آنکارا",
    "body": BODY.replace("\\n", "\n"),
    "published": dt.datetime(2026, 11, 20, 12, tzinfo=TEHRAN).isoformat(),
}
EARLY = {**LATE, "url": "https://early.ir/1", "published": dt.datetime(2026, 11, 20, 9, tzinfo=TEHRAN).isoformat()}


def test_an_earlier_copy_found_later_becomes_the_original(tmp_path: Path) -> None:
    kh = Khabar(tmp_path / "data")
    kh.ingest([write(tmp_path / "a.jsonl", [LATE])])
    kh.ingest([write(tmp_path / "b.jsonl", [EARLY])])
    (hit,) = kh.search("دیدار آنکارا").hits
    assert hit.url == "https://early.ir/1" and [c.url for c in hit.copies] == ["https://late.ir/1"]


def test_a_crash_before_the_index_lets_a_demoted_original_go_is_repaired(tmp_path: Path) -> None:
    """The earlier copy is stored and grouped (the late original demoted in the store), the store
    commits, and the process dies before the index does: the next writer removes the late one
    from the index."""
    import subprocess
    import sys

    data = tmp_path / "data"
    Khabar(data).ingest([write(tmp_path / "a.jsonl", [LATE])])
    crash = f"""
import os
from pathlib import Path
from khabar.group.grouper import Grouper
from khabar.inputs import read_inputs
from khabar.pipeline import Ingester
from khabar.service import Khabar
kh = Khabar(Path({str(data)!r}))
with kh.index.writer() as writer:
    ingester = Ingester(kh.conn, writer, grouper=Grouper(kh.conn, kh.index.frequency, kh.index.document_count))
    for source, item in read_inputs([Path({str(write(tmp_path / "b.jsonl", [EARLY]))!r})]):
        ingester.add(source, item)
    ingester.flush()
    ingester.flush()  # stored, grouped and given to the index
    kh.conn.execute("COMMIT")  # the store's commit, the first of the two `Ingester._commit` makes
    os._exit(0)
"""
    subprocess.run([sys.executable, "-c", crash], check=True)
    kh = Khabar(data)
    assert kh.article(kh.search("دیدار آنکارا").hits[0].id).url == "https://late.ir/1"  # what the crash left
    kh.ingest([])
    (hit,) = kh.search("دیدار آنکارا").hits
    assert hit.url == "https://early.ir/1" and [c.url for c in hit.copies] == ["https://late.ir/1"]


def test_story_and_subject_through_the_command_line_and_the_web(tmp_path: Path) -> None:
    from tests.conftest import free_port, khabar_command, run_khabar, wait_until_up

    data = tmp_path / "data"
    run_khabar("ingest", str(SEEDS), data=data, check=True)
    hit = json.loads(run_khabar("search", "ماروتو الکاظمی", "--json", data=data, check=True).stdout)["hits"][0]
    story = json.loads(run_khabar("story", hit["story_id"], "--json", data=data, check=True).stdout)
    assert [a["id"] for a in story["articles"]] == [hit["id"]] and story["subject_id"]
    subject = json.loads(run_khabar("subject", story["subject_id"], "--json", data=data, check=True).stdout)
    assert len(subject["stories"]) == 2  # the two seeds: one subject thread, oldest first
    assert subject["stories"][0]["first_seen"] < subject["stories"][1]["first_seen"]
    missing = run_khabar("story", "nope", data=data)
    assert missing.returncode == 1 and "no story 'nope'" in missing.stderr

    import subprocess

    import httpx

    port = free_port()
    server = subprocess.Popen([khabar_command(), "--data", str(data), "serve", "--port", str(port)])
    try:
        wait_until_up(f"http://127.0.0.1:{port}", server)
        article = httpx.get(f"http://127.0.0.1:{port}/article/{hit['id']}").text
        assert f'href="/subject/{story["subject_id"]}"' in article and "۲ ماجرا" in article
        thread = httpx.get(f"http://127.0.0.1:{port}/subject/{story['subject_id']}").text
        assert thread.count("<li>") == 2
        api = httpx.get(f"http://127.0.0.1:{port}/api/subjects/{story['subject_id']}").json()
        assert len(api["stories"]) == 2
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_an_article_is_compared_with_the_latest_originals_of_a_crowded_bucket(tmp_path: Path) -> None:
    """A bucket that many originals share marks a passage they all hold, not a copy: an article
    is compared with its BUCKET_LATEST latest originals only, so a copy of the latest is found
    and a copy of the first, sharing nothing else with it, is not."""
    import numpy as np

    from khabar import store
    from khabar.group.features import NUM_PERM, Features
    from khabar.group.grouper import BUCKET_LATEST, Grouper
    from khabar.models import Article

    conn = store.connect(tmp_path / "k.db")
    grouper = Grouper(conn, lambda term: 0, lambda: 0)
    shared = 12345  # the crowded bucket's key

    def signature(seed: int) -> bytes:
        return np.random.default_rng(seed).integers(0, 2**32, NUM_PERM, dtype=np.uint32).tobytes()

    def group(batch: list[tuple[int, int, int]]) -> list[str | None]:
        """(rowid, signature seed, own band key) of each article → what each is a copy of."""
        found = [(rowid, Features(signature(seed), {}, (), 100, (shared, own))) for rowid, seed, own in batch]
        conn.execute("BEGIN")
        grouper.start_batch([f for _, f in found])
        copies = []
        for rowid, f in found:
            article = Article(title=f"خبر {rowid}", body="متن", url=f"https://a.ir/{rowid}")
            assignment = grouper.assign(rowid, article, f)
            store.add_article(conn, article, rowid=rowid, groups=(assignment.story_id, assignment.duplicate_of, []))
            copies.append(assignment.duplicate_of)
        grouper.end_batch()
        conn.execute("COMMIT")
        return copies

    originals = BUCKET_LATEST + 4
    assert group([(r, r, 1000 + r) for r in range(1, originals + 1)]) == [None] * originals
    copies = group([(originals + 1, originals, 5000), (originals + 2, 1, 5001)])
    assert copies == [Article(title="", body="", url=f"https://a.ir/{originals}").id, None]


def test_a_terms_count_holds_each_batch_once_before_during_and_after_the_commit_of_it(tmp_path: Path) -> None:
    """The grouper counts a term in the index's commits and in the batches not committed yet:
    those of the commit in flight and those grouped while it is in flight, each once, whenever
    the commit lands (a count lost or held twice skews a term's rarity, and so stories)."""
    from collections import Counter

    from khabar import store
    from khabar.group.features import NUM_PERM, Features
    from khabar.group.grouper import Grouper

    conn = store.connect(tmp_path / "k.db")
    indexed: Counter[str] = Counter()  # the terms of the index's commits, by articles holding them
    grouper = Grouper(conn, indexed.__getitem__, lambda: sum(indexed.values()))

    def batch(n: int) -> list[Features]:
        return [Features(bytes(4 * NUM_PERM), {"دیدار": 1}, (), 0, ()) for _ in range(n)]

    def group(features: list[Features], *, read_index: bool = True) -> None:
        grouper.start_batch(features, read_index=read_index)
        grouper.end_batch()

    group(batch(3))
    assert grouper.frequency("دیدار") == 3
    grouper.committing()  # the index commits those three
    group(batch(2), read_index=False)  # grouped while it does
    assert grouper.frequency("دیدار") == 5
    indexed["دیدار"] += 3  # the commit lands
    grouper.committed()
    assert grouper.frequency("دیدار") == 5
    group(batch(1))
    assert grouper.frequency("دیدار") == 6
