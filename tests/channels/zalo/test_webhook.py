"""The Zalo channel in webhook mode: the secret header, wrapped and flat bodies, malformed bodies, duplicates, replicas."""
from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest

from bot.app import App, build_app
from bot.channels.zalo import ZaloChannel
from bot.core.clock import FixedClock
from bot.core.config import Settings
from bot.core.db import Database
from handlers.router import DISCLOSURE
from tests.channels.zalo.conftest import make_channel
from tests.channels.zalo.fake_zalo import FakeZalo

PUBLIC_URL = "https://cchc.example.gov.vn/zalo/hook"
SECRET = "webhook-secret-1234"


@pytest.fixture
def hook_settings(zalo_settings: Settings) -> Settings:
    return dataclasses.replace(zalo_settings, zalo_webhook_url=PUBLIC_URL, zalo_webhook_secret=SECRET,
                               zalo_webhook_listen="127.0.0.1:0")


@pytest.fixture
async def hooked(hook_settings: Settings, clock: FixedClock, db: Database) -> AsyncIterator[tuple[ZaloChannel, str]]:
    channel = make_channel(hook_settings)
    app = build_app(hook_settings, clock=clock, channels={"zalo": channel}, db=db)
    await channel.start(app)
    assert channel.webhook is not None
    yield channel, f"http://127.0.0.1:{channel.webhook.port}/zalo/hook"
    await channel.stop()


async def test_start_registers_the_webhook_with_its_secret(hooked, fake: FakeZalo):
    assert fake.webhook_url == PUBLIC_URL and fake.webhook_secret == SECRET
    assert "getUpdates" not in fake.methods()


async def test_flat_and_wrapped_bodies_are_both_handled(hooked, fake: FakeZalo):
    channel, url = hooked
    flat = await fake.deliver(url, fake.update("/help", chat="u1"))
    wrapped = await fake.deliver(url, {"ok": True, "result": fake.update("/start", chat="u2")})
    assert flat.status_code == 200 and wrapped.status_code == 200
    await channel.idle()
    assert len(fake.sent("u1")) == 1 and len(fake.sent("u2")) == 1


async def test_wrong_or_missing_secret_is_refused_and_nothing_handled(hooked, fake: FakeZalo):
    channel, url = hooked
    wrong = await fake.deliver(url, fake.update("/help"), secret="not-the-secret")
    missing = await fake.deliver(url, fake.update("/help"), secret="")
    await channel.idle()
    assert wrong.status_code == 403 and missing.status_code == 401
    assert fake.sent() == []
    assert len(channel.seen) == 0


async def test_malformed_bodies_are_400(hooked, fake: FakeZalo):
    channel, url = hooked
    assert (await fake.deliver(url, None, raw=b"{not json")).status_code == 400
    assert (await fake.deliver(url, {"ok": True, "result": None})).status_code == 400
    assert (await fake.deliver(url, ["a list"])).status_code == 400
    await channel.idle()
    assert fake.sent() == []


async def test_a_sticker_gets_one_line_and_unknown_events_nothing(hooked, fake: FakeZalo):
    channel, url = hooked
    sticker = {"event_name": "message.sticker.received", "message": {"message_id": "st1", "sticker": "x",
               "from": {"id": "u1"}, "chat": {"id": "u1", "chat_type": "PRIVATE"}}}
    assert (await fake.deliver(url, sticker)).status_code == 200
    await channel.idle()
    [line] = fake.sent()
    # the chat's first reply: the automated-assistant notice first (QA #36), then the one short line
    assert line.startswith(DISCLOSURE + "\n\nTrợ lý chỉ đọc được tin nhắn chữ") and len(line) < 200 + len(DISCLOSURE)
    other = {"event_name": "message.location.received", "message": {"message_id": "lc1", "from": {"id": "u1"},
             "chat": {"id": "u1", "chat_type": "PRIVATE"}}}
    assert (await fake.deliver(url, other)).status_code == 200
    await channel.idle()
    assert len(fake.sent()) == 1


async def test_redelivered_updates_are_answered_once(hooked, fake: FakeZalo):
    channel, url = hooked
    update = fake.update("/help", chat="u3", message_id="again-1")
    for _ in range(3):
        assert (await fake.deliver(url, update)).status_code == 200
    await channel.idle()
    assert len(fake.sent("u3")) == 1


async def test_two_replicas_sharing_the_database_answer_a_redelivery_once(
        hook_settings: Settings, fake: FakeZalo, clock: FixedClock, db: Database):
    replicas = [make_channel(hook_settings) for _ in range(2)]
    urls = []
    for ch in replicas:
        await ch.start(build_app(hook_settings, clock=clock, channels={"zalo": ch}, db=db))
        urls.append(f"http://127.0.0.1:{ch.webhook.port}/zalo/hook")  # type: ignore[union-attr]
    try:
        update = fake.update("/help", chat="u4", message_id="replica-1")
        for url in urls:
            assert (await fake.deliver(url, update)).status_code == 200
        for ch in replicas:
            await ch.idle()
    finally:
        for ch in replicas:
            await ch.stop()
    assert len(fake.sent("u4")) == 1


def test_webhook_mode_without_a_proper_secret_refuses_to_start(zalo_settings: Settings):
    with pytest.raises(ValueError, match="ZALO_WEBHOOK_SECRET"):
        ZaloChannel(dataclasses.replace(zalo_settings, zalo_webhook_url=PUBLIC_URL, zalo_webhook_secret="short"))


async def test_one_process_builds_every_configured_channel(zalo_settings: Settings):
    from bot.channels import build_channels
    from bot.channels.zalo_oa import ZaloOAChannel

    both = dataclasses.replace(zalo_settings, telegram_token="123456:TelegramTokenForTests_abcdefghijkl",
                               zalo_oa_app_id="1", zalo_oa_app_secret="a", zalo_oa_secret_key="k")
    channels = build_channels(both)
    assert sorted(channels) == ["telegram", "zalo", "zalo_oa"]
    assert isinstance(channels["zalo"], ZaloChannel) and isinstance(channels["zalo_oa"], ZaloOAChannel)
    await channels["zalo"].stop()
    await channels["zalo_oa"].stop()
    only = build_channels(zalo_settings)
    assert list(only) == ["zalo"]
    await only["zalo"].stop()
