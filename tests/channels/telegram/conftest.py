"""Fixtures for the Telegram adapter over the in-process fake Bot API."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from telegram import Update

from bot.app import App
from bot.channels.telegram import TelegramChannel
from bot.core.config import Settings
from tests.channels.telegram.fake_api import FakeBotAPI

TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghij"
SUPER = 1001  # ADMIN_IDS telegram:1001 in the shared settings fixture


@pytest.fixture
def fake() -> FakeBotAPI:
    return FakeBotAPI()


@pytest.fixture
def tg_settings(settings: Settings) -> Settings:
    return replace(settings, telegram_token=TOKEN)


@pytest.fixture
async def tg(app: App, fake: FakeBotAPI, tg_settings: Settings):  # type: ignore[no-untyped-def]
    base = await fake.serve_files()  # file downloads go over HTTP on 127.0.0.1, API calls through the fake seam
    channel = TelegramChannel(replace(tg_settings, telegram_api_base_url=base), request=fake, retry_delay=0,
                              poll_timeout=1)
    app.channels["telegram"] = channel
    await channel.start(app)
    yield channel
    await channel.stop()
    await fake.stop_files()


async def feed(channel: TelegramChannel, update: dict[str, Any]) -> None:
    """Hand one update to the adapter the way PTB's updater would, and wait until it is handled."""
    await channel.application.process_update(Update.de_json(update, channel.bot))
    await channel.idle()
