"""What on a Persian news page is not the article: the words and shapes that mark it.

Label words are compared in folded form (ی/ي, ZWNJ and spacing do not matter), so one entry
covers every spelling a site uses. Rules name kinds of page furniture, never a site.
"""

from __future__ import annotations

import re

from khabar.text.chars import fold


def _key(text: str) -> str:
    """Folded, ZWNJ as space, punctuation dropped: how labels are compared."""
    folded = fold(text).replace("\u200c", " ")
    return " ".join(re.sub(r"[^\w\s]", " ", folded).split())


_END_MARKER = re.compile(r"^(?:انتهای|پایان)\s*(?:پیام|خبر|متن)\s*(?:/\s*\S{0,6})?$")

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
        )
    )
)


def is_end_marker(line: str) -> bool:
    """ "انتهای پیام", "انتهای پیام/ی", "پایان خبر": the agency's own end of the story."""
    return bool(_END_MARKER.match(" ".join(fold(line).replace("\u200c", " ").split())))


def is_tool_label(line: str) -> bool:
    """A share button, print link, tag or comment heading, or a "more" link ("فیلم بیشتر »»")."""
    key = _key(line)
    if key in _SHARE_AND_TOOLS:
        return True
    return len(key.split()) <= 4 and bool(re.search(r"»»|««|›{2,}|‹{2,}|>>|<<", line))


def is_related_heading(line: str) -> bool:
    key = _key(line)
    return any(key == h or (key.startswith(h) and len(key.split()) <= len(h.split()) + 2) for h in _RELATED_HEADINGS)


def is_disclaimer(paragraph: str) -> bool:
    """A legal notice, a copyright line or a republisher's "source of this news is X" line."""
    return bool(_DISCLAIMERS.search(_key(paragraph)))


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
