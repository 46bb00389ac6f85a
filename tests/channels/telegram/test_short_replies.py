"""QA round 2 on Telegram (fast fake Bot API): a reply «chưa nộp» / «ok ạ» to the group's reminder gets the unit's
deadline or a short line, never a directive's passage; a focal point's «nộp ở đâu» privately gets where to send."""
from __future__ import annotations

from sqlalchemy import select

from scheduler.models import Delivery
from scheduler.service import ReminderService
from tests.channels.telegram import updates as u
from tests.channels.telegram.conftest import feed
from tests.channels.telegram.fake_api import BOT_ID, BOT_USERNAME
from tests.loop.test_confirm_named_unit import acked
from tests.loop.test_short_replies import WHERE, at, seed


async def test_replies_to_the_reminder_and_a_private_question(app, clock, db, tg, fake):
    group = -500777
    seed(db, "telegram", str(group), focal="88")
    clock.set(at(3, 8))
    assert await ReminderService(app).tick() == 2
    [reminder] = fake.sent(group)
    with db.session() as s:
        sent_id = int(s.scalar(select(Delivery.message_id).where(Delivery.status == "sent")
                               .order_by(Delivery.chat_id)))
    now = int(clock.now().timestamp())
    origin = {"message_id": sent_id, "date": u.DATE, "chat": u.chat(group), "text": reminder["text"],
              "from": {"id": BOT_ID, "is_bot": True, "first_name": "Trợ lý CCHC", "username": BOT_USERNAME}}
    await feed(tg, u.text_update("chưa nộp", chat_id=group, user_id=31, date=now, reply_to_message=origin))
    text = fake.sent(group)[-1]["text"]
    assert "chưa xác nhận nộp" in text and "«Báo cáo năm» — Năm 2026 (Sở Tư pháp)" in text and "📄" not in text
    await feed(tg, u.text_update("ok ạ", chat_id=group, user_id=31, date=now, reply_to_message=origin))
    assert fake.sent(group)[-1]["text"].startswith("Dạ. Khi đơn vị đã nộp báo cáo, gõ «đã nộp»")
    await feed(tg, u.text_update("nộp ở đâu ạ", chat_id=88, user_id=88, date=now))
    text = fake.sent(88)[-1]["text"]
    assert "Nơi nộp" in text and WHERE in text and "(Sở Y tế)" in text
    assert acked(db) == []
