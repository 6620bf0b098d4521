"""Spaced compounds ("بین المللی" = "بین‌المللی" = "بینالمللی"): two designs, measured side by side.

    .venv/bin/python bench/compounds.py [--corpus ../shared/corpus/articles.jsonl]

A. khabar's design: the index holds one term per word; at query time a spaced pair is also tried
   glued when the index holds the glued word, and a joined word is also tried split where the
   index shows writers parting it (khabar.index.query.plan). The index's vocabulary is the word
   list. (The test set is compounds some article writes with a ZWNJ, which is also that evidence
   for splitting them: A's recall of joined spellings says little about compounds no one writes
   with a ZWNJ.)
B. The adjacent-pair design (the baseline): at index time every pair of adjacent words is also
   indexed glued, at the position of the first (a shingle), in the same field; queries try the
   glued form and the phrase.

Both indexes are built from the same corpus with khabar's analysis. The test set is every
compound written with a ZWNJ somewhere in the corpus (two parts of two letters or more, neither
an affix: "بین‌المللی", "سخن‌گو"): the documents that hold it in any spelling (joined, ZWNJ or
spaced) are the relevant ones. Each spelling is searched in each index: recall and precision
per spelling, index size and query time are printed, with B's figures as ratios to A's.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import tantivy

from khabar.index.documents import MATCH_FIELD, build_schema, register_analyzers
from khabar.index.query import Plan, Unit, plan, to_tantivy
from khabar.models import Article
from khabar.service import Khabar
from khabar.text.analysis import analyze, joinable, segment
from khabar.text.chars import ZWNJ, fold

MAX_COMPOUNDS = 300


def load(path: Path) -> list[Article]:
    """The corpus's articles, each id once (the store keeps a repeated URL once too)."""
    unique: dict[str, Article] = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            article = Article.from_json(json.loads(line))
            unique.setdefault(article.id, article)
    return list(unique.values())


def text_of(a: Article) -> str:
    return "\n".join(x for x in (a.title, a.lead, a.body) if x)


def compounds(articles: list[Article]) -> list[tuple[str, str]]:
    """(first, second) of compounds the corpus writes with a ZWNJ somewhere."""
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for a in articles:
        for token in text_of(a).split():
            folded = fold(token).strip("«»\"'().,،:؛!?؟")
            parts = folded.split(ZWNJ)
            if len(parts) == 2 and len(segment(folded)) == 1:
                first, second = (p.replace("آ", "ا") for p in parts)
                if joinable(first, second):
                    seen[(first, second)] += 1
    return sorted(seen, key=lambda c: -seen[c])[:MAX_COMPOUNDS]


def holders(analysed: list[tuple[set[str], set[tuple[str, str]]]], compound: tuple[str, str]) -> set[int]:
    """Documents (by corpus order) holding the compound in any spelling: its glued term, or its
    two words side by side."""
    first, second = compound
    return {i for i, (words, pairs) in enumerate(analysed) if first + second in words or compound in pairs}


def analyse(articles: list[Article]) -> list[tuple[set[str], set[tuple[str, str]]]]:
    """Each article's terms and the pairs of words at consecutive positions (not across
    punctuation: "تیم. ملی" is not "تیم ملی"), computed once per field."""
    out = []
    for a in articles:
        words, pairs = set(), set()
        for text in (a.title, a.lead or "", a.body):
            terms = [t for t in analyze(text) if t.span == 1]
            words.update(t.text for t in terms)
            pairs.update((x.text, y.text) for x, y in itertools.pairwise(terms) if y.position == x.position + 1)
        out.append((words, pairs))
    return out


def build_pair_index(path: Path, articles: list[Article]) -> tantivy.Index:
    """Design B: every adjacent pair of words also indexed glued, at the first word's position
    (title, lead and body in the match field, as khabar's documents hold them; title and lead
    again on their own for the score)."""
    index = tantivy.Index(build_schema(), path=str(path))
    register_analyzers(index)
    writer = index.writer(heap_size=64_000_000, num_threads=1)
    for i, a in enumerate(articles):
        doc = tantivy.Document()
        doc.add_integer("doc", i)
        whole: list[tantivy.Token] = []
        for field, text in (("title", a.title), ("lead", a.lead or ""), ("body", a.body)):
            offset = whole[-1].position + 2 if whole else 0  # a gap: no phrase runs from part to part
            tokens = _pair_tokens(text, offset)
            if field != "body" and tokens:
                doc.add_pre_tokenized_text(field, tantivy.PreTokenizedString("", _pair_tokens(text, 0)))
            whole += tokens
        if whole:
            doc.add_pre_tokenized_text(MATCH_FIELD, tantivy.PreTokenizedString("", whole))
        writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index


def _pair_tokens(text: str, offset: int) -> list[tantivy.Token]:
    terms = analyze(text)
    tokens = [tantivy.Token(t.text, t.position + offset, t.start, t.end) for t in terms]
    singles = [t for t in terms if t.span == 1]
    for x, y in itertools.pairwise(singles):
        if y.position == x.position + 1 and joinable(x.text, y.text):
            tokens.append(tantivy.Token(x.text + y.text, x.position + offset, x.start, y.end))
    return sorted(tokens, key=lambda t: t.position)


def pair_design_units(query: str) -> list[Unit]:
    """Design B's query: the glued form and the phrase, no vocabulary lookups."""
    words = [t.text for t in analyze(query) if t.span == 1]
    if len(words) == 2:
        return [Unit(((words[0] + words[1],), tuple(words)))]
    return [Unit(((w,),)) for w in words]


def as_plan(units: list[Unit]) -> Plan:
    """Every word must match (a stop word among others is left out, as in search)."""
    return Plan(tuple(u for u in units if not u.stop), (), ())


def size_of(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def evaluate(name, search, cases) -> dict:
    """Recall and precision per spelling, and query time, over the compound test set."""
    stats = {k: {"recall": [], "precision": []} for k in ("joined", "zwnj", "spaced")}
    times = []
    for compound, relevant in cases:
        first, second = compound
        spellings = {"joined": first + second, "zwnj": first + ZWNJ + second, "spaced": f"{first} {second}"}
        for kind, query in spellings.items():
            start = time.perf_counter()
            got = search(query)
            times.append(time.perf_counter() - start)
            stats[kind]["recall"].append(len(got & relevant) / len(relevant))
            stats[kind]["precision"].append(len(got & relevant) / len(got) if got else 1.0)
    summary = {k: {m: statistics.mean(v) for m, v in d.items()} for k, d in stats.items()}
    summary["ms_p50"] = statistics.median(times) * 1000
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default = Path(__file__).resolve().parents[2] / "shared/corpus/articles.jsonl"
    parser.add_argument("--corpus", type=Path, default=default)
    args = parser.parse_args()
    articles = load(args.corpus)
    found = compounds(articles)
    analysed = analyse(articles)
    cases = [(c, h) for c in found if (h := holders(analysed, c))]
    print(f"{len(articles)} articles; {len(cases)} compounds written with a ZWNJ in the corpus")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = tmp / "corpus.jsonl"
        corpus.write_text("\n".join(json.dumps(a.to_json(), ensure_ascii=False) for a in articles), encoding="utf-8")
        t0 = time.perf_counter()
        kh = Khabar(tmp / "a")
        kh.ingest([corpus])
        a_build = time.perf_counter() - t0
        searchers_a = kh.index.searchers()
        ids = {a.id: i for i, a in enumerate(articles)}
        rowid_to_i = {rowid: ids[aid] for rowid, aid in kh.conn.execute("SELECT rowid, id FROM articles")}

        def search_a(query: str) -> set[int]:
            units = plan(query, kh.index.frequency)
            query_a = to_tantivy(as_plan(units), kh.index.schema)
            found = set()
            for searcher in searchers_a:
                result = searcher.search(query_a, limit=len(articles))
                found.update(searcher.fast_field_values("doc", [addr for _, addr in result.hits]))
            return {rowid_to_i[r] for r in found}

        t0 = time.perf_counter()
        (tmp / "b").mkdir()
        index_b = build_pair_index(tmp / "b", articles)
        b_build = time.perf_counter() - t0
        searcher_b = index_b.searcher()

        def search_b(query: str) -> set[int]:
            query_b = to_tantivy(as_plan(pair_design_units(query)), index_b.schema)
            result = searcher_b.search(query_b, limit=len(articles))
            return set(searcher_b.fast_field_values("doc", [addr for _, addr in result.hits]))

        a = evaluate("A", search_a, cases)
        b = evaluate("B", search_b, cases)
        size_a, size_b = size_of(tmp / "a" / "index"), size_of(tmp / "b")
        terms_a = len({t for searcher in searchers_a for t in searcher.terms_with_prefix(MATCH_FIELD, "")})
        terms_b = len(searcher_b.terms_with_prefix(MATCH_FIELD, ""))

    print(f"{'':28}{'A: vocabulary at query time':>30}{'B: adjacent-pair terms':>26}{'B/A':>8}")
    print(f"{'index size (MB)':28}{size_a / 1e6:30.2f}{size_b / 1e6:26.2f}{size_b / size_a:8.2f}")
    print(f"{'distinct terms':28}{terms_a:30,}{terms_b:26,}{terms_b / terms_a:8.2f}")
    print(f"{'index build (s, incl. store)':28}{a_build:30.1f}{b_build:26.1f}")
    print(f"{'query p50 (ms)':28}{a['ms_p50']:30.2f}{b['ms_p50']:26.2f}{b['ms_p50'] / a['ms_p50']:8.2f}")
    for kind in ("joined", "zwnj", "spaced"):
        for metric in ("recall", "precision"):
            va, vb = a[kind][metric], b[kind][metric]
            print(f"{kind + ' ' + metric:28}{va:30.3f}{vb:26.3f}{vb / va if va else 0:8.2f}")


if __name__ == "__main__":
    main()
