"""Sending through the fake Bot API: escaping, splitting, buttons, mentions, edits and errors mapped to the port's."""
from __future__ import annotations

import logging

import httpx
import pytest
from telegram.error import NetworkError, TimedOut

from bot.core.ports import ChatMoved, ChatUnreachable, SendError, TransientSendError
from bot.channels.telegram_render import keyboard
from bot.core.messages import Button, Reply
from tests.channels.telegram.conftest import TOKEN

GROUP = "-500123"
SENTENCE = "Các cơ quan, đơn vị gửi báo cáo cải cách hành chính quý về Sở Nội vụ đúng hạn. "


async def test_text_is_html_escaped(tg, fake):
    await tg.send("555", Reply("Điểm <5> & \"chưa đạt\" <b>x</b>"))
    [sent] = fake.sent(555)
    assert sent["text"] == 'Điểm &lt;5&gt; &amp; "chưa đạt" &lt;b&gt;x&lt;/b&gt;'
    assert sent["parse_mode"] == "HTML"


async def test_long_text_is_split_at_sentences_with_buttons_on_the_last_piece(tg, fake):
    text = SENTENCE * 120  # about 9,700 characters
    sent = await tg.send(GROUP, Reply(text, buttons=(Button("✅ Đã nộp", "ack:1"),)))
    pieces = fake.sent(GROUP)
    assert len(pieces) == 3
    assert all(len(p["text"]) <= 4096 and p["text"].endswith("đúng hạn.") for p in pieces)
    assert " ".join(p["text"] for p in pieces) == text.strip()
    assert ["reply_markup" in p for p in pieces] == [False, False, True]
    assert pieces[-1]["reply_markup"]["inline_keyboard"][0][0] == {"text": "✅ Đã nộp", "callback_data": "ack:1"}
    assert sent.message_id == str(fake._next_message_id)


async def test_mentions_link_to_the_users(tg, fake):
    await tg.send(GROUP, Reply("Nhắc hạn báo cáo quý.", mentions=("31", "32"), meta={"name:31": "Chị <Lan>"}))
    [sent] = fake.sent(GROUP)
    assert sent["text"] == ('Nhắc hạn báo cáo quý.\n\n<a href="tg://user?id=31">Chị &lt;Lan&gt;</a>, '
                            '<a href="tg://user?id=32">đầu mối 2</a>')


async def test_confirm_and_cancel_buttons_share_a_row(tg, fake):
    await tg.send("1001", Reply("Xác nhận thêm hạn?", buttons=(Button("Đồng ý", "ok:abc"), Button("Huỷ", "no:abc"))))
    rows = fake.sent(1001)[0]["reply_markup"]["inline_keyboard"]
    assert [[b["callback_data"] for b in row] for row in rows] == [["ok:abc", "no:abc"]]


def test_callback_data_over_64_bytes_is_refused():
    with pytest.raises(ValueError):
        Button("x", "more:" + "đ" * 30)
    assert keyboard(()) is None


async def test_edit_replaces_text_and_drops_buttons(tg, fake):
    await tg.edit(GROUP, "77", Reply("✅ Đã nộp — xác nhận bởi Người 31 lúc 09:00 25/11/2026"))
    [edit] = fake.of("editMessageText")
    assert edit["message_id"] == 77 and "reply_markup" not in edit
    fake.fail_with("editMessageText", 400, "Bad Request: message is not modified: specified new message content "
                                           "and reply markup are exactly the same")
    await tg.edit(GROUP, "77", Reply("như cũ"))  # not an error
    fake.fail_with("editMessageText", 400, "Bad Request: message to edit not found")
    with pytest.raises(SendError):
        await tg.edit(GROUP, "78", Reply("mới"))


async def test_long_flood_wait_becomes_a_transient_error_without_waiting(tg, fake):
    fake.fail_with("sendMessage", 429, "Too Many Requests: retry after 120", retry_after=120)
    with pytest.raises(TransientSendError) as e:
        await tg.send(GROUP, Reply("Nhắc hạn"))
    assert e.value.retry_after == 120 and not e.value.maybe_delivered
    assert len(fake.sent()) == 1


async def test_forbidden_is_chat_unreachable(tg, fake):
    fake.fail_with("sendMessage", 403, "Forbidden: bot was blocked by the user")
    with pytest.raises(ChatUnreachable):
        await tg.send("555", Reply("Nhắc hạn"))
    fake.fail_with("sendMessage", 400, "Bad Request: chat not found")
    with pytest.raises(ChatUnreachable):
        await tg.send("556", Reply("Nhắc hạn"))


async def test_chat_migrated_is_chat_moved(tg, fake):
    fake.fail_with("sendMessage", 400, "Bad Request: group chat was upgraded to a supergroup chat",
                   migrate_to_chat_id=-1001234)
    with pytest.raises(ChatMoved) as e:
        await tg.send(GROUP, Reply("Nhắc hạn"))
    assert e.value.new_chat_id == "-1001234"


async def test_a_read_timeout_may_have_delivered_and_is_not_repeated(tg, fake):
    err = TimedOut()
    err.__cause__ = httpx.ReadTimeout("timed out")
    fake.fail_next("sendMessage", err)
    with pytest.raises(TransientSendError) as e:
        await tg.send(GROUP, Reply("Nhắc hạn"))
    assert e.value.maybe_delivered
    assert len(fake.sent()) == 1


async def test_failures_before_the_request_left_are_retried(tg, fake):
    tg.network_retries = 3
    for cause in (httpx.ConnectError("refused"), httpx.ConnectTimeout("slow")):
        err = TimedOut() if isinstance(cause, httpx.TimeoutException) else NetworkError("connect")
        err.__cause__ = cause
        fake.fail_next("sendMessage", err)
    fake.fail_with("sendMessage", 502, "Bad Gateway")
    await tg.send(GROUP, Reply("Nhắc hạn"))
    assert len(fake.sent()) == 4  # three failures that cannot have delivered anything, then success


async def test_retries_are_bounded(tg, fake):
    for _ in range(3):
        fake.fail_with("sendMessage", 503, "Service Unavailable")
    with pytest.raises(TransientSendError) as e:
        await tg.send(GROUP, Reply("Nhắc hạn"))
    assert not e.value.maybe_delivered
    assert len(fake.sent()) == 3  # the first try and two retries


async def test_a_failure_after_the_first_piece_reports_a_partial_delivery(tg, fake):
    fake.pass_next("sendMessage")
    fake.fail_with("sendMessage", 429, "Too Many Requests: retry after 600", retry_after=600)
    with pytest.raises(TransientSendError) as e:
        await tg.send(GROUP, Reply(SENTENCE * 60))
    assert e.value.maybe_delivered and e.value.retry_after == 600
    assert len(fake.sent()) == 2


async def test_errors_and_logs_never_carry_the_token(tg, fake, caplog):
    fake.fail_next("sendMessage", httpx.UnsupportedProtocol(f"bad url https://x/bot{TOKEN}/sendMessage"))
    caplog.set_level(logging.DEBUG)
    with pytest.raises(TransientSendError) as e:
        await tg.send(GROUP, Reply("Nhắc hạn"))
    assert TOKEN not in str(e.value)
    assert e.value.maybe_delivered  # an unknown failure might have reached Telegram
    assert TOKEN.split(":")[1] not in str(e.value) + caplog.text
