"""The Zalo OA access-token refresh: retried with backoff while Zalo cannot be reached or answers 5xx (with the
proxy hint logged), given up as a transient failure after its attempts, and never waiting on the event loop."""
from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import threading
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy import event

from bot.app import App, build_app
from bot.channels.zalo_oa import ACCESS, REFRESH, ZaloOAChannel
from bot.core.clock import FixedClock
from bot.core.config import Settings
from bot.core.db import Database
from bot.core.messages import Reply
from bot.core.ports import TransientSendError
from tests.channels.zalo.fake_oa import SEED_REFRESH, FakeOA
from tests.channels.zalo.test_oa import oa, oa_settings, stored  # noqa: F401  (fixtures)
from tests.netproxy import CuttableProxy


class Sleeps:
    """The channel's injected sleep: records each delay (no time passes) and may run a step at a given attempt."""

    def __init__(self, at: dict[int, object] | None = None) -> None:
        self.delays: list[float] = []
        self.at = at or {}

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        step = self.at.get(len(self.delays))
        if callable(step):
            step()


async def started(settings: Settings, clock: FixedClock, db: Database, sleeps: Sleeps,
                  **kwargs: object) -> tuple[ZaloOAChannel, App]:
    channel = ZaloOAChannel(settings, sleep=sleeps, **kwargs)  # type: ignore[arg-type]
    app = build_app(settings, clock=clock, channels={"zalo_oa": channel}, db=db)
    await channel.start(app)
    return channel, app


async def test_a_refresh_answered_5xx_is_retried_with_backoff_and_the_proxy_hint_logged(  # noqa: F811
        oa_settings: Settings, oa: FakeOA, clock: FixedClock, db: Database, caplog: pytest.LogCaptureFixture):
    oa.fail_refresh = [502, 503]
    sleeps = Sleeps()
    with caplog.at_level(logging.WARNING, logger="bot.channels.zalo_oa"):
        channel, _ = await started(oa_settings, clock, db, sleeps)
    try:
        assert sleeps.delays == [1.0, 2.0] and oa.refreshes == 1
        assert stored(db, REFRESH) == "refresh-1" and stored(db, ACCESS) == "access-1"
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 2 and all("HTTP 50" in w and "HTTPS_PROXY" in w for w in warnings)
        await channel.send("user-9", Reply("Sau khi Zalo trả lời lại"))
        assert oa.texts() == ["Sau khi Zalo trả lời lại"]
    finally:
        await channel.stop()


async def test_a_network_error_is_retried_until_zalo_is_reachable_again(  # noqa: F811
        oa_settings: Settings, oa: FakeOA, clock: FixedClock, db: Database):
    proxy = CuttableProxy(("127.0.0.1", oa.port), up=False)  # Zalo's OAuth server unreachable: connection refused
    sleeps = Sleeps(at={2: proxy.restore})
    settings = dataclasses.replace(oa_settings, zalo_oa_oauth_base_url=f"http://127.0.0.1:{proxy.port}")
    try:
        channel, _ = await started(settings, clock, db, sleeps)
        try:
            assert sleeps.delays == [1.0, 2.0] and oa.refreshes == 1
            assert stored(db, REFRESH) == "refresh-1"
        finally:
            await channel.stop()
    finally:
        proxy.close()


async def test_after_its_attempts_the_refresh_is_a_transient_failure_and_nothing_is_spent(  # noqa: F811
        oa_settings: Settings, oa: FakeOA, clock: FixedClock, db: Database):
    oa.fail_refresh = [502] * 3
    sleeps = Sleeps()
    channel, _ = await started(oa_settings, clock, db, sleeps, refresh_attempts=3)  # start logs and goes on
    try:
        assert sleeps.delays == [1.0, 2.0] and oa.refreshes == 0
        assert stored(db, REFRESH) == stored(db, ACCESS) == ""  # rolled back: the seed is taken again next time
        assert oa.refresh_token == SEED_REFRESH  # and Zalo still accepts it
        oa.fail_refresh = [502] * 3
        with pytest.raises(TransientSendError, match="refresh failed"):  # the engine retries such a send later
            await channel.send("user-9", Reply("Chưa gửi được"))
        await channel.send("user-9", Reply("Gửi được"))  # Zalo answers again: the next send refreshes
        assert oa.texts() == ["Gửi được"] and stored(db, REFRESH) == "refresh-1"
    finally:
        await channel.stop()


@contextlib.contextmanager
def held_database(db: Database) -> Iterator[tuple[threading.Event, threading.Event]]:
    """Every connection taken from the pool waits until `release` is set: a database that hangs."""
    release, waiting = threading.Event(), threading.Event()

    def hold(*_args: object) -> None:
        waiting.set()
        if not release.wait(60):
            raise RuntimeError("the held database was never released")

    event.listen(db.engine, "checkout", hold)
    try:
        yield release, waiting
    finally:
        release.set()
        event.remove(db.engine, "checkout", hold)


@pytest.fixture
async def channel_and_url(oa_settings: Settings, oa: FakeOA, clock: FixedClock,  # noqa: F811
                          db: Database) -> AsyncIterator[tuple[ZaloOAChannel, str]]:
    channel, _ = await started(oa_settings, clock, db, Sleeps())
    assert channel.webhook is not None
    yield channel, f"http://127.0.0.1:{channel.webhook.port}/zalo-oa"
    await channel.stop()


async def test_the_token_waits_on_the_database_off_the_loop(channel_and_url, oa: FakeOA, db: Database):  # noqa: F811
    channel, url = channel_and_url
    channel._access = ""  # the process forgot its token: the stored one is read again
    with held_database(db) as (release, waiting):
        send = asyncio.create_task(channel.send("user-9", Reply("Trong lúc cơ sở dữ liệu treo")))
        await asyncio.to_thread(waiting.wait, 60)  # the token's transaction is waiting on the database
        assert await oa.deliver(url, oa.text_event("/help", msg_id="held-1")) == 200  # the loop serves meanwhile
        assert not send.done()
        release.set()
        await send
    assert oa.texts()[0] == "Trong lúc cơ sở dữ liệu treo" and oa.refreshes == 1


async def test_no_token_session_is_opened_on_an_event_loop(channel_and_url, oa: FakeOA, db: Database,  # noqa: F811
                                                           monkeypatch: pytest.MonkeyPatch):
    channel, _ = channel_and_url
    on_loop: list[bool] = []
    opened = db.session

    @contextlib.contextmanager
    def session():  # type: ignore[no-untyped-def]
        try:
            asyncio.get_running_loop()
            on_loop.append(True)
        except RuntimeError:
            on_loop.append(False)
        with opened() as s:
            yield s

    monkeypatch.setattr(db, "session", session)
    oa.expire_access()
    await channel.send("user-9", Reply("Làm mới mã truy cập"))
    assert oa.refreshes == 2 and on_loop == [False]
