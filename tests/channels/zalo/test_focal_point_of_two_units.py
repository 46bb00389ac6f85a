"""QA on Zalo (fake Bot Platform): a focal point of two units without a group is reminded 1:1 for both."""
from __future__ import annotations

from scheduler.service import ReminderService
from tests.loop.test_focal_point_of_two_units import at, seed


async def test_zalo_focal_point_of_two_units_is_reminded(zapp, zalo, fake, clock, db):
    seed(db, "zalo", "zf")
    await zalo.start(zapp)
    service = ReminderService(zapp)
    clock.set(at(3))
    service.replan()
    await service.tick()
    text = fake.sent("zf")[-1]
    assert "Đơn vị: Sở Tư pháp, Sở Y tế" in text and "/danop bcn" in text
