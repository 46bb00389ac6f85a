"""The one rule → reminder-times pipeline, pure and with a fixed clock; the dry run agrees with the service's plan."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from bot.core.clock import VN_TZ, FixedClock
from scheduler.dryrun import planned_reminders
from scheduler.leads import LEGAL_DAY, escalation
from scheduler.models import Chat, Delivery, Occurrence
from scheduler.pipeline import schedule
from scheduler.repo import create_deadline, owes
from scheduler.rules import parse_rule
from scheduler.service import ReminderService
from scheduler.timeutil import as_vn
from scheduler.units import add_unit
from scheduler.workdays import WorkCalendar

CAL = WorkCalendar()
LEADS = (7, 3, 1, 0)


def at8(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 8, 0, tzinfo=VN_TZ)


def today(clock: FixedClock) -> date:
    return clock.now().astimezone(VN_TZ).date()


def test_plain_period_leads_then_escalation_days():
    clock = FixedClock(at8(2027, 2, 20))
    [q1] = schedule(parse_rule("ngày 10 tháng cuối quý", CAL), LEADS, CAL, start=today(clock), count=1, escalate=2)
    assert (q1.period, q1.label, q1.due, q1.legal_due) == ("2027-Q1", "Quý I/2027", date(2027, 3, 10), date(2027, 3, 10))
    assert q1.cutoff == (date(2026, 12, 15), date(2027, 3, 14))
    assert q1.reminders == ((7, at8(2027, 3, 3)), (3, at8(2027, 3, 5)), (1, at8(2027, 3, 9)), (0, at8(2027, 3, 10)),
                            (escalation(1), at8(2027, 3, 11)), (escalation(2), at8(2027, 3, 12)))
    assert q1.ahead == q1.reminders[:4] and q1.open_until == date(2027, 3, 12)


def test_holiday_collapse_keeps_one_reminder_before_and_adds_the_legal_last_day():
    # 10/2/2027 falls in Tết: 7, 3, 1 and 0 days before all move back to Wednesday 3/2, where only lead 0 is kept;
    # the time limit ends on the next working day, Thursday 11/2, which gets its own reminder
    clock = FixedClock(at8(2027, 1, 20))
    [jan] = schedule(parse_rule("ngày 10 hằng tháng", CAL), LEADS, CAL, time(8, 0), start=today(clock), count=1)
    assert (jan.due, jan.legal_due) == (date(2027, 2, 10), date(2027, 2, 11))
    assert jan.reminders == ((0, at8(2027, 2, 3)), (LEGAL_DAY, at8(2027, 2, 11)))
    assert jan.ahead == ((0, at8(2027, 2, 3)),) and jan.open_until == jan.legal_due


def test_rule_created_mid_period_owes_the_current_period_with_its_past_reminders_kept():
    # created on Friday 12/3/2027 between the 7- and 1-day reminders of Quý I (due 15/3); the service's window
    # starts 40 days back, so the pipeline also yields the February period, which the new rule does not owe
    created = at8(2027, 3, 12) + timedelta(hours=2)
    clock = FixedClock(created)
    rule = parse_rule("ngày 15 tháng cuối quý", CAL)
    found = schedule(rule, LEADS, CAL, start=today(clock) - timedelta(days=40), until=today(clock) + timedelta(days=120))
    assert [p.period for p in found] == ["2027-Q1", "2027-Q2"]
    owed = [p for p in found if owes(p.legal_due, created)]
    q1 = owed[0]
    # lead 3 (Fri 12/3) and lead 1 (Sun 14/3 → Fri 12/3) fall on one day: lead 1 is kept
    assert q1.reminders == ((7, at8(2027, 3, 8)), (1, at8(2027, 3, 12)), (0, at8(2027, 3, 15)))
    # the past ones are kept: whether they are skipped is decided when deliveries are stored
    assert [lead for lead, when in q1.reminders if when < created] == [7, 1]
    older = schedule(parse_rule("ngày 5 hằng tháng", CAL), LEADS, CAL, start=today(clock) - timedelta(days=40),
                     until=today(clock))
    assert [p.period for p in older] == ["2027-01", "2027-02"]
    assert [p.period for p in older if owes(p.legal_due, created)] == []


def test_count_and_until_give_the_same_periods():
    rule = parse_rule("ngày 20 tháng cuối kỳ báo cáo quý I, 6 tháng, quý III và năm", CAL)
    by_count = schedule(rule, LEADS, CAL, start=date(2027, 1, 1), count=4)
    assert by_count == schedule(rule, LEADS, CAL, start=date(2027, 1, 1), until=date(2027, 12, 20))
    with pytest.raises(TypeError):
        schedule(rule, LEADS, CAL, start=date(2027, 1, 1))


async def test_dry_run_lists_what_the_service_plans(app, clock):
    clock.set(at8(2027, 1, 20))
    with app.db.session() as s:
        unit = add_unit(s, "Sở Tư pháp", "so")
        s.add(Chat(channel="fake", chat_id="g1", kind="group", title="STP", active=True, unit_id=unit.id))
        create_deadline(s, dict(code="thang", title="Báo cáo tháng", rule="ngày 10 hằng tháng", audience_types=["so"],
                                leads=list(LEADS)), at=clock.now(), by="test")
    with app.db.session() as s:
        dry = planned_reminders(s, date(2027, 1, 20), date(2027, 2, 28), escalate=app.settings.escalation_days)
    ReminderService(app).replan()
    with app.db.session() as s:
        stored = sorted((o.period, d.lead, as_vn(d.scheduled_for))
                        for d, o in s.execute(select(Delivery, Occurrence).join(Occurrence)))
    planned = sorted((r["period"], r["lead"], datetime.fromisoformat(r["time"])) for r in dry)
    assert ("2027-01", LEGAL_DAY, at8(2027, 2, 11)) in planned
    assert [p for p in planned if p[0] == "2027-01"] == [p for p in stored if p[0] == "2027-01"]
