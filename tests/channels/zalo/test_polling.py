"""The Zalo channel receiving by long polling: private and group chats, bare commands, 408/429/401, duplicates."""
from __future__ import annotations

import dataclasses
import logging

import pytest

from bot.app import App, build_app
from bot.channels.zalo import ZaloChannel
from bot.core.clock import FixedClock
from bot.core.config import Settings
from bot.core.db import Database
from bot.core.messages import ChatRef
from handlers.router import DISCLOSURE
from scheduler.chats import find_chat
from tests.channels.zalo.conftest import make_channel
from tests.channels.zalo.fake_zalo import TOKEN, FakeZalo


async def test_private_chat_command_gets_an_answer_with_the_disclosure_once(zapp: App, zalo: ZaloChannel,
                                                                          fake: FakeZalo):
    await zalo.start(zapp)
    fake.push(fake.update("/help", chat="u1"))
    [first] = await fake.wait_sent(1)
    assert first.startswith(DISCLOSURE)
    assert "Các lệnh" in first
    fake.push(fake.update("help", chat="u1"))  # bare command, no slash
    second = (await fake.wait_sent(2))[1]
    assert "Các lệnh" in second and DISCLOSURE not in second
    assert "Có thể gõ lệnh không cần dấu /" in second
    assert "sendChatAction" in fake.methods()
    assert fake.methods()[:2] == ["getMe", "deleteWebhook"]  # polling clears any webhook first


async def test_bare_aliases_in_any_case(zapp: App, zalo: ZaloChannel, fake: FakeZalo):
    await zalo.start(zapp)
    fake.push(fake.update("TroGiup", chat="u2"))  # the alias of /help, no slash
    [reply] = await fake.wait_sent(1)
    assert "Các lệnh" in reply


async def test_group_mentions_are_answered_in_the_group(zapp: App, zalo: ZaloChannel, fake: FakeZalo):
    await zalo.start(zapp)
    fake.push(fake.update("@Trợ lý CCHC /help", chat="g1", user="u7", group=True))
    [reply] = await fake.wait_sent(1)
    assert "Các lệnh" in reply and "Trong nhóm" in reply
    assert fake.calls[-1].payload["chat_id"] == "g1"


async def test_start_logs_whether_the_bot_can_join_groups(zapp: App, zalo: ZaloChannel, fake: FakeZalo,
                                                          caplog: pytest.LogCaptureFixture):
    fake.can_join_groups = False
    caplog.set_level(logging.INFO, logger="bot.channels.zalo")
    await zalo.start(zapp)
    assert any("cannot join groups" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)


async def test_empty_polls_408_are_not_errors(zapp: App, zalo: ZaloChannel, fake: FakeZalo,
                                              caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.INFO, logger="bot.channels.zalo")
    fake.fail_next["getUpdates"] = [(408, "Request timeout")] * 3
    await zalo.start(zapp)
    fake.push(fake.update("/start", chat="u3"))
    await fake.wait_sent(1)
    assert fake.methods().count("getUpdates") >= 4
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_quota_and_bad_token_while_polling_are_logged_and_polling_goes_on(
        zapp: App, zalo: ZaloChannel, fake: FakeZalo, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG)
    fake.fail_next["getUpdates"] = [(429, "Quota exceeded"), (401, "Unauthorized")]
    await zalo.start(zapp)
    fake.push(fake.update("/help", chat="u4"))
    await fake.wait_sent(1)
    messages = [r.getMessage() for r in caplog.records]
    assert any("429" in m for m in messages) and any("401" in m for m in messages)
    assert not any(TOKEN in m for m in messages)


async def test_duplicate_deliveries_are_answered_once(zapp: App, zalo: ZaloChannel, fake: FakeZalo):
    await zalo.start(zapp)
    update = fake.update("/help", chat="u5", message_id="dup-1")
    fake.push(update)
    fake.push(update)
    fake.push(fake.update("/start", chat="u5"))
    await fake.wait_sent(2)
    await zalo.idle()
    assert len(fake.sent("u5")) == 2  # /help once, /start once


async def test_a_bad_token_at_start_keeps_the_channel_off_without_leaking(
        settings: Settings, fake: FakeZalo, clock: FixedClock, db: Database, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG)
    bad = "555555555:Rejected_Token_abcdefghijklmnopq"
    channel = make_channel(dataclasses.replace(settings, zalo_token=bad, zalo_api_base_url=fake.base_url))
    app = build_app(settings, clock=clock, channels={"zalo": channel}, db=db)
    await channel.start(app)
    await channel.stop()
    assert fake.methods() == ["getMe"]
    assert any("ZALO_BOT_TOKEN" in r.getMessage() for r in caplog.records)
    assert not any(bad in r.getMessage() for r in caplog.records)


def test_the_bots_own_mention_is_taken_out_of_group_texts(zalo: ZaloChannel, fake: FakeZalo):
    # getMe with a field beyond the documented ones (some deployments may add it): used when present
    zalo.bot_info = {"display_name": "Trợ lý CCHC", "account_name": "bot.cchc"}
    msg = zalo.to_message(fake.update("@trợ lý cchc: hạn nộp báo cáo quý?", chat="g1", group=True))
    assert msg is not None and msg.text == "hạn nộp báo cáo quý?" and msg.mentioned and msg.chat_kind == "group"
    private = zalo.to_message(fake.update("@bot.cchc /help", chat="u1"))
    assert private is not None and private.text == "@bot.cchc /help" and not private.mentioned
    image = zalo.to_message({**fake.update("x"), "event_name": "message.image.received"})
    assert image is not None and image.media == "image" and image.text == ""
    assert zalo.to_message({**fake.update("x"), "event_name": "message.location.shared"}) is None


async def test_a_reply_to_a_group_the_bot_left_deactivates_it_and_tells_the_admins(zapp: App, zalo: ZaloChannel,
                                                                                 fake: FakeZalo):
    fake.gone_chats.add("g9")
    await zalo.start(zapp)
    fake.push(fake.update("@Trợ lý CCHC /help", chat="g9", user="u7", group=True))
    [notice] = await fake.wait_sent(1)
    assert fake.calls[-1].payload["chat_id"] == "boss"
    assert "Bot không còn gửi được tin vào nhóm" in notice and "/dangky" in notice
    with zapp.db.session() as s:
        assert not find_chat(s, ChatRef("zalo", "g9")).active
