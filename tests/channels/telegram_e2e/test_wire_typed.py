"""Over the wire, the paths that need no button and no menu: typed "xem thêm", pictures answered in one line,
commands meant for other bots left alone in groups."""
from __future__ import annotations

import pytest

from tests.channels.telegram import updates as u

GROUP = -400200311
QUESTION = "Kế hoạch CCHC năm phải ban hành chậm nhất ngày nào?"


@pytest.fixture
def kb(app):  # type: ignore[no-untyped-def]
    app.knowledge.ensure_ready()
    return app.knowledge


async def test_xem_them_typed_in_a_private_chat(live, emulator, kb):
    await emulator.say(QUESTION, chat_id=561, user_id=561)
    [answer] = await emulator.wait_messages(561)
    await emulator.say("xem thêm", chat_id=561, user_id=561)
    _, section = await emulator.wait_messages(561, 2)
    assert "7946/UBND-NCPC" in section["text"] and section["text"] != answer["text"]


async def test_a_photo_in_a_private_chat_gets_one_line(live, emulator):
    photo = [{"file_id": "p1", "file_unique_id": "up1", "width": 90, "height": 90}]
    message = {k: v for k, v in u.message("x", chat_id=562, user_id=562).items() if k != "text"}
    await emulator.push(u.update(message={**message, "photo": photo}))
    [line] = await emulator.wait_messages(562)
    assert line["text"].startswith("Trợ lý chỉ đọc được tin nhắn chữ")


async def test_commands_for_other_bots_are_left_alone_in_groups(live, emulator):
    await emulator.say("/ban@other_bot 123", chat_id=GROUP, user_id=41)
    await emulator.say("/ban 123", chat_id=GROUP, user_id=41)  # unknown to us: another bot's, in privacy mode
    await emulator.say("/khongco@cchc_test_bot", chat_id=GROUP, user_id=41)  # addressed to us: answered
    [answer] = await emulator.wait_messages(GROUP)
    assert "Không có lệnh /khongco" in answer["text"]
    await emulator.say("/help", chat_id=GROUP, user_id=41)
    await emulator.wait_messages(GROUP, 2)
    assert len(await emulator.messages(GROUP)) == 2


async def test_a_long_list_keeps_its_lines_when_split(live, emulator):
    from bot.core.messages import Reply

    lines = [f"{i}. UBND xã Thử nghiệm số {i}: chưa xác nhận nộp báo cáo CCHC quý IV/2026 🔔" for i in range(1, 121)]
    await live.send("566", Reply("Các đơn vị chưa nộp:\n" + "\n".join(lines)))
    pieces = await emulator.wait_messages(566, 2)
    got = [line for p in pieces for line in p["text"].split("\n")]
    assert got == ["Các đơn vị chưa nộp:", *lines]  # every line whole, none joined to another
