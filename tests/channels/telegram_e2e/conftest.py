"""Wire-level fixtures: one Bot API emulator per test on 127.0.0.1 and the real Telegram adapter polling it."""
from __future__ import annotations

from dataclasses import replace

import pytest

from bot.app import App
from bot.channels.telegram import TelegramChannel
from bot.core.config import Settings
from tests.channels.telegram_e2e.emulator import Emulator, missing_reason

TOKEN = "777000111:EmulatorTokenForWireTests_abcdef"


@pytest.fixture
async def emulator():  # type: ignore[no-untyped-def]
    reason = missing_reason()
    if reason:
        pytest.skip(reason)
    emu = Emulator(TOKEN)
    yield emu
    await emu.close()


@pytest.fixture
async def live(app: App, emulator: Emulator, settings: Settings):  # type: ignore[no-untyped-def]
    """The adapter as `python -m bot` runs it (long polling, rate limiter on), pointed at the emulator."""
    tg_settings = replace(settings, telegram_token=TOKEN, telegram_api_base_url=emulator.api_base_url)
    channel = TelegramChannel(tg_settings, poll_timeout=1, retry_delay=0)
    app.channels["telegram"] = channel
    await channel.start(app)
    yield channel
    await channel.stop()
