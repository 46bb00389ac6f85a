"""Bot API answers PTB lets through unchecked (bare `true`, no `result`, HTML): logged errors, never a crash."""
from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import pytest
from telegram.error import NetworkError

from bot.app import App
from bot.channels.telegram import TelegramChannel
from bot.core.config import Settings
from bot.core.messages import Reply
from bot.core.ports import TransientSendError
from tests.channels.telegram.fake_api import FakeBotAPI

GARBAGE: dict[str, tuple[int, Any]] = {
    "bare-true": (200, b"true"),
    "no-result": (200, {"ok": True}),
    "html-200": (200, b"<html><body>502 Bad Gateway</body></html>"),
    "html-502": (502, b"<html><body>502 Bad Gateway</body></html>"),
    "empty-500": (500, b""),
}


def _channel(tg_settings: Settings, fake: FakeBotAPI, **settings: Any) -> TelegramChannel:
    return TelegramChannel(replace(tg_settings, **settings), request=fake, retry_delay=0, poll_timeout=1)


@pytest.mark.parametrize("method", ["setMyCommands", "setMyDescription", "setWebhook"])
@pytest.mark.parametrize("kind", sorted(GARBAGE))
async def test_start_up_survives_garbage_and_logs_it(app: App, fake: FakeBotAPI, tg_settings: Settings,
                                                     caplog: pytest.LogCaptureFixture, method: str, kind: str) -> None:
    caplog.set_level(logging.WARNING)
    fake.fail_next(method, GARBAGE[kind])
    channel = _channel(tg_settings, fake, telegram_webhook_url="https://bot.example.gov.vn/tg",
                       telegram_webhook_secret="s3cret-s3cret-s3cret", telegram_webhook_listen="127.0.0.1:0")
    try:
        await channel.start(app)
        assert channel.application.running
        assert fake.of("setWebhook"), "start-up went on to register the webhook"
        assert any(r.name.startswith("bot.channels") and r.levelno >= logging.WARNING for r in caplog.records)
    finally:
        await channel.stop()


@pytest.mark.parametrize("kind", ["bare-true", "no-result", "html-200"])
async def test_a_2xx_garbage_answer_to_send_is_transient_and_maybe_delivered(
        tg: TelegramChannel, fake: FakeBotAPI, caplog: pytest.LogCaptureFixture, kind: str) -> None:
    caplog.set_level(logging.WARNING)
    fake.fail_next("sendMessage", GARBAGE[kind])
    with pytest.raises(TransientSendError) as info:
        await tg.send("555", Reply("Xin chào"))
    assert info.value.maybe_delivered  # 2xx: Telegram may have sent it; the outbox must not resend blindly
    assert any("sendMessage" in r.getMessage() for r in caplog.records)
    await tg.send("555", Reply("Xin chào"))  # the next call works as usual
    assert fake.sent("555")[-1]["text"] == "Xin chào"


async def test_a_garbage_get_me_is_a_network_error_not_a_type_error(
        app: App, fake: FakeBotAPI, tg_settings: Settings) -> None:
    fake.fail_next("getMe", GARBAGE["bare-true"])
    channel = _channel(tg_settings, fake)
    with pytest.raises(NetworkError):
        await channel.start(app)
    await channel.application.shutdown()
