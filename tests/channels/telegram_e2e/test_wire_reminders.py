"""A reminder over the wire: group registered with /dangky, deadline added and confirmed by button, pushed, acknowledged."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.core.clock import VN_TZ
from scheduler.models import Chat
from scheduler.repo import create_deadline
from scheduler.service import ReminderService
from scheduler.units import add_focal_point, add_unit

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
    # the super-admin is asked to approve the focal point, and does so with the button; the requester is told
    [request] = await emulator.wait_messages(SUPER)
    approve, _ = request["reply_markup"]["inline_keyboard"][0]
    assert approve["callback_data"].startswith("dk:ok:")
    await emulator.press(approve["callback_data"], origin=request, user_id=SUPER)
    told = await emulator.wait_messages(33, 2)
    assert "đã duyệt bạn là đầu mối của Sở Tư pháp" in told[-1]["text"]

    # a super-admin adds the deadline and confirms it with the button
    await emulator.say("/themhan Báo cáo CCHC quý | ngày 10 tháng cuối quý | sở | 7,3,1,0",
                       chat_id=SUPER, user_id=SUPER)
    question = (await emulator.wait_messages(SUPER, 2))[-1]
    confirm, cancel = question["reply_markup"]["inline_keyboard"][0]
    assert confirm["callback_data"].startswith("ok:") and cancel["callback_data"].startswith("no:")
    await emulator.press(confirm["callback_data"], origin=question, user_id=SUPER)

    async def saved() -> bool:
        m = (await emulator.messages(SUPER))[-1]
        return m["text"].startswith("✅ Đã lưu hạn") and "reply_markup" not in m

    await emulator.wait_for(saved)

    # the day of the 7-day reminder for Q4/2026 (due Thursday 10/12/2026)
    clock.set(datetime(2026, 12, 3, 8, 0, tzinfo=VN_TZ))
    assert await ReminderService(app).tick() == 1
    _, reminder = await emulator.wait_messages(GROUP, 2)
    assert "Báo cáo CCHC quý" in reminder["text"] and "10/12/2026" in reminder["text"]
    assert '<a href="tg://user?id=33">Người 33</a>' in reminder["text"]  # the focal point is mentioned by name
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
    assert len(await emulator.calls("answerCallbackQuery")) == 3  # approval, save, acknowledgement
    assert await ReminderService(app).tick() == 0  # not sent twice



def seed_group(app, *, focal: int | None = None) -> None:  # type: ignore[no-untyped-def]
    """Sở Tư pháp with its Telegram group (and a focal point reachable 1:1), and the quarterly CCHC deadline."""
    with app.db.session() as s:
        unit = add_unit(s, "Sở Tư pháp", "so")
        s.add(Chat(channel="telegram", chat_id=str(GROUP), kind="group", title="Nhóm Sở Tư pháp", active=True,
                   unit_id=unit.id))
        if focal is not None:
            s.add(Chat(channel="telegram", chat_id=str(focal), kind="private", active=True))
            add_focal_point(s, unit, "telegram", str(focal), "Chị Lan", str(focal))
        create_deadline(s, dict(code="cchc-quy", title="Báo cáo CCHC quý", rule="ngày 10 tháng cuối quý",
                                audience_types=["so"], leads=[7, 3, 1, 0]), at=app.clock.now(), by="test")


async def test_a_reminder_interrupted_by_a_migration_is_resent_to_the_supergroup(live, emulator, app, clock):
    seed_group(app)
    supergroup = -1000400200300
    await emulator.fail_next("sendMessage", 400, "Bad Request: group chat was upgraded to a supergroup chat",
                             migrate_to_chat_id=supergroup)
    clock.set(datetime(2026, 12, 3, 8, 0, tzinfo=VN_TZ))
    assert await ReminderService(app).tick() == 1
    [reminder] = await emulator.messages(supergroup)
    assert "Báo cáo CCHC quý" in reminder["text"] and reminder["reply_markup"]["inline_keyboard"][0][0]["text"] == "✅ Đã nộp"
    assert await emulator.messages(GROUP) == []
    with app.db.session() as s:
        assert [c.chat_id for c in s.scalars(select(Chat).where(Chat.kind == "group"))] == [str(supergroup)]


async def test_a_reminder_to_a_group_without_the_bot_deactivates_it_and_reaches_the_focal_point(
        live, emulator, app, clock):
    seed_group(app, focal=33)
    await emulator.fail_next("sendMessage", 403, "Forbidden: bot was kicked from the group chat")
    clock.set(datetime(2026, 12, 3, 8, 0, tzinfo=VN_TZ))
    await ReminderService(app).tick()
    [notice] = await emulator.messages(SUPER)
    assert "Nhóm Sở Tư pháp" in notice["text"] and "/dangky" in notice["text"]
    [direct] = await emulator.messages(33)
    assert "Báo cáo CCHC quý" in direct["text"]
    with app.db.session() as s:
        assert s.scalar(select(Chat.active).where(Chat.chat_id == str(GROUP))) is False
