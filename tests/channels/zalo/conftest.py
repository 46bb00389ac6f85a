"""Fixtures of the Zalo tests: a fake Zalo server on 127.0.0.1 and an app whose only channel is Zalo."""
from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest

from bot.app import App, build_app
from bot.channels.zalo import ZaloChannel
from bot.core.clock import FixedClock
from bot.core.config import Settings
from bot.core.db import Database
from tests.channels.zalo.fake_zalo import TOKEN, FakeZalo


@pytest.fixture
async def fake() -> AsyncIterator[FakeZalo]:
    server = await FakeZalo().start()
    yield server
    await server.stop()


@pytest.fixture
def zalo_settings(settings: Settings, fake: FakeZalo) -> Settings:
    return dataclasses.replace(settings, zalo_token=TOKEN, zalo_api_base_url=fake.base_url,
                               admin_ids={**settings.admin_ids, "zalo": frozenset({"boss"})})


def make_channel(settings: Settings, **kw) -> ZaloChannel:  # type: ignore[no-untyped-def]
    kw.setdefault("poll_timeout", 1)
    kw.setdefault("retry_delay", 0.01)
    kw.setdefault("max_retry_delay", 0.05)
    return ZaloChannel(settings, **kw)


@pytest.fixture
async def zalo(zalo_settings: Settings) -> AsyncIterator[ZaloChannel]:
    channel = make_channel(zalo_settings)
    yield channel
    await channel.stop()


@pytest.fixture
def zapp(zalo_settings: Settings, clock: FixedClock, zalo: ZaloChannel, db: Database) -> App:
    return build_app(zalo_settings, clock=clock, channels={"zalo": zalo}, db=db)
