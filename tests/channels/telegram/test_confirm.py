"""Req 1 on Telegram (fast fake Bot API): a reply to the reminder in the group, typed phrases in private."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.core.clock import VN_TZ
from scheduler.models import Delivery, FocalPoint
from scheduler.service import ReminderService
from tests.channels.telegram import updates as u
from tests.channels.telegram.conftest import feed
from tests.channels.telegram.fake_api import BOT_ID, BOT_USERNAME
from tests.builders import acks, seed_unit_with_deadline

GROUP = -500777


async def test_telegram_typed_phrase_in_private_and_a_reply_in_the_group(app, clock, tg, fake):
    seed_unit_with_deadline(app, "telegram", str(GROUP))
    with app.db.session() as s:
        s.add(FocalPoint(unit_id=1, channel="telegram", user_id="77", display_name="Chị Lan", private_chat_id="77"))
    clock.set(datetime(2026, 12, 3, 8, tzinfo=VN_TZ))
    assert await ReminderService(app).tick() == 1
    [reminder] = fake.sent(GROUP)
    with app.db.session() as s:
        sent_id = int(s.scalar(select(Delivery.message_id).where(Delivery.status == "sent")))
    # a member replies "đã nộp rồi" to the reminder: in privacy mode replies to the bot are delivered
    now = int(clock.now().timestamp())  # not a backlog message (those are left unanswered)
    reply = u.text_update("đã nộp rồi", chat_id=GROUP, user_id=31, date=now,
                          reply_to_message={"message_id": sent_id, "date": u.DATE,
                                            "chat": u.chat(GROUP), "text": reminder["text"],
                                            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Trợ lý CCHC",
                                                     "username": BOT_USERNAME}})
    await feed(tg, reply)
    answer = fake.sent(GROUP)[-1]["text"]
    assert "Đã ghi nhận: Sở Tư pháp đã nộp «Báo cáo năm» — Năm 2026" in answer and "Người 31" in answer
    assert acks(app) == [("telegram", "31", "")]
    # the approved focal point types the phrase privately: already confirmed, says by whom
    await feed(tg, u.text_update("da nop", chat_id=77, user_id=77, date=now))
    assert "đã được xác nhận nộp" in fake.sent(77)[-1]["text"] and "Người 31" in fake.sent(77)[-1]["text"]


async def test_telegram_phrase_in_private_confirms(app, clock, tg, fake):
    seed_unit_with_deadline(app, "telegram", str(GROUP))
    with app.db.session() as s:
        s.add(FocalPoint(unit_id=1, channel="telegram", user_id="78", display_name="Anh Nam", private_chat_id="78"))
    clock.set(datetime(2026, 12, 3, 9, tzinfo=VN_TZ))
    await feed(tg, u.text_update("Đã gửi báo cáo", chat_id=78, user_id=78, date=int(clock.now().timestamp())))
    assert "Đã ghi nhận" in fake.sent(78)[-1]["text"]
    assert acks(app) == [("telegram", "78", "")]


