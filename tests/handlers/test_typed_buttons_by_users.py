"""QA: «đồng ý» / «hủy» typed by someone who is not an admin (so has no change waiting) get one clear line, not a
passage of a directive; an admin's pending change is still confirmed or cancelled by them."""
from __future__ import annotations

import pytest

from bot.app import build_app
from bot.channels.recording import RecordingChannel
from bot.core.ports import Capabilities
from handlers.router import NOTHING_PENDING
from tests.builders import admin_msg, msg


@pytest.mark.parametrize("text", ["đồng ý", "Dong y", "xác nhận", "hủy", "huỷ"])
async def test_a_user_typing_a_button_word_is_told_nothing_waits(app, text):
    [reply] = await app.handle(msg(text, chat="u5", user="u5"))
    assert reply.text == NOTHING_PENDING


async def test_on_zalo_too(settings, clock, db):
    zalo = RecordingChannel("zalo", Capabilities(buttons=False, mentions=False, edits=False, bare_commands=True))
    app = build_app(settings, clock=clock, channels={"zalo": zalo}, db=db)
    for text in ("đồng ý", "huy"):
        [reply] = await app.handle(msg(text, chat="z5", user="z5", channel="zalo"))
        assert reply.text == NOTHING_PENDING


async def test_an_admin_still_confirms_and_cancels(app):
    await app.handle(admin_msg("/donvi them Sở Tư pháp | sở"))
    [ask] = await app.handle(admin_msg("/themhan Báo cáo năm | chậm nhất ngày 10/12 hằng năm | sở | 7,3,1,0"))
    assert "Lưu hạn này?" in ask.text
    [done] = await app.handle(admin_msg("đồng ý"))
    assert "Đã lưu hạn «Báo cáo năm»" in done.text
    [none] = await app.handle(admin_msg("hủy"))
    assert none.text.startswith("Không có thay đổi nào đang chờ bạn xác nhận")
