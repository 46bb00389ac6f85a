"""Conversation around the questions: small talk, follow-ups kept in the database, typing slips in commands,
and questions about the deadlines configured in the bot."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.vietnamese import fold
from handlers.conversation import ascii_command, small_talk
from knowledge.models import ChatTurn
from tests.builders import admin_msg, msg
from tests.handlers.test_deadlines import say


@pytest.fixture(autouse=True)
def _knowledge_ready(app):  # type: ignore[no-untyped-def]
    app.knowledge.ensure_ready()


@pytest.mark.parametrize("text", ["chào bot", "Xin chào", "hello", "cảm ơn", "cam on ban nhieu", "thanks",
                                  "bạn làm được gì?", "ban la ai", "tạm biệt"])
async def test_small_talk_gets_a_short_friendly_reply(app, text):
    r = await say(app, msg(text))
    assert len(r.text) <= 400 and "/help" in r.text and "Nguồn" not in r.text and "chưa tìm thấy" not in r.text


def test_small_talk_leaves_questions_alone():
    for q in ("chào bạn, hạn nộp kế hoạch cchc năm của xã là ngày nào?", "cam on, con cap xa thi sao",
              "ke hoach cchc nam ban hanh cham nhat ngay nao"):
        assert small_talk(q) is None


async def test_follow_up_is_completed_from_the_last_turn_in_the_database(app, clock):
    r = await say(app, msg("cac so ban nganh bac kan ban hanh kh cchc nam truoc ngay nao"))
    assert "30/01" in r.text
    with app.db.session() as s:
        assert s.get(ChatTurn, ("fake", "c1")) is not None  # shared by replicas, not kept in memory
    r = await say(app, msg("còn cấp xã thì sao?"))
    assert "28/02" in r.text and "30/01" not in r.text.split("📄")[0]
    r = await say(app, msg("văn bản đó ai ký?"))
    assert "Nguyễn Đăng Bình" in r.text
    other = await say(app, msg("còn cấp xã thì sao?", chat="c2"))  # another chat has no previous turn
    assert "28/02" not in other.text


async def test_follow_up_window_runs_out(app, clock):
    await say(app, msg("cac so ban nganh bac kan ban hanh kh cchc nam truoc ngay nao"))
    clock.advance(timedelta(minutes=30))
    r = await say(app, msg("còn cấp xã thì sao?"))
    assert "28/02" not in r.text


async def test_mistyped_command_gets_a_suggestion(app):
    r = await say(app, msg("/tinhinh"))
    assert "Có phải bạn muốn: /tinhhinh?" in r.text
    r = await say(app, msg("/hoii ke hoach"))
    assert "/hoi?" in r.text
    r = await say(app, msg("/xyzxyzxyz"))
    assert "Có phải" not in r.text and "/help" in r.text


async def test_command_typed_with_diacritics_is_the_command(app):
    assert ascii_command("/hạn") == "/han" and ascii_command("/hỏi ke hoach") == "/hoi ke hoach"
    plain = await say(app, msg("/han"))
    accented = await say(app, msg("/hạn"))
    assert accented.text == plain.text


async def _install_cchc(app):  # type: ignore[no-untyped-def]
    r = await say(app, admin_msg("/caidat cchc 15"))
    await say(app, admin_msg(callback=r.buttons[0].data))


async def test_question_about_the_configured_deadlines(app):
    await _install_cchc(app)
    r = await say(app, msg("hạn nộp báo cáo 6 tháng là ngày nào?"))
    text = fold(r.text)
    assert "6 thang" in text and "/06/" in r.text and "so lieu chot" in text and "581/BNV-CCHC" in r.text
    r = await say(app, admin_msg("quý này đơn vị tôi phải nộp gì?"))
    assert "cần nộp" in r.text or "không có hạn nộp" in r.text


async def test_directive_questions_still_go_to_the_documents(app):
    await _install_cchc(app)
    r = await say(app, msg("UBND cấp xã ban hành kế hoạch CCHC năm chậm nhất ngày nào?"))
    assert "28/02" in r.text and "📄 Nguồn:" in r.text
