"""Exactly once across a crash in the middle of sending and across two services sharing one database."""
from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from bot.app import build_app
from bot.channels.recording import RecordingChannel
from bot.core.clock import FixedClock
from bot.core.messages import Reply
from scheduler.models import Delivery
from scheduler.service import LEASE, ReminderService
from tests.scheduler.test_engine import at, seed

GROUPS = [(f"UBND xã số {i}", "xa", f"g{i}") for i in range(12)]


class Crash(BaseException):
    """The process dies (kill -9): nothing after this line runs."""


class CrashingChannel(RecordingChannel):
    """Delivers N messages, then the process 'dies' on the next send: after the network write, before the commit."""

    def __init__(self, deliver_before_crash: int) -> None:
        super().__init__("fake")
        self.left = deliver_before_crash

    async def send(self, chat_id: str, reply: Reply):  # type: ignore[no-untyped-def]
        if self.left == 0:
            raise Crash()
        self.left -= 1
        return await super().send(chat_id, reply)


class YieldingChannel(RecordingChannel):
    """Gives the event loop away during each send, so that two services really interleave."""

    async def send(self, chat_id: str, reply: Reply):  # type: ignore[no-untyped-def]
        await asyncio.sleep(0)
        return await super().send(chat_id, reply)


def second_app(app, channel, clock):  # type: ignore[no-untyped-def]
    return build_app(app.settings, clock=clock, channels={"fake": channel}, db=app.db)


async def test_crash_in_the_middle_of_a_fan_out_loses_nothing_and_repeats_nothing(app, clock):
    crashing = CrashingChannel(deliver_before_crash=5)
    app.channels["fake"] = crashing
    seed(app, units=GROUPS, audience=("xa",))
    clock.set(at(2026, 12, 3, 8, 0))
    first = ReminderService(app, instance_id="host-a")
    try:
        await first.tick()
    except Crash:
        pass
    assert len(crashing.sent) == 5
    with app.db.session() as s:  # the messages in flight when it died: at most one per concurrent send
        assert 1 <= s.scalars(select(Delivery.status)).all().count("sending") <= first.concurrency

    # The same host restarts a minute later: its own abandoned claim is taken over at once.
    restarted_channel = RecordingChannel("fake")
    clock2 = FixedClock(at(2026, 12, 3, 8, 1))
    restarted = ReminderService(second_app(app, restarted_channel, clock2), instance_id="host-a")
    assert await restarted.tick() == 7
    per_chat = Counter(m.chat_id for m in crashing.sent + restarted_channel.sent)
    assert set(per_chat) == {g for _, _, g in GROUPS} and set(per_chat.values()) == {1}
    assert await restarted.tick() == 0


async def test_another_process_takes_over_an_abandoned_claim_after_the_lease(app, clock):
    crashing = CrashingChannel(deliver_before_crash=0)
    app.channels["fake"] = crashing
    seed(app, units=GROUPS[:3], audience=("xa",))
    clock.set(at(2026, 12, 3, 8, 0))
    crashed = ReminderService(app, instance_id="host-a")
    crashed.concurrency = 1  # one message in flight: exactly one claim abandoned
    try:
        await crashed.tick()
    except Crash:
        pass
    other_channel = RecordingChannel("fake")
    clock2 = FixedClock(at(2026, 12, 3, 8, 1))
    other = ReminderService(second_app(app, other_channel, clock2), instance_id="host-b")
    assert await other.tick() == 2  # the claimed row is left alone while its lease runs
    clock2.set(at(2026, 12, 3, 8, 0) + LEASE + timedelta(seconds=1))
    assert await other.tick() == 1
    assert sorted(m.chat_id for m in other_channel.sent) == ["g0", "g1", "g2"]
    with app.db.session() as s:
        assert set(s.scalars(select(Delivery.status).where(Delivery.lead == 7))) == {"sent"}


async def test_two_services_on_one_database_send_each_reminder_once(app, clock):
    seed(app, units=GROUPS, audience=("xa",))
    ch_a, ch_b = YieldingChannel("fake"), YieldingChannel("fake")
    app_a = second_app(app, ch_a, clock)
    app_b = second_app(app, ch_b, clock)
    a = ReminderService(app_a, instance_id="a")
    b = ReminderService(app_b, instance_id="b")
    a.replan()
    b.replan()
    clock.set(at(2026, 12, 3, 8, 0))
    sent = await asyncio.gather(a.tick(), b.tick(), a.tick(), b.tick())
    assert sum(sent) == len(GROUPS)
    per_chat = Counter(m.chat_id for m in ch_a.sent + ch_b.sent)
    assert set(per_chat.values()) == {1} and len(per_chat) == len(GROUPS)
    assert ch_a.sent and ch_b.sent  # both took part


async def test_database_lost_after_the_send_is_retried_not_resent(app, clock, channel, monkeypatch):
    """Telegram accepted the message, then writing `sent` failed: keep writing it rather than send again."""
    from sqlalchemy.exc import OperationalError

    from scheduler import deliveries

    seed(app, units=GROUPS[:1], audience=("xa",))
    clock.set(at(2026, 12, 3, 8, 0))
    real_mark, failures = deliveries.mark, iter([True, True])

    def flaky_mark(s, delivery_id, claimer, status, **kw):  # type: ignore[no-untyped-def]
        if status == deliveries.SENT and next(failures, False):
            raise OperationalError("UPDATE deliveries", {}, Exception("server closed the connection"))
        return real_mark(s, delivery_id, claimer, status, **kw)

    monkeypatch.setattr(deliveries, "mark", flaky_mark)
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    assert await ReminderService(app, sleep=fake_sleep).tick() == 1
    assert slept == [1.0, 2.0]
    with app.db.session() as s:
        sent = s.scalars(select(Delivery).where(Delivery.status == "sent")).all()
    assert len(sent) == 1 and len(channel.sent) == 1
    clock.advance(LEASE * 2)
    assert await ReminderService(app).tick() == 0 and len(channel.sent) == 1


def test_instance_id_comes_from_the_settings(app):
    import dataclasses

    app.settings = dataclasses.replace(app.settings, instance_id="replica-1")
    assert ReminderService(app).instance_id == "replica-1"
