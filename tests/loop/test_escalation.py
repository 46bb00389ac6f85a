"""Req 4: escalation after the legal due date, one admin digest a day, and the legal last day after a day off."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.app import build_app
from bot.core.clock import VN_TZ
from scheduler.models import Chat, Deadline
from scheduler.daysoff import calendar_for
from scheduler.repo import acknowledge, create_deadline
from scheduler.service import ReminderService
from scheduler.units import add_unit
from scheduler.usecases.periods import current_occurrence


def at(y: int, m: int, d: int, hh: int = 8, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


def seed(app, rule: str = "chậm nhất ngày 10/12 hằng năm", leads=(7, 3, 1, 0)) -> dict[str, int]:
    ids = {}
    with app.db.session() as s:
        for name, group in (("Sở Tư pháp", "g1"), ("Sở Tài chính", "g2")):
            u = add_unit(s, name, "so")
            ids[name] = u.id
            s.add(Chat(channel="fake", chat_id=group, kind="group", title=name, active=True, unit_id=u.id))
        create_deadline(s, dict(code="bcn", title="Báo cáo năm", rule=rule, audience_types=["so"], leads=list(leads)),
                        at=at(2026, 11, 1), by="test")
    return ids


def texts(channel, chat_id: str) -> list[str]:
    return [m.reply.text for m in channel.sent if m.chat_id == chat_id and not m.edited]


async def test_units_not_confirmed_are_reminded_each_working_day_for_three_days(app, clock, channel):
    ids = seed(app)  # due Thursday 10/12/2026
    service = ReminderService(app)
    clock.set(at(2026, 12, 10, 9))
    service.replan()
    with app.db.session() as s:
        occ = current_occurrence(s, s.get(Deadline, 1), clock.now().date(), calendar_for(s), 3)
        acknowledge(s, occ.id, ids["Sở Tư pháp"], channel="fake", user_id="u1", name="A", at=clock.now())
    channel.clear()
    sent_days = []
    for day in (11, 12, 13, 14, 15, 16, 17):  # Fri, Sat, Sun, Mon, Tue, Wed, Thu
        clock.set(at(2026, 12, day, 8, 1))
        await service.tick()
        await service.tick()  # a second tick the same day sends nothing more
        await service.send_overdue_notices()
        await service.send_overdue_notices()
        if texts(channel, "g2"):
            sent_days.append((day, texts(channel, "g2")[-1]))
        assert texts(channel, "g1") == []  # nothing to the unit that confirmed
    assert [d for d, _ in sent_days[:1]] == [11]
    g2 = texts(channel, "g2")
    assert len(g2) == 3
    assert "Nhắc lần 1 sau hạn" in g2[0] and "đã quá hạn 1 ngày" in g2[0]
    assert "Nhắc lần 3 sau hạn" in g2[2] and "đã quá hạn 5 ngày" in g2[2]
    digests = texts(channel, "boss")
    assert len(digests) == 3  # one a day on 11, 14 and 15 December
    assert all("Sở Tài chính" in t and "Sở Tư pháp" not in t and "1/2 đơn vị" in t for t in digests)
    # which escalation day, never written like a date ("ngày 1/3" read as 1 March)
    assert ["lần nhắc thứ 1 trong 3 lần sau hạn" in digests[0], "lần nhắc thứ 3 trong 3 lần" in digests[2]] == [True, True]
    assert not any("ngày 1/3" in t for t in digests)


async def test_escalation_days_is_a_setting(settings, clock, channel, db):
    app = build_app(replace(settings, escalation_days=1), clock=clock, channels={"fake": channel}, db=db)
    seed(app)
    service = ReminderService(app)
    for day in (11, 14, 15):
        clock.set(at(2026, 12, day, 8, 1))
        await service.tick()
        await service.send_overdue_notices()
    assert len(texts(channel, "g1")) == 1 and len(texts(channel, "boss")) == 1


async def test_a_confirmation_stops_the_escalation(app, clock, channel):
    ids = seed(app)
    service = ReminderService(app)
    clock.set(at(2026, 12, 11, 8, 1))
    await service.tick()
    with app.db.session() as s:
        occ = current_occurrence(s, s.get(Deadline, 1), clock.now().date(), calendar_for(s), 3)
        acknowledge(s, occ.id, ids["Sở Tài chính"], channel="fake", user_id="u2", name="B", at=clock.now())
    clock.set(at(2026, 12, 14, 8, 1))
    await service.tick()
    assert len(texts(channel, "g2")) == 1 and len(texts(channel, "g1")) == 2


async def test_due_on_sunday_the_legal_monday_is_the_last_day_not_overdue(app, clock, channel):
    seed(app, rule="chậm nhất ngày 13/12 hằng năm", leads=(0,))  # Sunday 13/12/2026 -> Monday 14/12
    service = ReminderService(app)
    clock.set(at(2026, 12, 11, 8, 1))  # lead 0 falls back to Friday
    assert await service.tick() == 2
    assert "còn 2 ngày" in texts(channel, "g1")[-1] and "Nên nộp trước ngày nghỉ" in texts(channel, "g1")[-1]
    clock.set(at(2026, 12, 14, 8, 1))
    assert await service.tick() == 2
    monday = texts(channel, "g1")[-1]
    assert "hôm nay là hạn cuối" in monday and "quá hạn" not in monday
    clock.set(at(2026, 12, 15, 8, 1))
    assert await service.tick() == 2
    assert "đã quá hạn 1 ngày" in texts(channel, "g1")[-1]


async def test_leads_collapsed_by_tet_still_remind_on_the_legal_due_date(app, clock, channel):
    # due 8/2/2027 falls in Tết (estimated 4–10/2/2027): 7, 3, 1 and 0 all collapse onto 3/2/2027
    seed(app, rule="chậm nhất ngày 08/02 hằng năm")
    service = ReminderService(app)
    clock.set(at(2027, 1, 20, 9))
    service.replan()
    days = []
    for day in [(2027, 2, d) for d in range(1, 13)]:
        clock.set(at(*day, 8, 1))
        if await service.tick():
            days.append((day[2], texts(channel, "g1")[-1]))
    assert [d for d, _ in days][:2] == [1, 3]  # 7 days before -> 1/2; 3, 1, 0 collapse onto 3/2
    legal = [t for d, t in days if d == 11]
    assert legal and "hôm nay là hạn cuối" in legal[0] and "(dự kiến" in legal[0]
