"""QA round 2 on Zalo (fake Bot Platform): a focal point's «mai em nộp» and «dạ» after the reminder get the unit's
deadline or a short line; a user typing the admin command «tình hình» is told it is for admins."""
from __future__ import annotations

from handlers.router import DISCLOSURE
from tests.channels.zalo.test_commands import say
from tests.loop.test_confirm_named_unit import acked
from tests.loop.test_short_replies import WHERE, at, seed


async def test_zalo_focal_point_and_a_user(zapp, zalo, fake, clock, db):
    seed(db, "zalo", "zg1", focal="zf")
    await zalo.start(zapp)
    clock.set(at(3))
    answer = await say(fake, "mai em nộp", chat="zf", user="zf")
    assert "nhắc theo lịch" in answer and "«Báo cáo năm» — Năm 2026 (Sở Y tế)" in answer and WHERE in answer
    answer = await say(fake, "dạ", chat="zf", user="zf")
    assert answer.startswith("Dạ. Khi đơn vị đã nộp báo cáo, gõ «đã nộp»")
    answer = await say(fake, "tình hình", chat="zu", user="zu")  # zu's first message: the notice first (QA #36)
    assert answer.startswith(DISCLOSURE + "\n\nLệnh /tinhhinh chỉ dành cho quản trị viên") and "«hạn»" in answer
    assert acked(db) == []
