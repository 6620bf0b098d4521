import pytest

from khabar.index.syntax import Either, Excluded, Phrase, Words, parse


@pytest.mark.parametrize(
    ("query", "items"),
    [
        ("ایران عراق", [Words("ایران عراق")]),
        ('"بین المللی" ایران', [Phrase("بین المللی"), Words("ایران")]),
        ("«تیم ملی» فوتبال", [Phrase("تیم ملی"), Words("فوتبال")]),
        ("ایران -عراق", [Words("ایران"), Excluded(Words("عراق"))]),
        ('-"ماه می" باران', [Excluded(Phrase("ماه می")), Words("باران")]),
        ("ایران OR عراق نفت", [Either((Words("ایران"), Words("عراق"))), Words("نفت")]),
        ("نفت ایران | عراق OR سوریه", [Words("نفت"), Either((Words("ایران"), Words("عراق"), Words("سوریه")))]),
        ("کووید-19 واکسن", [Words("کووید-19 واکسن")]),  # a dash inside a word is the word's
        ('"ناتمام', [Words("ناتمام")]),  # an unbalanced quote is dropped
        ("OR", [Words("OR")]),  # an OR with nothing to join is a word
        ("title:x AND (((", [Words("title:x AND (((")]),  # no other syntax exists
        ('""', []),
    ],
)
def test_parse(query: str, items: list) -> None:
    assert parse(query) == items
