"""Waiting instead of dying: the database and the chat services at start, the proxy settings, outages logged once a minute."""
from __future__ import annotations

import logging
from dataclasses import replace
import os
from datetime import timedelta

import httpx
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.app import build_app
from bot.channels.telegram import TelegramChannel
from bot.channels.zalo_client import ZaloClient, ZaloNetworkError
from bot.core.config import Settings
from bot.core.db import Database
from bot.startup import backoff, network_failure, proxy_setting, start_channel, wait_for_database
from scheduler.service import ReminderService
from tests.conftest import PG_ENV
from tests.netproxy import CuttableProxy, RefusingHttpProxy

TOKEN = "123456789:AAHk-secretSECRETsecret_0123456789"


def test_backoff_doubles_up_to_a_minute():
    assert [backoff(n) for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]


@pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"needs PostgreSQL over TCP (set {PG_ENV})")
def test_start_waits_for_the_database_through_a_cut_proxy_and_goes_on_when_it_is_back(caplog, tmp_path):
    url = make_url(os.environ[PG_ENV])
    proxy = CuttableProxy((url.host or "127.0.0.1", url.port or 5432), up=False)
    db = Database.from_url(url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False))
    waited: list[float] = []

    def sleep(seconds: float) -> None:  # no real waiting: the proxy comes back during the third pause
        waited.append(seconds)
        if len(waited) == 3:
            proxy.restore()

    try:
        with caplog.at_level(logging.WARNING, logger="bot.startup"):
            assert wait_for_database(db, sleep=sleep) == 4
        assert waited == [1, 2, 4]
        lines = [r.getMessage() for r in caplog.records if r.name == "bot.startup"]
        assert len(lines) == 3 and all("unreachable" in line and "retrying in" in line for line in lines)
        assert f"127.0.0.1:{proxy.port}" in lines[0] and (url.password or "\0") not in lines[0]
        proxy.cut()
        with pytest.raises(OperationalError):
            wait_for_database(db, sleep=lambda s: None, max_attempts=2)
    finally:
        proxy.close()
        db.engine.dispose()


def test_sqlite_is_not_waited_for(tmp_path):
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(OperationalError):
        wait_for_database(Database.from_url(f"sqlite:///{tmp_path / 'dir.db'}"), sleep=pytest.fail)


class FlakyChannel:
    """Fails to start `failures` times with `error`, then starts."""

    name = "telegram"

    def __init__(self, failures: int, error: Exception) -> None:
        self.failures, self.error, self.started = failures, error, False

    async def start(self, app) -> None:  # type: ignore[no-untyped-def]
        if self.failures:
            self.failures -= 1
            raise self.error
        self.started = True


async def test_a_channel_unreachable_at_start_is_retried_with_a_proxy_hint(app, caplog, monkeypatch):
    monkeypatch.delenv("HTTPS_PROXY", raising=False)
    channel = FlakyChannel(2, RuntimeError("wrapped"))
    channel.error.__cause__ = httpx.ConnectError("[Errno 111] Connection refused")
    pauses: list[float] = []

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)
        assert "telegram" in app.health.problems(app.clock.now())[0]  # not ready while waiting

    with caplog.at_level(logging.WARNING, logger="bot.startup"):
        assert await start_channel(channel, app, sleep=sleep) == 3
    assert channel.started and pauses == [1, 2] and app.health.problems(app.clock.now()) == []
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.startup"]
    assert len(lines) == 2 and "HTTPS_PROXY=http://proxy:port" in lines[0] and "no proxy variable is set" in lines[0]


async def test_a_refusal_at_start_is_not_retried(app):
    with pytest.raises(RuntimeError, match="token"):
        await start_channel(FlakyChannel(1, RuntimeError("token rejected")), app, sleep=pytest.fail)


def test_network_failures_are_told_from_refusals():
    from telegram.error import BadRequest, InvalidToken, NetworkError, TimedOut

    assert network_failure(NetworkError("httpx.ConnectError: refused")) and network_failure(TimedOut())
    assert not network_failure(BadRequest("chat not found")) and not network_failure(InvalidToken())
    try:
        try:
            raise httpx.ConnectError("refused")
        except httpx.ConnectError:
            raise RuntimeError("token rejected") from None
    except RuntimeError as e:
        assert not network_failure(e)  # a suppressed context does not count


@pytest.fixture
def http_proxy(monkeypatch):  # type: ignore[no-untyped-def]
    proxy = RefusingHttpProxy()
    for var in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "HTTP_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    yield proxy
    proxy.close()


async def test_https_proxy_reaches_python_telegram_bots_http_client(http_proxy, app, caplog):
    channel = TelegramChannel(Settings(telegram_token=TOKEN))  # the real api.telegram.org base URL
    with caplog.at_level(logging.WARNING, logger="bot.startup"), pytest.raises(Exception) as failed:
        await start_channel(channel, app, sleep=_no_sleep, max_attempts=2)
    assert network_failure(failed.value)
    assert http_proxy.requests == ["CONNECT api.telegram.org:443 HTTP/1.1"] * 2
    assert f"HTTPS_PROXY={http_proxy.url}" in caplog.records[0].getMessage()
    assert TOKEN not in caplog.text
    await channel.stop()


async def test_https_proxy_reaches_the_zalo_client(http_proxy):
    client = ZaloClient("zalo-token-1234567890", "https://bot-api.zaloplatforms.com")
    try:
        with pytest.raises(ZaloNetworkError):
            await client.call("getMe")
    finally:
        await client.close()
    assert http_proxy.requests == ["CONNECT bot-api.zaloplatforms.com:443 HTTP/1.1"]


def test_proxy_credentials_are_hidden():
    assert proxy_setting({"HTTPS_PROXY": "http://user:pw@proxy.snv.gov.vn:3128"}) == \
        "HTTPS_PROXY=http://***@proxy.snv.gov.vn:3128"


async def _no_sleep(_: float) -> None:
    return None


async def test_during_an_outage_the_tick_logs_one_warning_a_minute_and_no_traceback(app, clock, caplog, monkeypatch):
    service = ReminderService(app)
    down = OperationalError("SELECT 1", {}, Exception("connection refused"))

    async def failing_tick() -> int:
        raise down

    monkeypatch.setattr(service, "tick", failing_tick)
    with caplog.at_level(logging.WARNING, logger="scheduler.service"):
        for _ in range(10):  # five minutes of ticks every 30 s
            await service.run_tick()
            clock.advance(timedelta(seconds=30))
        monkeypatch.undo()
        await service.run_tick()
    lines = [r for r in caplog.records if r.name == "scheduler.service"]
    assert [r.exc_info for r in lines] == [None] * len(lines)
    messages = [r.getMessage() for r in lines]
    assert len(messages) == 1 + 4 + 1, messages  # the start, one a minute, the end
    assert messages[0].startswith("reminder scheduler tick failed: OperationalError")
    assert "still failing for 60 s (3 attempts)" in messages[1]
    assert messages[-1].startswith("reminder scheduler tick works again after 300 s (10 failed attempts)")
    assert app.metrics.registry.get_sample_value("cchc_scheduler_tick_failures_total") == 10


async def test_an_unexpected_tick_error_shows_its_traceback_once(app, clock, caplog, monkeypatch):
    service = ReminderService(app)

    async def broken() -> int:
        raise KeyError("bug")

    monkeypatch.setattr(service, "tick", broken)
    with caplog.at_level(logging.WARNING, logger="scheduler.service"):
        for _ in range(3):
            await service.run_tick()
    lines = [r for r in caplog.records if r.name == "scheduler.service"]
    assert len(lines) == 1 and lines[0].exc_info is not None


async def test_zalo_unreachable_at_start_is_retried_with_a_proxy_hint_then_polls(app, caplog, monkeypatch):
    """Like Telegram: the Zalo Bot Platform behind a cut TCP proxy, back during the second pause."""
    from bot.channels.zalo import ZaloChannel
    from tests.channels.zalo.fake_zalo import TOKEN as ZALO_TOKEN, FakeZalo

    monkeypatch.delenv("HTTPS_PROXY", raising=False)
    fake = await FakeZalo().start()
    proxy = CuttableProxy(("127.0.0.1", int(fake.base_url.rsplit(":", 1)[1])), up=False)
    channel = ZaloChannel(replace(app.settings, zalo_token=ZALO_TOKEN, zalo_api_base_url=f"http://127.0.0.1:{proxy.port}"),
                          poll_timeout=1, retry_delay=0.01, max_retry_delay=0.05)
    pauses: list[float] = []

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)
        assert "zalo" in app.health.problems(app.clock.now())[0]  # not ready while waiting
        if len(pauses) == 2:
            proxy.restore()

    try:
        with caplog.at_level(logging.WARNING, logger="bot.startup"):
            assert await start_channel(channel, app, sleep=sleep) == 3
        assert pauses == [1, 2] and app.health.problems(app.clock.now()) == []
        lines = [r.getMessage() for r in caplog.records if r.name == "bot.startup"]
        assert len(lines) == 2 and all(line.startswith("zalo unreachable at start") for line in lines)
        assert "HTTPS_PROXY=http://proxy:port" in lines[0] and "getMe" in lines[0]  # closed at once: ReadError
        assert ZALO_TOKEN not in caplog.text
        assert fake.methods()[:2] == ["getMe", "deleteWebhook"]  # started: polling
    finally:
        await channel.stop()
        proxy.close()
        await fake.stop()


async def test_a_zalo_token_refused_at_start_is_not_retried(app):
    from bot.channels.zalo import ZaloChannel
    from tests.channels.zalo.fake_zalo import FakeZalo

    fake = await FakeZalo().start()
    channel = ZaloChannel(replace(app.settings, zalo_token="999:wrong-token", zalo_api_base_url=fake.base_url))
    try:
        assert await start_channel(channel, app, sleep=pytest.fail) == 1  # logged as an error; the channel stays off
    finally:
        await channel.stop()
        await fake.stop()
