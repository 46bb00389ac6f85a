"""QA: /nhacngay typed again (or `reminders now` run again) within the hour does not send the group the same reminder
again — an admin's repeated command was three identical messages in a minute; the admin is told when it may go."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from bot import schema
from bot.app import build_app
from bot.channels.recording import RecordingChannel
from bot.cli import main
from bot.core.clock import VN_TZ, FixedClock
from bot.core.db import Database
from bot.core.ports import Capabilities
from scheduler.models import Chat, Delivery
from scheduler.repo import create_deadline
from scheduler.service import ReminderService
from scheduler.units import add_unit
from tests.builders import admin_msg, cli_environment


def seed(db: Database) -> None:
    with db.session() as s:
        unit = add_unit(s, "Sở Tư pháp", "so")
        s.add(Chat(channel="fake", chat_id="g1", kind="group", title="Nhóm STP", active=True, unit_id=unit.id))
        s.add(Chat(channel="zalo", chat_id="zg", kind="group", title="Nhóm STP", active=True, unit_id=unit.id))
        create_deadline(s, dict(code="bcn", title="Báo cáo năm", rule="chậm nhất ngày 10/12 hằng năm",
                                audience_types=["so"], leads=[7, 3, 1, 0]), at=datetime(2026, 11, 1, tzinfo=VN_TZ),
                        by="test")


def reminders_in(channel: RecordingChannel, chat: str) -> int:
    return sum(1 for m in channel.sent if m.chat_id == chat and "Nhắc hạn" in m.reply.text)


async def test_chat_on_both_channels(settings, clock, db):
    seed(db)
    fake = RecordingChannel("fake")
    zalo = RecordingChannel("zalo", Capabilities(buttons=False, mentions=False, edits=False, bare_commands=True))
    settings = replace(settings, admin_ids={**settings.admin_ids, "zalo": frozenset({"zboss"})})
    app = build_app(settings, clock=clock, channels={"fake": fake, "zalo": zalo}, db=db)
    clock.set(datetime(2026, 12, 4, 9, tzinfo=VN_TZ))
    [first] = await app.handle(admin_msg("/nhacngay bcn"))
    assert first.text.startswith("📣 Đã gửi 2 lời nhắc hạn bcn")
    clock.set(clock.now() + timedelta(minutes=2))
    [again] = await app.handle(admin_msg("/nhacngay bcn"))
    assert again.text == ("2 nhóm/đầu mối vừa được nhắc kỳ này trong vòng 1 giờ nên không nhắc lại (tránh làm phiền); "
                          "có thể nhắc ngay lần nữa từ 10:00 04/12/2026.")
    [typed] = await app.handle(admin_msg("nhắc ngay bcn", channel="zalo", user="zboss", chat="zboss"))
    assert "2 nhóm/đầu mối vừa được nhắc kỳ này trong vòng 1 giờ nên không nhắc lại" in typed.text
    assert (reminders_in(fake, "g1"), reminders_in(zalo, "zg")) == (1, 1)
    clock.set(datetime(2026, 12, 4, 10, 1, tzinfo=VN_TZ))
    [later] = await app.handle(admin_msg("/nhacngay bcn"))
    assert later.text.startswith("📣 Đã gửi 2 lời nhắc")
    assert (reminders_in(fake, "g1"), reminders_in(zalo, "zg")) == (2, 2)


async def test_a_scheduled_reminder_just_sent_counts_too(app, clock, channel, db):
    seed(db)
    service = ReminderService(app)
    clock.set(datetime(2026, 12, 3, 8, 0, tzinfo=VN_TZ))
    service.replan()
    await service.tick()  # the 7-day reminder at 08:00
    clock.set(datetime(2026, 12, 3, 8, 30, tzinfo=VN_TZ))
    [reply] = await app.handle(admin_msg("/nhacngay bcn"))
    assert "không nhắc lại" in reply.text and reminders_in(channel, "g1") == 1


def test_cli_twice(db_url: str, tmp_path: Path, monkeypatch, capsys):  # type: ignore[no-untyped-def]
    database = Database.from_url(db_url)
    schema.upgrade(database)
    seed(database)
    cli_environment(monkeypatch, tmp_path, db_url)
    fixed = FixedClock(datetime(2026, 12, 4, 9, tzinfo=VN_TZ))
    monkeypatch.setattr("bot.app.SystemClock", lambda: fixed)
    assert main(["reminders", "now", "bcn"]) == 0
    assert "Đã xếp 2 lời nhắc hạn bcn" in capsys.readouterr().out
    assert main(["reminders", "now", "bcn"]) == 0  # queued, not sent yet (the running bot sends): not queued twice
    assert "Đã xếp 2 lời nhắc" in capsys.readouterr().out
    with database.session() as s:
        rows = list(s.scalars(Delivery.__table__.select().where(Delivery.lead <= -1000)))
    assert len(rows) == 2
    database.engine.dispose()
