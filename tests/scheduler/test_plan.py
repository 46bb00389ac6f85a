"""The pure reminder plan: targets per unit (groups, 1:1 fallback) and which reminders are due."""
from __future__ import annotations

from datetime import date, datetime, timezone

from scheduler.plan import ChatInfo, FocalInfo, PlannedOccurrence, plan_deliveries, unit_targets

GROUP = ChatInfo(1, "zalo", "grp", "group", True, unit_id=10)
DEAD_GROUP = ChatInfo(1, "zalo", "grp", "group", False, unit_id=10)
TG_GROUP = ChatInfo(2, "telegram", "-100", "group", True, unit_id=10)
FP_CHAT = ChatInfo(3, "zalo", "fp-a", "private", True, unit_id=None)
FOCAL = FocalInfo(10, "zalo", "user-a", "fp-a")


def utc(*a: int) -> datetime:
    return datetime(*a, tzinfo=timezone.utc)


def test_active_group_is_the_target():
    assert [(t.chat_pk, t.fallback) for t in unit_targets(10, [GROUP, FP_CHAT], [FOCAL])] == [(1, False)]


def test_unreachable_group_falls_back_to_focal_points_on_that_channel_only():
    targets = unit_targets(10, [DEAD_GROUP, TG_GROUP, FP_CHAT], [FOCAL])
    assert sorted((t.channel, t.chat_pk, t.fallback) for t in targets) == [("telegram", 2, False), ("zalo", 3, True)]


def test_unit_without_group_reaches_focal_points_and_nothing_else():
    assert [t.chat_pk for t in unit_targets(10, [FP_CHAT], [FOCAL])] == [3]
    assert unit_targets(10, [FP_CHAT], []) == []
    assert unit_targets(11, [GROUP, FP_CHAT], [FOCAL]) == []


def test_plan_skips_acknowledged_units_expired_periods_and_far_reminders():
    occ = PlannedOccurrence(7, "2026", date(2026, 12, 10), date(2026, 12, 10),
                            ((7, utc(2026, 12, 3, 1)), (0, utc(2026, 12, 10, 1))))
    old = PlannedOccurrence(7, "2026-Q3", date(2026, 9, 10), date(2026, 9, 10), ((0, utc(2026, 9, 10, 1)),))
    other = ChatInfo(2, "telegram", "-100", "group", True, unit_id=11)
    targets = {10: unit_targets(10, [GROUP], []), 11: unit_targets(11, [other], [])}
    plan = plan_deliveries([occ, old], {7: [10, 11]}, targets, {(7, "2026", 11)}, today=date(2026, 11, 25),
                           until=utc(2026, 12, 5))
    assert [(p.unit_id, p.lead, p.chat_pk) for p in plan] == [(10, 7, 1)]
