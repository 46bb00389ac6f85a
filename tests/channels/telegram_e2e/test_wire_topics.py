"""Over the wire: answers in forum topics stay in the topic and reply to the question, a unit registered from a
topic gets its reminders there, and a backlog after downtime is let go except commands."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from bot.core.clock import VN_TZ, FixedClock
from scheduler.repo import create_deadline
from scheduler.service import ReminderService
from scheduler.units import add_unit
from tests.channels.telegram import updates as u

FORUM = -1009988776655
TOPIC = 42


def sent_params(calls: list[dict], chat_id: int) -> list[dict]:
    return [c["params"] for c in calls if str(c["params"].get("chat_id")) == str(chat_id)]


def replied_to(params: dict) -> int | None:
    raw = params.get("reply_parameters")
    value = json.loads(raw) if isinstance(raw, str) else raw
    return value.get("message_id") if value else None


async def test_an_answer_in_a_topic_stays_there_and_replies_to_the_question(live, emulator):
    await emulator.say("/help", chat_id=FORUM, user_id=61, message_id=501, message_thread_id=TOPIC,
                       is_topic_message=True)
    await emulator.wait_messages(FORUM)
    [first, *_] = sent_params(await emulator.calls("sendMessage"), FORUM)
    assert int(first["message_thread_id"]) == TOPIC
    assert replied_to(first)  # a reply to the question (the emulator numbers messages itself)


async def test_in_general_and_private_chats_no_topic_is_named(live, emulator):
    await emulator.say("/help", chat_id=FORUM, user_id=62, message_id=502)
    await emulator.say("/help", chat_id=563, user_id=563, message_id=503)
    await emulator.wait_messages(FORUM)
    await emulator.wait_messages(563)
    calls = await emulator.calls("sendMessage")
    group, private = sent_params(calls, FORUM)[0], sent_params(calls, 563)[0]
    assert not group.get("message_thread_id") and replied_to(group)
    assert not private.get("message_thread_id") and replied_to(private) is None


async def test_a_unit_registered_from_a_topic_gets_its_reminders_there(live, emulator, app, clock):
    with app.db.session() as s:
        add_unit(s, "Sở Tư pháp", "so")
        create_deadline(s, dict(code="cchc", title="Báo cáo CCHC quý", rule="ngày 10 tháng cuối quý",
                                audience_types=["so"], leads=[7]), at=clock.now(), by="test")
    await emulator.set_member(FORUM, 63, "administrator")
    await emulator.say("/dangky Sở Tư pháp", chat_id=FORUM, user_id=63, message_thread_id=TOPIC,
                       is_topic_message=True, title="Nhóm CCHC")
    [answer] = await emulator.wait_messages(FORUM)
    assert "chủ đề (topic) này" in answer["text"]
    clock.set(datetime(2026, 12, 3, 8, 0, tzinfo=VN_TZ))
    assert await ReminderService(app).tick() == 1
    _, reminder = await emulator.wait_messages(FORUM, 2)
    assert "Báo cáo CCHC quý" in reminder["text"]
    last = sent_params(await emulator.calls("sendMessage"), FORUM)[-1]
    assert int(last["message_thread_id"]) == TOPIC and not replied_to(last)


async def test_a_backlog_is_let_go_except_commands(live, emulator, clock: FixedClock):
    clock.advance(timedelta(hours=2))  # the bot comes back two hours after these were written
    await emulator.say("câu hỏi cũ", chat_id=564, user_id=564)
    await emulator.say("câu hỏi cũ nữa", chat_id=564, user_id=564)
    await emulator.say("/help", chat_id=564, user_id=564)
    await emulator.say("chuyện phiếm", chat_id=-400200399, user_id=565)
    notice, help_ = await emulator.wait_messages(564, 2)
    assert "tin nhắn cũ" in notice["text"] and "Các lệnh" in help_["text"]
    assert await emulator.messages(-400200399) == []
    fresh = u.DATE + 2 * 3600
    await emulator.say("Kế hoạch CCHC năm ban hành khi nào?", chat_id=564, user_id=564, date=fresh)
    answers = await emulator.wait_messages(564, 3)
    assert "tin nhắn cũ" not in answers[2]["text"]
