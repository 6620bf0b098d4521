"""What on a Persian news page is not the article: the words and shapes that mark it.

Label words are compared in folded form (ی/ي, ZWNJ and spacing do not matter), so one entry
covers every spelling a site uses. Rules name kinds of page furniture, never a site.
"""

from __future__ import annotations

import re

from khabar.text.analysis import is_stop, primary_terms
from khabar.text.chars import fold
from khabar.text.dates import find_dates

_PUNCTUATION = re.compile(r"[^\w\s]")


def _key(text: str) -> str:
    """Folded, ZWNJ as space, punctuation dropped: how labels are compared."""
    return " ".join(_PUNCTUATION.sub(" ", fold(text).replace("\u200c", " ")).split())


# After "انتهای پیام" agencies add a desk letter or code ("/ی", "/۸۵۰۴۷/ ح"); punctuation is gone
# from keys.
_END_MARKER = re.compile(r"^(?:انتهای|پایان) ?(?:پیام|خبر|متن)(?: (?:\d+|\S{1,2})){0,3}$")
_MORE_ARROWS = re.compile(r"»»|««|›{2,}|‹{2,}|>>|<<")
_TOOL_SEPARATORS = re.compile(r"\s*[|•·]\s*")
_SHORT = 8  # words: page furniture (labels, markers, headings) is never longer

_SHARE_AND_TOOLS = {
    _key(s)
    for s in (
        "ارسال به دوستان",
        "ارسال به دوست",
        "نسخه چاپی",
        "چاپ",
        "چاپ خبر",
        "پرینت",
        "اشتراک گذاری",
        "اشتراک‌گذاری",
        "کپی لینک",
        "لینک کوتاه",
        "لینک کوتاه خبر",
        "ذخیره",
        "بازنشر",
        "ارسال نظر",
        "نظرات",
        "دیدگاه",
        "دیدگاه ها",
        "نظر شما",
        "ارسال نظرات",
        "دیدگاه کاربران",
        "نظرات کاربران",
        "برچسب ها",
        "برچسب‌ها",
        "کلمات کلیدی",
        "تگ ها",
        "ارسال",
        "دانلود",
        "بیشتر",
        "فیلم بیشتر",
        "عکس بیشتر",
        "خبرهای بیشتر",
        "اخبار بیشتر",
    )
}

_RELATED_HEADINGS = tuple(
    _key(s)
    for s in (
        "بیشتر بخوانید",
        "بخوانید",
        "مطالب مرتبط",
        "اخبار مرتبط",
        "خبرهای مرتبط",
        "مطالب پیشنهادی",
        "پیشنهاد سردبیر",
        "پیشنهاد ما",
        "آخرین اخبار",
        "پربازدیدترین",
        "پربازدید ترین",
        "پربحث ترین",
        "داغ ترین",
        "سایر اخبار",
        "اخبار برگزیده",
        "مطالب برگزیده",
    )
)

# A legal notice or a republisher's credit: phrases that ordinary news sentences do not use.
# ("نقض حقوق بشر" and "کلیه حقوق معوق کارگران" are news; "حقوق این سایت محفوظ است" is not.)
_DISCLAIMERS = re.compile(
    "|".join(
        (
            r"مسیولیتی\s+(?:ندارد|نخواهد\s+داشت|نمی\s*پذیرد)",
            r"هیچ\s+مسیولیتی",
            r"قانون\s+تجارت\s+الکترونیک",
            r"حقوق\b.{0,50}\bمحفوظ",
            r"منبع\s+(?:خبر|مطلب)\b.{0,60}\bاست\b",
            r"استفاده\s+از\s+(?:مطالب|اخبار|محتوای).{0,60}(?:ذکر\s+منبع|بلامانع|ممنوع|مجاز|منوط)",
            r"نقض\s+حقوق\s+(?:مولفان|مولف|نشر|ناشر)",
            r"بر\s+عهده\s+(?:منبع|کاربران|نویسنده)",
            r"مسیول\s+محتوای\s+(?:سایت|سایتهای|سایت\s+های|پایگاه)",
        )
    )
)


def line_kind(line: str) -> str | None:
    """What a line of a page is, when it is page furniture: "end" (the agency's end marker,
    "انتهای پیام/ی"), "tool" (a share button, print link, tag heading, a "more" link such as
    "فیلم بیشتر »»"), "related" (a related-news heading) or "disclaimer" (a legal notice, a
    copyright line, a republisher's credit); None for anything else. The line is folded once."""
    key = _key(line)
    words = key.count(" ") + 1
    if words <= _SHORT:
        if _END_MARKER.match(key):
            return "end"
        if key in _SHARE_AND_TOOLS or (words <= 4 and _MORE_ARROWS.search(line)):
            return "tool"
        parts = [_key(p) for p in _TOOL_SEPARATORS.split(line) if p.strip()]
        if len(parts) > 1 and all(p in _SHARE_AND_TOOLS for p in parts):  # "نسخه چاپی | ارسال به دوستان"
            return "tool"
        if any(key == h or (key.startswith(h + " ") and words <= h.count(" ") + 3) for h in _RELATED_HEADINGS):
            return "related"
    if _DISCLAIMERS.search(key):
        return "disclaimer"
    return None


def is_end_marker(line: str) -> bool:
    return line_kind(line) == "end"


def is_tool_label(line: str) -> bool:
    return line_kind(line) == "tool"


def is_related_heading(line: str) -> bool:
    return line_kind(line) == "related"


def is_disclaimer(paragraph: str) -> bool:
    return line_kind(paragraph) == "disclaimer"


def is_headline_run(paragraph: str) -> bool:
    """Many headlines run together in one block: long, yet not one sentence ends with a period.

    Article paragraphs of forty words and more end sentences with "."; a run of headlines only
    has "؟" and "!" at most.
    """
    return len(paragraph.split()) >= 40 and "." not in paragraph


def looks_like_headline(line: str) -> bool:
    """Short enough for a headline (Fars joins several with "/") and not ending as a sentence does."""
    words = len(line.split())
    return 2 <= words <= 45 and not line.rstrip().endswith((".", ":", "،"))


def reads_as_text(paragraph: str) -> bool:
    """A paragraph of article prose: sentences that end, a long passage with clauses in it
    (a long multi-part headline has none), or too long for anything else."""
    words = len(paragraph.split())
    ends = paragraph.rstrip().endswith((".", "!", "؟", "?", "»", ")"))
    clauses = "،" in paragraph or ". " in paragraph
    return words > 45 or (words >= 25 and clauses) or (words >= 6 and ends)


_PUBLISH_LABELS = tuple(
    _key(s) for s in ("تاریخ انتشار", "زمان انتشار", "انتشار", "منتشر شده", "تاریخ خبر", "تاریخ ثبت", "تاریخ")
)
_UPDATE_LABELS = tuple(
    _key(s)
    for s in ("به روز شده", "بروز شده", "به روزرسانی", "بروزرسانی", "به روز رسانی", "ویرایش", "اصلاح", "updated")
)
_EDITOR_CODE = re.compile(r"^[\w/,.\-]{1,40}$", re.ASCII)
_CREDIT = re.compile(r"^(?:خبرنگار|نویسنده|گزارش|عکس|عکاس|ترجمه|مترجم|تنظیم|ویراستار|دبیر|تهیه|منبع)\s*[:：]")
_UNRELATED_SHARE = 0.2  # a line sharing fewer of its words with the article is another story


def is_publish_label(label: str) -> bool:
    """True when the words before a date say it is the publish time ("تاریخ انتشار")."""
    key = _key(label)
    return any(p in key for p in _PUBLISH_LABELS)


def is_update_label(label: str) -> bool:
    """True when the words before a date say it is an update time ("به روز شده")."""
    key = _key(label)
    return any(u in key for u in _UPDATE_LABELS)


def is_editor_code(line: str) -> bool:
    """An editor's or CMS code after a story ("17302", "R35347/P1015135/S3,27/CT7")."""
    return bool(_EDITOR_CODE.match(fold(line).replace(" ", ""))) and len(line.split()) <= 2


def article_paragraphs(lines: list[str], title: str, lead: str | None = None) -> list[str]:
    """The article's paragraphs among the lines of its body element: up to the end marker,
    share buttons or disclaimer; without related-news lists, repeats of the title and lead, and
    the codes, credits and unrelated headlines after the text."""
    title_key, lead_key = _key(title), _key(lead or "")
    kinds = [line_kind(line) for line in lines]
    body: list[str] = []
    i = 0
    while i < len(lines):
        line, kind = lines[i], kinds[i]
        if kind in ("end", "disclaimer") or (kind == "tool" and body):
            break
        if kind == "related":
            after = i + 1
            while after < len(lines) and not reads_as_text(lines[after]) and kinds[after] != "end":
                after += 1
            if after == len(lines) or kinds[after] == "end":
                break  # a list of other stories closes the article
            i = after  # an inline "read more" link: skip it, the article goes on
            continue
        key = _key(line)
        if _is_date_line(line):  # "آخرین به روز رسانی: …", a bare date: page furniture, not text
            i += 1
            continue
        # the title never belongs in the body; the lead only when repeated as its first line
        if kind != "tool" and key != title_key and not (key == lead_key and not body):
            body.append(line)
        i += 1
    while body and (is_editor_code(body[-1]) or (_CREDIT.match(fold(body[-1])) and len(body[-1].split()) <= 8)):
        body.pop()
    return without_trailing_headlines(body, title)


def _is_date_line(line: str) -> bool:
    """A publish or update time on a line of its own, or a date with at most its weekday; a
    line that mentions a date among other words ("بازی شماره 3 - 12/12/1363") is text."""
    if len(line.split()) > 14:
        return False
    dates = find_dates(line)
    if not dates:
        return False
    before = line[: dates[0].start]
    if is_publish_label(before) or is_update_label(before):
        return True
    rest = line
    for match in reversed(dates):
        rest = rest[: match.start] + " " + rest[match.end :]
    return len(_key(rest).split()) <= 1


def without_trailing_headlines(body: list[str], title: str) -> list[str]:
    """The body without a closing run of headlines: long blocks with no sentence in them, and
    two or more short lines that share (almost) no words with the article."""
    while body and is_headline_run(body[-1]):
        body = body[:-1]
    tail = 0
    while tail < len(body) - 1 and looks_like_headline(body[-1 - tail]):
        tail += 1
    if tail >= 2:
        article_words = _content_words(" ".join([title, *body[: len(body) - tail]]))
        unrelated = [_shared(line, article_words) < _UNRELATED_SHARE for line in body[len(body) - tail :]]
        cut = len(unrelated)
        while cut and unrelated[cut - 1]:
            cut -= 1
        if len(unrelated) - cut >= 2:
            body = body[: len(body) - tail + cut]
    return body


def _content_words(text: str) -> set[str]:
    return {t for t in primary_terms(text) if len(t) > 2 and not is_stop(t) and not t.isdigit()}


def _shared(line: str, article_words: set[str]) -> float:
    words = _content_words(line)
    return len(words & article_words) / len(words) if words else 1.0
