"""Zalo OA as documented, over real HTTP: two secrets checked independently (the fake signs by the documented
formula itself), 1:1 and group text events in their recorded shapes, and the 7-day window told to admins."""
from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.app import App, build_app
from bot.channels.zalo_oa import OAAuthError, ZaloOAChannel
from bot.core.clock import FixedClock
from bot.core.config import Settings
from bot.core.db import Database
from scheduler.units import add_focal_point, add_unit
from tests.channels.zalo.fake_oa import APP_ID, APP_SECRET_KEY, OA_SECRET_KEY, SEED_REFRESH, FakeOA


@pytest.fixture
async def oa() -> AsyncIterator[FakeOA]:
    server = await FakeOA().start()
    yield server
    await server.stop()


def oa_settings(settings: Settings, oa: FakeOA, *, app_secret: str = APP_SECRET_KEY,
                oa_secret: str = OA_SECRET_KEY) -> Settings:
    return dataclasses.replace(settings, zalo_oa_app_id=APP_ID, zalo_oa_app_secret=app_secret,
                               zalo_oa_secret_key=oa_secret, zalo_oa_refresh_token=SEED_REFRESH,
                               zalo_oa_api_base_url=oa.base_url, zalo_oa_oauth_base_url=oa.base_url,
                               zalo_oa_webhook_listen="127.0.0.1:0",
                               admin_ids={**settings.admin_ids, "zalo_oa": frozenset({"boss-oa"})})


@pytest.fixture
async def running(settings: Settings, oa: FakeOA, clock: FixedClock, db: Database) -> AsyncIterator[tuple[ZaloOAChannel, App, str]]:
    channel = ZaloOAChannel(oa_settings(settings, oa))
    app = build_app(channel.settings, clock=clock, channels={"zalo_oa": channel}, db=db)
    await channel.start(app)
    assert channel.webhook is not None
    yield channel, app, f"http://127.0.0.1:{channel.webhook.port}/zalo-oa"
    await channel.stop()


async def test_the_two_secrets_are_checked_independently(settings: Settings, oa: FakeOA, clock: FixedClock,
                                                         db: Database):
    # The OA secret key where the app secret belongs: the token refresh fails, the signature passes.
    swapped = ZaloOAChannel(oa_settings(settings, oa, app_secret=OA_SECRET_KEY, oa_secret=OA_SECRET_KEY))
    app = build_app(swapped.settings, clock=clock, channels={"zalo_oa": swapped}, db=db)
    await swapped.start(app)
    try:
        with pytest.raises(OAAuthError):
            await swapped.access_token()
        assert swapped.webhook is not None
        url = f"http://127.0.0.1:{swapped.webhook.port}/zalo-oa"
        assert await oa.deliver(url, oa.text_event("/help")) == 200
    finally:
        await swapped.stop()
    # The app secret where the OA secret belongs: the refresh works, Zalo's signature is refused.
    crossed = ZaloOAChannel(oa_settings(settings, oa, app_secret=APP_SECRET_KEY, oa_secret=APP_SECRET_KEY))
    app = build_app(crossed.settings, clock=clock, channels={"zalo_oa": crossed}, db=db)
    await crossed.start(app)
    try:
        assert await crossed.access_token()
        assert crossed.webhook is not None
        url = f"http://127.0.0.1:{crossed.webhook.port}/zalo-oa"
        assert await oa.deliver(url, oa.text_event("/help", msg_id="m-2")) == 403
        assert await oa.deliver(url, oa.text_event("/help", msg_id="m-3"), key=APP_SECRET_KEY) == 200
    finally:
        await crossed.stop()


async def test_a_private_text_is_answered_on_message_cs(running, oa: FakeOA):
    channel, _, url = running
    assert await oa.deliver(url, oa.text_event("/help", user="user-1")) == 200
    await channel.idle()
    [(path, body)] = oa.sent
    assert path == "/v3.0/oa/message/cs" and body["recipient"] == {"user_id": "user-1"}


@pytest.mark.parametrize("in_message", [False, True], ids=["recipient.id", "message.conversation_id"])
async def test_a_group_text_is_answered_in_its_group(running, oa: FakeOA, in_message: bool):
    channel, _, url = running
    event = oa.group_text_event("/help", group="grp-77", in_message=in_message)
    assert await oa.deliver(url, event) == 200
    await channel.idle()
    [(path, body)] = oa.sent
    assert path == "/v3.0/oa/group/message" and body["recipient"] == {"group_id": "grp-77"}
    assert channel.to_message(event).chat_kind == "group"  # type: ignore[union-attr]


async def test_admins_are_told_which_focal_points_are_outside_the_7_day_window(running, oa: FakeOA,
                                                                                clock: FixedClock):
    channel, app, url = running
    with app.db.session() as s:
        unit = add_unit(s, "Sở Tư pháp", "so")
        add_focal_point(s, unit, "zalo_oa", "fp-old", "Chị Lan", "fp-old")
        add_focal_point(s, unit, "zalo_oa", "fp-new", "Anh Minh", "fp-new")
        add_focal_point(s, unit, "zalo_oa", "fp-never", "Chị Hoa", None)
    assert await oa.deliver(url, oa.text_event("han", user="fp-old", msg_id="a1")) == 200
    await channel.idle()
    clock.advance(timedelta(days=8))
    assert await oa.deliver(url, oa.text_event("han", user="fp-new", msg_id="a2")) == 200
    await channel.idle()
    sent = len(oa.sent)
    assert await oa.deliver(url, oa.text_event("/oa7ngay", user="boss-oa", msg_id="a3")) == 200
    await channel.idle()
    report = oa.texts()[sent]
    assert "7 ngày" in report and "Chị Lan" in report and "Chị Hoa" in report and "Anh Minh" not in report
