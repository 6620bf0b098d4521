"""Snippets: the passage of an article that best answers a query, with the matching words marked.

Matching is done on canonical terms, not on letters, so a query "می شود" marks "می‌شود" and
"میشود" alike; the passage is returned in display form (ZWNJ restored where sure). The result
is plain text plus character spans: callers decide how to show a mark (the web layer escapes
the text and wraps spans; the CLI uses bold on a terminal), so page text never becomes markup.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from khabar.text.analysis import Term, analyze
from khabar.text.chars import fold_term
from khabar.text.display import display

_SENTENCE_END = re.compile(r"[.!?؟\n]+")
ELLIPSIS = "…"
_ANALYSE_WHOLE = 600  # characters: shorter texts are analysed whole
_SCAN = 4000  # characters of a longer text searched for the passage (news says it early)
_APART = "\x1f"  # the unit separator: folding keeps it, and article text does not hold it


@dataclass(frozen=True)
class Snippet:
    text: str
    marks: tuple[tuple[int, int], ...]  # [start, end) character spans in `text`

    def render(self, before: str, after: str, escape: Callable[[str], str] = str) -> str:
        """The snippet with each mark wrapped in `before`/`after`, the rest passed through `escape`."""
        out, last = [], 0
        for start, end in self.marks:
            out += [escape(self.text[last:start]), before, escape(self.text[start:end]), after]
            last = end
        out.append(escape(self.text[last:]))
        return "".join(out)


def snippet(
    text: str,
    wanted: Iterable[str],
    *,
    width: int = 240,
    frequency: Callable[[str], int] | None = None,
) -> Snippet:
    """The passage of `text` (at most about `width` characters) holding most of the `wanted`
    terms, in display form, with the spans of the words that match them. `frequency` (a term's
    document frequency) lets the display form split joined suffixes (see `display`)."""
    wanted = set(wanted)
    base, stop = _likely_region(text, wanted, width)
    hits = [t._replace(start=t.start + base, end=t.end + base) for t in analyze(text[base:stop]) if t.text in wanted]
    start, end = _window(text, hits, width)
    spans = _merge((max(t.start, start), min(t.end, end)) for t in hits if t.start < end and t.end > start)
    pieces, marks, cursor, length = [], [], start, 0
    if start > 0:
        pieces.append(ELLIPSIS + " ")
        length = 2
    for s, e in spans:
        plain = display(text[cursor:s], frequency)
        marked = display(text[s:e], frequency)
        pieces += [plain, marked]
        marks.append((length + len(plain), length + len(plain) + len(marked)))
        length += len(plain) + len(marked)
        cursor = e
    pieces.append(display(text[cursor:end], frequency))
    # one line: a paragraph break inside the passage reads as a space (same length, marks hold)
    passage = "".join(pieces).replace("\n", " ").rstrip()
    if end < len(text):
        passage += " " + ELLIPSIS
    return Snippet(passage, tuple(marks))


def _likely_region(text: str, wanted: set[str], width: int) -> tuple[int, int]:
    """The part of a long `text` worth analysing: the sentence that holds most wanted terms.

    Analysing a whole article for every hit of every results page costs more than the search
    itself, so a cheap test comes first: an index term is a folded word with its pieces glued,
    so every spelling of it ("می شود", "می‌شود", "میشود") is a substring of the sentence folded
    with its spaces and ZWNJs taken out. A substring can also sit inside another word; the
    analysis of the chosen sentence then decides what is marked. With no candidate at all (the
    query matched the title only, say) the passage is the text's opening. Only the first _SCAN
    characters are searched: news puts what matters first, and a page of results must be fast.
    """
    if len(text) <= _ANALYSE_WHOLE:
        return 0, len(text)
    best = (0, 0, min(len(text), 2 * width))  # (wanted terms found, start, end)
    scanned = min(len(text), _SCAN)
    bounds = list(itertools.pairwise([0, *(m.end() for m in _SENTENCE_END.finditer(text, 0, scanned)), scanned]))
    # the sentences folded in one call, apart at a character that folding keeps as it is
    sentences = fold_term(_APART.join(text[s:e] for s, e in bounds)).replace(" ", "").split(_APART)
    if len(sentences) != len(bounds):  # the text holds that character itself
        sentences = [fold_term(text[s:e]).replace(" ", "") for s, e in bounds]
    for (s, e), squeezed in zip(bounds, sentences, strict=True):
        found = sum(1 for term in wanted if term in squeezed)
        if found > best[0]:
            best = (found, s, e)
    return best[1], best[2]


def _window(text: str, hits: list[Term], width: int) -> tuple[int, int]:
    """The sentence with most distinct matching terms (the earliest on a tie), cut to `width`."""
    if len(text) <= width:
        return 0, len(text)
    best = (0, 0, min(len(text), width))  # (distinct terms, start, end)
    if hits:
        bounds = [0, *(m.end() for m in _SENTENCE_END.finditer(text)), len(text)]
        for s, e in itertools.pairwise(bounds):
            distinct = len({t.text for t in hits if s <= t.start < e})
            if distinct > best[0]:
                best = (distinct, s, e)
    _, start, end = best
    if end - start > width:
        first_hit = next((t.start for t in hits if t.start >= start), start)
        start = max(start, first_hit - width // 3)
        end = start + width
    return _word_edge(text, start, backwards=True), _word_edge(text, min(end, len(text)), backwards=False)


def _word_edge(text: str, i: int, *, backwards: bool) -> int:
    """Move `i` to the nearest space so no word is cut in half (a cut between words stays)."""
    if i <= 0 or i >= len(text):
        return max(0, min(i, len(text)))
    if text[i - 1].isspace() or text[i].isspace() or not text[i - 1].isalnum():
        return i
    if backwards:
        j = text.rfind(" ", 0, i)
        return j + 1 if j >= 0 and i - j < 30 else i
    j = text.find(" ", i)
    return j if j >= 0 and j - i < 30 else i


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged
