"""Rebuild khabar's bundled demo corpus from ../shared (run from the repository root).

    python3 tools/make_demo_sample.py [SHARED_DIR]

Writes src/khabar/demo/: the two seed pages as they are, and every 8th article of
SHARED_DIR/corpus/articles.jsonl (300 articles, Fars and Varzesh3 in their corpus proportions),
lines copied unchanged. The origin and licence are in src/khabar/demo/README.md.
"""

import shutil
import sys
from pathlib import Path

STEP = 8
LIMIT = 300

shared = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared")
demo = Path("src/khabar/demo")
(demo / "seeds").mkdir(parents=True, exist_ok=True)
for seed in sorted((shared / "seeds").glob("0*.txt")):
    shutil.copyfile(seed, demo / "seeds" / seed.name)
lines = (shared / "corpus" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
sample = lines[::STEP][:LIMIT]
(demo / "articles.jsonl").write_text("\n".join(sample) + "\n", encoding="utf-8")
print(f"{len(sample)} articles and the seed pages written to {demo}")
