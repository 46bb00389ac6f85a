"""QA: a confirmation that names a unit confirms that unit or nothing — never the chat's own unit in its place —
and confirmations written the way officials write them ("em đã nộp ạ", "xong", "nộp xong rồi") count; on the
fake channel (typed, /danop, button), Telegram, Zalo, the console and the CLI."""
from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import schema
from bot.channels.console import ConsoleChannel
from bot.cli import main
from bot.core.clock import VN_TZ, FixedClock
from bot.core.db import Database
from scheduler.models import Acknowledgement, Chat, FocalPoint
from scheduler.repo import create_deadline
from scheduler.service import ReminderService
from scheduler.units import add_to_cluster, add_unit
from tests.builders import admin_msg, msg, cli_environment


def at(day: int, hh: int = 9) -> datetime:
    return datetime(2026, 12, day, hh, 0, tzinfo=VN_TZ)


def seed(db: Database, channel: str = "fake", group: str = "g1") -> None:
    """Sở Tư pháp (its group `group`, focal point fp1 approved), Sở Y tế (no chat); «bcn» due 10/12 yearly."""
    with db.session() as s:
        stp = add_unit(s, "Sở Tư pháp", "so", ["STP"])
        add_unit(s, "Sở Y tế", "so", ["SYT"])
        s.add(Chat(channel=channel, chat_id=group, kind="group", title="Nhóm STP", active=True, unit_id=stp.id))
        s.add(FocalPoint(unit_id=stp.id, channel=channel, user_id="fp1", display_name="Chị Lan",
                         private_chat_id="fp1"))
        create_deadline(s, dict(code="bcn", title="Báo cáo năm", rule="chậm nhất ngày 10/12 hằng năm",
                                audience_types=["so"], leads=[7, 3, 1, 0]), at=datetime(2026, 11, 1, tzinfo=VN_TZ),
                        by="test")


def acked(db: Database) -> list[str]:
    """Names of the units confirmed."""
    from scheduler.models import Unit
    with db.session() as s:
        return sorted(s.scalars(select(Unit.name).join(Acknowledgement, Acknowledgement.unit_id == Unit.id)))


async def one(app, m) -> str:  # type: ignore[no-untyped-def]
    replies = await app.handle(m)
    assert replies, m.text
    return replies[0].text


# ---------------------------------------------------------------- the fake channel: typed, /danop, button

@pytest.mark.parametrize("text", ["đã nộp Sở Y tế", "/danop bcn Sở Y tế", "da nop SYT", "/danop Sở Y tế"])
async def test_a_member_naming_another_unit_confirms_nothing(app, clock, db, text):
    seed(db)
    clock.set(at(3))
    answer = await one(app, msg(text, chat="g1", kind="group", user="m1", mentioned=True))
    assert "không xác nhận nộp thay «Sở Y tế»" in answer and "chưa ghi nhận gì" in answer
    assert "Sở Tư pháp" in answer
    assert acked(db) == []
    answer = await one(app, msg(text, chat="fp1", user="fp1"))  # the focal point of STP, privately
    assert answer.startswith("Bạn không xác nhận nộp thay «Sở Y tế»")
    assert acked(db) == []


@pytest.mark.parametrize("where", [dict(chat="g1", kind="group", mentioned=True), dict(chat="boss")])
async def test_an_admin_naming_a_unit_confirms_that_unit_wherever_the_admin_writes(app, clock, db, where):
    seed(db)
    clock.set(at(3))
    answer = await one(app, admin_msg("đã nộp Sở Y tế", **where))
    assert "Đã ghi nhận: Sở Y tế đã nộp «Báo cáo năm»" in answer
    assert acked(db) == ["Sở Y tế"]


@pytest.mark.parametrize("who", ["m1", "boss"])
async def test_a_unit_the_bot_lacks_is_named_and_nothing_is_stored(app, clock, db, who):
    seed(db)
    clock.set(at(3))
    answer = await one(app, msg("/danop bcn Sở Không Có", chat="g1", kind="group", user=who, mentioned=True))
    assert answer.startswith("Không tìm thấy đơn vị «Sở Không Có»; chưa ghi nhận gì.")
    answer = await one(app, admin_msg("đã nộp UBND xã Thái Hòa"))
    assert answer.startswith("Không tìm thấy đơn vị «UBND xã Thái Hòa»")
    assert acked(db) == []


async def test_the_chat_unit_is_still_confirmed_by_plain_words_after_the_phrase(app, clock, db):
    seed(db)
    clock.set(at(3))
    answer = await one(app, msg("Đã gửi báo cáo qua hệ thống rồi nhé", chat="g1", kind="group", user="m1",
                                mentioned=True))
    assert "Đã ghi nhận: Sở Tư pháp đã nộp" in answer
    assert acked(db) == ["Sở Tư pháp"]


async def test_the_button_still_confirms_its_own_unit(app, clock, db, channel):
    seed(db)
    clock.set(at(3, 8))
    await ReminderService(app).tick()
    sent = next(m for m in channel.sent if m.chat_id == "g1")
    replies = await app.handle(msg(chat="g1", kind="group", user="m1", callback=sent.reply.buttons[0].data,
                                   message_id=sent.message_id))
    assert "xác nhận nộp" in replies[0].text and acked(db) == ["Sở Tư pháp"]


async def test_a_cluster_unit_is_found_by_the_end_of_its_name(app, clock, db):
    with db.session() as s:
        a = add_unit(s, "UBND xã An Phú", "xa")
        b = add_unit(s, "UBND xã Bình Minh", "xa")
        chat = Chat(channel="fake", chat_id="g9", kind="group", title="Cụm", active=True, unit_id=a.id)
        s.add(chat)
        s.flush()
        add_to_cluster(s, chat, b, by="test", at=at(1))
        create_deadline(s, dict(code="kh", title="Kế hoạch CCHC", rule="chậm nhất ngày 10/12 hằng năm",
                                audience_types=["xa"], leads=[7, 3, 1, 0]), at=datetime(2026, 11, 1, tzinfo=VN_TZ),
                        by="test")
    clock.set(at(3))
    answer = await one(app, msg("đã nộp An Phú", chat="g9", kind="group", user="m1", mentioned=True))
    assert "Đã ghi nhận: UBND xã An Phú đã nộp «Kế hoạch CCHC»" in answer
    assert acked(db) == ["UBND xã An Phú"]


# ---------------------------------------------------------------- how officials write a confirmation

@pytest.mark.parametrize("text", ["em đã nộp ạ", "Dạ, bên em đã gửi báo cáo rồi ạ", "ok đã nộp", "xong",
                                  "xong rồi nhé", "nộp xong rồi", "đã xong", "em nộp rồi ạ"])
async def test_confirmations_as_officials_write_them(app, clock, db, text):
    seed(db)
    clock.set(at(3))
    answer = await one(app, msg(text, chat="g1", kind="group", user="m1", mentioned=True))
    assert "Đã ghi nhận: Sở Tư pháp đã nộp «Báo cáo năm»" in answer
    assert acked(db) == ["Sở Tư pháp"]


@pytest.mark.parametrize("text", ["em đã nộp chưa nhỉ?", "xong chưa", "em chưa nộp", "ok", "dạ"])
async def test_questions_and_courtesies_are_no_confirmation(app, clock, db, text):
    seed(db)
    clock.set(at(3))
    await app.handle(msg(text, chat="g1", kind="group", user="m1", mentioned=True))
    assert acked(db) == []


# ---------------------------------------------------------------- console and CLI

async def test_console_operator_names_the_unit(app, clock, db):
    seed(db)
    with db.session() as s:  # the operator also registered as Sở Tư pháp's focal point
        s.add(FocalPoint(unit_id=1, channel="console", user_id="operator", display_name="Quản trị",
                         private_chat_id="local"))
    clock.set(at(3))
    out = io.StringIO()
    console = ConsoleChannel(out)
    app.channels["console"] = console
    lines = iter(["/danop bcn Sở Không Có", "đã nộp Sở Y tế", "/thoat"])
    await console.run(app, read_line=lambda: next(lines))
    text = out.getvalue()
    assert "Không tìm thấy đơn vị «Sở Không Có»" in text
    assert "Đã ghi nhận: Sở Y tế đã nộp «Báo cáo năm»" in text
    assert acked(db) == ["Sở Y tế"]


@pytest.fixture
def bot_cli(db_url: str, tmp_path: Path, monkeypatch, capsys):  # type: ignore[no-untyped-def]
    database = Database.from_url(db_url)
    schema.upgrade(database)
    seed(database)
    database.engine.dispose()
    cli_environment(monkeypatch, tmp_path, db_url)
    fixed = FixedClock(at(3))
    monkeypatch.setattr("bot.app.SystemClock", lambda: fixed)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_cli_unknown_code_and_unknown_unit(bot_cli):  # type: ignore[no-untyped-def]
    code, _, err = bot_cli("acks", "confirm", "xxx", "Sở Y tế")
    assert code == 2 and "Không có hạn mã «xxx»" in err
    code, _, err = bot_cli("acks", "confirm", "bcn", "Sở Không Có")
    assert code == 2 and "Không có đơn vị «Sở Không Có»" in err
    code, out, _ = bot_cli("acks", "confirm", "bcn", "SYT")
    assert code == 0 and out.startswith("Sở Y tế đã nộp «Báo cáo năm»")


async def test_undo_in_a_cluster_takes_back_the_callers_own_confirmation(app, clock, db):
    with db.session() as s:
        a = add_unit(s, "UBND xã An Phú", "xa")
        b = add_unit(s, "UBND xã Bình Minh", "xa")
        chat = Chat(channel="fake", chat_id="g9", kind="group", title="Cụm", active=True, unit_id=a.id)
        s.add(chat)
        s.flush()
        add_to_cluster(s, chat, b, by="test", at=at(1))
        create_deadline(s, dict(code="kh", title="Kế hoạch CCHC", rule="chậm nhất ngày 10/12 hằng năm",
                                audience_types=["xa"], leads=[7, 3, 1, 0]), at=datetime(2026, 11, 1, tzinfo=VN_TZ),
                        by="test")
    clock.set(at(3))
    await app.handle(msg("đã nộp UBND xã Bình Minh", chat="g9", kind="group", user="m2", mentioned=True))
    await app.handle(msg("đã nộp An Phú", chat="g9", kind="group", user="m3", mentioned=True))
    answer = await one(app, msg("/huynop", chat="g9", kind="group", user="m3", mentioned=True))
    assert answer.startswith("↩️ Đã hủy xác nhận nộp của UBND xã An Phú")
    assert acked(db) == ["UBND xã Bình Minh"]


@pytest.mark.parametrize("text", ["đã gửi báo cáo cho Sở Y tế", "đã nộp báo cáo về Sở Y tế rồi ạ", "nộp rồi, gửi lên SYT"])
async def test_the_unit_a_report_went_to_is_not_the_unit_confirmed(app, clock, db, text):
    seed(db)
    clock.set(at(3))
    answer = await one(app, msg(text, chat="g1", kind="group", user="m1", mentioned=True))
    assert "Đã ghi nhận: Sở Tư pháp đã nộp «Báo cáo năm»" in answer
    assert acked(db) == ["Sở Tư pháp"]
