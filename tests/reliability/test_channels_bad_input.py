"""Bad input at the channel doors and secrets in logs: malformed and oversized webhook bodies store nothing,
HTML- and SQL-looking names come back verbatim (escaped on Telegram), and a whole Telegram + Zalo session
logs no token, even at DEBUG through the production log set-up.
"""
from __future__ import annotations

import asyncio
import dataclasses
import io
import json
import logging
import socket
import sys

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from telegram import Update

from bot.app import App, build_app
from bot.channels.telegram import TelegramChannel
from bot.channels.zalo import ZaloChannel
from bot.core.clock import FixedClock
from bot.core.config import Settings
from bot.core.db import Database
from bot.core.logs import setup_logging
from bot.core.messages import Reply
from scheduler.models import Chat
from tests.channels.telegram import updates as u
from tests.channels.telegram.fake_api import FakeBotAPI
from tests.channels.zalo.fake_zalo import TOKEN as ZALO_TOKEN
from tests.channels.zalo.fake_zalo import FakeZalo

TG_TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghij"
SUPER = 1001  # ADMIN_IDS telegram:1001 in the shared settings fixture
SECRET = "webhook-secret_42"
NASTY = "<b>x</b>'; DROP TABLE units;--"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chats(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(Chat)) or 0)


@pytest.fixture
async def zalo_fake():  # type: ignore[no-untyped-def]
    server = await FakeZalo().start()
    yield server
    await server.stop()


async def feed(channel: TelegramChannel, update: dict) -> None:  # type: ignore[type-arg]
    await channel.application.process_update(Update.de_json(update, channel.bot))
    await channel.idle()


async def post_to_telegram_webhook(app: App, settings: Settings, bodies: list[bytes]) -> tuple[list[int], FakeBotAPI]:
    """Start the adapter in webhook mode on 127.0.0.1, POST each body with the right secret; the answers' codes."""
    port = free_port()
    tg_settings = dataclasses.replace(settings, telegram_token=TG_TOKEN, telegram_webhook_secret=SECRET,
                                      telegram_webhook_url="https://cchc.example.gov.vn/tg",
                                      telegram_webhook_listen=f"127.0.0.1:{port}")
    fake = FakeBotAPI()
    channel = TelegramChannel(tg_settings, request=fake)
    app.channels["telegram"] = channel
    await channel.start(app)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
            codes = [(await client.post("/tg", content=b, headers=headers)).status_code for b in bodies]
    finally:
        await channel.stop()
    return codes, fake


async def test_malformed_telegram_updates_are_400_and_store_nothing(app: App, settings: Settings):
    bodies = [b"[1, 2]", b'"a string"', b"null", b'{"update_id": "x", "message": 5}', b'{"message": {"text": "/start"}}',
              b'{"update_id": 1, "message": {"text": "/start", "chat": {"id": 5}}}']
    codes, fake = await post_to_telegram_webhook(app, settings, bodies)
    assert codes == [400] * len(bodies)
    assert fake.sent() == [] and chats(app.db) == 0


async def test_telegram_webhook_bodies_that_are_not_json_are_400(app: App, settings: Settings):
    bodies = [b"{not json", b"", b"\xff\xfe\x00garbage"]
    codes, fake = await post_to_telegram_webhook(app, settings, bodies)
    assert fake.sent() == [] and chats(app.db) == 0
    assert codes == [400] * len(bodies)


async def test_malformed_and_oversized_zalo_webhook_bodies_store_nothing(settings: Settings, clock: FixedClock,
                                                                        db: Database, zalo_fake: FakeZalo):
    zalo_settings = dataclasses.replace(settings, zalo_token=ZALO_TOKEN, zalo_api_base_url=zalo_fake.base_url,
                                        zalo_webhook_url="https://cchc.example.gov.vn/zalo/hook",
                                        zalo_webhook_secret=SECRET, zalo_webhook_listen="127.0.0.1:0")
    channel = ZaloChannel(zalo_settings, poll_timeout=1, retry_delay=0.01, max_retry_delay=0.05)
    await channel.start(build_app(zalo_settings, clock=clock, channels={"zalo": channel}, db=db))
    assert channel.webhook is not None
    url = f"http://127.0.0.1:{channel.webhook.port}/zalo/hook"
    try:
        huge = zalo_fake.update("Kế hoạch CCHC? " * 350_000, chat="u9")  # about 5 MB of text
        try:  # over the 1 MB body limit: tornado answers 400 or drops the connection while the body streams in
            assert (await zalo_fake.deliver(url, huge)).status_code in (400, 413)
        except httpx.TransportError:
            pass
        for body in ({"event_name": "message.text.received"}, {"event_name": "message.text.received", "message": 5},
                     {"ok": True, "result": [1]}, 12):
            assert (await zalo_fake.deliver(url, body)).status_code == 400, body
        assert (await zalo_fake.deliver(url, None, raw="/start".encode("utf-16"))).status_code == 400
        await channel.idle()
    finally:
        await channel.stop()
    assert zalo_fake.sent() == [] and chats(db) == 0


async def test_html_and_sql_looking_unit_names_are_shown_verbatim_and_escaped_on_telegram(app: App,
                                                                                          settings: Settings):
    fake = FakeBotAPI()
    channel = TelegramChannel(dataclasses.replace(settings, telegram_token=TG_TOKEN), request=fake, retry_delay=0,
                              poll_timeout=1)
    app.channels["telegram"] = channel
    await channel.start(app)
    try:
        await feed(channel, u.text_update(f"/donvi them {NASTY} | xã", chat_id=SUPER, user_id=SUPER))
        await feed(channel, u.text_update("/donvi", chat_id=SUPER, user_id=SUPER))
    finally:
        await channel.stop()
    added, listing = fake.sent(SUPER)[-2:]
    escaped = "&lt;b&gt;x&lt;/b&gt;'; DROP TABLE units;--"
    assert added["parse_mode"] == listing["parse_mode"] == "HTML"
    assert escaped in added["text"] and escaped in listing["text"] and "<b>x" not in listing["text"]
    [reply] = await app.handle(u_msg("/donvi"))
    assert f"• {NASTY} —" in reply.text  # stored and read back byte for byte


def u_msg(text: str):  # type: ignore[no-untyped-def]
    from tests.builders import msg

    return msg(text)


async def test_a_whole_telegram_and_zalo_session_logs_no_token(app: App, settings: Settings,
                                                               zalo_fake: FakeZalo, monkeypatch):
    both = dataclasses.replace(settings, telegram_token=TG_TOKEN, zalo_token=ZALO_TOKEN,
                               zalo_api_base_url=zalo_fake.base_url, log_level="DEBUG")
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    monkeypatch.setattr(sys, "stderr", stream)
    setup_logging("DEBUG", both.secrets())  # the production set-up, at its most talkative
    for noisy in ("httpx", "httpcore", "telegram", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.DEBUG)
    fake = FakeBotAPI()
    tg = TelegramChannel(both, request=fake, retry_delay=0, poll_timeout=1)
    zalo = ZaloChannel(both, poll_timeout=1, retry_delay=0.01, max_retry_delay=0.05)
    session_app = build_app(both, clock=app.clock, channels={"telegram": tg, "zalo": zalo}, db=app.db)
    try:
        await tg.start(session_app)
        await zalo.start(session_app)
        await feed(tg, u.text_update("/start", chat_id=SUPER, user_id=SUPER))
        await feed(tg, u.text_update("/hoi kế hoạch cải cách hành chính năm", chat_id=SUPER, user_id=SUPER))
        fake.fail_next("sendMessage", httpx.ConnectError(f"cannot reach https://api.telegram.org/bot{TG_TOKEN}/x"))
        fake.fail_with("sendMessage", 401, "Unauthorized")
        await feed(tg, u.text_update("/help", chat_id=SUPER, user_id=SUPER))
        zalo_fake.push(zalo_fake.update("/help", chat="z1"))
        await zalo_fake.wait_sent(1)
        zalo_fake.fail_next["sendMessage"] = [(429, "quota exceeded"), (401, "Unauthorized")]
        for _ in range(2):
            try:
                await zalo.send("z1", Reply("Nhắc hạn"))
            except Exception as e:  # the errors themselves must not carry the token either
                logging.getLogger("test").exception("send failed: %s", e)
        await session_app.notify_admins("⚠️ thử thông báo")
    finally:
        await zalo.stop()
        await tg.stop()
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
        for noisy in ("httpx", "httpcore", "telegram", "apscheduler"):
            logging.getLogger(noisy).setLevel(logging.NOTSET)
    text = stream.getvalue()
    assert "***" in text and "HTTP Request" in text  # the session was logged, the token-bearing error redacted
    for secret in (TG_TOKEN, TG_TOKEN.split(":")[1], ZALO_TOKEN, ZALO_TOKEN.split(":")[1]):
        assert secret not in text


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["update_id", "message", "text", "chat", "id", "from", "event_name", "ok", "result",
                         "message_id", "date", "callback_query", "my_chat_member", "chat_type", "type"]) | st.text(max_size=8),
        inner, max_size=5),
    max_leaves=12)
updates_like = st.one_of(json_values, st.fixed_dictionaries({"update_id": st.integers(), "message": json_values}),
                         st.fixed_dictionaries({"event_name": st.just("message.text.received"), "message": json_values}))


@pytest.fixture
def both_webhooks(settings: Settings, clock: FixedClock, db: Database):  # type: ignore[no-untyped-def]
    """Telegram and Zalo in webhook mode on 127.0.0.1, on a private event loop the test drives."""
    loop = asyncio.new_event_loop()
    zalo_fake = loop.run_until_complete(FakeZalo().start())
    port = free_port()
    hooked = dataclasses.replace(
        settings, telegram_token=TG_TOKEN, telegram_webhook_secret=SECRET, telegram_webhook_url="https://x.gov.vn/tg",
        telegram_webhook_listen=f"127.0.0.1:{port}", zalo_token=ZALO_TOKEN, zalo_api_base_url=zalo_fake.base_url,
        zalo_webhook_url="https://x.gov.vn/zalo", zalo_webhook_secret=SECRET, zalo_webhook_listen="127.0.0.1:0")
    fake = FakeBotAPI()
    tg = TelegramChannel(hooked, request=fake)
    zalo = ZaloChannel(hooked, poll_timeout=1, retry_delay=0.01, max_retry_delay=0.05)
    app = build_app(hooked, clock=clock, channels={"telegram": tg, "zalo": zalo}, db=db)
    loop.run_until_complete(tg.start(app))
    loop.run_until_complete(zalo.start(app))
    assert zalo.webhook is not None
    client = httpx.AsyncClient(headers={"Content-Type": "application/json"})
    urls = {"telegram": (f"http://127.0.0.1:{port}/tg", {"X-Telegram-Bot-Api-Secret-Token": SECRET}),
            "zalo": (f"http://127.0.0.1:{zalo.webhook.port}/zalo", {"X-Bot-Api-Secret-Token": SECRET})}

    def post(channel: str, body: object) -> int:
        url, headers = urls[channel]
        return loop.run_until_complete(client.post(url, content=json.dumps(body).encode(), headers=headers)).status_code

    yield post, loop.run_until_complete, fake, zalo_fake
    loop.run_until_complete(client.aclose())
    loop.run_until_complete(zalo.stop())
    loop.run_until_complete(tg.stop())
    loop.run_until_complete(zalo_fake.stop())
    loop.close()


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=updates_like)
def test_any_json_body_gets_200_or_400_never_a_server_error(both_webhooks, body) -> None:  # type: ignore[no-untyped-def]
    post, _, _, _ = both_webhooks
    assert post("telegram", body) in (200, 400)
    assert post("zalo", body) in (200, 400)


def test_the_webhooks_still_answer_after_garbage(both_webhooks) -> None:  # type: ignore[no-untyped-def]
    post, run, fake, zalo_fake = both_webhooks
    for body in ([], {"update_id": 1, "message": {"chat": 5}}, {"event_name": "message.text.received"}):
        post("telegram", body)
        post("zalo", body)
    assert post("telegram", u.text_update("/help", chat_id=1001, user_id=1001)) == 200
    assert post("zalo", zalo_fake.update("/help", chat="z7")) == 200
    run(fake.wait_for("sendMessage", 1))
    run(zalo_fake.wait_sent(1))
    assert fake.sent(1001) and zalo_fake.sent("z7")
