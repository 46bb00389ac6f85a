"""Search speed: p50/p95 per question, index build time and peak memory, for the bundled corpus and ~60k passages.

    python bench/kb_speed.py [--passages 60000] [--alqac DIR]

The 60k set is ALQAC articles (read from ../shared/benchmarks/alqac, never copied) replicated; it is
skipped with a message when absent. Also prints the cold start of `python -m bot ask "…"`.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# ../shared beside the checkout (/work/main) or beside the worktrees' folder (/work/wt/<name>)
SHARED = next((p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()), ROOT.parent / "shared")
SEED = 20261125


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentiles(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return f"p50 {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, max {ms[-1]:.1f} ms over {len(ms)} questions"


def make_kb(folder: Path):  # type: ignore[no-untyped-def]
    from bot.core.config import Settings
    from bot.core.db import Database
    from knowledge.service import KnowledgeBase

    settings = Settings(data_dir=folder)
    db = Database.from_url(settings.db_url)
    db.create_all()
    return KnowledgeBase(db, settings)


def timed_answers(kb, questions: list[str]) -> list[float]:  # type: ignore[no-untyped-def]
    kb.answer(questions[0])  # warm-up (lazy imports)
    out = []
    cpu = []
    for q in questions:
        t, c = time.perf_counter(), time.process_time()
        kb.answer(q)
        out.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    CPU.append(cpu)
    return out


CPU: list[list[float]] = []  # process CPU time per question of each timed run (less sensitive to other jobs)


def chat_questions(texts: list[str], n: int) -> list[str]:
    """Questions as typed in chat: dev questions plus accent-less, shortened and mistyped variants."""
    sys.path.insert(0, str(ROOT / "bench"))
    from kb_quality import variants

    rng = random.Random(SEED)
    out = []
    for q in texts:
        out += list(variants(q, rng).values())
    rng.shuffle(out)
    return out[:n]


def bundled(qa: Path) -> None:
    folder = Path(tempfile.mkdtemp())
    kb = make_kb(folder)
    t = time.perf_counter()
    kb.ensure_ready()
    first_run = time.perf_counter() - t
    from knowledge.service import KnowledgeBase

    t = time.perf_counter()
    index, _ = kb._build()
    build = time.perf_counter() - t
    again = KnowledgeBase(kb.db, kb.settings)
    t = time.perf_counter()
    again.ensure_ready()
    load = time.perf_counter() - t
    questions = [json.loads(x)["q"] for x in qa.read_text().splitlines()] if qa.exists() else ["kế hoạch cchc năm"]
    qs = chat_questions(questions, 200)
    samples = timed_answers(again, qs)
    print(f"bundled corpus: {index.n_docs} passages")
    print(f"  first run (ingest 5 files + build + save index): {first_run * 1000:.0f} ms; "
          f"index build alone {build * 1000:.0f} ms; load saved index {load * 1000:.0f} ms")
    print(f"  answer(): {percentiles(samples)}; CPU time {percentiles(CPU[-1])}")


def large(folder: Path, target: int) -> None:
    from sqlalchemy import insert

    from knowledge.models import Document, KbVersion, Passage

    texts: list[str] = []
    questions: list[str] = []
    for year, qfile in ((2022, "q2022.json"), (2023, "train2023.json")):
        for law in json.loads((folder / f"law{year}.json").read_text()):
            texts += [a["text"] for a in law["articles"]]
        questions += [q["text"] for q in json.loads((folder / qfile).read_text())]
    copies = max(1, round(target / len(texts)))
    tmp = Path(tempfile.mkdtemp())
    kb = make_kb(tmp)
    kb._bootstrapped = True
    now = datetime.now(timezone.utc)
    t = time.perf_counter()
    with kb.db.engine.begin() as conn:
        rows = []
        for c in range(copies):
            doc_id = c + 1
            conn.execute(insert(Document), [dict(id=doc_id, content_hash=f"bench{c}", file_name="alqac", doc_type="Luật",
                                                 number="", title=f"ALQAC bản sao {c}", issuer="", province="",
                                                 issued_on=None, date_text="", signer="", signer_title="", draft=False,
                                                 text="", added_at=now)])
            for i, text in enumerate(texts):
                first, _, rest = text.partition("\n")
                rows.append(dict(document_id=doc_id, position=i, section=f"Điều {i + 1}", heading=f"Điều {i + 1}. {first}",
                                 text=text))
        conn.execute(insert(Passage), rows)
        conn.execute(insert(KbVersion), [dict(id=1, version=1)])
    stored = time.perf_counter() - t
    base_mem = peak_mb()
    t = time.perf_counter()
    kb.ensure_ready()
    build = time.perf_counter() - t
    build_mem = peak_mb()
    from knowledge.service import KnowledgeBase

    again = KnowledgeBase(kb.db, kb.settings)
    again._bootstrapped = True
    kb._loaded = None  # one index in memory, as in a serving process
    t = time.perf_counter()
    again.ensure_ready()
    load = time.perf_counter() - t
    samples = timed_answers(again, chat_questions(questions, 300))
    print(f"\n~60k passages: ALQAC 2022+2023 articles ({len(texts)}) × {copies} = {len(texts) * copies} passages "
          f"(stored in SQLite in {stored:.1f} s)")
    print(f"  index build from the database + save: {build:.1f} s; load saved index in a new process object: {load:.2f} s")
    print(f"  answer() incl. database fetch and sentence selection: {percentiles(samples)}  (goal p95 ≤ 30 ms)")
    print(f"  the same, process CPU time: {percentiles(CPU[-1])}; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores")
    searcher = again._refresh().searcher
    ranking = []
    for q in chat_questions(questions, 300):
        c = time.process_time()
        searcher.search(q, 20)
        ranking.append(time.process_time() - c)
    print(f"  of which the ranking alone (Searcher.search, 20 passages), CPU time: {percentiles(ranking)}")
    if os.environ.get("KB_PROFILE"):
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.runcall(timed_answers, again, chat_questions(questions, 100))
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    print(f"  peak memory (max RSS of this process): {build_mem:.0f} MB after the build (was {base_mem:.0f} MB before), "
          f"{peak_mb():.0f} MB after the questions  (goal ≤ 500 MB)")


def cold_start() -> None:
    tmp = Path(tempfile.mkdtemp())
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN")}
    env["DATA_DIR"] = str(tmp / "data")
    env["PYTHONPATH"] = str(ROOT)
    times = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot", "ask", "ke hoach cchc nam ban hanh cham nhat ngay nao"],
                       cwd=tmp, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    print(f"\n`python -m bot ask \"…\"` cold start: first run (empty data dir: ingest + build) {times[0]:.2f} s, "
          f"then {times[1]:.2f} s and {times[2]:.2f} s  (goal ≤ 2 s)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--qa", type=Path, default=SHARED / "eval" / "qa_dev.jsonl")
    parser.add_argument("--alqac", type=Path, default=SHARED / "benchmarks" / "alqac")
    parser.add_argument("--passages", type=int, default=60000)
    args = parser.parse_args()
    bundled(args.qa)
    cold_start()
    if (args.alqac / "law2022.json").exists():
        large(args.alqac, args.passages)
    else:
        print(f"\n~60k passages: {args.alqac} not found, skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
