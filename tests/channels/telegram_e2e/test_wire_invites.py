"""Over the wire: an admin's /moi gives a deep link and its QR code; opening the link registers a focal point."""
from __future__ import annotations

import base64
import re

from handlers.invites import qr_png
from scheduler.models import FocalPoint
from scheduler.units import add_unit

SUPER = 1001


async def test_an_invite_link_and_its_qr_code_register_the_focal_point(live, emulator, app):
    with app.db.session() as s:
        add_unit(s, "Sở Tư pháp", "so")
    await emulator.say("/moi Sở Tư pháp", chat_id=SUPER, user_id=SUPER)
    [letter] = await emulator.wait_messages(SUPER)
    link = re.search(r"https://t\.me/cchc_test_bot\?start=(dk_[A-Z0-9]{8})", letter["caption"])
    assert link and "Sở Tư pháp" in letter["caption"] and "dangky " in letter["caption"]
    [sent] = [c["params"] for c in await emulator.calls("sendPhoto")]
    png = base64.b64decode(sent["photo"]["content_base64"])
    assert png.startswith(b"\x89PNG") and png == qr_png(link.group(0))  # the QR code encodes exactly that link

    await emulator.say(f"/start {link.group(1)}", chat_id=881, user_id=881)  # what Telegram sends on opening it
    [welcome] = await emulator.wait_messages(881)
    assert "đầu mối của Sở Tư pháp" in welcome["text"]
    with app.db.session() as s:
        [fp] = s.query(FocalPoint).all()
        assert (fp.channel, fp.user_id, fp.private_chat_id) == ("telegram", "881", "881")


async def test_a_wrong_code_changes_nothing(live, emulator, app):
    await emulator.say("/start dk_ZZZZZZZZ", chat_id=882, user_id=882)
    [answer] = await emulator.wait_messages(882)
    assert "không đúng" in answer["text"]
    with app.db.session() as s:
        assert s.query(FocalPoint).count() == 0
