"""Builders for the desk tests: units, groups, focal points and a deadline with acknowledgements."""
from __future__ import annotations

from datetime import datetime, timezone

from bot.core.db import Database
from scheduler.models import Chat
from scheduler.repo import acknowledge, create_deadline
from scheduler.units import add_focal_point, add_unit

RULE = "ngày 10 tháng cuối quý"  # 2026-Q4 is due Thursday 10/12/2026


def seed_status(db: Database, now: datetime) -> None:
    """Two sở and three xã; Sở Tư pháp has a group and has confirmed; UBND xã A has a focal point; others none."""
    from scheduler.daysoff import calendar_for
    from scheduler.occurrences import materialise
    from scheduler.timeutil import as_vn

    with db.session() as s:
        stp = add_unit(s, "Sở Tư pháp", "so", ["STP"])
        add_unit(s, "Sở Y tế", "so")
        xa_a = add_unit(s, "UBND xã A", "xa")
        add_unit(s, "UBND xã B", "xa")
        add_unit(s, "UBND phường C", "xa")
        s.add(Chat(channel="telegram", chat_id="-100", kind="group", title="CCHC Tư pháp", active=True, unit_id=stp.id))
        add_focal_point(s, xa_a, "zalo", "z1", "Chị Hoa", "z1")
        d = create_deadline(s, dict(code="cchc-quy", title="Báo cáo CCHC quý", rule=RULE, audience_types=["so", "xa"],
                                    leads=[7, 3, 1, 0]), at=now, by="test")
        rows = materialise(s, d, calendar_for(s), as_vn(now).date())
        occ = next(r for r, _ in rows if r.period == "2026-Q4")
        acknowledge(s, occ.id, stp.id, channel="telegram", user_id="7", name="Anh Minh",
                    at=datetime(2026, 11, 24, 2, 30, tzinfo=timezone.utc))
