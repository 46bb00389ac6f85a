"""The reminder engine through ReminderService.tick with a fixed clock: periods, acks, late, overdue, failures."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.core.ports import ChatMoved, ChatUnreachable, TransientSendError
from bot.core.clock import VN_TZ
from scheduler.models import Chat, Delivery, Occurrence
from scheduler.repo import acknowledge, create_deadline
from scheduler.service import ReminderService
from scheduler.usecases.reminders import remind_now
from bot.core.actors import CONSOLE
from bot.core.errors import NotFound
from scheduler.units import add_focal_point, add_unit

CCHC_RULE = "ngày 10 tháng cuối kỳ báo cáo quý I, 6 tháng, quý III và năm"


def at(y: int, m: int, d: int, hh: int = 8, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


def seed(app, *, rule: str = CCHC_RULE, leads=(7, 3, 1, 0), units=(("Sở Tư pháp", "so", "g1"), ("UBND xã Tân Lập", "xa", "g2")),
         audience=("so", "xa"), code: str = "cchc") -> dict[str, int]:
    """Units with one group each on the fake channel and one deadline; returns unit name -> id."""
    ids = {}
    with app.db.session() as s:
        for name, type_, group in units:
            u = add_unit(s, name, type_)
            ids[name] = u.id
            if group:
                s.add(Chat(channel="fake", chat_id=group, kind="group", title=name, active=True, unit_id=u.id))
        create_deadline(s, dict(code=code, title="Báo cáo CCHC định kỳ", what="Báo cáo kết quả CCHC", rule=rule,
                                submit_to="Sở Nội vụ, qua Hệ thống quản lý văn bản", source="Công văn 581/BNV-CCHC",
                                audience_types=list(audience), leads=list(leads)),
                        at=app.clock.now(), by="test")
    return ids


def delivered(channel, chat_id: str | None = None) -> list[str]:
    return [m.reply.text for m in channel.sent if not m.edited and (chat_id is None or m.chat_id == chat_id)]


async def test_year_end_reminders_go_to_each_group_once(app, clock, channel):
    seed(app)
    service = ReminderService(app)
    clock.set(at(2026, 12, 3, 7, 59))
    assert await service.tick() == 0
    clock.set(at(2026, 12, 3, 8, 0))
    assert await service.tick() == 2
    assert await service.tick() == 0
    text = delivered(channel, "g1")[0]
    assert "Năm 2026" in text and "Thứ Năm, 10/12/2026" in text and "còn 7 ngày" in text
    assert "15/12/2025 đến 14/12/2026" in text and "581/BNV-CCHC" in text and "Sở Nội vụ" in text
    assert channel.sent[0].reply.buttons[0].data.startswith("ack:")
    assert "Nhắc muộn" not in text
    for day, left in ((7, "còn 3 ngày"), (9, "còn 1 ngày"), (10, "hạn là hôm nay")):
        clock.set(at(2026, 12, day, 8, 1))
        assert await service.tick() == 2
        assert left in delivered(channel, "g2")[-1]
    assert len(delivered(channel)) == 8


@pytest.mark.parametrize("when,label,due", [
    (at(2027, 3, 3), "Quý I/2027", "10/03/2027"),  # quarter
    (at(2027, 6, 3), "6 tháng đầu năm 2027", "10/06/2027"),  # half-year
    # 3/9/2027 is the day off next to Quốc khánh, 1/9 the last working day 7 days before the due date
    (at(2027, 9, 1), "Quý III/2027", "10/09/2027"),
])
async def test_period_boundaries(app, clock, channel, when, label, due):
    seed(app)
    service = ReminderService(app)
    clock.set(when - timedelta(days=20))
    await service.tick()  # nothing of the earlier periods is sent: they are expired or superseded
    channel.clear()
    clock.set(when)
    service.replan()
    assert await service.tick() == 2
    text = delivered(channel, "g1")[0]
    assert label in text and due in text


async def test_due_date_on_a_day_off_says_so(app, clock, channel):
    seed(app, rule="chậm nhất ngày 30/01 hằng năm", audience=("so",), code="khcchc")  # 30/01/2027 is a Saturday
    service = ReminderService(app)
    clock.set(at(2027, 1, 29, 8, 0))
    assert await service.tick() == 1
    text = delivered(channel, "g1")[-1]
    assert "Hạn là ngày nghỉ" in text and "Thứ Hai, 01/02/2027" in text


async def test_acknowledgement_stops_reminders_for_that_unit_only(app, clock, channel):
    ids = seed(app)
    service = ReminderService(app)
    clock.set(at(2026, 12, 3, 8, 0))
    assert await service.tick() == 2
    with app.db.session() as s:
        occ = s.scalar(select(Occurrence).where(Occurrence.period == "2026"))
        acknowledge(s, occ.id, ids["Sở Tư pháp"], channel="fake", user_id="u1", name="A", at=clock.now())
    clock.set(at(2026, 12, 7, 8, 0))
    assert await service.tick() == 1
    assert len(delivered(channel, "g1")) == 1 and len(delivered(channel, "g2")) == 2


async def test_missed_reminders_are_sent_late_once_on_start(app, clock, channel):
    seed(app)
    service = ReminderService(app)
    clock.set(at(2026, 12, 2, 9, 0))
    service.replan()  # the plan existed, then the bot was down from 3/12 to 8/12
    clock.set(at(2026, 12, 8, 10, 0))
    restarted = ReminderService(app)
    await restarted.start()
    try:
        texts = delivered(channel)
        assert len(texts) == 2  # the 7- and 3-day reminders collapse into one per group
        assert all("Nhắc muộn" in t and "08:00 07/12/2026" in t for t in texts)
        assert await restarted.tick() == 0
        with app.db.session() as s:
            rows = s.scalars(select(Delivery).where(Delivery.status == "sent")).all()
            assert all(r.late for r in rows)
    finally:
        await restarted.shutdown()


async def test_missed_reminders_after_the_due_date_are_dropped(app, clock, channel):
    seed(app)
    service = ReminderService(app)
    clock.set(at(2026, 12, 2, 9, 0))
    service.replan()
    clock.set(at(2026, 12, 11, 9, 0))
    assert await service.tick() == 2  # only the first escalation reminder of the day, to each group
    assert all("Nhắc lần 1 sau hạn" in t and "đã quá hạn 1 ngày" in t
               for t in delivered(channel))


async def test_overdue_notice_the_day_after_once(app, clock, channel):
    ids = seed(app)
    service = ReminderService(app)
    clock.set(at(2026, 12, 3, 8, 0))
    await service.tick()
    with app.db.session() as s:
        occ = s.scalar(select(Occurrence).where(Occurrence.period == "2026"))
        acknowledge(s, occ.id, ids["Sở Tư pháp"], channel="fake", user_id="u1", name="A", at=clock.now())
    clock.set(at(2026, 12, 10, 18, 0))
    assert await service.send_overdue_notices() == 0
    clock.set(at(2026, 12, 11, 8, 30))
    assert await service.send_overdue_notices() == 1
    assert await service.send_overdue_notices() == 0
    [notice] = delivered(channel, "boss")
    assert "UBND xã Tân Lập" in notice and "Sở Tư pháp" not in notice and "1/2" in notice


async def test_unreachable_group_falls_back_to_focal_points(app, clock, channel):
    ids = seed(app)
    with app.db.session() as s:
        unit = s.get(__import__("scheduler.models", fromlist=["Unit"]).Unit, ids["Sở Tư pháp"])
        add_focal_point(s, unit, "fake", "fp1", "Chị Lan", "fp1")
        s.add(Chat(channel="fake", chat_id="fp1", kind="private", active=True))
    service = ReminderService(app)
    channel.failures_in["g1"] = [ChatUnreachable("bot was removed")]
    clock.set(at(2026, 12, 3, 8, 0))
    assert await service.tick() == 2  # g2, and fp1 instead of g1
    assert sorted(m.chat_id for m in channel.sent if "Nhắc hạn" in m.reply.text) == ["fp1", "g2"]
    # the admins were told, the group is inactive, and later reminders go 1:1 too
    assert any("không còn gửi được" in t for t in delivered(channel, "boss"))
    with app.db.session() as s:
        assert not s.scalar(select(Chat).where(Chat.chat_id == "g1")).active
    channel.clear()
    clock.set(at(2026, 12, 7, 8, 0))
    assert await service.tick() == 2
    assert sorted(m.chat_id for m in channel.sent) == ["fp1", "g2"]


async def test_chat_moved_is_followed(app, clock, channel):
    seed(app, units=(("Sở Tư pháp", "so", "g1"),), audience=("so",))
    service = ReminderService(app)
    channel.failures.append(ChatMoved("-100777"))
    clock.set(at(2026, 12, 3, 8, 0))
    assert await service.tick() == 1
    assert [m.chat_id for m in channel.sent] == ["-100777"]
    clock.set(at(2026, 12, 7, 8, 0))
    assert await service.tick() == 1
    assert [m.chat_id for m in channel.sent] == ["-100777", "-100777"]


async def test_transient_errors_are_retried_with_backoff(app, clock, channel):
    seed(app, units=(("Sở Tư pháp", "so", "g1"),), audience=("so",))
    service = ReminderService(app)
    channel.failures += [TransientSendError("502"), TransientSendError("429", retry_after=120)]
    clock.set(at(2026, 12, 3, 8, 0))
    assert await service.tick() == 0
    clock.set(at(2026, 12, 3, 8, 0, ) .replace(second=29))
    assert await service.tick() == 0  # backing off (30 s)
    clock.set(at(2026, 12, 3, 8, 1))
    assert await service.tick() == 0  # second failure asks for 120 s
    clock.set(at(2026, 12, 3, 8, 2))
    assert await service.tick() == 0
    clock.set(at(2026, 12, 3, 8, 4))
    assert await service.tick() == 1
    assert len(channel.sent) == 1 and "Nhắc muộn" not in channel.sent[0].reply.text


async def test_remind_now_reaches_units_that_have_not_acknowledged(app, clock, channel):
    ids = seed(app)
    service = ReminderService(app)
    service.replan()
    with app.db.session() as s:
        occ = s.scalar(select(Occurrence).where(Occurrence.period == "2026"))
        acknowledge(s, occ.id, ids["UBND xã Tân Lập"], channel="fake", user_id="u1", name="A", at=clock.now())

    async def remind(code: str) -> int:
        with app.db.session() as s:
            queued = remind_now(s, clock.now(), CONSOLE, code)
        return await service.send_now(queued.delivery_ids)

    assert await remind("cchc") == 1
    assert await remind("cchc") == 0  # typed twice: the group does not get the same message again within the hour
    clock.set(clock.now() + timedelta(hours=1, minutes=1))
    assert await remind("cchc") == 1  # an admin may remind again later
    assert [m.chat_id for m in channel.sent] == ["g1", "g1"]
    with pytest.raises(NotFound):
        await remind("khongco")


async def test_a_deadline_added_late_does_not_send_reminders_whose_time_had_passed(app, clock, channel):
    clock.set(at(2026, 12, 8, 10, 0))
    seed(app)  # added on 8/12: the 7- and 3-day reminders (3/12, 7/12) were never due while it existed
    service = ReminderService(app)
    assert await service.tick() == 0
    clock.set(at(2026, 12, 9, 8, 0))
    assert await service.tick() == 2
    assert all("còn 1 ngày" in t and "Nhắc muộn" not in t for t in delivered(channel))


async def test_replan_follows_rule_and_lead_changes(app, clock, channel):
    seed(app, units=(("Sở Tư pháp", "so", "g1"),), audience=("so",))
    service = ReminderService(app)
    assert service.replan() == 7  # 3, 7, 9 and 10 December; escalation on 11, 14 and 15 December
    with app.db.session() as s:
        from scheduler.models import Deadline
        from scheduler.repo import update_deadline

        update_deadline(s.scalar(select(Deadline)), {"leads": [2], "remind_at": "09:30"})
    clock.set(at(2026, 12, 3, 8, 0))
    assert await service.tick() == 0  # the 7-day reminder is gone
    clock.set(at(2026, 12, 8, 9, 30))
    assert await service.tick() == 1
    assert "còn 2 ngày" in delivered(channel)[0]


async def test_channels_without_buttons_get_the_typed_command_and_focal_points_are_mentioned(app, clock, channel):
    from bot.core.ports import Capabilities
    from scheduler.models import Unit

    ids = seed(app, units=(("Sở Tư pháp", "so", "g1"),), audience=("so",))
    with app.db.session() as s:
        add_focal_point(s, s.get(Unit, ids["Sở Tư pháp"]), "fake", "fp1", "Chị Lan", None)
    channel.capabilities = Capabilities(max_length=2000, bare_commands=True)
    clock.set(at(2026, 12, 3, 8, 0))
    assert await ReminderService(app).tick() == 1
    reply = channel.sent[0].reply
    assert "bấm nút" not in reply.text and reply.fallback_hint == "Gõ /danop cchc khi đã nộp."
    assert reply.mentions == ("fp1",) and "Đầu mối: Chị Lan" in reply.text
    assert reply.meta == {"name:fp1": "Chị Lan"}  # adapters that link mentions show the name
