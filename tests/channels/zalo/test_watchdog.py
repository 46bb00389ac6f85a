"""The update watchdog on Zalo: polling, webhook and the OA webhook; a failure taking one update never stops receiving."""
from __future__ import annotations

import asyncio
import dataclasses
import json

import httpx

from bot.app import App, build_app
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_oa import ZaloOAChannel
from bot.core.clock import FixedClock
from bot.core.config import Settings
from bot.core.db import Database
from tests.channels.watchdog_steps import StuckDispatch, not_ready_then_exit, recovers, until
from tests.channels.zalo.conftest import make_channel
from tests.channels.zalo.fake_oa import APP_ID, APP_SECRET_KEY, OA_SECRET_KEY, SEED_REFRESH, FakeOA
from tests.channels.zalo.fake_zalo import FakeZalo

SECRET = "webhook-secret-1234"


async def test_polling_updates_not_processed_make_it_not_ready_then_exit(zapp: App, zalo: ZaloChannel,
                                                                         fake: FakeZalo, clock: FixedClock):
    await zalo.start(zapp)
    with StuckDispatch(zapp) as stuck:
        fake.push(fake.update("/help", chat="u1"))
        fake.push(fake.update("/start", chat="u2"))
        fake.push(fake.update("/help", chat="u1"))  # the same update again (Zalo re-delivers): not counted
        await not_ready_then_exit(zapp, clock, pending=3)
        await recovers(zapp, stuck)
    await fake.wait_sent(3)


async def test_webhook_updates_not_processed_make_it_not_ready_then_exit(zalo_settings: Settings, fake: FakeZalo,
                                                                         clock: FixedClock, db: Database):
    settings = dataclasses.replace(zalo_settings, zalo_webhook_url="https://cchc.example.gov.vn/zalo/hook",
                                   zalo_webhook_secret=SECRET, zalo_webhook_listen="127.0.0.1:0")
    channel = make_channel(settings)
    app = build_app(settings, clock=clock, channels={"zalo": channel}, db=db)
    await channel.start(app)
    assert channel.webhook is not None
    url = f"http://127.0.0.1:{channel.webhook.port}/zalo/hook"
    try:
        with StuckDispatch(app) as stuck:
            r = await fake.deliver(url, fake.update("/help", chat="u1"))
            assert r.status_code == 200  # answered at once, handled in the background
            await not_ready_then_exit(app, clock, pending=1)
            await recovers(app, stuck)
        await fake.wait_sent(1)
    finally:
        await channel.stop()


async def test_oa_webhook_events_not_processed_make_it_not_ready_then_exit(settings: Settings, clock: FixedClock,
                                                                           db: Database):
    oa = await FakeOA().start()
    settings = dataclasses.replace(settings, zalo_oa_app_id=APP_ID, zalo_oa_app_secret=APP_SECRET_KEY,
                                   zalo_oa_secret_key=OA_SECRET_KEY, zalo_oa_refresh_token=SEED_REFRESH,
                                   zalo_oa_api_base_url=oa.base_url, zalo_oa_oauth_base_url=oa.base_url,
                                   zalo_oa_webhook_listen="127.0.0.1:0")
    channel = ZaloOAChannel(settings)
    app = build_app(settings, clock=clock, channels={"zalo_oa": channel}, db=db)
    await channel.start(app)
    assert channel.webhook is not None
    body = json.dumps({"app_id": APP_ID, "event_name": "user_send_text", "timestamp": "1764046800000",
                       "sender": {"id": "user-5"}, "recipient": {"id": "oa-1"},
                       "message": {"text": "/help", "msg_id": "oa-w1"}}).encode()
    try:
        with StuckDispatch(app) as stuck:
            async with httpx.AsyncClient() as http:
                r = await http.post(f"http://127.0.0.1:{channel.webhook.port}/zalo-oa", content=body,
                                    headers={"X-ZEvent-Signature": FakeOA.sign(body, "1764046800000")})
            assert r.status_code == 200
            await not_ready_then_exit(app, clock, pending=1)
            await recovers(app, stuck)
        await channel.idle()
        assert len(oa.sent) == 1
    finally:
        await channel.stop()
        await oa.stop()


async def test_a_failure_taking_one_polled_update_is_logged_and_polling_goes_on(zapp: App, zalo: ZaloChannel,
                                                                                fake: FakeZalo, caplog):
    real, failed = zalo.to_message, []

    def failing_once(update):  # type: ignore[no-untyped-def]
        if not failed:
            failed.append(update)
            raise RuntimeError("a bug reading this update")
        return real(update)

    zalo.to_message = failing_once  # type: ignore[method-assign]
    await zalo.start(zapp)
    fake.push(fake.update("/help", chat="u1"))
    fake.push(fake.update("/start", chat="u2"))
    await fake.wait_sent(1)
    assert fake.sent("u2") and not fake.sent("u1")
    assert any("taking Zalo update" in r.getMessage() for r in caplog.records)
    assert zalo._poller is not None and not zalo._poller.done()
    await until(lambda: zapp.health.pending_updates == 0, "nothing left pending")


class Fatal(BaseException):
    """Not an Exception: escapes the polling loop's handlers."""


async def test_a_poller_that_ends_fails_readiness(zapp: App, zalo: ZaloChannel, fake: FakeZalo, monkeypatch):
    async def broken(*a, **kw):  # type: ignore[no-untyped-def]
        raise Fatal()

    await zalo.start(zapp)
    monkeypatch.setattr(zalo.client, "get_updates", broken)
    await until(lambda: zalo._poller is not None and zalo._poller.done(), "the poller ended")
    await asyncio.sleep(0)
    assert "vòng nhận tin dừng" in zapp.health.channels.get("zalo", "")
