"""With WEB_LISTEN set, Telegram's webhook is served by the web app's server (uvicorn), not a server of its own."""
from __future__ import annotations

from dataclasses import replace

import httpx

from bot.channels.telegram import TelegramChannel
from bot.web.app import create_app
from bot.web.server import WebServer
from tests.channels.telegram import updates as u
from tests.channels.telegram.conftest import fake, tg_settings  # noqa: F401  (fixtures)

SECRET = "s3cret-Token_1"


async def test_telegram_webhook_on_the_web_server(app, fake, tg_settings):  # type: ignore[no-untyped-def]  # noqa: F811
    settings = replace(tg_settings, telegram_webhook_url="https://bot.example.gov.vn/tg-hook",
                       telegram_webhook_secret=SECRET, web_listen="127.0.0.1:0")
    channel = TelegramChannel(settings, request=fake)
    app.channels["telegram"] = channel
    web = WebServer(create_app(app), "127.0.0.1:0")
    await web.start()
    await channel.start(app)
    try:
        assert channel.webhook is None  # no server of its own
        [hook] = fake.of("setWebhook")
        assert hook["url"] == "https://bot.example.gov.vn/tg-hook" and hook["secret_token"] == SECRET
        url = f"http://127.0.0.1:{web.port}/tg-hook"
        async with httpx.AsyncClient() as client:
            wrong = await client.post(url, json=u.text_update("/start", chat_id=600, user_id=600),
                                      headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
            junk = await client.post(url, content=b"not json", headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
            huge = await client.post(url, content=b"x" * (1024 * 1024 + 1),
                                     headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
            right = await client.post(url, json=u.text_update("/start", chat_id=602, user_id=602),
                                      headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
            health = await client.get(f"http://127.0.0.1:{web.port}/healthz")
            page = await client.get(f"http://127.0.0.1:{web.port}/tong-quan")
        assert (wrong.status_code, junk.status_code, huge.status_code, right.status_code) == (403, 400, 413, 200)
        assert health.status_code == 200 and page.status_code == 303  # one server: webhook, health, dashboard
        [sent] = await fake.wait_for("sendMessage")
        assert sent["chat_id"] == 602 and "Trợ lý CCHC" in sent["text"]
    finally:
        await channel.stop()
        await web.stop()
