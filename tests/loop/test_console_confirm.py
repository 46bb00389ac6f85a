"""Req 1 on the console: a typed confirmation (the operator is an admin and names the unit)."""
from __future__ import annotations

import io
from datetime import datetime


from bot.channels.console import ConsoleChannel
from bot.core.clock import VN_TZ
from tests.builders import acks, seed_unit_with_deadline


async def test_console_typed_confirmation_names_the_unit(app, clock):
    seed_unit_with_deadline(app, "console", "none")
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


