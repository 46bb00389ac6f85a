"""Req 11, property: no plan ever sends a reminder to a unit after it confirmed the period.

Random rules of the parser's families (two deadlines at once, so that digests happen), random leads and escalation
days, a random creation time, and random tick and confirmation times on the injected clock; one unit with a group
of its own and two units sharing a cluster group. A confirmation is typed (/danop) in the unit's group, as members
do. After the run, every reminder sent after a confirmation is checked: no row for that unit and period, and no
part of a later message (a digest included) naming that unit for that period.
"""
from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.app import build_app
from bot.channels.recording import RecordingChannel
from bot.core.clock import VN_TZ, FixedClock
from bot.core.config import Settings
from bot.core.db import Database
from bot.core.messages import Reply
from bot.core.ports import Sent
from scheduler.models import Acknowledgement, Chat, Deadline, Delivery, Occurrence, Unit
from scheduler.repo import create_deadline
from scheduler.rules import parse_rule
from scheduler.service import ReminderService
from scheduler.timeutil import as_utc
from scheduler.units import add_to_cluster, add_unit
from tests.builders import msg

# One or two phrasings of each family the parser reads (tests/scheduler/test_rules_families.py has them all).
RULES = [
    "chậm nhất ngày 10/12 hằng năm", "trước ngày 15/6 hằng năm", "ngày 10 tháng cuối quý",
    "chậm nhất ngày 15 tháng đầu quý sau", "ngày 10 tháng cuối kỳ báo cáo quý I, 6 tháng, quý III và năm",
    "ngày 5 hằng tháng", "trước ngày 1 hằng tháng", "ngày 15 các tháng 1, 4, 7 và 10",
    "ngày 20/3, 20/6, 20/9 và 20/12 hằng năm", "Báo cáo tháng: ngày 25 hằng tháng", "ngày 10 tháng sau",
    "ngày làm việc cuối cùng của tháng", "ngày cuối cùng của quý", "thứ Hai đầu tiên của tháng",
    "từ ngày 10 đến ngày 15 hằng tháng", "trong thời hạn 05 ngày làm việc kể từ ngày 24/12/2026",
    "chậm nhất ngày 20/01 năm sau", "trong tháng 1 năm sau", "ngay 10 thang cuoi quy", "trước ngày 01/01 hằng năm",
]
for _rule in RULES:  # the sample stays inside what the parser accepts
    parse_rule(_rule)

UNITS = ("Sở Tư pháp", "Sở Tài chính", "Sở Xây dựng")  # the first has its own group; the others share one
GROUP_OF = {0: "g-own", 1: "g-cluster", 2: "g-cluster"}
TICK_MINUTES = (0, 1, 20)  # confirmations happen at minute 30: never at the same instant as a tick


class TimedChannel(RecordingChannel):
    """Records when (on the injected clock) each message went out."""

    def __init__(self, clock: FixedClock) -> None:
        super().__init__("fake")
        self.clock = clock
        self.at: list[datetime] = []

    async def send(self, chat_id: str, reply: Reply) -> Sent:
        sent = await super().send(chat_id, reply)
        self.at.append(self.clock.now())
        return sent


@dataclass(frozen=True)
class Scenario:
    rules: tuple[str, str]
    leads: tuple[list[int], list[int]]
    escalate: int
    created: datetime
    ticks: list[datetime]
    confirms: list[tuple[int, int, datetime]]  # (unit index, deadline index, when)


def at_offset(start: datetime, day: int, hour: int, minute: int) -> datetime:
    return (start + timedelta(days=day)).replace(hour=hour, minute=minute, second=0, microsecond=0)


@st.composite
def scenarios(draw) -> Scenario:  # type: ignore[no-untyped-def]
    created = datetime(2026, 10, 1, 9, tzinfo=VN_TZ) + timedelta(days=draw(st.integers(0, 150)),
                                                                 hours=draw(st.integers(0, 12)))
    leads = st.lists(st.sampled_from([0, 1, 2, 3, 5, 7, 10, 14]), min_size=1, max_size=4, unique=True)
    days = st.integers(0, 80)
    first, length = draw(st.integers(0, 60)), draw(st.integers(3, 40))  # a run of days with the bot up …
    daily = [at_offset(created, first + n, 8, draw(st.sampled_from(TICK_MINUTES))) for n in range(length)]
    extra = draw(st.lists(st.builds(lambda d, h, m: at_offset(created, d, h, m), days,  # … and a few odd ticks
                                    st.sampled_from([7, 9, 16]), st.sampled_from(TICK_MINUTES)), max_size=5))
    ticks = daily + extra
    confirms = draw(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 1),
                                       st.builds(lambda d, h: at_offset(created, d, h, 30), st.integers(first, first + length), st.integers(7, 17))),
                             min_size=1, max_size=4))
    return Scenario((draw(st.sampled_from(RULES)), draw(st.sampled_from(RULES))), (draw(leads), draw(leads)),
                    draw(st.integers(0, 3)), created, sorted(t for t in ticks if t > created),
                    sorted(((u, n, t) for u, n, t in confirms if t > created), key=lambda x: x[2]))


async def run(sc: Scenario, workdir: Path) -> None:
    db = Database.from_url(f"sqlite:///{workdir / 'plan.db'}")
    db.create_all()
    clock = FixedClock(sc.created)
    channel = TimedChannel(clock)
    app = build_app(replace(Settings(data_dir=workdir / "data"), escalation_days=sc.escalate), clock=clock,
                    channels={"fake": channel}, db=db)
    try:
        with db.session() as s:
            units = [add_unit(s, name, "so") for name in UNITS]
            for chat_id, unit in (("g-own", units[0]), ("g-cluster", units[1])):
                s.add(Chat(channel="fake", chat_id=chat_id, kind="group", title=chat_id, active=True,
                           unit_id=unit.id, registered_at=sc.created))
            s.flush()
            cluster = s.scalar(select(Chat).where(Chat.chat_id == "g-cluster"))
            add_to_cluster(s, cluster, units[2], by="test", at=sc.created)
            for n, (rule, leads) in enumerate(zip(sc.rules, sc.leads)):
                create_deadline(s, dict(code=f"h{n}", title=f"Báo cáo số {n}", rule=rule, audience_types=["so"],
                                        leads=leads), at=sc.created, by="test")
        service = ReminderService(app)
        events = [(t, "tick", -1, -1) for t in sc.ticks] + [(t, "confirm", u, n) for u, n, t in sc.confirms]
        for when, kind, unit, deadline in sorted(events, key=lambda e: (e[0], e[1] == "confirm")):
            clock.set(when)
            if kind == "tick":
                await service.tick()
            else:
                text = f"/danop h{deadline}" + ("" if unit == 0 else f" {UNITS[unit]}")
                await app.handle(msg(text, chat=GROUP_OF[unit], kind="group", user=f"m{unit}"))
        check(app, channel)
    finally:
        db.engine.dispose()


def check(app, channel: TimedChannel) -> None:  # type: ignore[no-untyped-def]
    with app.db.session() as s:
        acks = [(a.occurrence_id, a.unit_id, as_utc(a.at)) for a in s.scalars(select(Acknowledgement))]
        names = {u.id: u.name for u in s.scalars(select(Unit))}
        heads = {o.id: f"Báo cáo số {o.deadline.code[1:]} — {o.label or o.period}"
                 for o in s.scalars(select(Occurrence).join(Deadline))}
        for occ_id, unit_id, when in acks:
            late = s.scalars(select(Delivery).where(Delivery.occurrence_id == occ_id, Delivery.unit_id == unit_id,
                                                    Delivery.status == "sent")).all()
            assert all(as_utc(d.sent_at) < when for d in late), f"unit {unit_id} reminded of {occ_id} after confirming"
    event(f"confirmations: {min(len(acks), 3)}")
    event("a digest was sent" if any("Hôm nay có" in m.reply.text for m in channel.sent) else "no digest")
    event("reminded after a confirmation" if any(as_utc(t) > w for t in channel.at for _, _, w in acks)
          else "nothing sent after a confirmation")
    event("an escalation reminder" if any("sau hạn" in m.reply.text for m in channel.sent) else "no escalation")
    for m, sent_at in zip(channel.sent, channel.at):
        for occ_id, unit_id, when in acks:
            if as_utc(sent_at) <= when:
                continue
            for part in m.reply.text.split("———"):
                if heads[occ_id] + "\n" in part + "\n":
                    unit_line = next(line for line in part.splitlines() if line.startswith("• Đơn vị:"))
                    assert names[unit_id] not in unit_line, \
                        f"{names[unit_id]} reminded of «{heads[occ_id]}» at {sent_at} after confirming at {when}"


@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(scenarios())
def test_no_plan_reminds_a_unit_after_it_confirmed(sc: Scenario) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(sc, Path(tmp)))
