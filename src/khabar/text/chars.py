"""Character-level canonical forms of Persian text.

Persian text on the web mixes two keyboards and several encodings of the same letters: Arabic
yeh (ي, ى) and kaf (ك) beside Persian ی and ک, teh marbuta and heh-with-hamza beside ه,
presentation forms copied out of PDFs, diacritics, tatweel, invisible direction marks and three
scripts of digits. Search must see one letter where a reader sees one letter, so `fold` maps all
of them to one form. The stored article keeps the page's own spelling; folding is only for terms.

`fold` keeps the zero-width non-joiner (ZWNJ, U+200C): it marks a word-internal boundary that
the word-level rules in `khabar.text.analysis` need. It keeps آ too, because the affix rules must
tell the suffix "اش" from the word "آش"; `fold_term` then maps آ to ا for the index term.
"""

from __future__ import annotations

import re
import unicodedata

ZWNJ = "\u200c"

_YEH = "ی"
_KAF = "ک"
_HEH = "ه"
_ALEF = "ا"

# Letters written with other code points than the Persian ones readers mean.
_LETTERS = {
    "ي": _YEH,  # Arabic yeh
    "ى": _YEH,  # alef maksura
    "ې": _YEH,
    "ێ": _YEH,
    "ۍ": _YEH,
    "ۑ": _YEH,
    "ئ": _YEH,  # yeh with hamza: رئیس = رییس
    "ك": _KAF,  # Arabic kaf
    "ڪ": _KAF,
    "ة": _HEH,  # teh marbuta
    "ۀ": _HEH,  # heh with yeh above (ezafe)
    "ۂ": _HEH,
    "ہ": _HEH,
    "ە": _HEH,
    "ھ": _HEH,
    "أ": _ALEF,
    "إ": _ALEF,
    "ٱ": _ALEF,
    "ٲ": _ALEF,
    "ٳ": _ALEF,
    "ؤ": "و",
    "٫": ".",  # Arabic decimal separator
    "٬": ",",  # Arabic thousands separator
    "٪": "%",
    "ء": None,  # a lone hamza is dropped: اجزاء = اجزا, شیء = شی
}

# Combining marks (harakat, shadda, sukun, superscript alef, Quranic marks) and tatweel.
_MARKS = [
    *range(0x0610, 0x061B),
    *range(0x064B, 0x0660),
    0x0670,
    *range(0x06D6, 0x06DD),
    *range(0x06DF, 0x06E9),
    *range(0x06EA, 0x06EE),
    0x0640,
]

# Invisible format characters that carry no letters: direction marks and embeddings, BOM,
# zero-width joiner, soft hyphen, Arabic letter mark.
_INVISIBLE = [0x200D, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF, 0x00AD, 0x061C]

_SPACES = [0x00A0, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000, 0x0009, 0x000B, 0x000C]

_DIGITS = {**{0x06F0 + i: str(i) for i in range(10)}, **{0x0660 + i: str(i) for i in range(10)}}


def _presentation_forms() -> dict[int, str]:
    """NFKC images of the Arabic presentation forms, so one table does the whole fold.

    Applying NFKC to the whole text would also rewrite things search wants kept apart (it turns
    "…" into "...", superscripts into digits); the Arabic presentation forms are what Persian
    text copied out of PDFs and old pages actually carries.
    """
    table: dict[int, str] = {}
    for cp in [*range(0xFB50, 0xFE00), *range(0xFE70, 0xFF00)]:
        ch = chr(cp)
        nf = unicodedata.normalize("NFKC", ch)
        if nf != ch:
            table[cp] = nf
    return table


def _build_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for cp, image in _presentation_forms().items():
        # The image may itself hold Arabic yeh, kaf or marks: fold it fully, once, here.
        table[cp] = "".join(_fold_char(c) for c in image) or None
    table.update({ord(k): v for k, v in _LETTERS.items()})
    table.update(dict.fromkeys(_MARKS))
    table.update(dict.fromkeys(_INVISIBLE))
    table.update(dict.fromkeys(_SPACES, " "))
    table.update(_DIGITS)
    table[0x200B] = ZWNJ  # a zero-width space is used as a half-space by some editors
    return table


def _fold_char(c: str) -> str:
    cp = ord(c)
    if c in _LETTERS:
        return _LETTERS[c] or ""
    if cp in _MARKS or cp in _INVISIBLE:
        return ""
    if cp in _DIGITS:
        return _DIGITS[cp]
    return c


_TABLE = _build_table()
# Few characters of real text need folding (4% of the corpus's), so in a text of some length,
# finding them with one character class and replacing only those is three times faster than
# `str.translate`, which looks every character up in the table; a word is translated.
_SHORT = 24
_REPLACEMENTS = {chr(cp): image or "" for cp, image in _TABLE.items()}
_FOLDABLE = re.compile("[" + "".join(re.escape(c) for c in sorted(_REPLACEMENTS)) + "]")


def _replacement(found: re.Match[str]) -> str:
    return _REPLACEMENTS[found[0]]


def fold(text: str) -> str:
    """Map every variant letter, digit and mark to its one canonical character.

    Keeps ZWNJ and آ (see the module docstring), lower-cases Latin letters, turns exotic spaces
    into plain spaces. Idempotent: ``fold(fold(t)) == fold(t)``.
    """
    if len(text) < _SHORT:
        return text.translate(_TABLE).lower()
    return _FOLDABLE.sub(_replacement, text).lower()


def fold_term(word: str) -> str:
    """The index form of one already-segmented word: folded, without ZWNJ, آ as ا."""
    return fold(word).replace(ZWNJ, "").replace("آ", _ALEF)


_PERSIAN_LETTERS = str.maketrans({"ي": _YEH, "ى": _YEH, "ك": _KAF})


def persian_letters(name: str) -> str:
    """A name (an agency, a site) with Arabic yeh and kaf written as the Persian letters, so
    "ايسنا" and "ایسنا" are one agency; nothing else changes."""
    return name.translate(_PERSIAN_LETTERS)


def tidy_space(text: str) -> str:
    """Whitespace tidied the way stored text keeps it: no-break and exotic spaces become spaces,
    runs of spaces collapse, lines are stripped; letters are left exactly as the page wrote them."""
    lines = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        lines.append(" ".join(line.translate(_SPACE_ONLY).split()))
    return "\n".join(lines).strip()


_SPACE_ONLY = dict.fromkeys(_SPACES, " ")
