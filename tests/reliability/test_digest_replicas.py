"""Req 9 across replicas: a chat's digest is claimed as a whole, sent once, recorded in one transaction; when another
replica holds part of it, each sends what it claimed and no reminder goes out twice.

SQLite file always, PostgreSQL too when TEST_DATABASE_URL is set (the `db_url` fixture); the thread test needs
PostgreSQL (SQLite serialises writers) and is skipped on SQLite with the reason.
"""
from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime

import pytest
from sqlalchemy import select

from bot.core.clock import VN_TZ, FixedClock
from scheduler import deliveries as dl
from scheduler.models import Chat, Deadline, Delivery, Occurrence
from scheduler.repo import create_deadline
from scheduler.service import LEASE, ReminderService
from scheduler.units import add_unit
from tests.reliability.test_replicas import YieldingChannel, replica, tick_concurrently

CHATS = 60
SENT_AT = datetime(2026, 12, 3, 8, 0, tzinfo=VN_TZ)  # the 7-day reminders of both deadlines (due 10/12/2026)


def seed(app, chats: int = CHATS) -> None:  # type: ignore[no-untyped-def]
    """`chats` communes with a group each, two deadlines due 10/12/2026 for all of them."""
    with app.db.session() as s:
        for i in range(chats):
            u = add_unit(s, f"UBND xã số {i:03d}", "xa")
            s.add(Chat(channel="fake", chat_id=f"g{i}", kind="group", title=u.name, active=True, unit_id=u.id))
        created = datetime(2026, 11, 1, tzinfo=VN_TZ)
        for code, title, rule in (("bcn", "Báo cáo năm", "chậm nhất ngày 10/12 hằng năm"),
                                  ("cchc", "Báo cáo CCHC định kỳ",
                                   "ngày 10 tháng cuối kỳ báo cáo quý I, 6 tháng, quý III và năm")):
            create_deadline(s, dict(code=code, title=title, rule=rule, audience_types=["xa"], leads=[7, 3, 1, 0]),
                            at=created, by="test")


def per_chat(channels: list[YieldingChannel]) -> Counter[str]:
    return Counter(m.chat_id for ch in channels for m in ch.sent)


def parts(channels: list[YieldingChannel]) -> Counter[tuple[str, str]]:
    """(chat, deadline title) for every reminder part of every message sent."""
    out: Counter[tuple[str, str]] = Counter()
    for ch in channels:
        for m in ch.sent:
            for title in ("Báo cáo năm — ", "Báo cáo CCHC định kỳ — "):
                out[(m.chat_id, title)] += m.reply.text.count(title)
    return out


def week_statuses(app) -> Counter[str]:  # type: ignore[no-untyped-def]
    with app.db.session() as s:
        return Counter(s.scalars(select(Delivery.status).where(Delivery.lead == 7)))


async def test_two_replicas_send_each_chat_one_digest(app, clock, db_url):
    seed(app)
    replicas = [replica(app, db_url, clock) for _ in range(2)]
    services = [ReminderService(a, instance_id=f"replica-{i}") for i, (a, _, _) in enumerate(replicas)]
    try:
        for s in services:
            s.replan()
        clock.set(SENT_AT)
        sent = await asyncio.gather(*(s.tick() for s in services), *(s.tick() for s in services))
        channels = [ch for _, ch, _ in replicas]
        assert sum(sent) == 2 * CHATS
        assert per_chat(channels) == Counter({f"g{i}": 1 for i in range(CHATS)})  # one message per chat
        assert set(parts(channels).values()) == {1}  # each with both reminders, once
        assert all(ch.sent for ch in channels)  # both replicas took part
        assert week_statuses(app) == Counter({"sent": 2 * CHATS})
        with app.db.session() as s:  # both reminders of a chat carry the digest's message id
            ids = s.execute(select(Delivery.chat_id, Delivery.message_id).where(Delivery.lead == 7)).all()
        assert all(n == 2 for n in Counter(ids).values())
    finally:
        for _, _, db in replicas:
            db.engine.dispose()


async def test_a_digest_partly_claimed_by_another_replica_is_never_sent_twice(app, clock, db_url):
    seed(app, chats=1)
    a, ch_a, db_a = replica(app, db_url, clock)
    b, ch_b, db_b = replica(app, db_url, clock)
    service_a, service_b = ReminderService(a, instance_id="a"), ReminderService(b, instance_id="b")
    try:
        service_a.replan()
        clock.set(SENT_AT)
        with b.db.session() as s:  # replica b claimed the bcn reminder, then stalled before sending it
            bcn = s.scalar(select(Delivery.id).join(Occurrence).join(Deadline)
                           .where(Deadline.code == "bcn", Delivery.lead == 7))
            assert dl.claim(s, bcn, service_b.claimer, clock.now())
        assert await service_a.tick() == 1  # a sends what it could claim: cchc, as a single reminder
        [only] = ch_a.sent
        assert only.reply.text.startswith("🔔 Nhắc hạn: Báo cáo CCHC định kỳ") and "Báo cáo năm" not in only.reply.text
        assert await service_a.tick() == 0  # bcn is b's while its lease runs
        clock.advance(LEASE)
        clock.advance(LEASE / 10)
        assert await service_a.tick() == 1  # b never came back: after its lease a takes bcn over, once
        assert ch_a.sent[-1].reply.text.startswith("🔔 Nhắc hạn: Báo cáo năm")
        assert await service_b.tick() == 0 and ch_b.sent == []  # b, back, finds nothing of it to send
        assert parts([ch_a, ch_b]) == Counter({("g0", "Báo cáo năm — "): 1, ("g0", "Báo cáo CCHC định kỳ — "): 1})
        assert week_statuses(app) == Counter({"sent": 2})
    finally:
        db_a.engine.dispose()
        db_b.engine.dispose()


async def test_three_replicas_in_threads_send_each_chat_one_digest(app, clock, db_url):
    """Real concurrency (three OS threads, three engines) racing on plan and claims; PostgreSQL only."""
    if not db_url.startswith("postgresql"):
        pytest.skip("concurrent writers need PostgreSQL (set TEST_DATABASE_URL); SQLite serialises writers")
    seed(app)
    clock.set(SENT_AT)
    replicas = [replica(app, db_url, FixedClock(SENT_AT)) for _ in range(3)]
    try:
        results = tick_concurrently([a for a, _, _ in replicas])
        channels = [ch for _, ch, _ in replicas]
        assert sum(results) == 2 * CHATS
        assert set(parts(channels).values()) == {1}  # no reminder twice
        assert per_chat(channels) == Counter({f"g{i}": 1 for i in range(CHATS)})
        assert week_statuses(app) == Counter({"sent": 2 * CHATS})
    finally:
        for _, _, db in replicas:
            db.engine.dispose()
