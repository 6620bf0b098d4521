"""Who wrote a story and whom it cites, read from the way Persian news credits its sources.

Persian agencies open a story with "به گزارش X، به نقل از Y،": X is the agency (often behind a
desk name: "گروه بین الملل خبرگزاری فارس"), Y the source it relays. Republishers add a line
such as "منبع خبر "خبرگزاری فارس" است و … سایت Z …". Inside the text, a medium that reports
("شبکه خبری الفرات … گزارش داد") is cited; a background reference ("پیش از این خبرگزاری
اسپوتنیک گزارش داده بود") and a person quoted ("به نقل از ماروتو") are not.
"""

from __future__ import annotations

import re
from functools import lru_cache

from khabar.text.chars import fold

# Agencies and outlets readers name; a name's folded form is what is compared.
KNOWN_AGENCIES = (
    "خبرگزاری فارس",
    "فارس",
    "ایسنا",
    "ایرنا",
    "تسنیم",
    "مهر",
    "ایلنا",
    "ایبنا",
    "ایکنا",
    "برنا",
    "پانا",
    "شبستان",
    "رسا",
    "حوزه",
    "باشگاه خبرنگاران جوان",
    "باشگاه خبرنگاران",
    "خبرآنلاین",
    "همشهری آنلاین",
    "تابناک",
    "عصر ایران",
    "انتخاب",
    "فرارو",
    "اقتصادنیوز",
    "دنیای اقتصاد",
    "مشرق",
    "رجانیوز",
    "جام جم",
    "صدا و سیما",
    "العالم",
    "پرس تی وی",
    "ورزش سه",
    "نود",
    "بی بی سی فارسی",
    "رادیو فردا",
    "ایران اینترنشنال",
    "یورونیوز",
    "دویچه وله",
    "صدای آمریکا",
    "ایندیپندنت فارسی",
    "اسپوتنیک",
    "آسوشیتدپرس",
    "رویترز",
    "فرانس پرس",
    "آناتولی",
    "الجزیره",
    "المیادین",
    "سی ان ان",
    "میدل ایست نیوز",
)
_MEDIA_WORDS = (
    "شبکه",
    "خبرگزاری",
    "روزنامه",
    "پایگاه",
    "سایت",
    "تارنمای",
    "تارنما",
    "وبگاه",
    "رسانه",
    "تلویزیون",
    "رادیو",
    "نشریه",
    "هفته نامه",
    "ماهنامه",
    "مجله",
    "کانال",
    "خبرگزاری‌های",
    "نیوز",
    "تایمز",
    "پست",
)
# Words that end the name of a source: prepositions, conjunctions and reporting verbs.
_NAME_STOPS = frozenset(
    fold(w)
    for w in (
        "در",
        "که",
        "و",
        "با",
        "از",
        "به",
        "برای",
        "تا",
        "این",
        "آن",
        "گزارش",
        "نوشت",
        "اعلام",
        "افزود",
        "گفت",
        "مدعی",
        "ادعا",
        "خبر",
        "اشاره",
        "تاکید",
        "آورده",
        "نقل",
        "همچنین",
        "نیز",
        "امروز",
        "روز",
    )
)
_REPORTING = re.compile(r"گزارش\s*(?:داد|کرد|داده\s+است|می\s*دهد)|نوشت|اعلام\s*کرد|خبر\s*داد|مدعی\s*شد|اعلام\s*داشت")
_BACKGROUND = re.compile(r"^(?:پیش\s*از\s*این|پیشتر|پیش‌تر|قبلا|قبلاً|پیش\s*تر)|گزارش\s*داده\s*بود")
_DESK_OR_REPORTER = re.compile(r"^(?:گروه|سرویس|دبیرخانه|بخش|واحد|خبرنگار|خبرنگاران|عکاس|گزارشگر)\b")
_QUOTES = "\"'«»“”„"
_PUNCT = _QUOTES + "،,.:؛;()"
# Words a sentence may open with before the medium that reports ("امروز روزنامه … گزارش کرد").
_LEADING_ADVERBS = frozenset(
    fold(w) for w in ("امروز", "دیروز", "امشب", "همچنین", "اخیرا", "اخیراً", "سپس", "همزمان", "بامداد", "صبح", "شامگاه")
)


@lru_cache(maxsize=1 << 14)
def _key(text: str) -> str:
    """Folded, ZWNJ as space (memoized: names and words repeat from page to page)."""
    return " ".join(fold(text).replace("\u200c", " ").split())


_KNOWN = sorted(((_key(a), a) for a in KNOWN_AGENCIES), key=lambda p: -len(p[0]))
_KNOWN_BY_FIRST_WORD: dict[str, list[tuple[str, ...]]] = {}
for _agency_key, _ in _KNOWN:
    _KNOWN_BY_FIRST_WORD.setdefault(_agency_key.split()[0], []).append(tuple(_agency_key.split()))
_MEDIA_KEYS = tuple(_key(w) for w in _MEDIA_WORDS)


def opening_attribution(paragraph: str) -> tuple[str | None, list[str]]:
    """(agency, relayed sources) from a paragraph that opens "به گزارش X، به نقل از Y،".

    The clause up to the first comma names the agency, behind a desk or reporter and before a
    dateline ("… از گچساران", "… در آمریکای لاتین"); "از Y" there is a source when Y is a medium
    ("به گزارش ورزش سه از مهر"), and "به نقل از Y" always is.
    """
    m = re.match(r"\s*به\s+گزارش\s+", paragraph)
    if not m:
        return None, []
    rest = paragraph[m.end() :]
    clause = re.split(r"[،,:]", rest, maxsplit=1)[0]
    head, *relayed = re.split(r"\s+(?:و\s+)?به\s+نقل\s+از\s+", clause, maxsplit=1)
    cites = [name for name in map(_name, relayed) if name]
    head, *source = re.split(r"\s+از\s+", head, maxsplit=1)
    for name in map(_name, source):
        if name and is_media_name(name):
            cites.append(name)
    head = re.split(r"\s+در\s+", head, maxsplit=1)[0]
    after = re.match(r"\s*[،,]\s*(?:و\s+)?به\s+نقل\s+از\s+([^،,:.]+)", rest[len(clause) :])
    if after and (name := _name(after.group(1))):
        cites.append(name)
    return clean_agency(head), cites


def starts_with_attribution(paragraph: str) -> bool:
    """True for the paragraph that opens a story's body: "به گزارش X،", "به نقل از Y،"."""
    return bool(re.match(r"\s*(?:به\s+گزارش|به\s+نقل\s+از|بنا\s+بر\s+گزارش|طبق\s+گزارش)\s", paragraph))


def clean_agency(name: str) -> str | None:
    """The agency in an attribution, without the desk ("گروه بین الملل"), the reporter
    ("خبرنگار سیاسی") or the quotes around it."""
    name = " ".join(name.strip().strip(_QUOTES).split()).strip(_QUOTES).strip()
    if not name:
        return None
    if _DESK_OR_REPORTER.match(name):
        at = name.find("خبرگزاری")
        return known_agency_in(name) or (name[at:] if at >= 0 else name.split()[-1])
    return name


def known_agency_in(text: str) -> str | None:
    """The longest known agency named in `text`, spelled as `text` spells it (with the word
    "خبرگزاری" when the text puts it in front)."""
    spans = []
    for m in re.finditer(r"[^\s\u200c]+", text):
        word = m.group()
        if word.strip(_PUNCT):
            start = m.start() + len(word) - len(word.lstrip(_PUNCT))
            spans.append((start, m.end() - len(word) + len(word.rstrip(_PUNCT))))
    keys = [_key(text[a:b]) for a, b in spans]
    best: tuple[int, int] | None = None  # (start word, word count)
    for i, key in enumerate(keys):
        for wanted in _KNOWN_BY_FIRST_WORD.get(key, ()):
            if keys[i : i + len(wanted)] == list(wanted) and (best is None or len(wanted) > best[1]):
                best = (i, len(wanted))
    if best is None:
        return None
    i, count = best
    first = i - 1 if i > 0 and keys[i - 1] == "خبرگزاری" else i
    return text[spans[first][0] : spans[i + count - 1][1]]


def is_media_name(name: str) -> bool:
    key = _key(name)
    return known_agency_in(name) is not None or any(w in key.split() or key.startswith(w) for w in _MEDIA_KEYS)


def cited_sources(paragraphs: list[str]) -> list[str]:
    """Media the text cites while it reports (not background references, not people)."""
    found: list[str] = []
    for i, paragraph in enumerate(paragraphs):
        for sentence in re.split(r"(?<=[.!؟?])\s+", paragraph):
            if _BACKGROUND.search(sentence.strip()):
                continue
            for m in re.finditer(r"به\s+(?:نقل\s+از|گزارش)\s+([^،,:.]+)", sentence):
                if i == 0 and m.start() < 3:  # the opening attribution names the agency
                    continue
                name = _name(m.group(1))
                if name and is_media_name(name):
                    found.append(name)
            subject = _name(_without_leading_adverbs(sentence))
            if subject and _starts_with_media_word(subject) and _REPORTING.search(sentence):
                found.append(subject)
    return _unique(found)


def republisher_credit(paragraphs: list[str]) -> tuple[str | None, str | None]:
    """(agency, site) from a republisher's line "منبع خبر «X» است و … سایت Z …"."""
    agency = site = None
    for p in paragraphs:
        m = re.search(r"منبع\s*(?:خبر|مطلب)?\s*[:：]?\s*[\"«“]([^\"»”]+)[\"»”]", p) or re.search(
            r"منبع\s*(?:خبر|مطلب)?\s*[:：]\s*([^،,.\n]+)", p
        )
        if m and not agency:
            agency = " ".join(m.group(1).split())
        s = re.search(
            r"(?:موتور\s+جستجو(?:گر)?\s+خبر|سایت|وب\s?سایت|وب‌سایت|پایگاه\s+خبری)\s+([^\s،,.()]+)"
            r"\s+(?:در\s+قبال|مصداق|هیچ\s+مسئولیت|مسئولیتی)",
            p,
        )
        if s and not site:
            site = s.group(1)
    return agency, site


def _without_leading_adverbs(sentence: str) -> str:
    words = sentence.split()
    while words and _key(words[0]) in _LEADING_ADVERBS:
        words.pop(0)
    return " ".join(words)


def _name(text: str) -> str | None:
    """The name at the start of `text`, up to the first word that cannot be part of a name."""
    words = []
    for word in text.strip().split():
        if _key(word) in _NAME_STOPS or len(words) == 5:
            break
        words.append(word.strip('«»"()'))
    return " ".join(w for w in words if w) or None


def _starts_with_media_word(name: str) -> bool:
    key = _key(name)
    return any(key.startswith(w + " ") for w in _MEDIA_KEYS)


def _unique(names: list[str]) -> list[str]:
    seen, out = set(), []
    for n in names:
        if _key(n) not in seen:
            seen.add(_key(n))
            out.append(n)
    return out
