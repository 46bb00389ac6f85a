"""The reading use cases handlers present: a deadline's periods with who owes and confirmed them, a sent reminder."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.core.clock import VN_TZ
from bot.core.messages import ChatRef
from scheduler.models import Chat
from scheduler.repo import acknowledge, create_deadline, list_deadlines
from scheduler.service import ReminderService
from scheduler.texts import reminder_reply
from scheduler.units import add_unit
from scheduler.usecases.periods import current_periods, periods
from scheduler.usecases.reminders import sent_reminder


def seed(app, clock) -> dict[str, int]:
    with app.db.session() as s:
        stp, syt = add_unit(s, "Sở Tư pháp", "so"), add_unit(s, "Sở Y tế", "so")
        s.add(Chat(channel="fake", chat_id="g1", kind="group", title="STP", active=True, unit_id=stp.id))
        create_deadline(s, dict(code="bcq", title="Báo cáo quý", rule="ngày 10 tháng cuối quý", audience_types=["so"],
                                leads=[7, 3, 1, 0]), at=clock.now() - timedelta(days=200), by="test")
        return {"stp": stp.id, "syt": syt.id}


def test_periods_are_stored_and_read_with_who_owes_and_who_confirmed(app, clock):
    units = seed(app, clock)  # the clock stands on 25/11/2026
    with app.db.session() as s:
        [before] = periods(s, clock.now(), list_deadlines(s), legal_from=date(2026, 11, 25))
        q4 = before.periods[0]
        assert (before.code, q4.period, q4.label, q4.due) == ("bcq", "2026-Q4", "Quý IV/2026", date(2026, 12, 10))
        assert before.audience == q4.owing == {units["stp"], units["syt"]} and q4.done == frozenset()
        acknowledge(s, q4.occurrence_id, units["stp"], channel="fake", user_id="u1", name="Anh Nam", at=clock.now())
    with app.db.session() as s:
        [now] = current_periods(s, clock.now(), list_deadlines(s), escalate=3)
        [q4] = now.periods
        assert q4.period == "2026-Q4" and q4.done == {units["stp"]}
        assert [(a.by, a.note) for a in q4.acks] == [("Anh Nam", "")]
        # the due date given bounds the periods: none between 11/12 and 28/2
        [late] = periods(s, clock.now(), list_deadlines(s), legal_from=date(2026, 12, 11), due_to=date(2027, 2, 28))
        assert late.periods == ()


async def test_a_sent_reminder_reads_again_without_the_button_once_confirmed(app, clock, channel):
    units = seed(app, clock)
    clock.set(datetime(2026, 12, 3, 8, 0, tzinfo=VN_TZ))
    assert await ReminderService(app).tick() == 1
    sent = channel.sent[0]
    with app.db.session() as s:
        message = sent_reminder(s, ChatRef("fake", "g1"), sent.message_id, clock.now())
        assert message is not None and [i.owed for i in message.items] == [True]
        assert reminder_reply(message, buttons=True).text == sent.reply.text
        acknowledge(s, message.items[0].occurrence_id, units["stp"], channel="fake", user_id="u1", name="Anh Nam",
                    at=clock.now())
    with app.db.session() as s:
        again = sent_reminder(s, ChatRef("fake", "g1"), sent.message_id, clock.now() + timedelta(days=1))
        assert again is not None and again.today == date(2026, 12, 3)  # the day it was sent
        reply = reminder_reply(again, buttons=True)
        assert reply.text == sent.reply.text and reply.buttons == ()
        assert sent_reminder(s, ChatRef("fake", "g1"), "no-such-message", clock.now()) is None
