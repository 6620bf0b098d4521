import html

from khabar.text.analysis import terms
from khabar.text.chars import ZWNJ
from khabar.text.highlight import ELLIPSIS, snippet


def marked(s) -> list[str]:
    return [s.text[a:b] for a, b in s.marks]


def test_every_spelling_is_marked_by_a_query_in_any_spelling() -> None:
    text = f"این کار میشود. آن کار می{ZWNJ}شود. کار دیگر می شود."
    for query in ("می شود", "میشود", f"می{ZWNJ}شود"):
        s = snippet(text, terms(query))
        assert marked(s) == [f"می{ZWNJ}شود"] * 3  # in display form


def test_the_passage_with_most_query_words_is_chosen() -> None:
    filler = "جمله‌ای بی‌ربط درباره هوای امروز تهران است. " * 8
    text = filler + "ائتلاف بین المللی در عراق حضور دارد. " + filler
    s = snippet(text, terms("ائتلاف عراق"), width=120)
    assert "ائتلاف" in s.text and "عراق" in s.text
    assert s.text.startswith(ELLIPSIS) and s.text.endswith(ELLIPSIS)
    assert marked(s) == ["ائتلاف", "عراق"]
    assert len(s.text) <= 120 + 40


def test_no_match_gives_the_start_of_the_text_unmarked() -> None:
    s = snippet("متن کوتاه خبر", terms("ناموجود"))
    assert s.text == "متن کوتاه خبر" and s.marks == ()


def test_render_escapes_the_text_and_wraps_marks() -> None:
    s = snippet("<script>alert(1)</script> ائتلاف", terms("ائتلاف"))
    out = s.render("<mark>", "</mark>", html.escape)
    assert out == "&lt;script&gt;alert(1)&lt;/script&gt; <mark>ائتلاف</mark>"


def test_a_snippet_is_one_line_cut_at_the_sentence_end() -> None:
    lead = "مدافع تیم پرسپولیس در تمرین حضور یافت."
    body = "به گزارش ورزش سه، " + "جمله‌ای بلند درباره تمرین امروز تیم است " * 12
    s = snippet(lead + "\n" + body, terms("پرسپولیس"), width=120)
    assert s.text == lead + " " + ELLIPSIS
    assert marked(s) == ["پرسپولیس"]


def test_a_match_deep_in_a_long_article_is_found_in_every_spelling() -> None:
    filler = "جمله‌ای بی‌ربط درباره هوای امروز تهران است. " * 60  # ~2,700 characters before it
    for spelling in ("تروریستهای", f"تروریست{ZWNJ}های", "تروريست هاي"):
        text = filler + f"نیروهای ائتلاف با {spelling} داعش در عراق جنگیدند. " + filler
        s = snippet(text, terms("تروریست های عراق"), width=160)
        assert [m.replace(ZWNJ, "").replace(" ", "") for m in marked(s)] in (
            ["تروریستهای", "عراق"],
            ["تروريستهاي", "عراق"],
        ), spelling


def test_a_long_article_that_holds_no_query_word_opens_its_snippet_at_the_start() -> None:
    text = "آغاز خبر. " + "جمله‌ای بی‌ربط درباره هوای امروز تهران است. " * 60
    s = snippet(text, terms("پرسپولیس"), width=120)  # the title matched, the text did not
    assert s.text.startswith("آغاز خبر.") and s.marks == ()


def test_a_long_article_holding_the_separator_character_is_searched_all_the_same() -> None:
    """The sentences of a long text are folded in one call, kept apart by U+001F; a text that
    holds that character itself is folded sentence by sentence, with the same passage found."""
    filler = "جمله‌ای بی‌ربط درباره هوای امروز تهران است. " * 30
    text = filler + "نیروهای ائتلاف با تروریستهای داعش در عراق جنگیدند. " + filler
    plain = snippet(text, terms("تروریست های عراق"), width=160)
    odd = snippet("\x1f" + text[1:], terms("تروریست های عراق"), width=160)
    assert len(marked(plain)) == 2 and marked(odd) == marked(plain)
    assert odd.text == plain.text
