from pathlib import Path

from khabar.index.documents import document_fields
from khabar.index.engine import SearchIndex
from khabar.models import Article


def test_adding_an_article_again_replaces_its_document(tmp_path: Path) -> None:
    """The crash catch-up and a copy demoted behind an earlier original both index an article
    again: it must stay one document, with its new fields."""
    index = SearchIndex(tmp_path / "index")
    article = Article(title="دیدار در آنکارا", body="متن خبر دیدار")
    with index.writer() as writer:
        writer.add(document_fields(7, article))
        writer.commit()
        writer.add(document_fields(7, article.with_(duplicate_of="0123456789abcdef")))
        writer.commit()
    assert index.searcher().num_docs == 1
    assert index.search("دیدار").total == 0  # now a copy: it stands behind its original
