"""Req 3: periods start when the deadline and the unit exist — no overdue notice or 'quá hạn' line for older ones."""
from __future__ import annotations

from datetime import datetime

from bot.core.clock import VN_TZ
from scheduler.models import Chat, Delivery, Occurrence
from scheduler.repo import create_deadline
from scheduler.service import ReminderService
from scheduler.units import add_unit
from tests.builders import admin_msg, msg


def at(y: int, m: int, d: int, hh: int = 8, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


def seed_units(app, when: datetime) -> None:
    with app.db.session() as s:
        for name, group in (("Sở Tư pháp", "g1"), ("Sở Tài chính", "g2")):
            u = add_unit(s, name, "so", at=when)
            s.add(Chat(channel="fake", chat_id=group, kind="group", title=name, active=True, unit_id=u.id))


def add_monthly(app, when: datetime) -> None:
    with app.db.session() as s:
        create_deadline(s, dict(code="bctt", title="Báo cáo tháng", rule="ngày 25 hằng tháng", audience_types=["so"],
                                leads=[7, 3, 1, 0]), at=when, by="test")


async def test_a_monthly_deadline_added_on_1_12_raises_no_alarm_for_november(app, clock, channel):
    seed_units(app, at(2026, 10, 1))
    clock.set(at(2026, 12, 1, 9, 0))
    add_monthly(app, clock.now())
    service = ReminderService(app)
    service.replan()
    assert await service.tick() == 0
    assert await service.send_overdue_notices() == 0
    assert channel.sent == []
    [han] = await app.handle(admin_msg("/han"))
    assert "quá hạn" not in han.text and "Tháng 12/2026" in han.text and "Tháng 11/2026" not in han.text
    [status] = await app.handle(admin_msg("/tinhhinh bctt"))
    assert "quá hạn" not in status.text and "Tháng 12/2026" in status.text


async def test_a_unit_added_after_the_legal_due_date_is_not_overdue_for_that_period(app, clock, channel):
    seed_units(app, at(2026, 10, 1))
    add_monthly(app, at(2026, 10, 1))
    clock.set(at(2026, 11, 26, 9, 0))  # the day after the legal due date of November
    with app.db.session() as s:
        u = add_unit(s, "Sở Xây dựng", "so", at=clock.now())
        s.add(Chat(channel="fake", chat_id="g3", kind="group", title="SXD", active=True, unit_id=u.id))
    service = ReminderService(app)
    service.replan()
    await service.tick()
    assert await service.send_overdue_notices() == 1
    notice = [m.reply.text for m in channel.sent if m.chat_id == "boss"][0]
    assert "Sở Tư pháp" in notice and "Sở Xây dựng" not in notice and "2/2 đơn vị" in notice
    # escalation, not g3 (the tick sends to several chats at once: their order among each other is not fixed)
    assert sorted(m.chat_id for m in channel.sent if m.chat_id.startswith("g")) == ["g1", "g2"]
    [han] = await app.handle(msg("/han", chat="g3", kind="group", mentioned=True))
    assert "quá hạn" not in han.text
    with app.db.session() as s:
        g3 = s.query(Chat).filter_by(chat_id="g3").one()
        nov = s.query(Occurrence).filter_by(period="2026-11").one()
        assert s.query(Delivery).filter_by(chat_id=g3.id, occurrence_id=nov.id).count() == 0
