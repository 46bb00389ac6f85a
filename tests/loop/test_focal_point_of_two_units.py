"""QA: one person approved as focal point of two units that have no group is reminded privately for both — before,
the private chat got one shared row (as a cluster group does) and the sender found no unit for it, so neither unit
was ever reminded. The person is named once; pressing ✅ asks which unit."""
from __future__ import annotations

from datetime import datetime

from bot.core.clock import VN_TZ
from scheduler.models import Chat, FocalPoint
from scheduler.repo import create_deadline
from scheduler.service import ReminderService
from scheduler.units import add_unit
from tests.builders import msg


def at(day: int, hh: int = 8, mm: int = 1) -> datetime:
    return datetime(2026, 12, day, hh, mm, tzinfo=VN_TZ)


def seed(db, channel: str = "fake", person: str = "fp") -> None:  # type: ignore[no-untyped-def]
    """Sở Tư pháp and Sở Y tế (no group), Sở Tài chính (its group g3); `person` approved for all three; «bcn»."""
    with db.session() as s:
        units = [add_unit(s, name, "so") for name in ("Sở Tư pháp", "Sở Y tế", "Sở Tài chính")]
        s.add(Chat(channel=channel, chat_id="g3", kind="group", title="Nhóm STC", active=True, unit_id=units[2].id))
        s.add(Chat(channel=channel, chat_id=person, kind="private", title="", active=True))
        for u in units:
            s.add(FocalPoint(unit_id=u.id, channel=channel, user_id=person, display_name="Chị Lan",
                             private_chat_id=person))
        create_deadline(s, dict(code="bcn", title="Báo cáo năm", rule="chậm nhất ngày 10/12 hằng năm",
                                audience_types=["so"], leads=[7, 3, 1, 0]), at=datetime(2026, 11, 1, tzinfo=VN_TZ),
                        by="test")


async def test_reminded_privately_for_both_units_and_asked_which_on_the_button(app, clock, channel, db):
    seed(db)
    service = ReminderService(app)
    clock.set(at(3))
    service.replan()
    await service.tick()
    [private] = [m for m in channel.sent if m.chat_id == "fp"]
    assert "• Đơn vị: Sở Tư pháp, Sở Y tế\n" in private.reply.text  # not Sở Tài chính: its group has it
    assert "• Đầu mối: Chị Lan\n" in private.reply.text
    assert any(m.chat_id == "g3" and "• Đơn vị: Sở Tài chính" in m.reply.text for m in channel.sent)
    [ask] = await app.handle(msg(chat="fp", user="fp", callback=private.reply.buttons[0].data,
                                 message_id=private.message_id))
    assert ask.text.startswith("Bạn là đầu mối của nhiều đơn vị. Đơn vị nào đã nộp «Báo cáo năm»")
    [done] = await app.handle(msg("đã nộp Sở Y tế", chat="fp", user="fp"))
    assert "Đã ghi nhận: Sở Y tế đã nộp" in done.text
    channel.clear()
    clock.set(at(7))
    service.replan()
    await service.tick()
    [later] = [m for m in channel.sent if m.chat_id == "fp"]
    assert "• Đơn vị: Sở Tư pháp\n" in later.reply.text
