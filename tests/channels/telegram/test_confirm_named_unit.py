"""QA on Telegram (fast fake Bot API): a reply «xong» to the reminder confirms; a member naming another unit confirms
nothing; a courtesy phrase in private ("em đã nộp ạ") confirms."""
from __future__ import annotations

from sqlalchemy import select

from scheduler.models import Delivery, FocalPoint
from scheduler.service import ReminderService
from tests.channels.telegram import updates as u
from tests.channels.telegram.conftest import feed
from tests.channels.telegram.fake_api import BOT_ID, BOT_USERNAME
from tests.loop.test_confirm_named_unit import acked, at, seed


async def test_telegram_reply_xong_to_the_reminder_and_a_member_naming_another_unit(app, clock, db, tg, fake):
    group = -500888
    seed(db, "telegram", str(group))
    clock.set(at(3, 8))
    assert await ReminderService(app).tick() == 1
    [reminder] = fake.sent(group)
    with db.session() as s:
        sent_id = int(s.scalar(select(Delivery.message_id).where(Delivery.status == "sent")))
    now = int(clock.now().timestamp())
    origin = {"message_id": sent_id, "date": u.DATE, "chat": u.chat(group), "text": reminder["text"],
              "from": {"id": BOT_ID, "is_bot": True, "first_name": "Trợ lý CCHC", "username": BOT_USERNAME}}
    await feed(tg, u.text_update("đã nộp Sở Y tế", chat_id=group, user_id=31, date=now, reply_to_message=origin))
    assert "không xác nhận nộp thay «Sở Y tế»" in fake.sent(group)[-1]["text"] and acked(db) == []
    await feed(tg, u.text_update("xong", chat_id=group, user_id=31, date=now, reply_to_message=origin))
    assert "Đã ghi nhận: Sở Tư pháp đã nộp «Báo cáo năm»" in fake.sent(group)[-1]["text"]
    assert acked(db) == ["Sở Tư pháp"]


async def test_telegram_private_courtesy_phrase(app, clock, db, tg, fake):
    seed(db, "telegram", "-500889")
    with db.session() as s:
        s.add(FocalPoint(unit_id=1, channel="telegram", user_id="78", display_name="Anh Nam", private_chat_id="78"))
    clock.set(at(3))
    await feed(tg, u.text_update("em đã nộp ạ", chat_id=78, user_id=78, date=int(clock.now().timestamp())))
    assert "Đã ghi nhận: Sở Tư pháp đã nộp" in fake.sent(78)[-1]["text"]


async def test_telegram_user_typing_dong_y_privately_is_told_nothing_waits(app, clock, tg, fake):
    from handlers.router import NOTHING_PENDING
    clock.set(at(3))
    await feed(tg, u.text_update("Đồng ý", chat_id=79, user_id=79, date=int(clock.now().timestamp())))
    assert fake.sent(79)[-1]["text"].endswith(NOTHING_PENDING)
