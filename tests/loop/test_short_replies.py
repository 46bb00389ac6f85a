"""QA round 2: short chat replies that are not questions. "dạ", "ok ạ" after an answer or a reminder get a short
line, never the previous passage again; "chưa nộp", "mai em nộp", "nộp ở đâu" in a unit's chat (a reply to the
reminder, its group, its focal point's private chat) get that unit's deadline: what, when, where, how to confirm.
A real question with the same words still goes to the documents. Fake channel, console; Telegram and Zalo twins."""
from __future__ import annotations

import io
from datetime import datetime

import pytest
from sqlalchemy import select

from bot.channels.console import ConsoleChannel
from bot.core.clock import VN_TZ
from bot.core.db import Database
from handlers.conversation import THANKS
from handlers.short_replies import kind_of
from scheduler.models import Chat, FocalPoint, Unit
from scheduler.repo import create_deadline
from scheduler.service import ReminderService
from scheduler.units import add_unit
from tests.builders import msg
from tests.loop.test_confirm_named_unit import acked

QUESTION = "ke hoach cchc nam ban hanh cham nhat ngay nao"
WHERE = "Sở Nội vụ (qua Hệ thống quản lý văn bản điều hành)"


def at(day: int, hh: int = 9) -> datetime:
    return datetime(2026, 12, day, hh, 0, tzinfo=VN_TZ)


def seed(db: Database, channel: str = "fake", group: str = "g1", focal: str = "fp1") -> None:
    """Sở Tư pháp with its group `group`; Sở Y tế with no group and the approved focal point `focal`; «bcn» due
    Thursday 10/12/2026, sent to Sở Nội vụ through the document system."""
    with db.session() as s:
        stp = add_unit(s, "Sở Tư pháp", "so", ["STP"])
        syt = add_unit(s, "Sở Y tế", "so", ["SYT"])
        s.add(Chat(channel=channel, chat_id=group, kind="group", title="Nhóm STP", active=True, unit_id=stp.id))
        s.add(Chat(channel=channel, chat_id=focal, kind="private", title="", active=True))
        s.add(FocalPoint(unit_id=syt.id, channel=channel, user_id=focal, display_name="Anh Nam",
                         private_chat_id=focal))
        create_deadline(s, dict(code="bcn", title="Báo cáo năm", what="Báo cáo kết quả CCHC năm",
                                rule="chậm nhất ngày 10/12 hằng năm", submit_to=WHERE,
                                source="Công văn 581/BNV-CCHC", audience_types=["so"], leads=[7, 3, 1, 0]),
                        at=datetime(2026, 11, 1, tzinfo=VN_TZ), by="test")


async def one(app, m) -> str:  # type: ignore[no-untyped-def]
    replies = await app.handle(m)
    assert len(replies) == 1, m.text
    return replies[0].text


async def reminded(app, clock, channel) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Chat id -> message id of the reminders of 3/12 08:00."""
    clock.set(at(3, 8))
    await ReminderService(app).tick()
    clock.set(at(3, 9))
    return {m.chat_id: m.message_id for m in channel.sent}


def test_the_kinds_of_short_replies():
    for text in ("dạ", "em", "ok", "vâng", "ok ạ", "Dạ vâng ạ", "em hiểu rồi ạ", "👍"):
        assert kind_of(text) == "ack", text
    assert kind_of("cảm ơn ạ") == kind_of("ok cảm ơn bot") == "thanks"
    for text in ("chưa nộp", "em chưa nộp", "Bên em chưa gửi báo cáo ạ", "dạ em đang tổng hợp", "chưa nộp?"):
        assert kind_of(text) == "not_yet", text
    for text in ("mai em nộp", "em sẽ nộp sau", "chiều nay bên em gửi nhé", "Mai em gui bc a"):
        assert kind_of(text) == "later", text
    for text in ("nộp ở đâu", "nộp cho ai", "nộp ở đâu ạ?", "báo cáo gửi cho ai vậy", "nop the nao"):
        assert kind_of(text) == "where", text
    for text in ("hồ sơ TTHC nộp ở đâu", "ok đã nộp", "em nộp ạ", QUESTION, "tình hình",
                 "ok, hạn nộp báo cáo quý là ngày nào?"):
        assert kind_of(text) is None, text


@pytest.mark.parametrize("text", ["dạ", "em", "ok", "vâng", "ok ạ"])
async def test_a_courtesy_after_an_answer_does_not_repeat_it(app, clock, db, text):
    app.knowledge.ensure_ready()
    seed(db)
    clock.set(at(3))
    answer = await one(app, msg(QUESTION, chat="u7", user="u7"))
    assert "📄" in answer
    short = await one(app, msg(text, chat="u7", user="u7"))
    assert short.startswith("Dạ.") and "📄" not in short and len(short) < 200
    again = await one(app, msg("còn cấp xã thì sao?", chat="u7", user="u7"))  # the follow-up still follows
    assert "28/02" in again


async def test_thanks_after_an_answer(app, clock, db):
    app.knowledge.ensure_ready()
    await one(app, msg(QUESTION, chat="u7", user="u7"))
    assert await one(app, msg("cảm ơn ạ", chat="u7", user="u7")) == THANKS


@pytest.mark.parametrize("text", ["dạ", "ok ạ", "vâng"])
async def test_a_courtesy_replying_to_a_reminder_says_how_to_confirm(app, clock, db, channel, text):
    seed(db)
    sent = await reminded(app, clock, channel)
    short = await one(app, msg(text, chat="g1", kind="group", user="m1", mentioned=True, reply_to=sent["g1"]))
    assert "«đã nộp»" in short and "📄" not in short
    assert acked(db) == []


@pytest.mark.parametrize("text,head", [("chưa nộp", "chưa xác nhận nộp"), ("em chưa nộp", "chưa xác nhận nộp"),
                                       ("mai em nộp", "nhắc theo lịch"), ("nộp ở đâu", "Nơi nộp"),
                                       ("nộp cho ai", "Nơi nộp")])
async def test_a_unit_is_told_its_deadline(app, clock, db, channel, text, head):
    seed(db)
    sent = await reminded(app, clock, channel)
    for where, unit in ((dict(chat="g1", kind="group", user="m1", mentioned=True, reply_to=sent["g1"]), "Sở Tư pháp"),
                        (dict(chat="g1", kind="group", user="m1", mentioned=True), "Sở Tư pháp"),
                        (dict(chat="fp1", user="fp1", reply_to=sent["fp1"]), "Sở Y tế"),
                        (dict(chat="fp1", user="fp1"), "Sở Y tế")):
        short = await one(app, msg(text, **where))
        assert head in short and "«Báo cáo năm» — Năm 2026" in short and unit in short, (where, short)
        assert "10/12/2026" in short and "còn 7 ngày" in short and WHERE in short
        assert "gõ «đã nộp» (hoặc /danop bcn)" in short and "📄" not in short
    assert acked(db) == []


async def test_where_without_a_known_recipient_says_so(app, clock, db):
    seed(db)
    with db.session() as s:
        from scheduler.models import Deadline
        s.scalar(select(Deadline)).submit_to = ""
    clock.set(at(3))
    short = await one(app, msg("nộp ở đâu ạ", chat="fp1", user="fp1"))
    assert "Bot chưa có thông tin nơi nộp; xem Công văn 581/BNV-CCHC hoặc hỏi Sở Nội vụ." in short


async def test_nothing_left_to_confirm(app, clock, db):
    seed(db)
    clock.set(at(3))
    assert "Đã ghi nhận" in await one(app, msg("đã nộp", chat="fp1", user="fp1"))
    short = await one(app, msg("chưa nộp", chat="fp1", user="fp1"))
    assert short.startswith("Đơn vị không còn báo cáo nào đang chờ xác nhận")
    short = await one(app, msg("dạ", chat="fp1", user="fp1"))
    assert short.startswith("Dạ.") and "«đã nộp»" not in short


async def test_questions_with_the_same_words_still_go_to_the_documents(app, clock, db):
    app.knowledge.ensure_ready()
    seed(db)
    clock.set(at(3))
    answer = await one(app, msg("hồ sơ thủ tục hành chính nộp ở đâu", chat="fp1", user="fp1"))
    assert not answer.startswith("Nơi nộp")
    # a chat with no unit: "nộp ở đâu" cannot be about its deadline; it is asked of the documents
    answer = await one(app, msg("nộp ở đâu", chat="u9", user="u9"))
    assert not answer.startswith("Nơi nộp") and "10/12/2026" not in answer


async def test_console(app, clock, db):
    seed(db)
    with db.session() as s:  # the console operator registered as Sở Y tế's focal point
        unit = s.scalar(select(Unit).where(Unit.name == "Sở Y tế"))
        s.add(FocalPoint(unit_id=unit.id, channel="console", user_id="operator", display_name="Quản trị",
                         private_chat_id="local"))
    clock.set(at(3))
    out = io.StringIO()
    console = ConsoleChannel(out)
    app.channels["console"] = console
    lines = iter(["dạ", "em chưa nộp", "/thoat"])
    await console.run(app, read_line=lambda: next(lines))
    text = out.getvalue()
    assert "Dạ. Khi đơn vị đã nộp báo cáo, gõ «đã nộp»" in text
    assert "«Báo cáo năm» — Năm 2026 (Sở Y tế): hạn Thứ Năm, 10/12/2026" in text
    assert acked(db) == []


async def test_ok_under_an_admins_pending_change_says_how_to_confirm_it(app, clock, db):
    """QA #5: «ok» is not taken as «đồng ý» (it would also swallow "ok đã nộp"), but it is told how to confirm."""
    from handlers.short_replies import PENDING_HINT
    from tests.builders import admin_msg
    seed(db)
    clock.set(at(3))
    ask = await one(app, admin_msg("/themhan Báo cáo quý | ngày 10 tháng cuối quý | sở | 7,3,1,0"))
    assert "Lưu hạn này?" in ask
    assert await one(app, admin_msg("ok")) == PENDING_HINT
    assert "Đã lưu hạn «Báo cáo quý»" in await one(app, admin_msg("đồng ý"))
    assert (await one(app, admin_msg("ok"))).startswith("Dạ.")
