"""Fairness figures from webhook to reply (bench/load.py --only flood,askers): the real web server, the real
Telegram adapter in webhook mode, the core's per-chat queues, a Bot API fake that answers after a round trip.

flood   2,000 updates from one chat posted to the webhook as fast as 20 connections allow; half-way through,
        another user's /start: seconds from its POST to its sendMessage (goal: within 3 s). Also the webhook's
        own answer times during the flood, and what the flooding chat got (answers, "đang bận" replies).
askers  `--users` users each post one question at the same moment, `--rounds` times: seconds from each POST to
        that user's sendMessage, p50/p95/max (goal: p95 within 1 s).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx

from tests.channels.telegram import updates as u
from tests.channels.telegram.fake_api import FakeBotAPI

SECRET = "bench-webhook-secret"
FLOOD_CHAT, OTHER_CHAT = 9001, 9002


class TimedBotAPI(FakeBotAPI):
    """The in-process Bot API fake, answering each call after `round_trip` seconds; sendMessage times kept by chat."""

    def __init__(self, round_trip: float) -> None:
        super().__init__()
        self.round_trip = round_trip
        self.sent_at: dict[str, list[float]] = {}
        self.texts: dict[str, list[str]] = {}
        self._arrived: dict[str, asyncio.Event] = {}

    async def do_request(self, url: str, method: str, request_data: Any = None, **kw: Any) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        if name == "sendMessage" and request_data is not None:
            if self.round_trip:
                await asyncio.sleep(self.round_trip)
            params = dict(request_data.parameters)
            chat = str(params.get("chat_id"))
            self.sent_at.setdefault(chat, []).append(time.monotonic())
            self.texts.setdefault(chat, []).append(str(params.get("text", "")))
            self.arrival(chat).set()
        result = await super().do_request(url, method, request_data, **kw)
        if name == "sendMessage":
            self.calls.clear()  # 2,000 updates: keep memory flat, the times above are what the bench reads
        return result

    def arrival(self, chat: str) -> asyncio.Event:
        return self._arrived.setdefault(chat, asyncio.Event())


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


async def _serve(db_url: str, data_dir: Path, round_trip: float, send_rate: float | None = None):  # type: ignore[no-untyped-def]
    from bench._harness import bench_app
    from bot.channels.telegram import TelegramChannel
    from bot.web.app import create_app
    from bot.web.server import WebServer

    app = bench_app(db_url, data_dir)
    app.knowledge.ensure_ready()
    api = TimedBotAPI(round_trip)
    settings = replace(app.settings, telegram_token="123456:fake-bench-token-not-a-secret",
                       telegram_webhook_url="https://bot.example.gov.vn/tg", telegram_webhook_secret=SECRET,
                       web_listen="127.0.0.1:0")
    if send_rate:
        settings = replace(settings, telegram_send_rate=send_rate)
    channel = TelegramChannel(settings, request=api)
    app.channels["telegram"] = channel
    web = WebServer(create_app(app), "127.0.0.1:0")
    # uvicorn closes a connection idle for 5 s; on a loaded machine a client waiting that long for its reply would
    # then race the close on its next POST (ReadError). The posting connections stay open, as Telegram's do.
    web.server.config.timeout_keep_alive = 120
    await web.start()
    await channel.start(app)
    return app, api, channel, web


def _update(text: str, chat: int) -> dict[str, Any]:
    return u.text_update(text, chat_id=chat, user_id=chat, date=int(time.time()))


async def flood(args: argparse.Namespace, db_url: str, work: Path, label: str) -> list[str]:
    from bot.core.fairness import BUSY_TEXT

    app, api, channel, web = await _serve(db_url, work / "data", args.round_trip)
    try:
        url = f"http://127.0.0.1:{web.port}/tg"
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        posted: list[float] = []
        other: dict[str, float] = {}
        limits = httpx.Limits(max_connections=20, max_keepalive_connections=20)
        async with httpx.AsyncClient(limits=limits, timeout=30) as client:
            async def post(body: dict[str, Any]) -> None:
                started = time.monotonic()
                r = await client.post(url, json=body, headers=headers)
                assert r.status_code == 200, r.status_code
                posted.append(time.monotonic() - started)

            async def the_other_user() -> None:
                while len(posted) < args.flood // 2:
                    await asyncio.sleep(0.005)
                other["at"] = time.monotonic()
                await post(_update("/start", OTHER_CHAT))
                await asyncio.wait_for(api.arrival(str(OTHER_CHAT)).wait(), 60)
                other["answered"] = api.sent_at[str(OTHER_CHAT)][0] - other["at"]

            queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
            for i in range(args.flood):
                queue.put_nowait(_update(f"ke hoach cchc nam nop truoc ngay nao {i}", FLOOD_CHAT))

            async def poster() -> None:
                while not queue.empty():
                    await post(queue.get_nowait())

            started = time.monotonic()
            await asyncio.gather(the_other_user(), *(poster() for _ in range(20)))
            flood_seconds = time.monotonic() - started
        await asyncio.wait_for(channel.idle(), 300)
        texts = api.texts.get(str(FLOOD_CHAT), [])
        busy = texts.count(BUSY_TEXT)
        answered = other.get("answered")
        verdict = "met" if answered is not None and answered <= 3 else "NOT met"
        return [f"flood: {args.flood} updates from one chat posted to the Telegram webhook in {flood_seconds:.1f} s "
                f"(20 connections), {label}, Bot API round trip {args.round_trip * 1000:.0f} ms, "
                f"CHAT_QUEUE_LIMIT {app.settings.chat_queue_limit}, DB_WORKERS {app.settings.db_workers}",
                f"  another user's /start answered {answered:.2f} s after its POST (goal: within 3 s: {verdict})",
                f"  webhook answers during the flood: p50 {percentile(posted, 0.5) * 1000:.0f} ms, "
                f"p95 {percentile(posted, 0.95) * 1000:.0f} ms, max {max(posted) * 1000:.0f} ms",
                f"  the flooding chat got {len(texts) - busy} answers and {busy} \"đang bận\" reply; "
                f"{app.dispatcher.dropped} of its updates dropped"]
    finally:
        await channel.stop()
        await web.stop()
        app.db.dispose()


async def askers(args: argparse.Namespace, db_url: str, work: Path, label: str) -> list[str]:
    from bench.load import QUESTIONS

    app, api, channel, web = await _serve(db_url, work / "data", args.round_trip, args.send_rate)
    rate = channel.settings.telegram_send_rate
    in_process = getattr(args, "client_in_process", False)
    poster = None
    try:
        url = f"http://127.0.0.1:{web.port}/tg"
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        if in_process:
            limits = httpx.Limits(max_connections=args.users, max_keepalive_connections=args.users)
            client = httpx.AsyncClient(limits=limits, timeout=30)

            async def post_all(bodies: list[dict[str, Any]]) -> list[float]:
                async def one(body: dict[str, Any]) -> float:
                    started = time.monotonic()
                    r = await client.post(url, json=body, headers=headers)
                    assert r.status_code == 200
                    return started
                return list(await asyncio.gather(*(one(b) for b in bodies)))
        else:  # the webhook client in a process of its own, as Telegram's servers are (bench/_poster.py)
            poster = await asyncio.create_subprocess_exec(
                sys.executable, str(Path(__file__).with_name("_poster.py")),
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)

            async def post_all(bodies: list[dict[str, Any]]) -> list[float]:
                assert poster is not None and poster.stdin is not None and poster.stdout is not None
                poster.stdin.write((json.dumps({"url": url, "headers": headers, "bodies": bodies}) + "\n").encode())
                await poster.stdin.drain()
                line = await poster.stdout.readline()
                if not line:
                    raise RuntimeError("the posting process stopped")
                return [float(x) for x in json.loads(line)]

        async def round_of(chats: list[int], texts: list[str]) -> list[float]:
            keys = [str(c) for c in chats]
            before = {k: len(api.sent_at.get(k, [])) for k in keys}
            for k in keys:
                api.arrival(k).clear()
            starts = await post_all([_update(t, c) for c, t in zip(chats, texts)])

            async def reply_of(key: str, started: float) -> float:
                while len(api.sent_at.get(key, [])) <= before[key]:
                    await asyncio.wait_for(api.arrival(key).wait(), 60)
                    api.arrival(key).clear()
                return api.sent_at[key][before[key]] - started
            return list(await asyncio.gather(*(reply_of(k, s) for k, s in zip(keys, starts))))

        await round_of([100], [QUESTIONS[0]])  # warm-up: index loaded, connections open
        seconds: list[float] = []
        wall, cpu = 0.0, 0.0
        for r in range(args.rounds):
            t, c = time.monotonic(), time.process_time()
            seconds += await round_of([200 + n for n in range(args.users)],
                                      [QUESTIONS[(n + r) % len(QUESTIONS)] for n in range(args.users)])
            wall += time.monotonic() - t
            cpu += time.process_time() - c
        if in_process:
            await client.aclose()
        ms = [s * 1000 for s in seconds]
        p95 = percentile(ms, 0.95)
        where = "the posting client in this process" if in_process else "the posting client in its own process"
        return [f"askers: {args.users} users post a question at the same moment, x {args.rounds} rounds, through the "
                f"Telegram webhook to the reply's sendMessage, {label}, Bot API round trip "
                f"{args.round_trip * 1000:.0f} ms, the bot's send pace {rate:g} messages/s "
                f"(the {args.users}th reply cannot leave before {(args.users - 1) / rate:.2f} s), {where}",
                f"  from webhook to reply: p50 {percentile(ms, 0.5):.0f} ms, p95 {p95:.0f} ms, max {max(ms):.0f} ms "
                f"(goal: p95 within 1 s: {'met' if p95 <= 1000 else 'NOT met'}); "
                f"{len(ms) / wall:.1f} answers/s",
                f"  CPU of the bot's process per answer {cpu / len(ms) * 1000:.1f} ms (all threads, the Bot API fake "
                f"included{', and the posting client' if in_process else ''}), {cpu / wall:.2f} cores busy on average; "
                f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"]
    finally:
        if poster is not None:
            if poster.stdin is not None:
                poster.stdin.close()
            await poster.wait()
        await channel.stop()
        await web.stop()
        app.db.dispose()
