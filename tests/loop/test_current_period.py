"""One definition of "the current period" (scheduler.standing) at the boundaries, with a fixed clock: /han, typed
confirmations, /tinhhinh, /nhacngay, the status report and the overdue digest agree on which period is current,
which is overdue and which a confirmation is for."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from bot.app import build_app
from bot.core.actors import Actor
from bot.core.clock import VN_TZ
from bot.core.roles import Role
from scheduler import standing
from scheduler.models import Chat, Deadline
from scheduler.pipeline import schedule
from scheduler.repo import create_deadline, list_deadlines
from scheduler.rules import parse_rule
from scheduler.service import ReminderService
from scheduler.units import add_unit
from scheduler.usecases.periods import current_periods
from scheduler.usecases.reminders import remind_now
from scheduler.usecases.status import deadline_status
from scheduler.workdays import WorkCalendar
from tests.builders import admin_msg, msg

# Quý I/2027 is due Saturday 20/3 (data cut off 14/3), so legally Monday 22/3; with 3 escalation days its window
# ends Thursday 25/3, with 10 on Monday 5/4. Then "6 tháng đầu năm 2027" (due Sunday 20/6, legally 21/6).
QUARTERLY = "chậm nhất ngày 20 tháng cuối kỳ báo cáo quý I, 6 tháng, quý III và năm"
MONTHLY = "ngày 5 hằng tháng"  # Tháng 2/2027 due Friday 5/3 (window to 10/3), Tháng 3/2027 due Monday 5/4
Q1, H1 = "Quý I/2027", "6 tháng đầu năm 2027"
ADMIN = Actor("fake", "boss", "c1", "Quản trị", Role.SUPERADMIN)


def at(y: int, m: int, d: int, hh: int = 9) -> datetime:
    return datetime(y, m, d, hh, 0, tzinfo=VN_TZ)


def periods(rule: str = QUARTERLY):  # type: ignore[no-untyped-def]
    cal = WorkCalendar()
    return cal, schedule(parse_rule(rule, cal), [7, 3, 1, 0], cal, start=date(2027, 1, 1), count=3)


# --- the pure definition --------------------------------------------------------------------------

@pytest.mark.parametrize("day, escalate, now, overdue, step", [
    (date(2027, 3, 19), 3, "2027-Q1", False, 0),  # the day before the due date
    (date(2027, 3, 20), 3, "2027-Q1", False, 0),  # the due date (a Saturday)
    (date(2027, 3, 22), 3, "2027-Q1", False, 0),  # the legal due date, after the cut-off of 14/3
    (date(2027, 3, 23), 3, "2027-Q1", True, 1),  # inside the escalation window
    (date(2027, 3, 25), 3, "2027-Q1", True, 3),  # its last day
    (date(2027, 3, 26), 3, "2027-H1", True, 0),  # after it
    (date(2027, 4, 1), 3, "2027-H1", True, 0),  # the first day of the next period
    (date(2027, 3, 26), 10, "2027-Q1", True, 4),  # a longer window (ESCALATION_DAYS=10) keeps Q1 current
    (date(2027, 4, 5), 10, "2027-Q1", True, 10),
    (date(2027, 4, 6), 10, "2027-H1", True, 0),
])
def test_current_overdue_and_escalation_day_at_the_boundaries(day, escalate, now, overdue, step):
    cal, ps = periods()
    q1 = ps[0]
    assert standing.current(ps, day, cal, escalate).period == now
    assert standing.is_overdue(q1, day) is overdue
    assert standing.escalation_day(q1, day, cal, escalate) == (step, escalate)
    assert standing.is_open(q1, day, cal, escalate) is (now == "2027-Q1")


def test_a_confirmation_naming_no_period_is_for_an_owed_earlier_one_or_the_current_one_never_a_later_one():
    cal, ps = periods()
    keys = lambda day, owed=lambda p: True: [p.period for p in standing.confirmable(ps, day, cal, 3, owed)]  # noqa: E731
    assert keys(date(2027, 3, 24)) == ["2027-Q1"]
    assert keys(date(2027, 3, 26)) == ["2027-Q1"]  # late: the window closed, 6 tháng is 86 days away
    assert keys(date(2027, 4, 21)) == ["2027-Q1"]  # 30 days after the legal due date
    assert keys(date(2027, 4, 22)) == []
    assert keys(date(2027, 5, 6)) == ["2027-H1"]  # 45 days before 20/6
    # a deadline created after Q1's legal due date (or a unit added then) owes 6 tháng only
    created = at(2027, 3, 23)
    owed = lambda p: p.legal_due >= created.date()  # noqa: E731
    assert standing.current(ps, date(2027, 3, 23), cal, 3, owed).period == "2027-H1"
    assert keys(date(2027, 3, 23), owed) == []


# --- every reader agrees ---------------------------------------------------------------------------

def seed(app, *, rule: str = QUARTERLY, created: datetime = at(2026, 12, 1)) -> None:
    with app.db.session() as s:
        for name, group in (("Sở Tư pháp", "g1"), ("Sở Tài chính", "g2")):
            u = add_unit(s, name, "so", at=at(2026, 10, 1))
            s.add(Chat(channel="fake", chat_id=group, kind="group", title=name, active=True, unit_id=u.id))
        create_deadline(s, dict(code="cchc", title="Báo cáo CCHC", rule=rule, audience_types=["so"],
                                leads=[7, 3, 1, 0]), at=created, by="test")


async def one(app, m) -> str:  # type: ignore[no-untyped-def]
    [reply] = await app.handle(m)
    return reply.text


@pytest.mark.parametrize("day, escalate, now, typed_for", [
    ((2027, 3, 19), 3, Q1, Q1),
    ((2027, 3, 20), 3, Q1, Q1),
    ((2027, 3, 22), 3, Q1, Q1),
    ((2027, 3, 23), 3, Q1, Q1),
    ((2027, 3, 25), 3, Q1, Q1),
    ((2027, 3, 26), 3, H1, Q1),  # Q1 is no longer current, but the unit still owes it: a late confirmation
    ((2027, 4, 1), 3, H1, Q1),
    ((2027, 3, 26), 10, Q1, Q1),
    ((2027, 4, 5), 10, Q1, Q1),
    ((2027, 4, 6), 10, H1, Q1),
])
async def test_han_status_tinhhinh_nhacngay_digest_and_typed_confirmation_agree(settings, clock, channel, db, day,
                                                                               escalate, now, typed_for):
    app = build_app(replace(settings, escalation_days=escalate), clock=clock, channels={"fake": channel}, db=db)
    seed(app)
    clock.set(at(*day))
    today = date(*day)
    q1_overdue = today > date(2027, 3, 22)
    with app.db.session() as s:
        assert deadline_status(s, clock.now(), "cchc", escalate=escalate).label == now
        [admin_view] = current_periods(s, clock.now(), list_deadlines(s), escalate=escalate)
        assert [p.label for p in admin_view.periods] == [now]
        assert remind_now(s, clock.now(), ADMIN, "cchc", escalate=escalate).period == now
    tinhhinh = await one(app, admin_msg("/tinhhinh cchc"))
    assert now in tinhhinh and ("Quá hạn, chưa nộp" in tinhhinh) is (now == Q1 and q1_overdue)
    han = await one(app, admin_msg("/han"))
    assert now in han and (Q1 if now == H1 else H1) not in han
    unit_han = await one(app, msg("/han", chat="g1", kind="group", mentioned=True))
    assert now in unit_han and (Q1 in unit_han) and ("đã quá hạn" in unit_han) is q1_overdue
    notices = await ReminderService(app).send_overdue_notices()
    on_escalation_day = standing.escalation_day(periods()[1][0], today, WorkCalendar(), escalate)[0] > 0
    assert notices == (1 if on_escalation_day else 0)
    if notices:
        assert Q1 in next(m.reply.text for m in channel.sent if m.chat_id == "boss")
    typed = await one(app, msg("đã nộp", chat="g1", kind="group", user="m1"))
    assert f"Đã ghi nhận: Sở Tư pháp đã nộp «Báo cáo CCHC» — {typed_for}" in typed


async def test_a_second_confirmation_in_the_overlap_is_not_taken_for_the_next_period(app, clock):
    seed(app, rule=MONTHLY, created=at(2027, 2, 15))  # after the legal due date of Tháng 1 (11/2)
    clock.set(at(2027, 3, 8))  # Tháng 2/2027 was due Friday 5/3; Tháng 3/2027 (due 5/4) is 28 days away
    first = await one(app, msg("đã nộp", chat="g1", kind="group", user="m1"))
    assert "— Tháng 2/2027" in first and "Đã ghi nhận" in first
    again = await one(app, msg("đã nộp", chat="g1", kind="group", user="m2"))
    assert "Tháng 2/2027 trước đó" in again and "Tháng 3/2027" not in again
    clock.set(at(2027, 3, 11))  # the window of Tháng 2 has closed: Tháng 3 is the current period
    later = await one(app, msg("đã nộp", chat="g1", kind="group", user="m2"))
    assert "Đã ghi nhận: Sở Tư pháp đã nộp «Báo cáo CCHC» — Tháng 3/2027" in later
    unit_han = await one(app, msg("/han", chat="g1", kind="group", mentioned=True))
    assert "Tháng 3/2027" in unit_han and "Tháng 2/2027" not in unit_han and "✅ đã nộp" in unit_han


async def test_a_late_confirmation_is_for_the_period_still_owed_and_says_so(app, clock):
    seed(app, rule=MONTHLY, created=at(2027, 2, 15))  # after the legal due date of Tháng 1 (11/2)
    clock.set(at(2027, 3, 20))  # Tháng 2 (due 5/3) unconfirmed, its window closed; Tháng 3 is current
    with app.db.session() as s:
        assert deadline_status(s, clock.now(), "cchc").label == "Tháng 3/2027"
    unit_han = await one(app, msg("/han", chat="g1", kind="group", mentioned=True))
    assert "Tháng 2/2027" in unit_han and "đã quá hạn 15 ngày" in unit_han and "Tháng 3/2027" in unit_han
    typed = await one(app, msg("đã nộp", chat="g1", kind="group", user="m1"))
    assert "Sở Tư pháp đã nộp «Báo cáo CCHC» — Tháng 2/2027" in typed
    assert "Kỳ Tháng 3/2027 vẫn chờ xác nhận" in typed  # the reply is not read as confirming the current period
    typed = await one(app, msg("đã nộp", chat="g1", kind="group", user="m1"))
    assert "Sở Tư pháp đã nộp «Báo cáo CCHC» — Tháng 3/2027" in typed and "vẫn chờ" not in typed
    with app.db.session() as s:
        tinhhinh = deadline_status(s, clock.now(), "cchc", "2027-02")
        assert [u.name for u in tinhhinh.units if u.submitted] == ["Sở Tư pháp"]


async def test_a_deadline_created_after_the_legal_due_date_is_owed_from_the_next_period(app, clock, channel):
    seed(app, created=at(2027, 3, 23))
    clock.set(at(2027, 3, 24))
    with app.db.session() as s:
        assert deadline_status(s, clock.now(), "cchc").label == H1
    assert await ReminderService(app).send_overdue_notices() == 0
    han = await one(app, admin_msg("/han"))
    assert H1 in han and Q1 not in han and "quá hạn" not in han
    typed = await one(app, msg("đã nộp", chat="g1", kind="group", user="m1"))
    assert "không còn kỳ nào đang chờ xác nhận" in typed  # 6 tháng is 88 days away: nothing is recorded


async def test_a_deadline_created_mid_period_is_owed_for_that_period(app, clock):
    seed(app, created=at(2027, 3, 10))  # before Q1's due date
    clock.set(at(2027, 3, 23))
    with app.db.session() as s:
        assert deadline_status(s, clock.now(), "cchc").label == Q1
    assert "Quá hạn, chưa nộp (2)" in await one(app, admin_msg("/tinhhinh cchc"))


async def test_a_unit_added_mid_period_owes_only_from_when_it_exists(app, clock, channel):
    seed(app)
    clock.set(at(2027, 3, 23))  # Q1's first escalation day
    with app.db.session() as s:
        u = add_unit(s, "Sở Xây dựng", "so", at=clock.now())
        s.add(Chat(channel="fake", chat_id="g3", kind="group", title="SXD", active=True, unit_id=u.id))
    with app.db.session() as s:
        report = deadline_status(s, clock.now(), "cchc")
        assert report.label == Q1 and "Sở Xây dựng" not in [x.name for x in report.units]
    unit_han = await one(app, msg("/han", chat="g3", kind="group", mentioned=True))
    assert H1 in unit_han and Q1 not in unit_han and "quá hạn" not in unit_han
    typed = await one(app, msg("đã nộp", chat="g3", kind="group", user="m3"))
    assert "không còn kỳ nào đang chờ xác nhận" in typed
    assert await ReminderService(app).send_overdue_notices() == 1
    notice = next(m.reply.text for m in channel.sent if m.chat_id == "boss")
    assert "Sở Xây dựng" not in notice and "2/2 đơn vị" in notice
    with app.db.session() as s:
        assert s.query(Deadline).count() == 1
