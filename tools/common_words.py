"""Rebuild the index's list of common words from ../shared (run from the repository root).

    .venv/bin/python tools/common_words.py [SHARED_DIR] [OUTPUT]   (it needs khabar installed)

Writes src/khabar/index/common.txt: every canonical term (`khabar.text.analysis.primary_terms`)
found in at least MIN_SHARE of the articles of SHARED_DIR/corpus/articles.jsonl (2,400 real
Persian news articles), commonest first. Two words side by side are indexed as one `pair` term
only when both are on the list (see `khabar.index.documents`); a change to the list, or to the
analysis, changes what an index holds: bump `INDEX_VERSION` with it.
"""

import json
import sys
from collections import Counter
from pathlib import Path

from khabar.text.analysis import primary_terms

MIN_SHARE = 0.002  # of the articles: 5 of 2,400

shared = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared")
output = Path(sys.argv[2] if len(sys.argv) > 2 else "src/khabar/index/common.txt")
articles = 0
held_by: Counter[str] = Counter()
with (shared / "corpus" / "articles.jsonl").open(encoding="utf-8") as lines:
    for line in lines:
        article = json.loads(line)
        parts = (article.get("title"), article.get("lead"), article.get("body"))
        held_by.update(set(primary_terms("\n".join(p for p in parts if p))))
        articles += 1
common = sorted((word for word, n in held_by.items() if n >= MIN_SHARE * articles), key=lambda w: (-held_by[w], w))
output.write_text("".join(f"{word}\n" for word in common), encoding="utf-8")
print(f"{len(common)} words in at least {MIN_SHARE:.1%} of {articles} articles written to {output}")
