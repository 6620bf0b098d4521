"""People, organizations and places named in an article: a small gazetteer plus the rules Persian
news writing follows, and one key per name that merges its transliterations. Pure functions.

Rules: a name in «guillemets» of one to four words («وین ماروتو»); the words after a title
("سخنگوی", "فرمانده", "نخست وزیر", "ژنرال", …) up to a function word or punctuation; and the
gazetteer's countries, cities and organizations wherever they appear.

Foreign names reach Persian through many spellings (وین / واین ماروتو, ترامپ / ترمپ): the key of
a name is its consonant skeleton, each word's long vowels (ا و ی) and silent ه dropped after its
first letter, so those spellings share one key. A key of fewer than four letters is too short to
merge on: it stays the name itself.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from khabar.text.chars import fold_term

# Countries, cities and organizations that news about Iran and the region names most.
GAZETTEER: dict[str, str] = {
    name: kind
    for kind, names in {
        "place": (
            "ایران آمریکا امریکا ایالات‌متحده عراق سوریه لبنان یمن عربستان اسرائیل فلسطین غزه ترکیه روسیه چین "
            "افغانستان پاکستان هند انگلیس بریتانیا فرانسه آلمان ایتالیا اسپانیا اوکراین قطر امارات کویت بحرین "
            "عمان مصر اردن لیبی ژاپن کره تهران بغداد دمشق بیروت مسکو واشنگتن لندن پاریس برلین کابل ریاض "
            "مشهد اصفهان شیراز تبریز اربیل کردستان بصره موصل حلب ادلب"
        ),
        "org": (
            "ناتو داعش طالبان حماس حزب‌الله سپاه ارتش مجلس دولت پنتاگون سیا فیفا یوفا "
            "سازمان‌ملل شورای‌امنیت اتحادیه‌اروپا اوپک آژانس فدراسیون"
        ),
    }.items()
    for name in names.split()
}
TITLES = frozenset(
    (
        "سخنگوی سخنگو فرمانده رئیس رییس وزیر نخست‌وزیر نخست وزیر معاون دبیرکل دبیر سفیر نماینده ژنرال سرهنگ "
        "سرلشکر سرتیپ سردار سرهنگ دریادار آیت‌الله حجت‌الاسلام دکتر مهندس آقای خانم سرمربی مربی کاپیتان "
        "مدافع هافبک مهاجم دروازه‌بان بازیکن ستاره رئیس‌جمهور رئیس‌جمهوری پادشاه شاهزاده ولیعهد"
    ).split()
)
_STOP_AFTER_TITLE = frozenset(
    "و در از به با که را این آن برای تا هم نیز گفت کرد است بود شد می‌گوید گفته اعلام روز امروز دیروز های ها".split()
)
# Words that begin a role or a body after a title ("سخنگوی نیروهای ائتلاف"), never a name.
_NOT_NAMES = frozenset(
    "کل نیروهای نیروی ائتلاف سازمان وزارت ستاد تیم باشگاه حزب اداره شورای مجلس دفتر کمیته اتحادیه "
    "فدراسیون قوه دولت ارتش سپاه جمهوری کشور کشورمان استان شهر هیئت هیات بانک شرکت گروه جبهه مرکز".split()
)
_CUES = TITLES | GAZETTEER.keys()  # the words after which, or as which, an entity is named
_QUOTED = re.compile(r"«([^«»\n]{2,40})»")
_WORD = re.compile(r"[\u0600-\u06FF\u200c]+")
_VOWELS = str.maketrans("", "", "اوی")


@dataclass(frozen=True)
class Entity:
    name: str  # as the text spells it
    key: str  # the merge key: spellings of one name share it
    kind: str  # person | org | place | name (a quoted name of unknown kind)


@lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """The consonant skeleton of a name (see the module docstring)."""
    words = fold_term(name).replace("آ", "ا").split()
    skeleton = " ".join(w[0] + w[1:].rstrip("ه").translate(_VOWELS) for w in words if w)
    letters = skeleton.replace(" ", "")
    return skeleton if len(letters) >= 4 else " ".join(words)


# The gazetteer's names as entities, made once: a country is named again and again.
_GAZETTEER_ENTITIES = {word: Entity(word, name_key(word), kind) for word, kind in GAZETTEER.items()}


def entities(text: str) -> list[Entity]:
    """The entities `text` names, most mentioned first, one per key (its commonest spelling)."""
    found: list[Entity] = []
    for m in _QUOTED.finditer(text):
        name = " ".join(m.group(1).split())
        words = name.split()
        if 1 <= len(words) <= 4 and all(_WORD.fullmatch(w) for w in words):
            found.append(Entity(name, name_key(name), _kind_before(text, m.start())))
    words = _WORD.findall(text)
    present = _CUES.intersection(words)  # (most words are neither: they are passed over in C)
    for i in itertools.compress(itertools.count(), map(present.__contains__, words)) if present else ():
        word = words[i]
        if word in TITLES:
            name = _name_after(words, i + 1)
            if name:
                found.append(Entity(name, name_key(name), "person"))
        place = _GAZETTEER_ENTITIES.get(word)
        if place:
            found.append(place)
    return _merged(found)


def _kind_before(text: str, at: int) -> str:
    before = _WORD.findall(text[max(0, at - 30) : at])
    return "person" if before and before[-1] in TITLES else "name"


def _name_after(words: list[str], start: int) -> str | None:
    """One to three words after a title, stopping at a function word or another title."""
    name: list[str] = []
    if start < len(words) and words[start] in _NOT_NAMES:
        return None
    for word in words[start : start + 3]:
        if word in _STOP_AFTER_TITLE or word in TITLES or word in GAZETTEER or len(word) < 2:
            break
        name.append(word)
    # one word after a title is usually a role or a place ("سخنگوی دولت"), not a name
    return " ".join(name) if len(name) >= 2 else None


def _merged(found: list[Entity]) -> list[Entity]:
    """One entity per key, most mentioned first (ties in first-seen order): its commonest
    spelling, and the first kind found other than "name"."""
    by_key: dict[str, list[Entity]] = {}
    for e in found:
        by_key.setdefault(e.key, []).append(e)
    merged = []
    for same in sorted(by_key.values(), key=len, reverse=True):
        first = same[0]
        if len(same) == 1 or all(e is first for e in same):  # (a gazetteer name, met again and again)
            merged.append(first)
            continue
        name = Counter(e.name for e in same).most_common(1)[0][0]
        kind = next((e.kind for e in same if e.kind != "name"), "name")
        merged.append(first if (name, kind) == (first.name, first.kind) else Entity(name, first.key, kind))
    return merged
