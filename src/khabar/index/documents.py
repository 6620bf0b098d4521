"""Article → tantivy document, fed with khabar's own terms (pre-tokenized, with positions).

tantivy's tokenizers split Persian at the ZWNJ and know none of its spellings, so every text
field is given as a `PreTokenizedString` of `khabar.text.analysis` terms: positions come from the
analysis, and a glued alternative shares the position of the first word it stands for.
"""

from __future__ import annotations

import jdatetime
import tantivy

from khabar.models import Article
from khabar.text.analysis import Term, analyze
from khabar.text.chars import fold
from khabar.text.dates import TEHRAN

TEXT_FIELDS = ("title", "lead", "body", "date")
# Bumped whenever the schema or the analysis changes what an index holds: an index of another
# version is rebuilt from the store (`khabar reindex`, or the next ingest).
INDEX_VERSION = 3
# BM25 scores per field are multiplied by these before they are summed.
FIELD_BOOSTS = {"title": 3.0, "lead": 1.5, "body": 1.0, "date": 0.5}

_JALALI_MONTHS = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("doc", indexed=True, fast=True)  # the store's rowid
    for name in TEXT_FIELDS:
        sb.add_text_field(name, tokenizer_name="raw", index_option="position")
    sb.add_text_field("agency", tokenizer_name="raw", fast=True)
    sb.add_integer_field("ts", indexed=True, fast=True)  # publish time, Unix seconds
    sb.add_text_field("day", tokenizer_name="raw", fast=True)  # Jalali publish day, "1400-04-22"
    return sb.build()


def article_document(rowid: int, article: Article) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_unsigned("doc", rowid)
    texts = {"title": article.title, "lead": article.lead or "", "body": article.body}
    for name, text in texts.items():
        if text:
            doc.add_pre_tokenized_text(name, _pre_tokenized(analyze(text)))
    if article.published:
        doc.add_pre_tokenized_text("date", _pre_tokenized(analyze(date_words(article))))
        doc.add_integer("ts", int(article.published.timestamp()))
        doc.add_text("day", jalali_day(article.published))
    if article.agency:
        doc.add_text("agency", agency_key(article.agency))
    return doc


def date_words(article: Article) -> str:
    """The publish date as readers type it ("22 تیر 1400", "1400/04/22"), so a search for a
    date or a year finds what was published then."""
    assert article.published is not None
    when = jdatetime.datetime.fromgregorian(datetime=article.published.astimezone(TEHRAN))
    return f"{when.day} {_JALALI_MONTHS[when.month - 1]} {when.year} {when.year}/{when.month:02}/{when.day:02}"


def jalali_day(when) -> str:
    """The Jalali day of a time, in Tehran: "1400-04-22"."""
    return jdatetime.date.fromgregorian(date=when.astimezone(TEHRAN).date()).strftime("%Y-%m-%d")


def agency_key(agency: str) -> str:
    """The form of an agency name that filters and facets compare: folded, spaces tidied."""
    return " ".join(fold(agency).replace("\u200c", " ").split())


def _pre_tokenized(terms: list[Term]) -> tantivy.PreTokenizedString:
    return tantivy.PreTokenizedString("", [tantivy.Token(t.text, t.position, t.start, t.end) for t in terms])
