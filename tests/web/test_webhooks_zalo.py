"""With WEB_LISTEN set, the Zalo Bot Platform webhook is served by the web app's server, secret header and all."""
from __future__ import annotations

import dataclasses

from bot.app import build_app
from bot.web.app import create_app
from bot.web.server import WebServer
from tests.channels.zalo.conftest import fake, make_channel, zalo_settings  # noqa: F401  (fixtures)

SECRET = "webhook-secret-1234"


async def test_zalo_webhook_on_the_web_server(zalo_settings, fake, clock, db):  # type: ignore[no-untyped-def]  # noqa: F811
    settings = dataclasses.replace(zalo_settings, zalo_webhook_url="https://cchc.example.gov.vn/zalo/hook",
                                   zalo_webhook_secret=SECRET, web_listen="127.0.0.1:0")
    channel = make_channel(settings)
    app = build_app(settings, clock=clock, channels={"zalo": channel}, db=db)
    web = WebServer(create_app(app), "127.0.0.1:0")
    await web.start()
    await channel.start(app)
    try:
        assert channel.webhook is None and fake.webhook_url == "https://cchc.example.gov.vn/zalo/hook"
        url = f"http://127.0.0.1:{web.port}/zalo/hook"
        ok = await fake.deliver(url, fake.update("/help", chat="u1"))
        wrong = await fake.deliver(url, fake.update("/help", chat="u2"), secret="not-the-secret")
        await channel.idle()
        assert (ok.status_code, wrong.status_code) == (200, 403)
        assert len(fake.sent("u1")) == 1 and fake.sent("u2") == []
    finally:
        await channel.stop()
        await web.stop()
