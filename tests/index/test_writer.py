import random
from pathlib import Path

from khabar.index.documents import COMMON, PAIR, SPLIT, document_fields
from khabar.index.engine import SearchIndex
from khabar.models import Article
from khabar.text.analysis import positioned_terms


def test_adding_an_article_again_replaces_its_document(tmp_path: Path) -> None:
    """The crash catch-up indexes an article again: it must stay one document, with its new
    fields."""
    index = SearchIndex(tmp_path / "index")
    article = Article(title="دیدار در آنکارا", body="متن خبر دیدار")
    with index.writer() as writer:
        writer.add(document_fields(7, article))
        writer.commit()
        writer.add(document_fields(7, article.with_(title="دیدار در تهران")))
        writer.commit()
    assert index.document_count() == 1
    assert index.search("تهران").total == 1 and index.search("آنکارا").total == 0


def test_an_original_demoted_to_a_copy_leaves_the_index(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "index")
    with index.writer() as writer:
        writer.add(document_fields(7, Article(title="دیدار در آنکارا", body="متن خبر دیدار")))
        writer.add(document_fields(8, Article(title="دیدار در تهران", body="متن خبر دیدار")))
        writer.commit()
        writer.remove(7)
        writer.remove(9)  # never indexed: nothing happens
        writer.commit()
    assert index.document_count() == 1
    assert index.search("آنکارا").total == 0 and index.search("دیدار").total == 1


def test_only_two_common_words_side_by_side_make_a_pair_term() -> None:
    assert {"تیم", "ملی", "فوتبال"} <= COMMON and "گوزن" not in COMMON
    fields = document_fields(1, Article(title="خبر", body="تیم ملی فوتبال، تیم گوزن ملی."))
    assert fields["pair"].split(" ") == [f"تیم{PAIR}ملی", f"ملی{PAIR}فوتبال"]  # none across the comma


def test_a_word_written_in_two_pieces_with_a_zwnj_leaves_a_split_term() -> None:
    fields = document_fields(1, Article(title="دانش‌آموزان", lead="بین‌المللی", body="می‌شود بین المللی"))
    assert fields["split"].split(" ") == [f"دانش{SPLIT}اموزان", f"بین{SPLIT}المللی"]
    assert "split" not in document_fields(1, Article(title="دانش آموزان", body="بینالمللی کتاب‌ها"))


def test_pair_terms_are_every_two_common_words_side_by_side_in_each_part() -> None:
    """Held to the plain definition on random texts: words on and off the list, commas, a part
    that begins or ends with a common word, a part of one word."""
    rng = random.Random(4)
    vocabulary = ["تیم", "ملی", "فوتبال", "گوزن", "کرگدن", "،", "امروز", "ایران"]
    for _ in range(200):
        title, lead, body = (" ".join(rng.choices(vocabulary, k=rng.randint(1, 40))) for _ in range(3))
        expected = [
            f"{a}{PAIR}{b}"
            for text in (title, lead, body)
            for a, b in zip(positioned_terms(text)[0], positioned_terms(text)[0][1:], strict=False)
            if a in COMMON and b in COMMON
        ]
        fields = document_fields(1, Article(title=title, lead=lead, body=body))
        assert fields.get("pair", "").split(" ") == (expected or [""])
