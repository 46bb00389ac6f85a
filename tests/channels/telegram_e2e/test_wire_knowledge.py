"""Questions and documents over the wire: answers with their source and "Xem thêm", /hoi and mentions in groups,
an admin's file ingested and its deadlines offered for confirmation."""
from __future__ import annotations

import pytest

SUPER = 1001  # ADMIN_IDS telegram:1001 in the shared settings fixture
GROUP = -400200300
QUESTION = "Kế hoạch CCHC năm phải ban hành chậm nhất ngày nào?"


@pytest.fixture
def kb(app):  # type: ignore[no-untyped-def]
    app.knowledge.ensure_ready()  # the bundled directives
    return app.knowledge


async def test_a_question_is_answered_with_its_source_and_the_full_section_on_demand(live, emulator, kb):
    await emulator.say(QUESTION, chat_id=557, user_id=557)
    [answer] = await emulator.wait_messages(557)
    assert "30/01" in answer["text"] and "7946/UBND-NCPC" in answer["text"]
    [[more]] = answer["reply_markup"]["inline_keyboard"]
    assert more["text"] == "Xem thêm" and more["callback_data"].startswith("more:")
    await emulator.press(more["callback_data"], origin=answer, user_id=557)
    _, section = await emulator.wait_messages(557, 2)
    assert "7946/UBND-NCPC" in section["text"] and len(section["text"]) > len(answer["text"]) / 2


async def test_in_groups_the_bot_answers_hoi_and_mentions_only(live, emulator, kb):
    await emulator.say("kế hoạch cchc năm ban hành khi nào", chat_id=GROUP, user_id=31)  # chatter: ignored
    await emulator.say(f"/hoi {QUESTION}", chat_id=GROUP, user_id=31)
    await emulator.say(f"@cchc_test_bot {QUESTION}", chat_id=GROUP, user_id=32)
    first, second = await emulator.wait_messages(GROUP, 2)
    assert "30/01" in first["text"] and "30/01" in second["text"]
    assert len(await emulator.messages(GROUP)) == 2


async def test_an_admin_file_is_ingested_and_its_deadlines_offered(live, emulator, kb):
    text = ("KẾ HOẠCH\nKiểm tra công tác cải cách hành chính năm 2027\n\n"
            "1. Các sở, ban, ngành gửi báo cáo tự kiểm tra về Sở Nội vụ trước ngày 15/11/2027.\n"
            "2. Sở Nội vụ tổng hợp, báo cáo UBND tỉnh.\n").encode()
    await emulator.send_file("kiem-tra-cchc-2027.txt", text, chat_id=SUPER, user_id=SUPER)
    added, offer = await emulator.wait_messages(SUPER, 2)
    assert "Đã thêm văn bản" in added["text"]
    confirm, _cancel = offer["reply_markup"]["inline_keyboard"][0]
    await emulator.press(confirm["callback_data"], origin=offer, user_id=SUPER)

    async def saved() -> bool:
        return any(m["text"].startswith("✅ Đã lưu hạn") for m in await emulator.messages(SUPER))

    await emulator.wait_for(saved)
    assert len(await emulator.calls("download")) == 1


async def test_files_from_non_admins_are_not_downloaded(live, emulator, kb):
    await emulator.send_file("x.txt", b"abc", chat_id=558, user_id=558)
    [refusal] = await emulator.wait_messages(558)
    assert "quản trị viên" in refusal["text"]
    assert await emulator.calls("getFile") == [] and await emulator.calls("download") == []
