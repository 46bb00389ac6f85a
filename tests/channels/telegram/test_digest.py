"""Req 9 on Telegram (fast fake Bot API): two deadlines due the same day reach the group as one message with an
inline keyboard of two buttons; each press confirms its own deadline and edits the keyboard."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.core.clock import VN_TZ
from scheduler.models import Delivery
from scheduler.service import ReminderService
from tests.builders import acks, occurrence_ids, seed_two_deadlines_one_day
from tests.channels.telegram import updates as u
from tests.channels.telegram.conftest import feed
from tests.channels.telegram.fake_api import BOT_ID

GROUP = -500888


def keyboard(message: dict[str, Any]) -> list[tuple[str, str]]:
    markup = message.get("reply_markup") or {}
    rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
    return [(b["text"], b["callback_data"]) for row in rows for b in row]


async def test_a_digest_on_telegram_has_one_button_per_deadline_and_each_confirms_its_own(app, clock, tg, fake):
    seed_two_deadlines_one_day(app, "telegram", str(GROUP))
    clock.set(datetime(2026, 12, 3, 8, tzinfo=VN_TZ))
    assert await ReminderService(app).tick() == 2
    occ = occurrence_ids(app)
    [digest] = fake.sent(GROUP)
    assert digest["text"].startswith("🔔 Hôm nay có 2 báo cáo cần nhắc:") and len(digest["text"]) <= 4096
    buttons = keyboard(digest)
    assert buttons == [("✅ Đã nộp bcn", f"ack:{occ['bcn']}"), ("✅ Đã nộp cchc", f"ack:{occ['cchc']}")]
    assert all(len(data.encode()) <= 64 for _, data in buttons)  # Telegram's callback_data limit

    with app.db.session() as s:
        [message_id] = set(s.scalars(select(Delivery.message_id).where(Delivery.status == "sent")))
    origin = {"message_id": int(message_id), "date": u.DATE, "chat": u.chat(GROUP), "text": digest["text"],
              "from": {"id": BOT_ID, "is_bot": True, "first_name": "Trợ lý CCHC"},
              "reply_markup": digest["reply_markup"]}
    await feed(tg, u.button_update(f"ack:{occ['cchc']}", origin=origin, user_id=31))
    assert [a[1] for a in acks(app)] == ["31"]
    [edit] = fake.of("editMessageText")
    assert keyboard(edit) == [("✅ Đã nộp bcn", f"ack:{occ['bcn']}")]
    assert "Người 31 đã xác nhận nộp" in edit["text"]
    await feed(tg, u.button_update(f"ack:{occ['bcn']}", origin=origin, user_id=32))
    assert sorted(a[1] for a in acks(app)) == ["31", "32"]
    assert keyboard(fake.of("editMessageText")[-1]) == []

