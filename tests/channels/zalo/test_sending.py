"""Sending through the Zalo channel: splitting, the typed alternative to buttons, and Zalo errors on the port."""
from __future__ import annotations

import pytest

from bot.core.ports import ChatUnreachable, SendError, TransientSendError
from bot.channels.zalo import ZaloChannel
from bot.core.messages import Button, Reply
from tests.channels.zalo.fake_zalo import TOKEN, FakeZalo


def test_capabilities():
    caps = ZaloChannel.capabilities
    assert (caps.buttons, caps.mentions, caps.edits, caps.max_length) == (False, False, False, 2000)
    assert caps.bare_commands and caps.disclose_automation


async def test_long_texts_are_split_at_sentence_boundaries(zalo: ZaloChannel, fake: FakeZalo):
    sentence = "Đơn vị gửi báo cáo CCHC quý về Sở Nội vụ trước ngày 10 của tháng cuối quý. "
    text = sentence * 70  # about 5,000 characters
    sent = await zalo.send("u1", Reply(text))
    parts = fake.sent("u1")
    assert len(parts) == 3 and all(len(p) <= 2000 for p in parts)
    assert all(p.endswith("quý.") for p in parts)
    assert " ".join(parts) == text.strip()
    assert sent.message_id


async def test_buttons_become_the_typed_hint(zalo: ZaloChannel, fake: FakeZalo):
    reply = Reply("Đã ghi nhận hạn mới.", buttons=(Button("Xác nhận", "ok:abc"),),
                  fallback_hint="Gõ /xacnhan abc để xác nhận.")
    await zalo.send("u1", reply)
    assert fake.sent("u1") == ["Đã ghi nhận hạn mới.\n\nGõ /xacnhan abc để xác nhận."]


async def test_edit_sends_a_new_message(zalo: ZaloChannel, fake: FakeZalo):
    await zalo.edit("u1", "s1", Reply("Đã cập nhật."))
    assert fake.sent("u1") == ["Đã cập nhật."]


async def test_a_chat_the_bot_left_is_unreachable(zalo: ZaloChannel, fake: FakeZalo):
    fake.gone_chats.add("g-gone")
    with pytest.raises(ChatUnreachable):
        await zalo.send("g-gone", Reply("Nhắc hạn"))
    fake.fail_next["sendMessage"] = [(404, "Chat not found"), (400, "User is not a member of this group")]
    with pytest.raises(ChatUnreachable):
        await zalo.send("g2", Reply("Nhắc hạn"))
    with pytest.raises(ChatUnreachable):
        await zalo.send("g2", Reply("Nhắc hạn"))


@pytest.mark.parametrize("code", [429, 401, 500])
async def test_quota_bad_token_and_server_errors_are_transient(zalo: ZaloChannel, fake: FakeZalo, code: int):
    fake.fail_next["sendMessage"] = [(code, "nope")]
    with pytest.raises(TransientSendError) as info:
        await zalo.send("u1", Reply("Nhắc hạn"))
    assert TOKEN not in str(info.value)


@pytest.mark.parametrize("code, description", [(400, "Invalid parameter"), (404, "Not Found"), (-9, "")])
async def test_undocumented_codes_are_transient_and_logged_with_their_words(
        zalo: ZaloChannel, fake: FakeZalo, caplog: pytest.LogCaptureFixture, code: int, description: str):
    """Zalo documents no meaning for these on sendMessage: the chat is not paused, the words are kept."""
    fake.fail_next["sendMessage"] = [(code, description)]
    with pytest.raises(TransientSendError) as info:
        await zalo.send("u1", Reply("Nhắc hạn"))
    assert not isinstance(info.value, ChatUnreachable) and str(code) in str(info.value)
    assert any(str(code) in r.getMessage() and description in r.getMessage() for r in caplog.records)


async def test_a_failure_after_a_first_part_says_it_may_have_been_delivered(zalo: ZaloChannel, fake: FakeZalo):
    fake.fail_next["sendMessage"] = []
    text = "Câu một rất dài. " * 200
    original = fake.answer
    count = 0

    async def second_fails(token, method, payload):  # type: ignore[no-untyped-def]
        nonlocal count
        if method == "sendMessage":
            count += 1
            if count == 2:
                return {"ok": False, "error_code": 429, "description": "Quota exceeded"}
        return await original(token, method, payload)

    fake.answer = second_fails  # type: ignore[method-assign]
    with pytest.raises(TransientSendError) as info:
        await zalo.send("u1", Reply(text))
    assert info.value.maybe_delivered
