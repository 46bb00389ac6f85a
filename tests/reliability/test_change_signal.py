"""The persistent change signal: a change made by the CLI (another process) reaches a serving replica's next tick."""
from __future__ import annotations

import dataclasses
from datetime import datetime
from functools import partial

import pytest
from sqlalchemy import select

import bot.cli.deadlines
from bot import schema
from bot.app import build_app
from bot.channels.recording import RecordingChannel
from bot.cli import build_parser
from bot.core.clock import VN_TZ, FixedClock
from bot.core.config import Settings
from bot.core.db import Database
from scheduler import deliveries as dl
from scheduler.models import Chat, Deadline, Delivery, Occurrence
from scheduler.repo import create_deadline
from scheduler.service import ReminderService
from scheduler.units import add_unit, find_unit


@pytest.fixture
def migrated(db_url: str):  # type: ignore[no-untyped-def]
    database = Database.from_url(db_url)
    schema.upgrade(database)  # the CLI's build_app checks the schema, as in production
    yield database
    database.engine.dispose()


def pending_to(db: Database, chat_id: str, code: str | None = None) -> int:
    with db.session() as s:
        q = (select(Delivery).join(Chat, Chat.id == Delivery.chat_id).join(Occurrence).join(Deadline)
             .where(Chat.chat_id == chat_id, Delivery.status == dl.PENDING))
        if code is not None:
            q = q.where(Deadline.code == code)
        return len(s.scalars(q).all())


async def test_a_cli_change_reaches_the_serving_replica_within_one_tick(migrated, settings: Settings,
                                                                         monkeypatch, capsys):
    clock = FixedClock(datetime(2026, 11, 25, 9, 0, tzinfo=VN_TZ))
    channel = RecordingChannel("fake")
    serving = build_app(settings, clock=clock, channels={"fake": channel})
    with serving.db.session() as s:
        for name, group in (("Sở Tư pháp", "g1"), ("Sở Y tế", "g2")):
            unit = add_unit(s, name, "so")
            s.add(Chat(channel="fake", chat_id=group, kind="group", title=name, active=True, unit_id=unit.id))
        create_deadline(s, dict(code="cchc", title="Báo cáo CCHC năm", rule="ngày 10 tháng 12 hằng năm",
                                audience_types=["so"], leads=[7, 3, 1, 0]), at=clock.now(), by="test")
    service = ReminderService(serving)
    await service.tick()
    assert pending_to(serving.db, "g2") == 7  # 7, 3, 1, 0 days before; 3 escalation days after

    # Another process: the scripting CLI, with its own App and engine on the same database.
    monkeypatch.setattr(bot.cli.deadlines, "build_app", partial(build_app, clock=clock))
    parser = build_parser()
    for argv in (["units", "remove", "Sở Y tế"],
                 ["deadlines", "add", "--title", "Báo cáo tháng", "--rule", "ngày 5 hằng tháng",
                  "--audience", "sở", "--leads", "3,0", "--code", "thang"]):
        args = parser.parse_args(argv)
        assert args.handler(args, dataclasses.replace(settings)) == 0, capsys.readouterr()
    assert pending_to(serving.db, "g2") == 7, "nothing told the serving replica yet"

    await service.tick()  # the next tick sees the newer plan version and re-plans
    assert pending_to(serving.db, "g2") == 0
    assert pending_to(serving.db, "g1", "thang") > 0
    for day in (2, 3, 7, 9, 10):  # the monthly report's 3-day reminder, then the yearly one's
        clock.set(datetime(2026, 12, day, 8, 0, tzinfo=VN_TZ))
        await service.tick()
    assert channel.texts("g2") == []
    assert any("Báo cáo tháng" in t for t in channel.texts("g1"))
    assert any("Báo cáo CCHC năm" in t for t in channel.texts("g1"))
    with serving.db.session() as s:
        assert find_unit(s, "Sở Y tế") is None or not find_unit(s, "Sở Y tế").active
