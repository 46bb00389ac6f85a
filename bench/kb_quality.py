"""Answer quality: the dev Q&A set, and ALQAC retrieval beside two BM25 baselines on four query variants.

    python bench/kb_quality.py [--alqac DIR] [--limit N] [--skip-rank-bm25]

Reads ../shared/eval/qa_dev.jsonl and ../shared/benchmarks/alqac (never copied into the project);
each part is skipped with a message when its data is absent.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge.lexicon import QUESTION_WORDS  # noqa: E402
from bot.core.vietnamese import bigrams, fold, nfc, syllables  # noqa: E402

SHARED = ROOT.parent / "shared"
SEED = 20261125
# Function words dropped when shortening a question to what a chat user would type.
FUNCTION_WORDS = QUESTION_WORDS | set(
    "cua va la thi duoc bi co cac nhung mot trong theo voi cho tai tu den khi neu thi do nay nao ve hay hoac "
    "nguoi ai phai khong dung sai".split())


def norm(s: str) -> str:
    return " ".join(fold(s).replace("*", "").split())


# --- dev Q&A -------------------------------------------------------------------------------------
def dev_set(path: Path) -> None:
    from bot.core.config import Settings
    from bot.core.db import Database
    from knowledge.service import KnowledgeBase

    if not path.exists():
        print(f"qa_dev: {path} not found, skipped")
        return
    folder = Path(tempfile.mkdtemp())
    settings = Settings(data_dir=folder)
    db = Database.from_url(settings.db_url)
    db.create_all()
    kb = KnowledgeBase(db, settings)
    kb.ensure_ready()
    rank1 = top3 = answerable = declined = oos = 0
    misses = []
    for line in path.read_text().splitlines():
        item = json.loads(line)
        a = kb.answer(item["q"])
        if item["expect"] is None:
            oos += 1
            declined += not a.answered
            if a.answered:
                misses.append(f"  answered out-of-scope: {item['q']}")
            continue
        answerable += 1
        hit1 = all(norm(e) in norm(a.text) for e in item["expect"])
        hit3 = all(any(norm(e) in norm(s.text()) for s in a.sources[:3]) for e in item["expect"])
        rank1 += hit1
        top3 += hit3
        if not hit1:
            misses.append(f"  not in answer{'' if hit3 else ' nor top 3'}: {item['q']} -> {item['expect']}")
    print(f"qa_dev ({answerable} answerable, {oos} out of scope)")
    print(f"  expected strings in the answer (rank 1): {rank1}/{answerable} = {rank1 / answerable:.1%}  (goal ≥ 90%)")
    print(f"  expected strings in the top-3 sources:   {top3}/{answerable} = {top3 / answerable:.1%}  (goal ≥ 97%)")
    print(f"  out-of-scope declined:                   {declined}/{oos} = {declined / max(oos, 1):.1%}  (goal ≥ 75%)")
    for m in misses:
        print(m)


# --- ALQAC ---------------------------------------------------------------------------------------
def load_alqac(folder: Path, year: int) -> tuple[list[tuple[str, str]], list[str], list[tuple[str, set[tuple[str, str]]]]]:
    """(law id, article id) keys, article texts, and (question, relevant keys)."""
    laws = json.loads((folder / f"law{year}.json").read_text())
    keys, texts = [], []
    for law in laws:
        for art in law["articles"]:
            keys.append((str(law["id"]), str(art["id"])))
            texts.append(nfc(art["text"]))
    known = set(keys)
    files = ["q2022.json"] if year == 2022 else ["train2023.json", "private_test2023.json"]
    questions = []
    for name in files:
        for q in json.loads((folder / name).read_text()):
            rel = {(str(r["law_id"]), str(r["article_id"])) for r in q["relevant_articles"]}
            rel &= known
            if rel:
                questions.append((nfc(q["text"]), rel))
    return keys, texts, questions


def variants(question: str, rng: random.Random) -> dict[str, str]:
    words = question.split()
    stripped = " ".join(fold(w) for w in words)
    content = [s for s in syllables(question) if s not in FUNCTION_WORDS]
    if len(content) > 6:
        start = rng.randrange(len(content) - 5)
        content = content[start:start + 6]
    return {"as written": question, "no diacritics": stripped, "short": " ".join(content),
            "typos 20%": " ".join(_mistype(w, rng) if rng.random() < 0.2 else w for w in words)}


def _mistype(word: str, rng: random.Random) -> str:
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    if len(letters) < 2:
        return word
    i = rng.choice(letters[:-1])
    kind = rng.randrange(4)
    if kind == 0:  # swap two neighbours
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == 1:  # drop a letter
        return word[:i] + word[i + 1:]
    if kind == 2:  # a neighbouring key
        return word[:i] + rng.choice("qwertyuiopasdfghjklzxcvbnm") + word[i + 1:]
    return word[:i] + word[i] + word[i:]  # a doubled letter


def metrics(ranks: list[int | None]) -> tuple[float, float]:
    n = len(ranks)
    r10 = sum(1 for r in ranks if r is not None and r < 10) / n
    mrr = sum(1 / (r + 1) for r in ranks if r is not None and r < 10) / n
    return r10, mrr


def first_relevant(order: list[int], keys: list[tuple[str, str]], rel: set[tuple[str, str]]) -> int | None:
    for rank, doc in enumerate(order[:10]):
        if keys[doc] in rel:
            return rank
    return None


def alqac(folder: Path, limit: int | None, with_rank_bm25: bool) -> None:
    import bm25s
    import numpy as np

    from knowledge.index import IndexDoc, SearchIndex
    from knowledge.search import Searcher

    for year in (2022, 2023):
        keys, texts, questions = load_alqac(folder, year)
        if limit:
            questions = random.Random(SEED).sample(questions, min(limit, len(questions)))
        t0 = time.perf_counter()
        ours = Searcher(SearchIndex.build([IndexDoc(t, "", t.split("\n", 1)[0]) for t in texts]))
        t_ours = time.perf_counter() - t0

        def strip_tokens(s: str) -> list[str]:
            toks = syllables(s)
            return toks + bigrams(toks)

        base = bm25s.BM25(k1=1.2, b=0.75)
        base.index([strip_tokens(t) for t in texts], show_progress=False)
        rb = None
        if with_rank_bm25:
            from rank_bm25 import BM25Okapi

            rb = BM25Okapi([t.lower().split() for t in texts])
        rng = random.Random(SEED)
        qv = [(variants(q, rng), rel) for q, rel in questions]
        print(f"\nALQAC {year}: {len(texts)} articles, {len(questions)} questions"
              f"{' (sampled)' if limit else ''}; our index built in {t_ours:.1f} s")
        print(f"  {'variant':<14} {'ours R@10':>9} {'MRR@10':>7} | {'stripped+bigram BM25':>20} {'MRR@10':>7} | "
              f"{'rank_bm25 words':>15} {'MRR@10':>7}")
        vocab = base.vocab_dict if hasattr(base, "vocab_dict") else {}
        for name in ("as written", "no diacritics", "short", "typos 20%"):
            r_ours, r_base, r_rb = [], [], []
            for v, rel in qv:
                q = v[name]
                _, hits = ours.search(q, 10)
                r_ours.append(first_relevant([h.doc for h in hits], keys, rel))
                toks = [t for t in strip_tokens(q) if t in vocab]
                if toks:
                    scores = base.get_scores(toks)
                    order = np.argsort(-scores)[:10].tolist()
                    r_base.append(first_relevant(order, keys, rel))
                else:
                    r_base.append(None)
                if rb is not None:
                    scores = rb.get_scores(q.lower().split())
                    r_rb.append(first_relevant(np.argsort(-scores)[:10].tolist(), keys, rel))
            o, b = metrics(r_ours), metrics(r_base)
            rbm = metrics(r_rb) if rb is not None else (float("nan"), float("nan"))
            print(f"  {name:<14} {o[0]:>9.3f} {o[1]:>7.3f} | {b[0]:>20.3f} {b[1]:>7.3f} | {rbm[0]:>15.3f} {rbm[1]:>7.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--qa", type=Path, default=SHARED / "eval" / "qa_dev.jsonl")
    parser.add_argument("--alqac", type=Path, default=SHARED / "benchmarks" / "alqac")
    parser.add_argument("--limit", type=int, default=None, help="sample this many ALQAC questions per year")
    parser.add_argument("--skip-rank-bm25", action="store_true", help="leave out the slow rank_bm25 baseline")
    args = parser.parse_args()
    dev_set(args.qa)
    if (args.alqac / "law2022.json").exists():
        alqac(args.alqac, args.limit, not args.skip_rank_bm25)
    else:
        print(f"\nALQAC: {args.alqac} not found, skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
