"""The search index: the only code that imports tantivy. Documents and queries are analysed by
`khabar.text.analysis` alike; tantivy's own tokenizers never see Persian text."""

from khabar.index.engine import SearchIndex

__all__ = ["SearchIndex"]
