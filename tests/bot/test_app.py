"""App-level chat lifecycle: one reply path; a chat the bot can no longer reach is deactivated and admins are told."""
from __future__ import annotations

from bot.core.messages import ChatRef
from bot.core.ports import ChatMoved, ChatUnreachable
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


async def test_every_channel_replies_through_one_path_that_follows_a_moved_chat(app, channel):
    channel.failures.append(ChatMoved("g2-new"))
    await app.dispatch(msg("/help", chat="g2", kind="group", title="Nhóm", mentioned=True))
    [reply] = channel.sent
    assert reply.chat_id == "g2-new" and "Các lệnh" in reply.reply.text
    with app.db.session() as s:
        assert find_chat(s, ChatRef("fake", "g2-new")) is not None


async def test_a_reply_to_an_unreachable_group_deactivates_it_and_tells_the_admins(app, channel):
    channel.failures.append(ChatUnreachable("403 bot removed"))
    await app.dispatch(msg("/help", chat="g3", kind="group", title="Nhóm Sở Y tế", mentioned=True))
    with app.db.session() as s:
        assert not find_chat(s, ChatRef("fake", "g3")).active
    [notice] = channel.texts("boss")
    assert "nhóm «Nhóm Sở Y tế»" in notice
