"""Answer quality through answer() (what `ask --json` and the chat return; a decline is a miss): Q&A sets per
split, and ALQAC article recall with the laws added to the knowledge base, beside two BM25 baselines.

    python bench/kb_quality.py [--qa FILE ...] [--show tune,all] [--alqac DIR] [--limit N] [--skip-rank-bm25]

Reads ../shared/eval/qa_dev.jsonl, bench/data/qa_phone.jsonl and qa_phone2.jsonl (each split tune|heldout),
qa_phone3.jsonl … qa_phone7.jsonl (held out whole: not written to be tuned on) and ../shared/benchmarks/alqac
(never copied into the project); each part is skipped with a message when its data is absent.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge.lexicon import QUESTION_WORDS  # noqa: E402
from bot.core.vietnamese import bigrams, fold, nfc, syllables  # noqa: E402

# ../shared beside the checkout (/work/main) or beside the worktrees' folder (/work/wt/<name>)
SHARED = next((p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()), ROOT.parent / "shared")
PHONE = ROOT / "bench" / "data" / "qa_phone.jsonl"  # phone-style questions written by someone who had not read the code
PHONE2 = ROOT / "bench" / "data" / "qa_phone2.jsonl"  # a second, independent set written the same way
PHONE3 = ROOT / "bench" / "data" / "qa_phone3.jsonl"  # a third (2026-12-01), every question held out: only measured
PHONE4 = ROOT / "bench" / "data" / "qa_phone4.jsonl"  # a fourth (2026-12-01 evening), held out whole, never read
PHONE5 = ROOT / "bench" / "data" / "qa_phone5.jsonl"  # a fifth (2026-12-01 evening): held out, its misses read in round 4b
PHONE6 = ROOT / "bench" / "data" / "qa_phone6.jsonl"  # a sixth (2026-12-01 night): held out, its misses read in round 4d
PHONE7 = ROOT / "bench" / "data" / "qa_phone7.jsonl"  # a seventh (2026-12-01 night, follow-up heavy): held out, only run (4d)
SEED = 20261125
# Function words dropped when shortening a question to what a chat user would type.
FUNCTION_WORDS = QUESTION_WORDS | set(
    "cua va la thi duoc bi co cac nhung mot trong theo voi cho tai tu den khi neu thi do nay nao ve hay hoac "
    "nguoi ai phai khong dung sai".split())


def norm(s: str) -> str:
    """Folded, one space, a range written one way ('2021 - 2030' = '2021-2030', as documents write both)."""
    return re.sub(r"(?<=\d) ?[-–] ?(?=\d)", "-", " ".join(fold(s).replace("*", "").split()))


# --- Q&A sets through answer() ------------------------------------------------------------------
def make_kb(folder: Path):  # type: ignore[no-untyped-def]
    """A knowledge base on a fresh SQLite file with the bundled directives, as on a first run."""
    from bot.core.config import Settings
    from bot.core.db import Database
    from knowledge.service import KnowledgeBase

    settings = Settings(data_dir=folder)
    db = Database.from_url(settings.db_url)
    db.create_all()
    kb = KnowledgeBase(db, settings)
    kb.ensure_ready()
    return kb


def ask(kb, item: dict, top: int = 3):  # type: ignore[no-untyped-def]
    """The answer a user gets: a follow-up is asked after its previous question, in the same conversation."""
    previous = None
    if item.get("prev"):
        first = kb.answer(item["prev"])
        previous = first.turn() if hasattr(first, "turn") else None
    if previous is not None:
        return kb.answer(item["q"], top=top, previous=previous)
    return kb.answer(item["q"], top=top)


def qa_report(kb, path: Path, show: set[str]) -> None:  # type: ignore[no-untyped-def]
    """Rank-1 / top-3 / out-of-scope per split (tune, heldout, or all) and per kind; misses of the splits in `show`."""
    if not path.exists():
        print(f"{path.name}: {path} not found, skipped")
        return
    items = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
    splits: dict[str, list[dict]] = {}
    for it in items:
        splits.setdefault(it.get("split") or "all", []).append(it)
    for split in sorted(splits, key=lambda s: ("tune", "heldout", "all").index(s) if s in ("tune", "heldout", "all") else 9):
        group = splits[split]
        rank1 = top3 = answerable = declined_in = oos = declined = 0
        kinds: dict[str, list[int]] = {}
        misses = []
        times = []
        for it in group:
            t = time.perf_counter()
            a = ask(kb, it)
            times.append(time.perf_counter() - t)
            kind = it.get("kind") or "-"
            k = kinds.setdefault(kind, [0, 0])
            k[1] += 1
            if not it["expect"] or kind == "out_of_scope":  # None or [] (qa_phone2 writes [])
                oos += 1
                declined += not a.answered
                k[0] += not a.answered
                if a.answered:
                    misses.append(f"  [{kind}] answered out-of-scope: {it['q']}\n      -> {_first_line(a.text)}")
                continue
            answerable += 1
            declined_in += not a.answered
            text = norm(a.text)
            hit1 = a.answered and all(norm(e) in text for e in it["expect"])
            shown = [text] + [norm(s.text()) for s in a.sources[:3]]
            hit3 = a.answered and all(any(norm(e) in s for s in shown) for e in it["expect"])
            rank1 += hit1
            top3 += hit3
            k[0] += hit1
            if not hit1:
                why = "declined" if not a.answered else ("not in answer" if hit3 else "not in answer nor top 3")
                misses.append(f"  [{kind}] {why}: {it['q']}{'  (after: ' + it['prev'] + ')' if it.get('prev') else ''}"
                              f" -> {it['expect']}\n      -> {_first_line(a.text)}")
        n = max(answerable, 1)
        print(f"{path.name} [{split}]: {answerable} answerable, {oos} out of scope")
        print(f"  answer-level top-1 (expected strings in the answer): {rank1}/{answerable} = {rank1 / n:.1%}")
        print(f"  top-3 (in the answer or the top-3 sources):          {top3}/{answerable} = {top3 / n:.1%}")
        print(f"  in-scope declined:                                   {declined_in}/{answerable} = {declined_in / n:.1%}")
        print(f"  out-of-scope declined:                               {declined}/{oos} = {declined / max(oos, 1):.1%}")
        ms = sorted(x * 1000 for x in times)
        print(f"  answer() p50 {ms[len(ms) // 2]:.1f} ms, p95 {ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]:.1f} ms")
        print("  by kind: " + ", ".join(f"{kind} {h}/{t}" for kind, (h, t) in sorted(kinds.items())))
        if split in show:
            for m in misses:
                print(m)


def _first_line(text: str) -> str:
    line = " ".join(text.split("\n")[:2])
    return line if len(line) <= 160 else line[:157] + "…"


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


def law_file(law_id: str, articles: list[dict]) -> bytes:
    """A law as the text file an admin would add with `kb add`: its name, then 'Điều N. title' and the body."""
    parts = [f"LUẬT {law_id}".upper(), ""]
    for art in articles:
        title, _, body = nfc(art["text"]).partition("\n")
        parts += [f"Điều {art['id']}. {title.strip()}", body.strip(), ""]
    return "\n".join(parts).encode()


def alqac_kb(folder: Path, year: int):  # type: ignore[no-untyped-def]
    """The bundled knowledge base with one year's laws added, and document id -> law id."""
    kb = make_kb(Path(tempfile.mkdtemp()))
    laws = json.loads((folder / f"law{year}.json").read_text())
    doc_law: dict[int, str] = {}
    for i, law in enumerate(laws):
        r = kb.add_bytes(f"alqac_{year}_{i}.txt", law_file(str(law["id"]), law["articles"]))
        doc_law[r.document_id] = str(law["id"])
    kb.ensure_ready()
    return kb, doc_law


_ARTICLE = re.compile(r"^Điều\s+(\d+[a-z]?)")


def articles_of(answer, doc_law: dict[int, str]) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """The distinct (law, article) of an answer's sources, in order; a declined answer has none."""
    if not answer.answered:
        return []
    out: list[tuple[str, str]] = []
    for src in answer.sources:
        p = src.passage
        m = _ARTICLE.match(p.section or "")
        law = doc_law.get(p.doc.id)
        if m and law is not None and (law, m.group(1)) not in out:
            out.append((law, m.group(1)))
    return out


def rank_of(found: list[tuple[str, str]], rel: set[tuple[str, str]]) -> int | None:
    for rank, key in enumerate(found[:10]):
        if key in rel:
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
        kb, doc_law = alqac_kb(folder, year)
        t_kb = time.perf_counter() - t0
        ranking = Searcher(SearchIndex.build([IndexDoc(t, "", t.split("\n", 1)[0]) for t in texts]))

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
              f"{' (sampled)' if limit else ''}; laws added to the bundled knowledge base in {t_kb:.1f} s")
        print(f"  {'variant':<14} {'ask R@10':>8} {'MRR@10':>7} {'declined':>8} | {'ranking only':>12} {'MRR@10':>7} | "
              f"{'stripped+bigram BM25':>20} {'MRR@10':>7} | {'rank_bm25 words':>15} {'MRR@10':>7}")
        vocab = base.vocab_dict if hasattr(base, "vocab_dict") else {}
        for name in ("as written", "no diacritics", "short", "typos 20%"):
            r_ask, r_rank, r_base, r_rb = [], [], [], []
            declined = 0
            for v, rel in qv:
                q = v[name]
                a = kb.answer(q, top=30)
                declined += not a.answered
                r_ask.append(rank_of(articles_of(a, doc_law), rel))
                _, hits = ranking.search(q, 10)
                r_rank.append(first_relevant([h.doc for h in hits], keys, rel))
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
            o, g, b = metrics(r_ask), metrics(r_rank), metrics(r_base)
            rbm = metrics(r_rb) if rb is not None else (float("nan"), float("nan"))
            flag = "" if o[0] >= max(b[0], rbm[0] if rb is not None else 0) else "  < baseline"
            print(f"  {name:<14} {o[0]:>8.3f} {o[1]:>7.3f} {declined / len(qv):>8.1%} | {g[0]:>12.3f} {g[1]:>7.3f} | "
                  f"{b[0]:>20.3f} {b[1]:>7.3f} | {rbm[0]:>15.3f} {rbm[1]:>7.3f}{flag}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--qa", type=Path, nargs="*", default=[SHARED / "eval" / "qa_dev.jsonl", PHONE, PHONE2, PHONE3,
                                                                  PHONE4, PHONE5, PHONE6, PHONE7])
    parser.add_argument("--show", default="tune,all", help="splits whose misses are listed (tune, heldout, all)")
    parser.add_argument("--no-alqac", action="store_true")
    parser.add_argument("--alqac", type=Path, default=SHARED / "benchmarks" / "alqac")
    parser.add_argument("--limit", type=int, default=None, help="sample this many ALQAC questions per year")
    parser.add_argument("--skip-rank-bm25", action="store_true", help="leave out the slow rank_bm25 baseline")
    args = parser.parse_args()
    kb = make_kb(Path(tempfile.mkdtemp()))
    for path in args.qa:
        qa_report(kb, path, set(args.show.split(",")))
        print()
    if args.no_alqac:
        return 0
    if (args.alqac / "law2022.json").exists():
        alqac(args.alqac, args.limit, not args.skip_rank_bm25)
    else:
        print(f"\nALQAC: {args.alqac} not found, skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
