"""Answers the Zalo docs do not promise (bare `true`, missing fields, HTML, empty 5xx): a logged error, never a crash."""
from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bot.channels.zalo_client import ZaloApiError, ZaloClient, ZaloServerError
from bot.core.config import Settings
from tests.channels.zalo.conftest import make_channel
from tests.channels.zalo.fake_zalo import TOKEN, FakeZalo

HTML = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
OK_TRUE = json.dumps({"ok": True, "result": True}).encode()
OK_NO_RESULT = json.dumps({"ok": True}).encode()
OK_LIST = json.dumps({"ok": True, "result": [1, 2]}).encode()
NOT_AN_OBJECT = b"true"

Method = Callable[[ZaloClient], Awaitable[Any]]
METHODS: dict[str, Method] = {
    "getMe": lambda c: c.get_me(),
    "getUpdates": lambda c: c.get_updates(timeout=1),
    "setWebhook": lambda c: c.set_webhook("https://bot.example.gov.vn/zalo", "s3cret-s3cret"),
    "deleteWebhook": lambda c: c.delete_webhook(),
    "getWebhookInfo": lambda c: c.get_webhook_info(),
    "sendMessage": lambda c: c.send_message("u1", "Xin chào"),
    "sendPhoto": lambda c: c.send_photo("u1", "https://example.gov.vn/a.png"),
    "sendChatAction": lambda c: c.send_chat_action("u1"),
}
# Calls whose `ok: true` means the thing was done: a missing/odd result is taken as done (no retry, no duplicate).
DONE_WHEN_OK = {"setWebhook", "deleteWebhook", "sendMessage", "sendPhoto", "sendChatAction"}


@pytest.fixture
async def client(fake: FakeZalo):  # type: ignore[no-untyped-def]
    c = ZaloClient(TOKEN, fake.base_url)
    yield c
    await c.close()


@pytest.mark.parametrize("method", sorted(METHODS))
@pytest.mark.parametrize("status, content_type, body", [
    (502, "text/html", HTML), (200, "text/html", HTML), (500, "", b""), (503, "application/json", b""),
    (200, "application/json", NOT_AN_OBJECT),
], ids=["html-502", "html-200", "5xx-empty", "503-empty-json", "bare-true"])
async def test_a_broken_answer_is_a_typed_error_with_a_log_line(
        client: ZaloClient, fake: FakeZalo, caplog: pytest.LogCaptureFixture,
        method: str, status: int, content_type: str, body: bytes) -> None:
    caplog.set_level(logging.WARNING, logger="bot.channels.zalo_client")
    fake.raw_next[method] = [(status, content_type, body)]
    with pytest.raises(ZaloServerError) as info:
        await METHODS[method](client)
    assert info.value.method == method and info.value.code >= 500
    assert any(method in r.getMessage() for r in caplog.records)
    assert TOKEN not in str(info.value) and not any(TOKEN in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("method", sorted(METHODS))
@pytest.mark.parametrize("body", [OK_TRUE, OK_NO_RESULT, OK_LIST], ids=["result-true", "no-result", "result-list"])
async def test_ok_with_an_odd_result_is_done_or_an_error_never_a_crash(
        client: ZaloClient, fake: FakeZalo, caplog: pytest.LogCaptureFixture, method: str, body: bytes) -> None:
    caplog.set_level(logging.WARNING, logger="bot.channels.zalo_client")
    fake.raw_next[method] = [(200, "application/json", body)]
    try:
        result = await METHODS[method](client)
    except ZaloServerError as e:
        assert method not in DONE_WHEN_OK, f"{method}: ok:true must not be retried as a failure"
        assert e.method == method
        assert any(method in r.getMessage() for r in caplog.records)
    else:
        if method == "getUpdates":
            assert result == []
        elif method != "sendChatAction":
            assert method in DONE_WHEN_OK and result == {}
            assert any(method in r.getMessage() for r in caplog.records)


async def test_set_webhook_answering_bare_true_does_not_crash_start_up(
        zalo_settings: Settings, fake: FakeZalo, caplog: pytest.LogCaptureFixture) -> None:
    settings = dataclasses.replace(zalo_settings, zalo_webhook_url="https://bot.example.gov.vn/zalo",
                                   zalo_webhook_secret="s3cret-s3cret-s3cret", zalo_webhook_listen="127.0.0.1:0")
    fake.raw_next["setWebhook"] = [(200, "application/json", OK_TRUE)]
    channel = make_channel(settings)
    try:
        await channel.start(_NoApp())
        assert fake.methods() == ["getMe", "setWebhook"]
        assert channel.webhook is not None  # listening: start-up went on
    finally:
        await channel.stop()


@pytest.mark.parametrize("garbage", [HTML, NOT_AN_OBJECT, OK_TRUE], ids=["html", "bare-true", "result-true"])
async def test_get_me_garbage_at_start_up_is_logged_and_receiving_goes_on(
        zalo_settings: Settings, fake: FakeZalo, caplog: pytest.LogCaptureFixture, garbage: bytes) -> None:
    caplog.set_level(logging.WARNING)
    fake.raw_next["getMe"] = [(200, "text/html" if garbage is HTML else "application/json", garbage)]
    channel = make_channel(zalo_settings)
    try:
        await channel.start(_NoApp())
        assert any("getMe" in r.getMessage() for r in caplog.records)
        assert "deleteWebhook" in fake.methods()  # polling started anyway
    finally:
        await channel.stop()


class _NoApp:
    """An inbound port that is never reached in these start-up tests."""

    async def handle(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover - not reached
        raise AssertionError("no update was sent")


def test_every_documented_client_method_is_covered() -> None:
    public = {n for n in vars(ZaloClient) if not n.startswith("_")} - {"call", "close", "redact"}
    assert len(public) == len(METHODS), sorted(public)
    assert issubclass(ZaloServerError, ZaloApiError)
