"""`load.py --replicas N`: N `python -m bot run` processes fan one reminder out to --groups groups through
bench/_limited_api.py (30 messages/s for the bot, 20/min per group, 429 with retry_after as documented).

The processes share one scratch PostgreSQL database, and Redis too with --redis URL. --per-process gives
each its own in-process budget (what every replica had before the shared budget) for comparison.
Printed: messages, 429 answers (goal 0), time from the first to the last message accepted and its ratio to
the 30-messages-per-second floor (goal <= 1.1), and how the messages split between the replicas.

With --senders K the engine is left out: each process sends its share of the groups through the real Telegram
adapter (TelegramChannel.send, its rate limiter, the budget chosen as in production) with K tasks at once, so
the figure is the shared budget's own, not the reminder engine's per-delivery database work.
"""
from __future__ import annotations

import argparse
import time

from bench._harness import (
    BotProcess, bench_app, delivery_states, drop_database, fresh_database, plan_reminder_due_now, seed_groups,
    wait_until, workdir,
)
from bench._limited_api import BOT_PER_SECOND, RateLimitedApi

DB_NAME = "cchc_load_replicas"


def add_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--replicas", type=int, default=0, help="replicas: bot processes fanning out (e.g. 2)")
    ap.add_argument("--redis", default="", help="replicas: REDIS_URL for every process (the budget in Redis)")
    ap.add_argument("--per-process", action="store_true",
                    help="replicas: each process paces itself alone (the budget before it was shared)")
    ap.add_argument("--latency", type=float, default=0.0, help="replicas: seconds the fake API takes per call")
    ap.add_argument("--tick", type=float, default=1.0, help="replicas: the engine's tick in seconds (production 30)")
    add_sender_arguments(ap)


async def replicas(args: argparse.Namespace) -> list[str]:
    if args.senders:
        return await senders(args)
    n = args.replicas or 2
    work = workdir("load-replicas-")
    db_url = fresh_database(DB_NAME)
    api = RateLimitedApi(latency=args.latency)
    api_url = f"http://127.0.0.1:{api.start()}/bot"
    env: dict[str, str] = {}
    if args.redis:
        env["REDIS_URL"] = args.redis
        _clear_redis(args.redis)
    if args.per_process:
        env["BENCH_SEND_BUDGET"] = "memory"
    bots = [BotProcess(f"replica-{i + 1}", db_url=db_url, api_url=api_url, workdir=work, tick=args.tick, lease=600,
                       extra_env={**env, "INSTANCE_ID": f"replica-{i + 1}"}) for i in range(n)]
    try:
        for b in bots:  # one after the other: the first start also loads the bundled knowledge base
            b.start()
            b.wait_ready()
        app = bench_app(db_url, work / "planner")
        seed_groups(app, args.groups)
        planned_at = time.monotonic()
        plan_reminder_due_now(app)
        done = wait_until(lambda: api.total_sent() >= args.groups, args.groups / 10 + 120, step=0.05)
        finished_at = time.monotonic()
        wait_until(lambda: delivery_states(app).get("sending", 0) == 0, 30)
        window = api.window()
        span = (window[1] - window[0]) if window else float("nan")
        floor = args.groups / BOT_PER_SECOND
        store = ("each process alone (in-process budget)" if args.per_process
                 else f"Redis {args.redis}" if args.redis else "PostgreSQL (table send_budget)")
        lines = [f"replicas: {n} `python -m bot run` processes, one reminder to {args.groups} groups, fake Bot API "
                 f"limited to {BOT_PER_SECOND}/s and 20/min per group (latency {args.latency * 1000:.0f} ms), "
                 f"send budget: {store}",
                 f"  accepted {api.total_sent()} of {args.groups}{'' if done else ' (time limit reached)'}; "
                 f"429 answers: {api.refused}; deliveries {delivery_states(app)}",
                 f"  first to last accepted message {span:.1f} s = {args.groups / span:.1f} msg/s; "
                 f"floor {args.groups} / {BOT_PER_SECOND} = {floor:.1f} s; ratio {span / floor:.2f}",
                 f"  planned to last message {finished_at - planned_at:.1f} s (includes up to one tick, "
                 f"{args.tick:g} s, before the first)",
                 f"  messages per replica: {_per_replica(app)}"]
        return lines
    finally:
        for b in bots:
            b.stop()
        api.stop()
        drop_database(DB_NAME)


def _per_replica(app) -> dict[str, int]:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from scheduler.models import Delivery

    with app.db.session() as s:
        rows = s.execute(select(Delivery.claimed_by, func.count()).where(Delivery.status == "sent")
                         .group_by(Delivery.claimed_by)).all()
    return {str(who): int(count) for who, count in sorted(rows)}


def _clear_redis(url: str) -> None:
    """The budget keys of an earlier run would hold this one's first sends back."""
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter("cchc:budget:*"):
        client.delete(key)
    client.close()


# ---- the adapter alone: N processes of concurrent senders through TelegramChannel.send ---------------------

def add_sender_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--senders", type=int, default=0,
                    help="replicas: measure the adapter alone: each process sends with this many tasks at once")


async def senders(args: argparse.Namespace) -> list[str]:
    """Each replica process sends its share of the groups through the real adapter and budget, no engine."""
    import json
    import subprocess
    import sys

    from bench._harness import CHAT_BASE, ROOT

    n = args.replicas or 2
    work = workdir("load-senders-")
    db_url = fresh_database(DB_NAME)
    api = RateLimitedApi(latency=args.latency)
    api_url = f"http://127.0.0.1:{api.start()}/bot"
    if args.redis:
        _clear_redis(args.redis)
    start_at = time.time() + 15.0  # every process has built its app and channel by then
    procs = []
    try:
        for i in range(n):
            job = {"db_url": db_url, "redis": args.redis, "api_url": api_url, "per_process": args.per_process,
                   "chats": [str(CHAT_BASE - k) for k in range(i, args.groups, n)], "tasks": args.senders,
                   "start_at": start_at, "data": str(work / f"data-{i}")}
            procs.append(subprocess.Popen([sys.executable, "-m", "bench._replicas", json.dumps(job)], cwd=ROOT,
                                          stdout=subprocess.PIPE, stderr=open(work / f"sender-{i}.log", "wb")))
        outputs = [json.loads(p.communicate(timeout=args.groups / 5 + 120)[0] or b"{}") for p in procs]
        window = api.window()
        span = (window[1] - window[0]) if window else float("nan")
        floor = args.groups / BOT_PER_SECOND
        store = ("each process alone (in-process budget)" if args.per_process
                 else f"Redis {args.redis}" if args.redis else "PostgreSQL (table send_budget)")
        return [f"adapter: {n} processes x {args.senders} concurrent senders, TelegramChannel.send to {args.groups} "
                f"groups, fake Bot API limited to {BOT_PER_SECOND}/s (latency {args.latency * 1000:.0f} ms), "
                f"send budget: {store}",
                f"  accepted {api.total_sent()} of {args.groups}; 429 answers: {api.refused}"
                f"{' at ' + ', '.join(f'{t:.1f}' for t in api.refused_at[:12]) + ' s' if api.refused else ''}; "
                f"sends failed in the processes: {sum(o.get('failed', 0) for o in outputs)}",
                f"  first to last accepted message {span:.1f} s = {args.groups / span:.1f} msg/s; "
                f"floor {args.groups} / {BOT_PER_SECOND} = {floor:.1f} s; ratio {span / floor:.2f}",
                f"  messages per process: {[o.get('sent') for o in outputs]}"]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        api.stop()
        drop_database(DB_NAME)


async def _send_share(job: dict) -> dict:  # type: ignore[type-arg]
    """One process: the app (its budget chosen as in production), the Telegram adapter, then the sends."""
    import asyncio
    from dataclasses import replace
    from pathlib import Path

    from bench._harness import TOKEN
    from bot.app import build_app
    from bot.channels.telegram import TelegramChannel
    from bot.core.budget.memory import MemoryBudget
    from bot.core.budget.pacer import SendPacer
    from bot.core.config import Settings
    from bot.core.db import Database
    from bot.core.messages import Reply
    from bot.core.ports import SendError

    settings = Settings(data_dir=Path(job["data"]), database_url=job["db_url"], redis_url=job["redis"],
                        telegram_token=TOKEN, telegram_api_base_url=job["api_url"])
    app = build_app(settings, db=Database.from_url(job["db_url"]),
                    send_budget=MemoryBudget() if job["per_process"] else None)
    channel = TelegramChannel(replace(settings), poll_timeout=1)
    await channel.application.initialize()
    channel.limiter.pacer = SendPacer(app.send_budget)  # what TelegramChannel.start does
    queue: asyncio.Queue[str] = asyncio.Queue()
    for chat in job["chats"]:
        queue.put_nowait(chat)
    counts = {"sent": 0, "failed": 0}

    async def worker() -> None:
        while not queue.empty():
            chat = queue.get_nowait()
            try:
                await channel.send(chat, Reply("⏰ Nhắc hạn: Báo cáo thử tải"))
                counts["sent"] += 1
            except SendError:
                counts["failed"] += 1

    await asyncio.sleep(max(0.0, job["start_at"] - time.time()))
    await asyncio.gather(*(worker() for _ in range(job["tasks"])))
    await channel.application.shutdown()
    await app.send_budget.close()
    return counts


if __name__ == "__main__":
    import asyncio
    import json
    import sys

    print(json.dumps(asyncio.run(_send_share(json.loads(sys.argv[1])))), flush=True)
