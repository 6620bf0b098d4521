"""Is this text Persian? Enough to keep Persian pages out of a mixed crawl (Common Crawl News
holds Arabic, Urdu and Pashto pages in the same script).

Letters alone do not tell: old Persian pages write ي and ك like Arabic and may carry no پ چ ژ گ
in a short story. Function words do: Persian text is full of را، است، از، در، که، این، با، می
and free of Arabic's في، على، التي، الذي، عن and Urdu's کے، ہے، اور، سے. A text is Persian when
most of its letters are Arabic-script and Persian function words outnumber the others.
"""

from __future__ import annotations

import re

from khabar.text.chars import fold

_WORD = re.compile(r"[\u0600-\u06ff\u200c]+")
_PERSIAN = frozenset(
    fold(w)
    for w in "را است از در که این آن با برای می هم یک شد شده کرد کرده های ها بود نیز تا خود اما به گفت وی".split()
)
_ARABIC = frozenset(fold(w) for w in "في على التي الذي عن هذا هذه كان كانت إلى قد لم أن مع بين حتى".split())
_URDU = frozenset("کے ہے ہیں اور سے نے کو کا کی میں پر تھا تھی ہو".split())
_MIN_WORDS = 8


def is_persian(text: str) -> bool:
    """True when `text` reads as Persian (see the module docstring)."""
    words = _WORD.findall(text)
    if len(words) < _MIN_WORDS:
        return False
    letters = sum(map(str.isalpha, text))
    if sum(map(len, words)) < letters / 2:
        return False
    urdu = sum(word in _URDU for word in words)  # Urdu letters (ہ ے) fold into Persian ones: count before folding
    folded = fold(" ".join(words)).split()  # one fold for the whole text, not one a word
    persian = sum(word in _PERSIAN for word in folded)
    arabic = sum(word in _ARABIC for word in folded)
    return persian >= 2 and persian > 2 * (arabic + urdu)
