"""The thin Zalo client over real HTTP against the fake: results, typed errors, 408, and no token in any text."""
from __future__ import annotations

import logging
import socket

import pytest

from bot.channels.zalo_client import (
    ZaloBadRequest, ZaloClient, ZaloNetworkError, ZaloNotFound, ZaloQuotaExceeded, ZaloServerError,
    ZaloUnauthorized,
)
from tests.channels.zalo.fake_zalo import TOKEN, FakeZalo


@pytest.fixture
async def client(fake: FakeZalo):  # type: ignore[no-untyped-def]
    c = ZaloClient(TOKEN, fake.base_url)
    yield c
    await c.close()


async def test_get_me_and_webhook_methods(client: ZaloClient, fake: FakeZalo):
    me = await client.get_me()
    assert me["can_join_groups"] is True and me["account_name"] == "bot.VDKyGxQvc"
    assert set(me) == {"id", "account_name", "account_type", "can_join_groups"}  # the documented shape
    await client.set_webhook("https://bot.example.gov.vn/zalo", "s3cret-s3cret")
    assert (await client.get_webhook_info())["url"] == "https://bot.example.gov.vn/zalo"
    await client.delete_webhook()
    assert (await client.get_webhook_info())["url"] == ""
    await client.send_chat_action("u1")
    sent = await client.send_message("u1", "Xin chào")
    assert sent["message_id"]
    assert fake.calls[-1].payload == {"chat_id": "u1", "text": "Xin chào"}
    assert fake.methods() == ["getMe", "setWebhook", "getWebhookInfo", "deleteWebhook", "getWebhookInfo",
                              "sendChatAction", "sendMessage"]


async def test_get_updates_returns_the_update_or_nothing_on_408(client: ZaloClient, fake: FakeZalo):
    fake.fail_next["getUpdates"] = [(408, "Request timeout")]
    assert await client.get_updates(timeout=1) == []
    fake.push(fake.update("xin chào"))
    [update] = await client.get_updates(timeout=1)
    assert update["message"]["text"] == "xin chào"


@pytest.mark.parametrize("code, error", [(400, ZaloBadRequest), (401, ZaloUnauthorized), (404, ZaloNotFound),
                                         (429, ZaloQuotaExceeded), (500, ZaloServerError)])
async def test_ok_false_becomes_a_typed_error(client: ZaloClient, fake: FakeZalo, code: int, error: type):
    fake.fail_next["sendMessage"] = [(code, f"failure {code}")]
    with pytest.raises(error) as info:
        await client.send_message("u1", "x")
    assert info.value.code == code and info.value.method == "sendMessage"
    assert TOKEN not in str(info.value)


async def test_wrong_token_is_unauthorized_and_never_shown(fake: FakeZalo, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")  # an earlier test may have run configure_logging (httpx at WARNING)
    wrong = "999999999:Wrong_Token_abcdefghijklmnopqrstu"
    c = ZaloClient(wrong, fake.base_url)
    try:
        with pytest.raises(ZaloUnauthorized) as info:
            await c.get_me()
    finally:
        await c.close()
    assert wrong not in str(info.value)
    assert any("getMe" in r.getMessage() for r in caplog.records)  # httpx logged the call ...
    assert not any(wrong in r.getMessage() for r in caplog.records)  # ... without the token


async def test_network_failure_and_garbage_answers_hide_the_token(caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    c = ZaloClient(TOKEN, f"http://127.0.0.1:{port}")
    try:
        with pytest.raises(ZaloNetworkError) as info:
            await c.send_message("u1", "x")
    finally:
        await c.close()
    assert not info.value.maybe_sent
    assert TOKEN not in str(info.value)
    assert not any(TOKEN in r.getMessage() for r in caplog.records)


async def test_a_body_that_is_not_the_api_json_is_a_server_error(fake: FakeZalo):
    c = ZaloClient(TOKEN, fake.base_url + "/nowhere")  # the fake answers 404 HTML there
    try:
        with pytest.raises(ZaloApiErrorGroup) as info:
            await c.get_me()
    finally:
        await c.close()
    assert TOKEN not in str(info.value)


ZaloApiErrorGroup = (ZaloServerError, ZaloNotFound)
