"""Load figures: a reminder fan-out through the Telegram emulator with rate limits on, and 50 users asking at once.

    .venv/bin/python bench/load.py [--groups 1000] [--users 50] [--rounds 4] [--only fanout,questions]
    .venv/bin/python bench/load.py --replicas 2 --groups 1000 [--redis redis://127.0.0.1:6379/0] [--per-process] [--senders 8]

fanout     one reminder to N groups: the real engine (ReminderService.tick) and the real Telegram adapter
           (its rate limiter on the send budget: 29 messages/s overall) over HTTP to the npm Bot API emulator
           (tests/channels/emulator, started here; falls back to bench/fake_bot_api.py when Node is missing).
           The time is printed beside the 30-messages-per-second floor (N/30 s) as a ratio.
questions  `--users` questions handed to App.handle at the same moment, `--rounds` times; p50/p95/max latency.
flood      2,000 updates from one chat to the Telegram webhook, and another user's /start in the middle: seconds
           from its POST to its reply (goal: within 3 s); askers: --users questions posted at once, webhook to
           reply p50/p95 (goal: p95 within 1 s) — bench/_fairness.py.
isolation  one group spends its 20-messages-per-minute budget, 20 more answers queue behind it, then a private
           /help: the seconds until that private answer arrives (goal: within 2 s), through the real adapter
           polling the npm emulator (needs Node.js).
replicas   `--replicas N` processes share one send budget while fanning out (bench/_replicas.py has the details).
Both run on a scratch PostgreSQL database (BENCH_PG_URL, default the local server) or SQLite with --sqlite.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import _replicas  # noqa: E402
from bench._harness import (  # noqa: E402
    TOKEN, CountingApi, bench_app, delivery_states, drop_database, fresh_database, plan_reminder_due_now,
    seed_groups, workdir,
)

QUESTIONS = [
    "Kế hoạch CCHC năm phải ban hành chậm nhất ngày nào?",
    "ty le giai quyet ho so TTHC dung han toi thieu bao nhieu",
    "Báo cáo CCHC quý gửi Sở Nội vụ trước ngày nào?",
    "Chỉ số cải cách hành chính PAR INDEX đánh giá những lĩnh vực nào?",
    "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính đạt tỷ lệ bao nhiêu?",
    "Ai chịu trách nhiệm người đứng đầu trong cải cách hành chính?",
    "Tuyên truyền cải cách hành chính cần làm gì?",
    "Dịch vụ công trực tuyến toàn trình là gì?",
    "Kiểm tra công tác cải cách hành chính bao nhiêu đơn vị mỗi năm?",
    "Hệ số chuyên cần của tổ Zeta-Omega là bao nhiêu?",  # no answer: the decline path
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def database(args: argparse.Namespace, name: str, work: Path) -> tuple[str, bool]:
    if args.sqlite:
        return f"sqlite:///{work / 'load.db'}", False
    return fresh_database(name), True


async def fanout(args: argparse.Namespace) -> list[str]:
    from bot.channels.telegram import TelegramChannel
    from scheduler.service import ReminderService

    work = workdir("load-fanout-")
    db_url, scratch = database(args, "cchc_load_fanout", work)
    emulator = None
    fake: CountingApi | None = None
    try:
        try:
            from tests.channels.telegram_e2e.emulator import Emulator, missing_reason

            reason = missing_reason()
            if reason:
                raise RuntimeError(reason)
            emulator = Emulator(TOKEN)
            api_url, target = emulator.api_base_url, "the npm Bot API emulator (telegram-test-api 4.2.1)"
        except Exception as e:  # no Node.js here: the Python fake stands in
            fake = CountingApi()
            api_url, target = f"http://127.0.0.1:{fake.start()}/bot", f"bench/fake_bot_api.py ({e})"
        app = bench_app(db_url, work / "data")
        chats = seed_groups(app, args.groups)
        plan_reminder_due_now(app)
        channel = TelegramChannel(replace(app.settings, telegram_token=TOKEN, telegram_api_base_url=api_url),
                                  poll_timeout=1)
        app.channels["telegram"] = channel
        await channel.application.initialize()  # getMe; sending needs no polling
        service = ReminderService(app, instance_id="load")
        started = time.monotonic()
        sent = await service.tick()
        elapsed = time.monotonic() - started
        await channel.application.shutdown()
        if emulator is not None:
            received = len(await emulator.calls("sendMessage"))
        else:
            assert fake is not None
            received = fake.total_sent()
        floor = args.groups / 30
        return [f"fan-out to {args.groups} groups through {target}, send budget {app.send_budget.name}, {'PostgreSQL' if scratch else 'SQLite'}",
                f"  sent {sent} (the API received {received}); deliveries {delivery_states(app)}",
                f"  {elapsed:.1f} s for {args.groups} messages = {args.groups / elapsed:.1f} msg/s; "
                f"30 msg/s floor {floor:.1f} s; ratio time/floor = {elapsed / floor:.2f}",
                f"  unique chats reached: {len(set(chats))}"]
    finally:
        if emulator is not None:
            await emulator.close()
        if fake is not None:
            fake.stop()
        if scratch:
            drop_database("cchc_load_fanout")


async def questions(args: argparse.Namespace) -> list[str]:
    from bot.core.messages import ChatRef, IncomingMessage, Sender

    work = workdir("load-questions-")
    db_url, scratch = database(args, "cchc_load_questions", work)
    try:
        app = bench_app(db_url, work / "data")
        t0 = time.monotonic()
        app.knowledge.ensure_ready()
        ready = time.monotonic() - t0

        async def ask(user: int, text: str, arrived: float) -> tuple[float, float]:
            """(seconds from the burst's arrival to the reply, seconds of this question's own handling)."""
            msg = IncomingMessage(ChatRef("bench", f"u{user}"), Sender(f"u{user}", f"Người {user}"), text=f"/hoi {text}")
            start = time.monotonic()
            replies = await app.handle(msg)
            assert replies and replies[0].text
            done = time.monotonic()
            return done - arrived, done - start

        await ask(0, QUESTIONS[0], time.monotonic())  # warm-up: the index is loaded
        from sqlalchemy import event

        statements = [0]

        def counted(*_args: object) -> None:
            statements[0] += 1

        event.listen(app.db.engine, "before_cursor_execute", counted)
        results: list[tuple[float, float]] = []
        wall, cpu = 0.0, 0.0
        for r in range(args.rounds):
            t, c = time.monotonic(), time.process_time()
            results += await asyncio.gather(*(ask(u, QUESTIONS[(u + r) % len(QUESTIONS)], t)
                                              for u in range(args.users)))
            wall += time.monotonic() - t
            cpu += time.process_time() - c
        event.remove(app.db.engine, "before_cursor_execute", counted)
        ms = [x[0] * 1000 for x in results]
        own = [x[1] * 1000 for x in results]
        return [f"question answering: {args.users} simultaneous users x {args.rounds} rounds through App.handle, "
                f"{'PostgreSQL' if scratch else 'SQLite'} (knowledge base ready in {ready:.1f} s)",
                f"  response time from arrival: p50 {percentile(ms, 0.5):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms, "
                f"max {max(ms):.0f} ms",
                f"  handling time per question: p50 {percentile(own, 0.5):.1f} ms, p95 {percentile(own, 0.95):.1f} ms; "
                f"throughput {len(ms) / wall:.1f} answers/s (on the DB_WORKERS threads, one GIL)",
                f"  per question: {cpu / len(ms) * 1000:.1f} ms of process CPU, {statements[0] / len(ms):.1f} SQL "
                f"statements (pool pings, BEGIN and COMMIT not counted)"]
    finally:
        if scratch:
            drop_database("cchc_load_questions")


async def isolation(args: argparse.Namespace) -> list[str]:
    from bot.channels.telegram import TelegramChannel
    from tests.channels.telegram_e2e.emulator import Emulator, missing_reason

    reason = missing_reason()
    if reason:
        return [f"isolation: skipped ({reason})"]
    work = workdir("load-isolation-")
    db_url, scratch = database(args, "cchc_load_isolation", work)
    emulator = Emulator(TOKEN)
    channel = None
    group, private, budget = -100555000111, 5551, 20
    try:
        app = bench_app(db_url, work / "data")
        channel = TelegramChannel(replace(app.settings, telegram_token=TOKEN,
                                          telegram_api_base_url=emulator.api_base_url), poll_timeout=1,
                                  max_flood_wait=90, concurrency=1 if args.sequential else 16)
        app.channels["telegram"] = channel
        await channel.start(app)
        name = channel.bot.username

        async def group_answers() -> int:
            return len(await emulator.messages(group))

        for i in range(budget):  # the group's budget for this minute, spent
            await emulator.say(f"/khongco{i}@{name}", chat_id=group, user_id=77)
        await emulator.wait_for(lambda: _at_least(group_answers, budget), timeout=60)
        before = await _offset(emulator)
        for i in range(budget):  # 20 answers now queued behind the group's limiter
            await emulator.say(f"/khongco{budget + i}@{name}", chat_id=group, user_id=77)
        await emulator.wait_for(lambda: _fetched(emulator, before + budget), timeout=30)
        started = time.monotonic()
        await emulator.say("/help", chat_id=private, user_id=private)
        await emulator.wait_messages(private, 1, timeout=120)
        elapsed = time.monotonic() - started
        waiting = 2 * budget - await group_answers()
        how = "updates one at a time (--sequential)" if args.sequential else "16 updates at once, per-chat order"
        return [f"isolation: a private /help while one group is rate-limited ({waiting} of its answers still "
                f"queued), {how}, {'PostgreSQL' if scratch else 'SQLite'}",
                f"  private answer after {elapsed:.2f} s (goal: within 2 s)"]
    finally:
        if channel is not None:
            await channel.stop()
        await emulator.close()
        if scratch:
            drop_database("cchc_load_isolation")


async def _at_least(probe: object, n: int) -> bool:
    return await probe() >= n  # type: ignore[operator]


async def _offset(emulator: object) -> int:
    """The offset of the bot's latest getUpdates: every update below it has been taken."""
    calls = await emulator.calls("getUpdates")  # type: ignore[attr-defined]
    return max((int(c["params"].get("offset") or 0) for c in calls), default=0)


async def _fetched(emulator: object, offset: int) -> bool:
    return await _offset(emulator) >= offset


async def _fair(args: argparse.Namespace, which: str) -> list[str]:
    """flood / askers (bench/_fairness.py): from the webhook to the reply, through the core's per-chat queues."""
    from bench import _fairness

    work = workdir(f"load-{which}-")
    db_url, scratch = database(args, f"cchc_load_{which}", work)
    try:
        return await getattr(_fairness, which)(args, db_url, work, "PostgreSQL" if scratch else "SQLite")
    finally:
        if scratch:
            drop_database(f"cchc_load_{which}")


async def flood(args: argparse.Namespace) -> list[str]:
    return await _fair(args, "flood")


async def askers(args: argparse.Namespace) -> list[str]:
    return await _fair(args, "askers")


async def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--groups", type=int, default=1000)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--only", default="fanout,questions,isolation,flood,askers")
    ap.add_argument("--flood", type=int, default=2000, help="flood: updates from the one flooding chat")
    ap.add_argument("--round-trip", type=float, default=0.1,
                    help="flood, askers: seconds the fake Bot API takes to answer a sendMessage")
    ap.add_argument("--send-rate", type=float, default=None,
                    help="askers: the bot's messages per second (TELEGRAM_SEND_RATE; default the setting's)")
    ap.add_argument("--client-in-process", action="store_true",
                    help="askers: post the webhooks from the bot's own process (as before) instead of a process of its own")
    ap.add_argument("--sqlite", action="store_true", help="a scratch SQLite file instead of PostgreSQL")
    ap.add_argument("--sequential", action="store_true", help="isolation: handle updates one at a time (as before)")
    _replicas.add_arguments(ap)
    args = ap.parse_args()
    if args.replicas and "--only" not in sys.argv:
        args.only = "replicas"
    modes = {"fanout": fanout, "questions": questions, "isolation": isolation, "replicas": _replicas.replicas,
             "flood": flood, "askers": askers}
    for name in args.only.split(","):
        lines = await modes[name.strip()](args)
        print("\n".join(lines), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
