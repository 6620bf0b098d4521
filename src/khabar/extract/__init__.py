"""Pages → articles: pure functions from text (or bytes) to `khabar.models.Article`, no I/O."""

from khabar.extract.encoding import decode
from khabar.extract.textdump import read_text_dump

__all__ = ["decode", "read_text_dump"]
