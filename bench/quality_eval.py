"""Search quality: khabar beside stock Lucene with its Persian analyzer, on the same collection.

    .venv/bin/python bench/quality_eval.py [--collection ARTICLES.jsonl] [--topics T --qrels Q]
                                           [--known-items N] [--seed S] [--save DIR]

The collection is a JSONL file of articles (../shared/interface.md's shape; default: the shared
corpus). With --topics (TREC topics: "qid<TAB>query" lines, or <top><num>…<title>… blocks) and
--qrels (TREC qrels: "qid 0 docid rel"), those are used; docids are the articles' "id" field or,
without one, khabar's id of the article. Without them, a known-item set is made from the
collection the way readers search (--known-items N queries, --save DIR keeps them):

  two or three of the most distinctive words of an article's title, typed in today's letters
  (ی and ک), one of them an affixed word spelled otherwise than the article spells it — joined,
  with a ZWNJ or with a space, and only at a boundary writers really split there: the article's
  own ZWNJ, the verbal prefix می/نمی before a verb, a suffix after a stem that is a word of its
  own. The article (and any other with the same title) is the one relevant answer.

The baseline is the real stock Lucene: PersianAnalyzer (character normalization, ZWNJ as a
space, Persian stop words, no affix joining, no stemming), BM25, and the classic query parser
with its default OR, with khabar's field weights, from Debian's liblucene8-java on the
machine's Java (bench/lucene/LuceneBaseline.java, compiled on each run). Both engines return
their top 100; ir-measures computes nDCG@10, MAP, recall@100, MRR@10 and success@10.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import ir_measures
from ir_measures import AP, RR, R, Success, nDCG

from khabar.models import Article
from khabar.service import Khabar
from khabar.text import lexicon
from khabar.text.analysis import is_stop, is_verb_after_prefix, primary_terms, spaced_tokens, word_parts
from khabar.text.chars import ZWNJ, fold

REPO = Path(__file__).resolve().parents[1]
LUCENE_JARS = ("lucene-core-8.7.0.jar", "lucene-analyzers-common-8.7.0.jar", "lucene-queryparser-8.7.0.jar")
MEASURES = {"nDCG@10": nDCG @ 10, "MAP": AP, "recall@100": R @ 100, "MRR@10": RR @ 10, "success@10": Success @ 10}
DEPTH = 100


# --- the collection ----------------------------------------------------------------------------


def load(path: Path) -> dict[str, Article]:
    """docid → article, each docid once."""
    articles: dict[str, Article] = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            data = json.loads(line)
            article = Article.from_json(data)
            articles.setdefault(str(data.get("id") or article.id), article)
    return articles


# --- a known-item query set --------------------------------------------------------------------


def written_words(text: str) -> list[str]:
    """The word tokens of `text` as written (no numbers, dates or URLs)."""
    return [token for _, token in spaced_tokens(text) if word_parts(token)]


def written_splits(articles: dict[str, Article]) -> set[tuple[str, str]]:
    """The boundaries writers really split at: every (first, second) the collection writes with
    a ZWNJ between them, and with a space where the second is a suffix writers space or the
    first the verbal prefix (two words side by side are no evidence otherwise)."""
    spaced_ok = set(lexicon.SURE_SUFFIXES)
    splits: set[tuple[str, str]] = set()
    for a in articles.values():
        text = f"{a.title}\n{a.lead or ''}\n{a.body}"
        words = [fold(w) for w in written_words(text)]
        for word in words:
            pieces = [p for p in word.split(ZWNJ) if p]
            splits.update(itertools.pairwise(pieces))
        splits.update((x, y) for x, y in itertools.pairwise(words) if y in spaced_ok or x in lexicon.VERB_PREFIXES)
    return splits


def respellings(raw: str, splits: set[tuple[str, str]]) -> list[str]:
    """Other spellings of a written word: joined where the article splits it, split where the
    collection elsewhere splits the same word at a prefix or suffix."""
    word = raw.replace("ي", "ی").replace("ك", "ک")
    if ZWNJ in word:
        pieces = [p for p in word.split(ZWNJ) if p]
        return ["".join(pieces), " ".join(pieces)] if len(pieces) > 1 else []
    folded = fold(raw)
    cuts = [len(p) for p in lexicon.VERB_PREFIXES if folded.startswith(p) and is_verb_after_prefix(folded[len(p) :])]
    cuts += [len(folded) - len(s) for s in lexicon.SURE_SUFFIXES + lexicon.WORDLIKE_SUFFIXES if folded.endswith(s)]
    for cut in sorted(cuts, key=lambda c: -c):
        if 2 <= cut <= len(folded) - 2 and (folded[:cut], folded[cut:]) in splits:
            return [word[:cut] + ZWNJ + word[cut:], word[:cut] + " " + word[cut:]]
    return []


def known_items(
    articles: dict[str, Article], count: int, seed: int, companions: str = "rarest"
) -> tuple[dict[str, str], dict[str, set[str]]]:
    """(topics qid → query, qrels qid → relevant docids), made as the module docstring says."""
    rng = random.Random(seed)
    splits = written_splits(articles)
    df: Counter = Counter()
    same_title: dict[str, set[str]] = defaultdict(set)
    for docid, a in articles.items():
        df.update(set(primary_terms(f"{a.title}\n{a.body}")))
        same_title[" ".join(primary_terms(a.title))].add(docid)
    order = list(articles)
    rng.shuffle(order)
    topics: dict[str, str] = {}
    qrels: dict[str, set[str]] = {}
    for docid in order:
        if len(topics) == count:
            break
        title = articles[docid].title
        words = written_words(title)
        scored = []  # (how common, position, word, its respellings) of the title's content words
        for position, raw in enumerate(words):
            terms = primary_terms(raw)
            if len(terms) == 1 and len(terms[0]) >= 3 and not is_stop(terms[0]) and not terms[0].isdigit():
                scored.append((df[terms[0]], position, raw, respellings(raw, splits)))
        scored.sort()
        affixed = [s for s in scored if s[3]]
        if len(scored) < 2 or not affixed:
            continue
        _, position, _, spellings = affixed[0]  # the most distinctive word that writers spell apart
        others = [s for s in scored if s[1] != position]
        if companions == "rarest":
            others = others[: rng.choice((1, 2))]
        else:  # words a reader remembers: any of the more distinctive half of the title's words
            pool = others[: max(1, (len(others) + 1) // 2)]
            others = rng.sample(pool, k=min(rng.choice((1, 2)), len(pool)))
        picked = {position: rng.choice(spellings), **{p: raw for _, p, raw, _ in others}}
        query = " ".join(picked[p] for p in sorted(picked)).replace("ي", "ی").replace("ك", "ک")
        qid = f"k{len(topics) + 1:04d}"
        topics[qid] = query
        qrels[qid] = same_title[" ".join(primary_terms(title))]
    return topics, qrels


# --- topics and qrels files --------------------------------------------------------------------


def read_topics(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    if "<top>" in text:
        return {
            re.sub(r"^\s*Number:\s*", "", num).strip(): title.strip()
            for num, title in re.findall(r"<num>(.*?)(?:</num>)?\s*<title>(.*?)(?:</title>|<desc>|</top>)", text, re.S)
        }
    return dict(line.split("\t", 1) for line in text.splitlines() if "\t" in line)


def read_qrels(path: Path) -> dict[str, set[str]]:
    qrels: dict[str, set[str]] = defaultdict(set)
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 4 and int(parts[3]) > 0:
            qrels[parts[0]].add(parts[2])
    return qrels


def save(folder: Path, topics: dict[str, str], qrels: dict[str, set[str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "topics.tsv").write_text("".join(f"{q}\t{t}\n" for q, t in topics.items()), encoding="utf-8")
    lines = "".join(f"{q} 0 {d} 1\n" for q, docs in qrels.items() for d in sorted(docs))
    (folder / "qrels.txt").write_text(lines, encoding="utf-8")


# --- the two engines ---------------------------------------------------------------------------


def khabar_run(articles: dict[str, Article], topics: dict[str, str], work: Path) -> tuple[dict, float]:
    collection = work / "collection.jsonl"
    with collection.open("w", encoding="utf-8") as f:
        for article in articles.values():
            f.write(json.dumps(article.to_json(), ensure_ascii=False) + "\n")
    docid_of = {a.id: docid for docid, a in articles.items()}
    kh = Khabar(work / "khabar")
    kh.ingest([collection])
    run: dict[str, dict[str, float]] = {}
    start = time.perf_counter()
    for qid, query in topics.items():
        hits = kh.search(query, limit=DEPTH).hits
        run[qid] = {docid_of[h.id]: float(DEPTH - rank) for rank, h in enumerate(hits)}
    return run, (time.perf_counter() - start) / max(len(topics), 1)


def lucene_run(articles: dict[str, Article], topics: dict[str, str], work: Path) -> dict:
    java, javac = shutil.which("java"), shutil.which("javac")
    jars = [Path("/usr/share/java") / j for j in LUCENE_JARS]
    if not (java and javac and all(j.exists() for j in jars)):
        sys.exit("the Lucene baseline needs Java and Debian's liblucene8-java (apt-get install liblucene8-java)")
    classpath = ":".join(map(str, jars))
    subprocess.run(
        [javac, "-cp", classpath, "-d", str(work), str(REPO / "bench" / "lucene" / "LuceneBaseline.java")], check=True
    )
    flat = str.maketrans({"\t": " ", "\n": " ", "\r": " "})
    with (work / "collection.tsv").open("w", encoding="utf-8") as f:
        for docid, a in articles.items():
            f.write("\t".join(x.translate(flat) for x in (docid, a.title, a.lead or "", a.body)) + "\n")
    (work / "topics.tsv").write_text(
        "".join(f"{q}\t{t.translate(flat)}\n" for q, t in topics.items()), encoding="utf-8"
    )
    subprocess.run(
        [
            java,
            "-cp",
            f"{classpath}:{work}",
            "LuceneBaseline",
            str(work / "collection.tsv"),
            str(work / "topics.tsv"),
            str(work / "run.txt"),
            str(DEPTH),
        ],
        check=True,
    )
    run: dict[str, dict[str, float]] = defaultdict(dict)
    for line in (work / "run.txt").read_text(encoding="utf-8").splitlines():
        qid, _, docid, rank, _score, _ = line.split()
        run[qid][docid] = float(DEPTH - int(rank) + 1)
    return run


def scores(run: dict, qrels: dict[str, set[str]]) -> dict[str, float]:
    qrel_list = [ir_measures.Qrel(q, d, 1) for q, docs in qrels.items() for d in docs]
    run_list = [ir_measures.ScoredDoc(q, d, s) for q, docs in run.items() for d, s in docs.items()]
    found = ir_measures.calc_aggregate(list(MEASURES.values()), qrel_list, run_list)
    # a query with no hit at all is absent from the run: count it as zero, not as missing
    answered = len({q for q in run if run[q]} & set(qrels))
    return {name: found.get(measure, 0.0) * answered / len(qrels) for name, measure in MEASURES.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--collection", type=Path, default=REPO.parent / "shared" / "corpus" / "articles.jsonl")
    parser.add_argument("--topics", type=Path)
    parser.add_argument("--qrels", type=Path)
    parser.add_argument("--known-items", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--companions",
        choices=("rarest", "remembered"),
        default="rarest",
        help="the other words of a known-item query: the title's rarest, or any of its more distinctive half",
    )
    parser.add_argument("--save", type=Path, help="keep the known-item topics and qrels in this folder")
    parser.add_argument("--show", type=int, default=0, help="print N queries that khabar misses at rank 1")
    args = parser.parse_args()
    articles = load(args.collection)
    if args.topics and args.qrels:
        topics, qrels = read_topics(args.topics), read_qrels(args.qrels)
        kind = f"topics {args.topics.name}"
    else:
        topics, qrels = known_items(articles, args.known_items, args.seed, args.companions)
        kind = f"known-item queries (seed {args.seed}, {args.companions} companion words)"
        if args.save:
            save(args.save, topics, qrels)
    topics = {q: t for q, t in topics.items() if q in qrels}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "k").mkdir()
        (work / "l").mkdir()
        ours, per_query = khabar_run(articles, topics, work / "k")
        theirs = lucene_run(articles, topics, work / "l")
    print(f"{len(articles):,} articles ({args.collection.name}); {len(topics)} {kind}")
    print(f"{'':14}{'khabar':>10}{'Lucene Persian':>16}{'ratio':>8}")
    a, b = scores(ours, qrels), scores(theirs, qrels)
    for name in MEASURES:
        ratio = f"{a[name] / b[name]:.2f}" if b[name] else "-"
        print(f"{name:14}{a[name]:>10.3f}{b[name]:>16.3f}{ratio:>8}")
    print(f"khabar: {per_query * 1000:.1f} ms a query through the service (planning, search, snippets)")
    missed = [q for q in topics if not (ours.get(q) and max(ours[q], key=ours[q].get) in qrels[q])]
    for qid in missed[: args.show]:
        got = max(ours[qid], key=ours[qid].get) if ours.get(qid) else None
        print(
            f"  {qid} {topics[qid]!r}: want {articles[sorted(qrels[qid])[0]].title!r}, got "
            f"{articles[got].title if got else None!r}"
        )


if __name__ == "__main__":
    main()
