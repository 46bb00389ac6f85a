"""A reminder over the wire: group registered with /dangky, deadline added and confirmed by button, pushed, acknowledged."""
from __future__ import annotations

from datetime import datetime

from bot.clock import VN_TZ
from scheduler.service import ReminderService
from scheduler.units import add_unit

SUPER = 1001  # ADMIN_IDS telegram:1001 in the shared settings fixture
GROUP = -400200300


async def test_a_reminder_reaches_the_group_and_is_acknowledged_with_its_button(live, emulator, app, clock):
    with app.db.session() as s:
        add_unit(s, "Sở Tư pháp", "so", ["STP"])

    # the group's own admin registers the group; a focal point registers in a private chat
    await emulator.set_member(GROUP, 31, "administrator")
    await emulator.say("/dangky Sở Tư pháp", chat_id=GROUP, user_id=31, title="Nhóm Sở Tư pháp")
    [registered] = await emulator.wait_messages(GROUP)
    assert "Đã đăng ký nhóm «Nhóm Sở Tư pháp»" in registered["text"]
    await emulator.say("/dangky STP", chat_id=33, user_id=33)
    await emulator.wait_messages(33)

    # a super-admin adds the deadline and confirms it with the button
    await emulator.say("/themhan Báo cáo CCHC quý | ngày 10 tháng cuối quý | sở | 7,3,1,0",
                       chat_id=SUPER, user_id=SUPER)
    [question] = await emulator.wait_messages(SUPER)
    confirm, cancel = question["reply_markup"]["inline_keyboard"][0]
    assert confirm["callback_data"].startswith("ok:") and cancel["callback_data"].startswith("no:")
    await emulator.press(confirm["callback_data"], origin=question, user_id=SUPER)

    async def saved() -> bool:
        [m] = await emulator.messages(SUPER)
        return m["text"].startswith("✅ Đã lưu hạn") and "reply_markup" not in m

    await emulator.wait_for(saved)

    # the day of the 7-day reminder for Q4/2026 (due Thursday 10/12/2026)
    clock.set(datetime(2026, 12, 3, 8, 0, tzinfo=VN_TZ))
    assert await ReminderService(app).tick() == 1
    _, reminder = await emulator.wait_messages(GROUP, 2)
    assert "Báo cáo CCHC quý" in reminder["text"] and "10/12/2026" in reminder["text"]
    assert '<a href="tg://user?id=33">đầu mối</a>' in reminder["text"]  # the focal point is mentioned
    [[ack]] = reminder["reply_markup"]["inline_keyboard"]
    assert ack["text"] == "✅ Đã nộp" and ack["callback_data"].startswith("ack:")

    # a member presses "✅ Đã nộp": the reminder now says who and when, and the button is gone
    clock.set(datetime(2026, 12, 3, 9, 15, tzinfo=VN_TZ))
    await emulator.press(ack["callback_data"], origin=reminder, user_id=32)

    async def acknowledged() -> dict:
        now = {m["message_id"]: m for m in await emulator.messages(GROUP)}[reminder["message_id"]]
        return now if "reply_markup" not in now else {}

    done = await emulator.wait_for(acknowledged)
    assert done["text"].startswith(reminder["text"][:40]) and "Người 32" in done["text"] and "09:15" in done["text"]
    assert len(await emulator.messages(GROUP)) == 2  # edited in place, nothing new posted
    assert len(await emulator.calls("answerCallbackQuery")) == 2
    assert await ReminderService(app).tick() == 0  # not sent twice

