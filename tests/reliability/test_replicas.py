"""Several replicas on one database: each reminder reaches each chat once; no per-process state breaks webhooks
(confirmations, re-delivered updates and the knowledge index all go through the database).

Runs on SQLite always and on PostgreSQL when TEST_DATABASE_URL is set (the `db_url` fixture); the thread
test is the one that needs PostgreSQL to mean anything, so it is skipped on SQLite with the reason.
"""
from __future__ import annotations

import asyncio
import socket
import threading
from collections import Counter
from dataclasses import replace

import httpx
import pytest
from sqlalchemy import func, select

from bot.app import App, build_app
from bot.channels.recording import RecordingChannel
from bot.channels.telegram import TelegramChannel
from bot.core.clock import FixedClock
from bot.core.db import Database
from bot.core.messages import Reply
from scheduler.models import Deadline, Delivery
from scheduler.service import ReminderService
from tests.builders import admin_msg
from tests.channels.telegram import updates as u
from tests.channels.telegram.fake_api import FakeBotAPI
from tests.scheduler.test_engine import at, seed

FAN_OUT = 200
GROUPS = [(f"UBND xã số {i:03d}", "xa", f"g{i}") for i in range(FAN_OUT)]
SENT_AT = at(2026, 12, 3, 8, 0)  # the 7-day reminder of the year-end CCHC report (due 10/12/2026)


class YieldingChannel(RecordingChannel):
    """Gives the event loop away during each send, so that replicas on one loop really interleave."""

    async def send(self, chat_id: str, reply: Reply):  # type: ignore[no-untyped-def]
        await asyncio.sleep(0)
        return await super().send(chat_id, reply)


def replica(app: App, db_url: str, clock: FixedClock) -> tuple[App, YieldingChannel, Database]:
    """Another process's App: its own engine and connection pool on the same database."""
    db = Database.from_url(db_url)
    channel = YieldingChannel("fake")
    return build_app(app.settings, clock=clock, channels={"fake": channel}, db=db), channel, db


def tick_concurrently(apps: list[App]) -> list[int]:
    """One tick of one engine per app, each in its own OS thread, started together; the ticks' results."""
    start = threading.Barrier(len(apps))
    results: list[int] = []
    errors: list[BaseException] = []

    def run(a: App, n: int) -> None:
        service = ReminderService(a, instance_id=f"thread-{n}")
        try:
            start.wait()
            results.append(asyncio.run(service.tick()))  # plans (dirty on creation), then claims and sends
        except BaseException as e:  # reported below, in the test's thread
            errors.append(e)

    threads = [threading.Thread(target=run, args=(a, n)) for n, a in enumerate(apps)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    return results


def assert_each_chat_once(channels: list[YieldingChannel]) -> None:
    per_chat = Counter(m.chat_id for ch in channels for m in ch.sent)
    assert set(per_chat) == {g for _, _, g in GROUPS}, "a chat got nothing"
    duplicated = {c: n for c, n in per_chat.items() if n != 1}
    assert duplicated == {}


def statuses(app: App) -> Counter[str]:
    with app.db.session() as s:
        return Counter(s.scalars(select(Delivery.status).where(Delivery.lead == 7)))


async def test_two_replicas_on_one_event_loop_deliver_each_reminder_once(app, clock, db_url):
    seed(app, units=GROUPS, audience=("xa",))
    replicas = [replica(app, db_url, clock) for _ in range(2)]
    services = [ReminderService(a, instance_id=f"replica-{i}") for i, (a, _, _) in enumerate(replicas)]
    try:
        for s in services:  # both plan: the unique delivery key makes the second plan a no-op
            s.replan()
        clock.set(SENT_AT)
        sent = await asyncio.gather(*(s.tick() for s in services), *(s.tick() for s in services))
        assert sum(sent) == FAN_OUT
        channels = [ch for _, ch, _ in replicas]
        assert_each_chat_once(channels)
        assert all(ch.sent for ch in channels)  # both replicas took part
        assert statuses(app) == Counter({"sent": FAN_OUT})
        assert sum(await asyncio.gather(*(s.tick() for s in services))) == 0
    finally:
        for _, _, db in replicas:
            db.engine.dispose()


async def test_three_replicas_in_threads_deliver_each_reminder_once(app, clock, db_url):
    """Real concurrency (three OS threads, three engines) racing on plan and claims; PostgreSQL only."""
    if not db_url.startswith("postgresql"):
        pytest.skip("concurrent writers need PostgreSQL (set TEST_DATABASE_URL); SQLite serialises writers")
    seed(app, units=GROUPS, audience=("xa",))
    clock.set(SENT_AT)
    replicas = [replica(app, db_url, FixedClock(SENT_AT)) for _ in range(3)]
    try:
        results = tick_concurrently([a for a, _, _ in replicas])
        assert sum(results) == FAN_OUT
        assert_each_chat_once([ch for _, ch, _ in replicas])
        assert statuses(app) == Counter({"sent": FAN_OUT})
    finally:
        for _, _, db in replicas:
            db.engine.dispose()


async def test_a_confirmation_asked_on_one_replica_is_confirmed_on_another(app, clock, db_url):
    """Pending admin actions live in the database: a webhook update may reach any replica."""
    a, ch_a, db_a = replica(app, db_url, clock)
    b, ch_b, db_b = replica(app, db_url, clock)
    try:
        [asked] = await a.handle(admin_msg("/themhan Báo cáo thử | chậm nhất ngày 30/01 hằng năm | xã | 7"))
        token = next(btn.data for btn in asked.buttons if btn.data.startswith("ok:"))
        [done] = await b.handle(admin_msg(callback=token))
        assert done.text.startswith("✅")
        with app.db.session() as s:
            assert s.scalar(select(func.count()).select_from(Deadline).where(Deadline.title == "Báo cáo thử")) == 1
        [again] = await a.handle(admin_msg(callback=token))  # the same button pressed again, elsewhere
        assert "Không tìm thấy" in again.text
    finally:
        db_a.engine.dispose()
        db_b.engine.dispose()


async def test_a_document_added_on_one_replica_is_searchable_on_another(app, clock, db_url, tmp_path):
    """Each replica keeps its search index in memory, keyed by a stamp read from the database on every question."""
    a, _, db_a = replica(app, db_url, clock)
    settings_b = replace(app.settings, data_dir=tmp_path / "replica-b")  # no shared disk between the replicas
    db_b = Database.from_url(db_url)
    b = build_app(settings_b, clock=clock, channels={"fake": RecordingChannel("fake")}, db=db_b)
    try:
        a.knowledge.ensure_ready()
        b.knowledge.ensure_ready()
        question = "Hệ số chuyên cần của tổ công tác Zeta-Omega tại phường Hoà Khánh là bao nhiêu?"
        assert not b.knowledge.answer(question).answered
        a.knowledge.add_bytes("zeta.txt", (
            "QUYẾT ĐỊNH số 99/QĐ-UBND về tổ công tác Zeta-Omega\n"
            "Điều 1. Hệ số chuyên cần của tổ công tác Zeta-Omega tại phường Hoà Khánh là 1,25.\n").encode())
        answer = b.knowledge.answer(question)
        assert answer.answered and "1,25" in answer.text
    finally:
        db_a.engine.dispose()
        db_b.engine.dispose()


async def test_telegram_webhook_behind_two_replicas(app, clock, db_url):
    """Two adapters in webhook mode on one database: a re-delivered update is answered once, and a
    confirmation asked through one replica is confirmed by a button press that reaches the other."""
    secret = "replica-secret-1"
    fake = FakeBotAPI()  # one Bot API for both replicas, as in production
    replicas, urls = [], []
    for _ in range(2):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        settings = replace(app.settings, telegram_token="123456789:AAFakeTokenForTestsOnly_abcdefghij",
                           telegram_webhook_url="https://cchc.example.gov.vn/tg", telegram_webhook_secret=secret,
                           telegram_webhook_listen=f"127.0.0.1:{port}")
        channel = TelegramChannel(settings, request=fake, retry_delay=0)
        db = Database.from_url(db_url)
        await channel.start(build_app(settings, clock=clock, channels={"telegram": channel}, db=db))
        replicas.append((channel, db))
        urls.append(f"http://127.0.0.1:{port}/tg")
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
    try:
        async with httpx.AsyncClient() as client:
            again = u.text_update("/help", chat_id=1001, user_id=1001)
            for url in urls:  # Telegram re-delivers after a lost answer; the load balancer picks another replica
                assert (await client.post(url, json=again, headers=headers)).status_code == 200
            await fake.wait_for("sendMessage", 1)
            ask = u.text_update("/themhan Báo cáo thử | chậm nhất ngày 30/01 hằng năm | xã | 7", chat_id=1001,
                                user_id=1001)
            assert (await client.post(urls[0], json=ask, headers=headers)).status_code == 200
            [_, asked] = await fake.wait_for("sendMessage", 2)
            origin = {"message_id": 900, "date": u.DATE, "chat": u.chat(1001), "text": asked["text"],
                      "reply_markup": asked["reply_markup"]}
            token = next(b["callback_data"] for row in asked["reply_markup"]["inline_keyboard"] for b in row
                         if b["callback_data"].startswith("ok:"))
            press = u.button_update(token, origin=origin, user_id=1001)
            assert (await client.post(urls[1], json=press, headers=headers)).status_code == 200
            [edited] = await fake.wait_for("editMessageText", 1)
        assert edited["text"].startswith("✅")
        assert len([p for p in fake.sent(1001) if "Các lệnh" in p["text"]]) == 1  # /help answered once
        with app.db.session() as s:
            assert s.scalar(select(func.count()).select_from(Deadline).where(Deadline.title == "Báo cáo thử")) == 1
    finally:
        for channel, db in replicas:
            await channel.stop()
            db.engine.dispose()
