"""Req 9: the reminders due to one chat at one tick go as one message, one confirm button per deadline.

Fixed clock; the recording channel (buttons), the console (buttons typed as #N, and /danop codes), a failed send
retried with the usual backoff, an unreachable group falling back to the focal point, escalation and the legal
last day joining the digest. Telegram and Zalo: tests/channels/*/test_digest.py; replicas:
tests/reliability/test_digest_replicas.py.
"""
from __future__ import annotations

import io
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.channels.console import ConsoleChannel
from bot.core.clock import VN_TZ
from bot.core.ports import ChatUnreachable, TransientSendError
from scheduler.models import Acknowledgement, Chat, Delivery, Unit
from scheduler.repo import create_deadline
from scheduler.service import ReminderService
from scheduler.timeutil import as_utc
from scheduler.units import add_focal_point
from tests.builders import msg, occurrence_ids, seed_two_deadlines_one_day


def at(day: int, hh: int = 8, mm: int = 0) -> datetime:
    return datetime(2026, 12, day, hh, mm, tzinfo=VN_TZ)


def acked(app) -> set[tuple[str, int]]:  # type: ignore[no-untyped-def]
    from scheduler.models import Deadline, Occurrence

    with app.db.session() as s:
        return set(s.execute(select(Deadline.code, Acknowledgement.unit_id)
                             .join(Occurrence, Occurrence.id == Acknowledgement.occurrence_id)
                             .join(Deadline, Deadline.id == Occurrence.deadline_id)).all())


def statuses(app) -> Counter[str]:  # type: ignore[no-untyped-def]
    with app.db.session() as s:
        return Counter(s.scalars(select(Delivery.status).where(Delivery.lead == 7)))


async def test_two_deadlines_due_the_same_day_go_as_one_message_with_two_buttons(app, clock, channel):
    seed_two_deadlines_one_day(app, "fake", "g1")
    service = ReminderService(app)
    clock.set(at(3))
    assert await service.tick() == 2  # two reminders …
    occ = occurrence_ids(app)
    [digest] = channel.sent  # … in one message
    text = digest.reply.text
    assert text.startswith("🔔 Hôm nay có 2 báo cáo cần nhắc:")
    assert "Báo cáo năm — Năm 2026" in text and "Báo cáo CCHC định kỳ — Năm 2026" in text
    assert text.count("Thứ Năm, 10/12/2026 — còn 7 ngày") == 2
    assert "• Khi đã nộp: /danop bcn" in text and "• Khi đã nộp: /danop cchc" in text
    assert "(hoặc gõ /danop bcn, /danop cchc)" in text
    assert [(b.label, b.data) for b in digest.reply.buttons] == [
        ("✅ Đã nộp bcn", f"ack:{occ['bcn']}"), ("✅ Đã nộp cchc", f"ack:{occ['cchc']}")]
    assert "/danop bcn, /danop cchc" in digest.reply.fallback_hint
    assert await service.tick() == 0 and len(channel.sent) == 1
    with app.db.session() as s:
        rows = s.scalars(select(Delivery).where(Delivery.lead == 7)).all()
    assert {r.status for r in rows} == {"sent"} and {r.message_id for r in rows} == {digest.message_id}

    # pressing the cchc button confirms cchc only; the digest keeps the bcn button
    [edit] = await app.handle(msg(callback=f"ack:{occ['cchc']}", chat="g1", kind="group", user="m1",
                                  message_id=digest.message_id))
    assert acked(app) == {("cchc", 1)}
    assert edit.replace_origin and [b.label for b in edit.buttons] == ["✅ Đã nộp bcn"]
    assert "Người m1 đã xác nhận nộp" in edit.text
    # the next reminder, on 7/12, is bcn's alone: exactly the single-reminder text, with its one button
    clock.set(at(7))
    assert await service.tick() == 1
    single = channel.sent[-1].reply
    assert single.text.startswith("🔔 Nhắc hạn: Báo cáo năm — Năm 2026") and "Hôm nay có" not in single.text
    assert "bấm nút «✅ Đã nộp» bên dưới (hoặc gõ /danop bcn)" in single.text
    assert [(b.label, b.data) for b in single.buttons] == [("✅ Đã nộp", f"ack:{occ['bcn']}")]
    assert single.fallback_hint == "Gõ /danop bcn khi đã nộp."
    # the bcn button of the first digest still works, and confirms bcn only
    [edit] = await app.handle(msg(callback=f"ack:{occ['bcn']}", chat="g1", kind="group", user="m2",
                                  message_id=digest.message_id))
    assert acked(app) == {("cchc", 1), ("bcn", 1)} and edit.buttons == ()
    clock.set(at(9))
    assert await service.tick() == 0


async def test_a_digest_on_the_console_shows_numbered_buttons_and_typed_codes(app, clock):
    seed_two_deadlines_one_day(app, "console", "local")  # the console chat as the unit's place
    out = io.StringIO()
    console = ConsoleChannel(out, files_dir=app.settings.data_dir / "console-files")
    app.channels["console"] = console
    clock.set(at(3))
    assert await ReminderService(app).tick() == 2
    printed = out.getvalue()
    assert printed.count("Hôm nay có 2 báo cáo cần nhắc") == 1
    assert "[#1] ✅ Đã nộp bcn  [#2] ✅ Đã nộp cchc" in printed
    assert "/danop bcn" in printed and "/danop cchc" in printed
    lines = iter(["#2", "/thoat"])  # the operator presses the cchc button
    await console.run(app, read_line=lambda: next(lines))
    assert acked(app) == {("cchc", 1)}
    assert "[#1] ✅ Đã nộp bcn" in out.getvalue().split("(đã cập nhật)")[-1]
    lines = iter(["/danop bcn", "/thoat"])  # and types the other code
    await console.run(app, read_line=lambda: next(lines))
    assert acked(app) == {("cchc", 1), ("bcn", 1)}


async def test_a_failed_digest_is_retried_whole_with_backoff_and_nothing_is_lost(app, clock, channel):
    seed_two_deadlines_one_day(app, "fake", "g1")
    service = ReminderService(app)
    channel.failures = [TransientSendError("502 Bad Gateway"), TransientSendError("timeout")]
    clock.set(at(3))
    assert await service.tick() == 0
    with app.db.session() as s:
        rows = s.scalars(select(Delivery).where(Delivery.lead == 7)).all()
        assert {(r.status, r.attempts) for r in rows} == {("pending", 1)}
        assert {as_utc(r.next_attempt_at) for r in rows} == {as_utc(at(3) + timedelta(seconds=30))}
    clock.advance(timedelta(seconds=29))
    assert await service.tick() == 0 and channel.failures  # still in its 30 s backoff
    clock.advance(timedelta(seconds=2))
    assert await service.tick() == 0  # the second failure: 60 s now
    clock.advance(timedelta(seconds=59))
    assert await service.tick() == 0
    clock.advance(timedelta(seconds=2))
    assert await service.tick() == 2
    [digest] = channel.sent
    assert "Hôm nay có 2 báo cáo" in digest.reply.text and len(digest.reply.buttons) == 2
    assert statuses(app) == Counter({"sent": 2})
    assert await service.tick() == 0 and len(channel.sent) == 1


async def test_an_unreachable_group_sends_the_digest_to_the_focal_point_privately(app, clock, channel):
    unit_id = seed_two_deadlines_one_day(app, "fake", "g1")
    with app.db.session() as s:
        add_focal_point(s, s.get(Unit, unit_id), "fake", "fp1", "Chị Lan", "fp1")
        s.add(Chat(channel="fake", chat_id="fp1", kind="private", active=True))  # she has written to the bot
    channel.failures = [ChatUnreachable("bot was kicked from the group")]
    clock.set(at(3))
    assert await ReminderService(app).tick() == 2
    [digest] = [m for m in channel.sent if m.chat_id == "fp1"]
    assert "Hôm nay có 2 báo cáo cần nhắc" in digest.reply.text and len(digest.reply.buttons) == 2
    assert not [m for m in channel.sent if m.chat_id == "g1"]


async def test_escalation_and_the_legal_last_day_join_the_digest(app, clock, channel):
    seed_two_deadlines_one_day(app, "fake", "g1")
    with app.db.session() as s:  # due Saturday 12/12/2026: its legal last day is Monday 14/12
        create_deadline(s, dict(code="bc12", title="Báo cáo chuyên đề", rule="chậm nhất ngày 12/12 hằng năm",
                                audience_types=["so"], leads=[7, 3, 1, 0]), at=at(1, 0).replace(month=11), by="test")
    service = ReminderService(app)
    for day in (3, 7, 9, 10, 11):
        clock.set(at(day))
        await service.tick()
    assert all("Hôm nay có" in t for t in channel.texts("g1")[:1])
    channel.clear()
    clock.set(at(14))  # bcn and cchc: 2nd working day after the due date; bc12: its legal last day
    assert await service.tick() == 3
    [digest] = channel.sent
    text = digest.reply.text
    assert text.startswith("🔔 Hôm nay có 3 báo cáo cần nhắc:")
    assert text.count("⏰ Nhắc lần 2 sau hạn — chưa xác nhận nộp") == 2
    assert "Báo cáo chuyên đề" in text and "hôm nay là hạn cuối" in text
    assert [b.label for b in digest.reply.buttons] == ["✅ Đã nộp bcn", "✅ Đã nộp cchc", "✅ Đã nộp bc12"]
