"""khabar (خبر): a Persian news search engine.

    from khabar import Khabar
    kh = Khabar(Path("khabar-data"))
    kh.ingest([Path("pages/")])
    for hit in kh.search("می شود").hits: ...

The command line (`khabar`) and, later, the web layer are thin shells over `Khabar`.
"""

from khabar.errors import ExtractError, InputError, KhabarError, QueryError, StoreError
from khabar.models import Article, Copy, Hit, SearchResult
from khabar.pipeline import IngestReport
from khabar.service import Khabar, extract_file

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Copy",
    "ExtractError",
    "Hit",
    "IngestReport",
    "InputError",
    "Khabar",
    "KhabarError",
    "QueryError",
    "SearchResult",
    "StoreError",
    "extract_file",
]
