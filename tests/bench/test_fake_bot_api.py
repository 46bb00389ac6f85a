"""The bench's fake Bot API answers in the documented shapes: what PTB parses from Telegram, it parses from the fake."""
from __future__ import annotations

import httpx
from telegram import Message, User

from bench.fake_bot_api import FakeBotApi


def test_get_me_and_send_message_parse_as_the_bot_api_objects() -> None:
    fake = FakeBotApi()
    port = fake.start()
    try:
        base = f"http://127.0.0.1:{port}/bot123:abc"
        me = httpx.post(f"{base}/getMe").json()
        assert me["ok"] is True and User.de_json(me["result"], None).username == "cchc_bot"
        for chat_id, kind in (("-1001000000001", "supergroup"), ("-4242", "group"), ("77", "private")):
            r = httpx.post(f"{base}/sendMessage", json={"chat_id": chat_id, "text": "Nhắc hạn"}).json()
            msg = Message.de_json(r["result"], None)
            assert r["ok"] is True and msg.chat.type == kind and str(msg.chat.id) == chat_id
            assert msg.text == "Nhắc hạn" and msg.from_user is not None and msg.from_user.is_bot
        assert httpx.post(f"{base}/setMyCommands", json={"commands": []}).json() == {"ok": True, "result": True}
        assert fake.stats()["per_chat"] == {"-1001000000001": 1, "-4242": 1, "77": 1}
    finally:
        fake.stop()


def test_a_502_is_the_documented_error_shape_and_not_counted() -> None:
    fake = FakeBotApi(fail_rate=1.0)
    port = fake.start()
    try:
        r = httpx.post(f"http://127.0.0.1:{port}/bot123:abc/sendMessage", json={"chat_id": "1", "text": "x"})
        assert r.status_code == 502
        assert r.json() == {"ok": False, "error_code": 502, "description": "Bad Gateway"}
        assert fake.stats()["per_chat"] == {} and fake.stats()["failures"] == 1
    finally:
        fake.stop()
