"""End to end over real HTTP on 127.0.0.1: stock PTB 22 polling the npm Bot API emulator."""
from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from bot.core.ports import SendError
from bot.core.messages import Button, Reply

from scheduler.models import Chat
from tests.channels.telegram import updates as u

SUPER = 1001  # ADMIN_IDS telegram:1001 in the shared settings fixture
GROUP = -400200300
BOT_ID = 777000111


def telegram_chats(app) -> dict[str, Chat]:  # type: ignore[no-untyped-def]
    with app.db.session() as s:
        return {c.chat_id: c for c in s.scalars(select(Chat).where(Chat.channel == "telegram"))}


async def test_start(live, emulator):
    await emulator.say("/start", chat_id=555, user_id=555)
    [reply] = await emulator.wait_messages(555)
    assert "Trợ lý CCHC" in reply["text"] and "/help" in reply["text"]
    menus = await emulator.calls("setMyCommands")
    assert any("help" in [c["command"] for c in m["params"]["commands"]] for m in menus)


async def test_a_429_is_honoured(live, emulator):
    await emulator.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    await emulator.say("/help", chat_id=556, user_id=556)
    [reply] = await emulator.wait_messages(556)
    assert "Các lệnh" in reply["text"]
    refused, accepted = await emulator.calls("sendMessage")
    assert accepted["at"] - refused["at"] >= 1000  # waited as long as Telegram asked before trying again
    assert len(await emulator.messages(556)) == 1


async def test_bot_added_then_kicked_deactivates_the_group(live, emulator, app):
    await emulator.push(u.membership_update(chat_id=GROUP, bot_id=BOT_ID, old="left", new="member",
                                            title="Nhóm Sở Tư pháp"))
    [welcome] = await emulator.wait_messages(GROUP)
    assert "/dangky" in welcome["text"]
    await emulator.say("/help", chat_id=GROUP, user_id=31, title="Nhóm Sở Tư pháp")
    await emulator.wait_messages(GROUP, 2)
    assert telegram_chats(app)[str(GROUP)].active
    await emulator.push(u.membership_update(chat_id=GROUP, bot_id=BOT_ID, old="member", new="kicked",
                                            title="Nhóm Sở Tư pháp"))
    [notice] = await emulator.wait_messages(SUPER)
    assert "Nhóm Sở Tư pháp" in notice["text"] and "bot bị xoá khỏi nhóm" in notice["text"]
    assert not telegram_chats(app)[str(GROUP)].active


async def test_a_migrated_group_keeps_its_chat_under_the_new_id(live, emulator, app):
    await emulator.say("/help", chat_id=GROUP, user_id=31, title="Nhóm UBND xã Tân Lập")
    await emulator.wait_messages(GROUP)
    new_id = -1000000400200300
    await emulator.fail_next("sendMessage", 400, "Bad Request: group chat was upgraded to a supergroup chat",
                             migrate_to_chat_id=new_id)
    await emulator.say("/start", chat_id=GROUP, user_id=31, title="Nhóm UBND xã Tân Lập")
    [resent] = await emulator.wait_messages(new_id)
    assert "Trợ lý CCHC" in resent["text"]
    assert set(telegram_chats(app)) == {str(new_id)}


async def test_the_migrate_service_message_moves_the_chat(live, emulator, app):
    await emulator.say("/help", chat_id=GROUP, user_id=31)
    await emulator.wait_messages(GROUP)
    new_id = -1000000400200301
    await emulator.push(u.migrate_update(chat_id=GROUP, new_chat_id=new_id))
    await emulator.wait_for(lambda: _moved(app, str(new_id)))
    await emulator.say("/help", chat_id=new_id, user_id=31)
    await emulator.wait_messages(new_id)
    assert set(telegram_chats(app)) == {str(new_id)}


async def _moved(app, chat_id: str) -> bool:  # type: ignore[no-untyped-def]
    return chat_id in telegram_chats(app)


async def test_long_texts_with_markup_characters_and_emoji_are_accepted_by_the_emulator(live, emulator):
    """The emulator checks HTML and length as Telegram does; every piece must pass, in order."""
    sentence = "📄 Báo cáo <quý> & \"năm\" gửi Sở Nội vụ đúng hạn. "
    text = sentence * 300  # about 14,000 characters, 300 of them outside the BMP
    await live.send("560", Reply(text, buttons=(Button("✅ Đã nộp", "ack:1"),)))
    pieces = await emulator.messages(560)
    assert len(pieces) == 4 and all("reply_markup" not in p for p in pieces[:-1]) and "reply_markup" in pieces[-1]
    assert html.unescape(" ".join(p["text"] for p in pieces)) == text.strip()
    await emulator.fail_next("sendMessage", 400, "Bad Request: message is too long")
    with pytest.raises(SendError):
        await live.send("560", Reply("x"))
