"""App-level chat lifecycle: a chat the bot can no longer reach is deactivated and admins are told."""
from __future__ import annotations

from bot.core.messages import ChatRef
from scheduler.chats import find_chat
from tests.builders import msg


async def test_a_group_gone_is_deactivated_and_admins_told(app, channel):
    await app.handle(msg("/help", chat="g1", kind="group", title="Nhóm Sở Tư pháp"))
    await app.chat_gone(ChatRef("fake", "g1"), "bot bị xoá khỏi nhóm")
    with app.db.session() as s:
        assert not find_chat(s, ChatRef("fake", "g1")).active
    [notice] = channel.texts("boss")
    assert "nhóm «Nhóm Sở Tư pháp»" in notice and "/dangky" in notice


async def test_a_private_chat_gone_is_not_called_a_group(app, channel):
    await app.handle(msg("/help", chat="p1", title="Chị Lan"))
    await app.chat_gone(ChatRef("fake", "p1"), "bot bị chặn")
    [notice] = channel.texts("boss")
    assert "nhắn riêng" in notice and "nhóm" not in notice
