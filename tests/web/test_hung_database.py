"""A database that accepts connections and never answers: webhooks still answer 200 at once, /readyz says why the
process is not ready, the event loop stays free, and a reminder due meanwhile is sent once the database is back."""
from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import replace
from datetime import datetime

import httpx
import pytest

from bot.app import App
from bot.channels.telegram import TelegramChannel
from bot.core.clock import VN_TZ
from bot.core.db import Database, DbTimeouts
from bot.web.app import create_app
from bot.web.server import WebServer
from scheduler.service import ReminderService
from tests.bot.test_db_timeouts import SilentServer
from tests.builders import seed_unit_with_deadline
from tests.channels.telegram import updates as u
from tests.channels.telegram.conftest import fake, tg_settings  # noqa: F401  (fixtures)

SECRET = "s3cret-Token_1"
QUICK = 1.0  # seconds a webhook answer may take while the database hangs (the connect timeout alone is 2 s)


def hung_database() -> tuple[Database, SilentServer]:
    pytest.importorskip("psycopg")
    server = SilentServer()
    db = Database.from_url(f"postgresql+psycopg://postgres@127.0.0.1:{server.port}/x",
                           DbTimeouts(connect=2, statement=1, pool=1), workers=2)
    return db, server


async def test_webhooks_answer_200_quickly_and_readyz_is_503_while_the_database_hangs(  # noqa: F811
        app: App, fake, tg_settings) -> None:  # type: ignore[no-untyped-def]
    settings = replace(tg_settings, telegram_webhook_url="https://bot.example.gov.vn/tg-hook",
                       telegram_webhook_secret=SECRET, web_listen="127.0.0.1:0")
    channel = TelegramChannel(settings, request=fake)
    app.channels["telegram"] = channel
    web = WebServer(create_app(app), "127.0.0.1:0")
    await web.start()
    await channel.start(app)  # started while the database answered
    hung, server = hung_database()
    real, app.db = app.db, hung
    try:
        base = f"http://127.0.0.1:{web.port}"
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            slowest = 0.0
            for i in range(40):  # a flood from one chat and a few others, all while every database call hangs
                chat = 700 if i % 4 else 800 + i
                started = time.monotonic()
                update = u.text_update(f"câu hỏi {i}", chat_id=chat, user_id=chat)
                answer = await client.post("/tg-hook", json=update, headers=headers)
                slowest = max(slowest, time.monotonic() - started)
                assert answer.status_code == 200
            started = time.monotonic()
            health = await client.get("/healthz")
            ready = await client.get("/readyz")
            probe_seconds = time.monotonic() - started
        assert slowest < QUICK, f"a webhook took {slowest:.2f} s while the database hung"
        assert health.status_code == 200
        assert ready.status_code == 503 and any("cơ sở dữ liệu" in p for p in ready.json()["problems"])
        assert probe_seconds < 2 + QUICK  # the readiness probe's own 2 s limit
    finally:
        app.db = real
        await channel.stop()
        await web.stop()
        hung.dispose()
        server.close()


async def test_a_tick_on_a_hung_database_leaves_the_loop_free_and_the_reminder_is_sent_later(app: App, clock, channel):  # type: ignore[no-untyped-def]
    seed_unit_with_deadline(app, "fake", "g1")
    service = ReminderService(app)
    clock.set(datetime(2026, 12, 3, 8, tzinfo=VN_TZ))
    hung, server = hung_database()
    real, app.db = app.db, hung
    try:
        tick = asyncio.create_task(service.run_tick())  # fails within the timeouts, on a worker thread
        beats = 0
        while not tick.done():  # the event loop keeps turning meanwhile
            beats += 1
            await asyncio.sleep(0.01)
        assert beats > 10
        assert channel.sent == []
    finally:
        app.db = real
        hung.dispose()
        server.close()
    clock.set(datetime(2026, 12, 3, 9, tzinfo=VN_TZ))
    assert await service.tick() == 1  # not lost: sent on the first tick after the outage, marked late
    assert "Nhắc hạn" in channel.sent[0].reply.text


async def test_a_dashboard_page_waiting_on_the_database_leaves_healthz_answering_and_readyz_not_ready(app: App) -> None:
    from sqlalchemy import event

    from tests.web.conftest import link_token

    web = WebServer(create_app(app), "127.0.0.1:0")
    await web.start()
    gate, waiting = threading.Event(), threading.Event()

    def hold(*_args: object) -> None:  # every connection taken from the pool waits here: a database that hangs
        waiting.set()
        if not gate.wait(60):
            raise RuntimeError("the held database was never released")

    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{web.port}", timeout=90) as client:
            signed_in = await client.post("/dang-nhap", data={"t": link_token(app)})
            assert signed_in.status_code == 303
            event.listen(app.db.engine, "checkout", hold)
            page = asyncio.create_task(client.get("/tong-quan"))
            await asyncio.to_thread(waiting.wait, 60)  # the page is inside its database call
            health = await client.get("/healthz")  # served by the loop meanwhile
            assert health.status_code == 200 and not page.done()
            ready = await client.get("/readyz")  # its probe waits on the held database too: not ready
            assert ready.status_code == 503 and not page.done()
            assert any("cơ sở dữ liệu" in p for p in ready.json()["problems"])
            gate.set()
            assert (await page).status_code == 200
    finally:
        gate.set()
        if event.contains(app.db.engine, "checkout", hold):
            event.remove(app.db.engine, "checkout", hold)
        await web.stop()
