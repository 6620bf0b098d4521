import random
import re

import pytest

from khabar.models import Article


def test_from_json_makes_each_run_of_spaces_one_space_and_keeps_paragraphs():
    article = Article.from_json(
        {"title": "  خبر \t فوری  ", "body": "بند  اول\u00a0\u00a0با فاصله\n\nبند\t\tدوم   ", "lead": "\u00a0 لید"}
    )
    assert article.title == "خبر فوری"
    assert article.body == "بند اول با فاصله\n\nبند دوم"
    assert article.lead == "لید"


@pytest.mark.parametrize("seed", range(3))
def test_from_json_tidies_spaces_as_one_regex_of_runs_would(seed):
    """Any mix of spaces, tabs, no-break spaces, newlines and letters: each run of the first
    three becomes one space, newlines stay, and the ends are stripped."""
    runs = re.compile(r"[ \t\u00a0]+")
    rng = random.Random(seed)
    for _ in range(2000):
        text = "".join(rng.choice(" \t\u00a0\nاب") for _ in range(rng.randint(1, 40)))
        if not text.strip():
            continue
        assert Article.from_json({"title": "عنوان", "body": text}).body == runs.sub(" ", text).strip()
