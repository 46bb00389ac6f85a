"""QA: a group registered again for another unit gets that unit's reminders from then on — before, its planned rows
kept the old unit, so the group went on being reminded for the unit it no longer served and the new unit never."""
from __future__ import annotations

from datetime import datetime

import pytest

from bot.core.clock import VN_TZ
from scheduler.repo import create_deadline
from scheduler.service import ReminderService
from scheduler.units import add_unit
from tests.builders import admin_msg, msg


def at(day: int, hh: int = 8, mm: int = 1) -> datetime:
    return datetime(2026, 12, day, hh, mm, tzinfo=VN_TZ)


def seed(app) -> None:  # type: ignore[no-untyped-def]
    with app.db.session() as s:
        add_unit(s, "Sở Tư pháp", "so")
        add_unit(s, "Sở Y tế", "so")
        create_deadline(s, dict(code="bcn", title="Báo cáo năm", rule="chậm nhất ngày 10/12 hằng năm",
                                audience_types=["so"], leads=[7, 3, 1, 0]), at=datetime(2026, 11, 1, tzinfo=VN_TZ),
                        by="test")


def units_named(channel, chat: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [line.split(": ", 1)[1] for m in channel.sent if m.chat_id == chat and not m.edited
            for line in m.reply.text.splitlines() if line.startswith("• Đơn vị: ")]


@pytest.mark.parametrize("confirmed_first", [False, True])
async def test_the_moved_group_is_reminded_for_its_new_unit(app, clock, channel, confirmed_first):
    seed(app)
    service = ReminderService(app)
    clock.set(at(2, 10))
    await app.handle(admin_msg("/dangky Sở Tư pháp", chat="g1", kind="group"))
    clock.set(at(3))
    service.replan()
    await service.tick()
    assert units_named(channel, "g1") == ["Sở Tư pháp"]
    if confirmed_first:  # the old unit's later reminders in this group were set aside by its confirmation
        [reply] = await app.handle(msg("đã nộp", chat="g1", kind="group", user="m1", mentioned=True))
        assert "Đã ghi nhận: Sở Tư pháp" in reply.text
    [reply] = await app.handle(admin_msg("/dangky Sở Y tế", chat="g1", kind="group"))
    assert "nhóm đầu mối của Sở Y tế" in reply.text
    service.replan()  # the running bot re-plans within a tick of the change
    channel.clear()
    for day in (7, 9, 10):
        clock.set(at(day))
        service.replan()
        await service.tick()
    assert units_named(channel, "g1") == ["Sở Y tế"] * 3
