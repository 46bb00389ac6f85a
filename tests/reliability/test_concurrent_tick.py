"""The tick sends several reminders at once (REMINDER_SEND_CONCURRENCY): still each reminder once across replicas, one
message at a time per chat, a failing send loses and holds up nothing, and a crash repeats at most what was in flight.

SQLite file always, PostgreSQL too when TEST_DATABASE_URL is set; the thread test needs PostgreSQL.
"""
from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot.core.clock import FixedClock
from bot.core.messages import Reply
from bot.core.ports import ChatUnreachable, SendError, TransientSendError
from scheduler import deliveries as dl
from scheduler.models import Chat, Delivery, Unit
from scheduler.repo import create_deadline
from scheduler.service import ReminderService
from scheduler.units import add_focal_point
from tests.reliability.test_replicas import YieldingChannel, replica, tick_concurrently
from tests.scheduler.test_engine import at, seed
from tests.scheduler.test_engine_exactly_once import second_app

GROUPS = [(f"UBND xã số {i:02d}", "xa", f"g{i}") for i in range(24)]
SENT_AT = at(2026, 12, 3, 8, 0)  # the 7-day reminder of the year-end CCHC report


class OverlapChannel(YieldingChannel):
    """Records how many sends were in flight at once, in all and per chat; `fail` maps a chat to its error."""

    def __init__(self, fail: dict[str, BaseException] | None = None) -> None:
        super().__init__("fake")
        self.fail = fail or {}
        self.in_flight: Counter[str] = Counter()
        self.most_at_once = 0
        self.overlapped_chats: set[str] = set()

    async def send(self, chat_id: str, reply: Reply):  # type: ignore[no-untyped-def]
        if self.in_flight[chat_id]:
            self.overlapped_chats.add(chat_id)
        self.in_flight[chat_id] += 1
        self.most_at_once = max(self.most_at_once, sum(self.in_flight.values()))
        try:
            for _ in range(3):
                await asyncio.sleep(0)
            if chat_id in self.fail:
                raise self.fail.pop(chat_id)
            return await super().send(chat_id, reply)
        finally:
            self.in_flight[chat_id] -= 1


def statuses(app) -> Counter[str]:  # type: ignore[no-untyped-def]
    with app.db.session() as s:
        return Counter(s.scalars(select(Delivery.status).where(Delivery.lead == 7)))


class Gate(OverlapChannel):
    """The first sends are held until `width` of them are in flight together (a sequential tick would hang)."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.width = width
        self.opened = asyncio.Event()

    async def send(self, chat_id: str, reply: Reply):  # type: ignore[no-untyped-def]
        if sum(self.in_flight.values()) + 1 >= self.width:
            self.opened.set()
        self.in_flight["gate"] += 1
        try:
            await self.opened.wait()
        finally:
            self.in_flight["gate"] -= 1
        return await super().send(chat_id, reply)


async def test_sends_overlap_up_to_the_concurrency_and_never_twice_in_one_chat(app, clock):
    seed(app, units=GROUPS, audience=("xa",))
    clock.set(SENT_AT)
    service = ReminderService(app)
    assert service.concurrency == app.settings.reminder_send_concurrency == 4
    channel = Gate(service.concurrency)
    app.channels["fake"] = channel
    assert await asyncio.wait_for(service.tick(), 60) == len(GROUPS)  # the limit only guards a hang
    assert channel.most_at_once <= service.concurrency
    assert channel.overlapped_chats == set()
    assert Counter(m.chat_id for m in channel.sent) == Counter(g for _, _, g in GROUPS)
    assert statuses(app) == Counter({"sent": len(GROUPS)})


async def test_one_chat_s_messages_go_one_at_a_time(app, clock):
    """Two unreachable groups, of two units with two different deadlines and one focal point: both 1:1 fallbacks
    queue for the same private chat and go one after the other (the order of a chat's queue: tests/scheduler/
    test_lanes.py)."""
    channel = OverlapChannel(fail={"g0": ChatUnreachable("bot was removed"), "g1": ChatUnreachable("kicked")})
    app.channels["fake"] = channel
    units = [("Sở Tư pháp", "so", "g0")] + GROUPS[1:8]
    ids = seed(app, units=units, audience=("xa",))
    with app.db.session() as s:
        create_deadline(s, dict(code="bcn", title="Báo cáo năm", rule="chậm nhất ngày 10/12 hằng năm",
                                audience_types=["so"], leads=[7, 3, 1, 0]), at=clock.now(), by="test")
        for name in ("Sở Tư pháp", GROUPS[1][0]):
            add_focal_point(s, s.get(Unit, ids[name]), "fake", "fp1", "Chị Lan", "fp1")
        s.add(Chat(channel="fake", chat_id="fp1", kind="private", active=True))
    clock.set(SENT_AT)
    assert await ReminderService(app).tick() == 8  # six groups, and the two reminders 1:1 instead
    private = [m.reply.text for m in channel.sent if m.chat_id == "fp1"]
    assert len(private) == 2
    # Queued behind each other, never at once. The admins' two notices of the lost groups (chat_gone) are not
    # reminders: they may go at once, paced only by the channel's own per-chat budget.
    assert channel.overlapped_chats - {"boss"} == set()
    assert sorted("Báo cáo năm" in t for t in private) == [False, True]
    assert Counter(m.chat_id for m in channel.sent if m.chat_id.startswith("g")) == \
        Counter(g for _, _, g in GROUPS[2:8])


async def test_a_failing_send_neither_loses_nor_holds_up_the_others(app, clock):
    channel = OverlapChannel(fail={"g3": TransientSendError("502 Bad Gateway"), "g5": RuntimeError("adapter bug")})
    app.channels["fake"] = channel
    seed(app, units=GROUPS, audience=("xa",))
    clock.set(SENT_AT)
    service = ReminderService(app)
    assert await service.tick() == len(GROUPS) - 2
    assert statuses(app) == Counter({"sent": len(GROUPS) - 2, "pending": 2})
    clock.set(SENT_AT + timedelta(seconds=29))
    assert await service.tick() == 0  # backing off
    clock.set(SENT_AT + timedelta(seconds=31))
    assert await service.tick() == 2
    assert Counter(m.chat_id for m in channel.sent) == Counter(g for _, _, g in GROUPS)


async def test_a_slow_send_does_not_hold_up_the_other_chats(app, clock):
    class OneSlowChat(OverlapChannel):
        def __init__(self) -> None:
            super().__init__()
            self.others_done = asyncio.Event()

        async def send(self, chat_id: str, reply: Reply):  # type: ignore[no-untyped-def]
            if chat_id == "g0":
                await self.others_done.wait()  # answers only once every other chat has its message
            sent = await super().send(chat_id, reply)
            if len(self.sent) == len(GROUPS) - 1:
                self.others_done.set()
            return sent

    channel = OneSlowChat()
    app.channels["fake"] = channel
    seed(app, units=GROUPS, audience=("xa",))
    clock.set(SENT_AT)
    assert await asyncio.wait_for(ReminderService(app).tick(), 60) == len(GROUPS)  # the limit only guards a hang
    assert channel.sent[-1].chat_id == "g0"


async def test_a_database_error_in_one_send_lets_the_others_finish_and_the_next_tick_sends_the_rest(app, clock,
                                                                                                 monkeypatch):
    channel = OverlapChannel()
    app.channels["fake"] = channel
    seed(app, units=GROUPS, audience=("xa",))
    clock.set(SENT_AT)
    service = ReminderService(app)
    service.replan()
    with app.db.session() as s:
        victim = s.scalars(select(Delivery.id).where(Delivery.lead == 7).order_by(Delivery.id)).all()[5]
    real_claim = dl.claim

    def claim(s, delivery_id, c, now):  # type: ignore[no-untyped-def]
        if delivery_id == victim:
            raise OperationalError("UPDATE deliveries", {}, Exception("server closed the connection"))
        return real_claim(s, delivery_id, c, now)

    monkeypatch.setattr(dl, "claim", claim)
    with pytest.raises(OperationalError):
        await service.tick()
    assert "sending" not in statuses(app)  # whatever was in flight was sent and recorded
    monkeypatch.setattr(dl, "claim", real_claim)
    await service.tick()
    assert Counter(m.chat_id for m in channel.sent) == Counter(g for _, _, g in GROUPS)
    assert statuses(app) == Counter({"sent": len(GROUPS)})


class NeverAnswers(YieldingChannel):
    """Telegram accepts each message (it is counted as delivered) and the answer never comes back."""

    def __init__(self, width: int) -> None:
        super().__init__("fake")
        self.accepted: list[str] = []
        self.width = width
        self.full = asyncio.Event()  # `width` messages accepted, none answered

    async def send(self, chat_id: str, reply: Reply):  # type: ignore[no-untyped-def]
        self.accepted.append(chat_id)
        if len(self.accepted) >= self.width:
            self.full.set()
        await asyncio.Event().wait()
        raise SendError("unreachable")


async def test_a_crash_repeats_at_most_the_messages_in_flight(app, clock):
    """kill -9 while `concurrency` messages are in flight: the restart (same instance id) sends those again — the
    duplicates are bounded by the concurrency — and everything else once."""
    seed(app, units=GROUPS, audience=("xa",))
    clock.set(SENT_AT)
    dying = ReminderService(app, instance_id="host-a")
    channel = NeverAnswers(dying.concurrency)
    app.channels["fake"] = channel
    tick = asyncio.ensure_future(dying.tick())
    await asyncio.wait_for(channel.full.wait(), 60)  # the limit only guards a hang
    for _ in range(20):
        await asyncio.sleep(0)
    assert len(channel.accepted) == dying.concurrency  # every lane is waiting for its answer, nothing more is sent
    tick.cancel()  # the process dies
    with pytest.raises(asyncio.CancelledError):
        await tick
    assert statuses(app)["sending"] == dying.concurrency

    restarted_channel = YieldingChannel("fake")
    restarted = ReminderService(second_app(app, restarted_channel, FixedClock(SENT_AT + timedelta(minutes=1))),
                                instance_id="host-a")
    assert await restarted.tick() == len(GROUPS)
    delivered = Counter(channel.accepted) + Counter(m.chat_id for m in restarted_channel.sent)
    assert set(delivered) == {g for _, _, g in GROUPS}  # nothing lost
    assert sum(n - 1 for n in delivered.values()) == dying.concurrency  # the in-flight ones, once more each


async def test_two_replicas_in_threads_with_concurrent_sends_deliver_each_reminder_once(app, clock, db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("concurrent writers need PostgreSQL (set TEST_DATABASE_URL); SQLite serialises writers")
    seed(app, units=GROUPS, audience=("xa",))
    clock.set(SENT_AT)
    replicas = [replica(app, db_url, FixedClock(SENT_AT)) for _ in range(2)]
    overlap = [OverlapChannel() for _ in replicas]
    for (a, _, _), ch in zip(replicas, overlap):
        a.channels["fake"] = ch
    try:
        assert sum(tick_concurrently([a for a, _, _ in replicas])) == len(GROUPS)
        per_chat = Counter(m.chat_id for ch in overlap for m in ch.sent)
        assert per_chat == Counter(g for _, _, g in GROUPS)
        assert all(ch.overlapped_chats == set() and ch.most_at_once <= 4 for ch in overlap)
        assert statuses(app) == Counter({"sent": len(GROUPS)})
    finally:
        for _, _, db in replicas:
            db.engine.dispose()
