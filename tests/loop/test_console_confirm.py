"""Req 1 on the console: a typed confirmation (the operator is an admin and names the unit)."""
from __future__ import annotations

import io
from datetime import datetime

from sqlalchemy import select

from bot.channels.console import ConsoleChannel
from bot.core.clock import VN_TZ
from scheduler.models import Acknowledgement, Chat
from scheduler.repo import create_deadline
from scheduler.units import add_unit


def seed(app, channel: str, group: str) -> None:
    with app.db.session() as s:
        unit = add_unit(s, "Sở Tư pháp", "so", ["STP"])
        s.add(Chat(channel=channel, chat_id=group, kind="group", title="Nhóm STP", active=True, unit_id=unit.id))
        create_deadline(s, dict(code="bcn", title="Báo cáo năm", rule="chậm nhất ngày 10/12 hằng năm",
                                audience_types=["so"], leads=[7, 3, 1, 0]),
                        at=datetime(2026, 11, 1, tzinfo=VN_TZ), by="test")


def acks(app) -> list[tuple[str, str, str]]:
    with app.db.session() as s:
        return [(a.by_channel, a.by_user, a.note) for a in s.scalars(select(Acknowledgement))]


async def test_console_typed_confirmation_names_the_unit(app, clock):
    seed(app, "console", "none")
    clock.set(datetime(2026, 12, 3, 9, tzinfo=VN_TZ))
    out = io.StringIO()
    console = ConsoleChannel(out)
    app.channels["console"] = console
    lines = iter(["đã nộp", "đã nộp Sở Tư pháp, số 45/BC-STP", "/thoat"])
    await console.run(app, read_line=lambda: next(lines))
    text = out.getvalue()
    assert "«đã nộp <tên đơn vị>»" in text
    assert "Đã ghi nhận: Sở Tư pháp đã nộp «Báo cáo năm» — Năm 2026" in text and "số 45/BC-STP" in text
    assert acks(app) == [("console", "operator", "45/BC-STP")]


