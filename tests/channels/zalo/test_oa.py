"""Plan B, the Zalo Official Account channel, against a fake: sends, token rotation stored atomically, signed webhooks."""
from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from bot.app import App, build_app
from bot.channel_state import get_secret
from bot.core.ports import ChatUnreachable
from bot.channels.zalo_oa import ACCESS, REFRESH, OAAuthError, ZaloOAChannel
from bot.core.clock import FixedClock
from bot.core.config import Settings
from bot.core.db import Database
from bot.core.messages import Reply
from handlers.router import DISCLOSURE
from tests.channels.zalo.fake_oa import APP_ID, APP_SECRET_KEY, OA_SECRET_KEY, SEED_REFRESH, FakeOA


@pytest.fixture
async def oa() -> AsyncIterator[FakeOA]:
    server = await FakeOA().start()
    yield server
    await server.stop()


@pytest.fixture
def oa_settings(settings: Settings, oa: FakeOA) -> Settings:
    return dataclasses.replace(settings, zalo_oa_app_id=APP_ID, zalo_oa_app_secret=APP_SECRET_KEY,
                               zalo_oa_secret_key=OA_SECRET_KEY,
                               zalo_oa_refresh_token=SEED_REFRESH, zalo_oa_api_base_url=oa.base_url,
                               zalo_oa_oauth_base_url=oa.base_url, zalo_oa_webhook_listen="127.0.0.1:0")


async def started(settings: Settings, clock: FixedClock, db: Database) -> tuple[ZaloOAChannel, App]:
    channel = ZaloOAChannel(settings)
    app = build_app(settings, clock=clock, channels={"zalo_oa": channel}, db=db)
    await channel.start(app)
    return channel, app


@pytest.fixture
async def oa_channel(oa_settings: Settings, clock: FixedClock, db: Database) -> AsyncIterator[ZaloOAChannel]:
    channel, _ = await started(oa_settings, clock, db)
    yield channel
    await channel.stop()


def stored(db: Database, name: str) -> str:
    with db.session() as s:
        row = get_secret(s, name)
        return row.value if row else ""


async def test_group_and_private_texts_use_their_endpoints(oa_channel: ZaloOAChannel, oa: FakeOA, db: Database):
    await oa_channel.send("g:grp-1", Reply("Nhắc hạn báo cáo CCHC quý IV."))
    await oa_channel.send("user-9", Reply("Xin chào"))
    assert oa.sent == [
        ("/v3.0/oa/group/message", {"recipient": {"group_id": "grp-1"}, "message": {"text": "Nhắc hạn báo cáo CCHC quý IV."}}),
        ("/v3.0/oa/message/cs", {"recipient": {"user_id": "user-9"}, "message": {"text": "Xin chào"}}),
    ]
    assert oa.refreshes == 1  # at start; the access token is then reused
    assert stored(db, REFRESH) == oa.refresh_token == "refresh-1"  # the rotated token, kept


async def test_an_expired_access_token_is_refreshed_once_and_the_send_retried(oa_channel: ZaloOAChannel, oa: FakeOA,
                                                                             db: Database):
    oa.expire_access()
    await oa_channel.send("user-9", Reply("Lần hai"))
    assert oa.texts() == ["Lần hai"] and oa.refreshes == 2
    assert stored(db, REFRESH) == "refresh-2" and stored(db, ACCESS) == "access-2"


async def test_a_restart_continues_the_rotated_chain_not_the_spent_seed(
        oa_settings: Settings, oa: FakeOA, clock: FixedClock, db: Database):
    first, _ = await started(oa_settings, clock, db)
    await first.stop()
    second, _ = await started(oa_settings, clock, db)  # same settings: the seed refresh-0 is spent by now
    try:
        await second.send("user-9", Reply("vẫn gửi được"))
        assert oa.refreshes == 1  # the stored access token was reused
        clock.advance(timedelta(hours=26))  # access tokens last 25 hours
        await second.send("user-9", Reply("sau 26 giờ"))
        assert oa.refreshes == 2 and stored(db, REFRESH) == "refresh-2"
    finally:
        await second.stop()
    assert oa.texts() == ["vẫn gửi được", "sau 26 giờ"]


async def test_a_refused_refresh_token_changes_nothing(oa_settings: Settings, oa: FakeOA, clock: FixedClock,
                                                        db: Database):
    oa.refresh_token = "issued-elsewhere"
    channel, _ = await started(oa_settings, clock, db)
    try:
        with pytest.raises(OAAuthError):
            await channel.send("user-9", Reply("x"))
    finally:
        await channel.stop()
    assert stored(db, REFRESH) == "" and oa.sent == []


async def test_a_user_out_of_reach_is_unreachable(oa_channel: ZaloOAChannel, oa: FakeOA):
    oa.fail_next.append({"error": -230, "message": "User has not interacted with the OA in the past 7 days"})
    with pytest.raises(ChatUnreachable):
        await oa_channel.send("user-9", Reply("x"))


def event(text: str, *, msg_id: str = "oa-m1", user: str = "user-5") -> bytes:
    return json.dumps({"app_id": APP_ID, "event_name": "user_send_text", "timestamp": "1764046800000",
                       "sender": {"id": user}, "recipient": {"id": "oa-1"},
                       "message": {"text": text, "msg_id": msg_id}}).encode()


async def post(channel: ZaloOAChannel, body: bytes, sig: str | None) -> int:
    assert channel.webhook is not None
    headers = {"Content-Type": "application/json"}
    if sig is not None:
        headers["X-ZEvent-Signature"] = sig
    async with httpx.AsyncClient() as http:
        r = await http.post(f"http://127.0.0.1:{channel.webhook.port}/zalo-oa", content=body, headers=headers)
    await channel.idle()
    return r.status_code


async def test_signed_events_are_answered_once_and_others_refused(oa_channel: ZaloOAChannel, oa: FakeOA):
    body = event("/help")
    good = FakeOA.sign(body, "1764046800000")  # the fake's own computation of the documented formula
    assert await post(oa_channel, body, "mac=" + "0" * 64) == 403
    assert await post(oa_channel, body, None) == 401
    assert await post(oa_channel, b"{oops", good) == 400
    assert oa.sent == []
    assert await post(oa_channel, body, good) == 200
    assert await post(oa_channel, body, good) == 200  # Zalo retries: answered once
    [(path, sent)] = oa.sent
    assert path == "/v3.0/oa/message/cs" and sent["recipient"] == {"user_id": "user-5"}
    assert sent["message"]["text"].startswith(DISCLOSURE)
