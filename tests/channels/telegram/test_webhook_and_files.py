"""Webhook mode over real HTTP on 127.0.0.1 (secret header checked) and files sent to the bot."""
from __future__ import annotations

import socket
from dataclasses import replace

import httpx
import pytest
from sqlalchemy import select

from bot.channels.telegram import TelegramChannel
from bot.core.messages import Reply
from bot.core.models import AuditEntry
from handlers.registry import REGISTRY
from handlers.router import load_commands
from tests.channels.telegram import updates as u
from tests.channels.telegram.conftest import SUPER, feed

SECRET = "s3cret-Token_1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_webhook_mode_refuses_to_start_without_a_secret(tg_settings):
    with pytest.raises(ValueError, match="TELEGRAM_WEBHOOK_SECRET"):
        TelegramChannel(replace(tg_settings, telegram_webhook_url="https://bot.example.gov.vn/tg"))
    with pytest.raises(ValueError, match="A-Z"):
        TelegramChannel(replace(tg_settings, telegram_webhook_url="https://bot.example.gov.vn/tg",
                                telegram_webhook_secret="có dấu"))


async def test_webhook_accepts_only_the_right_secret(app, fake, tg_settings):
    port = free_port()
    settings = replace(tg_settings, telegram_webhook_url="https://bot.example.gov.vn/tg-hook",
                       telegram_webhook_secret=SECRET, telegram_webhook_listen=f"127.0.0.1:{port}")
    channel = TelegramChannel(settings, request=fake)
    app.channels["telegram"] = channel
    await channel.start(app)
    try:
        [hook] = fake.of("setWebhook")
        assert hook["url"] == "https://bot.example.gov.vn/tg-hook" and hook["secret_token"] == SECRET
        assert fake.of("getUpdates") == []
        url = f"http://127.0.0.1:{port}/tg-hook"
        async with httpx.AsyncClient() as client:
            wrong = await client.post(url, json=u.text_update("/start", chat_id=600, user_id=600),
                                      headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
            missing = await client.post(url, json=u.text_update("/start", chat_id=601, user_id=601))
            right = await client.post(url, json=u.text_update("/start", chat_id=602, user_id=602),
                                      headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        assert (wrong.status_code, missing.status_code, right.status_code) == (403, 403, 200)
        [sent] = await fake.wait_for("sendMessage")
        assert sent["chat_id"] == 602 and "Trợ lý CCHC" in sent["text"]
    finally:
        await channel.stop()


async def test_a_rejected_token_stops_start_with_a_message_that_does_not_quote_it(app, fake, tg_settings):
    fake.fail_with("getMe", 401, "Unauthorized")
    channel = TelegramChannel(tg_settings, request=fake)
    with pytest.raises(RuntimeError) as e:
        await channel.start(app)
    assert "TELEGRAM_BOT_TOKEN" in str(e.value) and e.value.__suppress_context__
    assert tg_settings.telegram_token.split(":")[1] not in str(e.value)


@pytest.fixture
def received(monkeypatch):  # type: ignore[no-untyped-def]
    load_commands()
    seen = []

    async def handler(ctx):  # type: ignore[no-untyped-def]
        seen.append(ctx.msg)
        return Reply(f"Đã nhận {ctx.msg.document.file_name}")

    monkeypatch.setattr(REGISTRY, "document_handler", handler)
    return seen


async def test_an_admin_file_is_downloaded_and_handed_to_the_core(tg, fake, received):
    fake.files["f1"] = "Công văn 7946/UBND-NCPC".encode()
    await feed(tg, u.document_update(chat_id=SUPER, user_id=SUPER, file_id="f1", file_name="cv.txt",
                                     size=len(fake.files["f1"])))
    [msg] = received
    assert msg.document.file_name == "cv.txt" and msg.document.data == fake.files["f1"]
    assert msg.document.mime_type == "text/plain"
    assert fake.sent(SUPER)[-1]["text"] == "Đã nhận cv.txt"


async def test_an_oversized_file_is_refused_before_downloading(tg, fake, received, app):
    await feed(tg, u.document_update(chat_id=SUPER, user_id=SUPER, file_id="big", file_name="lon.pdf",
                                     size=app.settings.max_upload_bytes + 1, mime_type="application/pdf"))
    assert received == [] and fake.of("getFile") == [] and fake.downloads == 0
    assert "quá lớn" in fake.sent(SUPER)[-1]["text"] and "lon.pdf" in fake.sent(SUPER)[-1]["text"]


async def test_files_from_non_admins_and_in_groups_are_not_downloaded(tg, fake, app):
    fake.files["f2"] = b"x"
    await feed(tg, u.document_update(chat_id=77, user_id=77, file_id="f2", file_name="a.txt", size=1))
    group_file = u.document_update(chat_id=SUPER, user_id=SUPER, file_id="f2", file_name="a.txt", size=1)
    group_file["message"]["chat"] = u.chat(-500123)
    await feed(tg, group_file)
    assert fake.downloads == 0
    assert "Chỉ quản trị viên" in fake.sent(77)[-1]["text"]
    assert fake.sent(-500123) == []
    with app.db.session() as s:
        [entry] = s.scalars(select(AuditEntry)).all()
    assert (entry.action, entry.user_id, entry.detail, entry.outcome) == ("document", "77", "a.txt", "denied")


async def test_a_file_without_a_declared_size_is_stopped_at_the_limit(tg, fake, received, app):
    app.settings = replace(app.settings, max_upload_bytes=1 << 20)
    fake.files["huge"] = b"x" * (40 << 20)
    fake.undeclared.add("huge")
    update = u.document_update(chat_id=SUPER, user_id=SUPER, file_id="huge", file_name="lon.docx", size=0)
    del update["message"]["document"]["file_size"]
    await feed(tg, update)
    assert received == [] and fake.downloads == 1
    assert fake.bytes_served < 20 << 20  # the download was cut short, not read to the end
    text = fake.sent(SUPER)[-1]["text"]
    assert "quá lớn" in text and "lon.docx" in text and "Giới hạn là 1 MB" in text


async def test_a_file_without_a_declared_size_under_the_limit_is_handed_over(tg, fake, received):
    fake.files["small"] = "Kế hoạch cải cách hành chính".encode() * 1000
    fake.undeclared.add("small")
    update = u.document_update(chat_id=SUPER, user_id=SUPER, file_id="small", file_name="kh.txt", size=0)
    del update["message"]["document"]["file_size"]
    await feed(tg, update)
    [msg] = received
    assert msg.document.data == fake.files["small"]


async def test_an_admins_photo_is_downloaded_as_a_jpeg_for_ocr(tg, fake, received):
    fake.files["p1"] = b"\xff\xd8\xff\xe0 a jpeg"
    await feed(tg, u.photo_update(chat_id=SUPER, user_id=SUPER, file_id="p1", size=len(fake.files["p1"])))
    [msg] = received
    assert msg.document.file_name == "anh-u-p1.jpg" and msg.document.data == fake.files["p1"]
    assert fake.of("getFile") == [{"file_id": "p1"}]  # the largest size, not the thumbnail


async def test_a_photo_from_a_non_admin_is_not_downloaded(tg, fake, received):
    fake.files["p2"] = b"\xff\xd8\xff\xe0 a jpeg"
    await feed(tg, u.photo_update(chat_id=77, user_id=77, file_id="p2", size=10))
    assert received == [] and fake.downloads == 0
    assert fake.sent(77)  # the core's answer about pictures


async def test_the_watchdog_sees_webhook_updates_that_are_not_processed(app, fake, tg_settings, clock):
    """Updates answered 200 but stuck in handling make the process not ready (clock injected), and clear when handled."""
    import asyncio
    from datetime import timedelta

    port = free_port()
    settings = replace(tg_settings, telegram_webhook_url="https://bot.example.gov.vn/tg-hook",
                       telegram_webhook_secret=SECRET, telegram_webhook_listen=f"127.0.0.1:{port}")
    channel = TelegramChannel(settings, request=fake)
    app.channels["telegram"] = channel
    await channel.start(app)
    release = asyncio.Event()
    real = app.submit

    async def held(*a, **kw):  # type: ignore[no-untyped-def]
        await release.wait()
        return await real(*a, **kw)

    app.submit = lambda *a, **kw: asyncio.ensure_future(held(*a, **kw))  # type: ignore[method-assign]
    try:
        async with httpx.AsyncClient() as client:
            r = await client.post(f"http://127.0.0.1:{port}/tg-hook", json=u.text_update("/start", chat_id=700,
                                  user_id=700), headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        assert r.status_code == 200
        assert app.health.pending_updates == 1
        clock.advance(timedelta(minutes=3))
        assert any("không được xử lý" in p for p in app.health.problems(clock.now()))
        clock.advance(timedelta(minutes=5))
        assert app.health.should_exit(clock.now())
        release.set()
        await fake.wait_for("sendMessage")
        for _ in range(100):
            if app.health.pending_updates == 0:
                break
            await asyncio.sleep(0.01)
        assert app.health.pending_updates == 0 and app.health.problems(clock.now()) == []
    finally:
        release.set()
        await channel.stop()
