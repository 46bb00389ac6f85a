"""Deadline, unit and day-off use cases called directly with a fixed clock (entry-point parity: tests/test_admin_parity.py)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.core.actors import Actor
from bot.core.errors import Forbidden, Invalid, NotFound
from bot.core.models import AuditEntry
from bot.core.roles import Role
from scheduler.changes import current as plan_version
from scheduler.usecases import daysoff as day_cases
from scheduler.usecases import deadlines as deadline_cases
from scheduler.usecases import units as unit_cases

ADMIN = Actor("fake", "boss", "c1", "Chị Hoa", Role.ADMIN)
USER = Actor("fake", "u1", "c1", "Anh Nam", Role.USER)
RAW = {"title": "Báo cáo CCHC quý", "rule": "ngày 10 tháng cuối quý", "audience": "sở", "leads": "3,1"}


def audit(db, action: str) -> list[tuple[str, str, str]]:
    with db.session() as s:
        return [(e.user_id, e.detail, e.outcome) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))]


def test_a_deadline_is_added_audited_and_signalled_in_one_transaction(app, clock):
    with app.db.session() as s:
        unit_cases.add_unit(s, clock.now(), ADMIN, "Sở Tư pháp", "so")
        before = plan_version(s)
        fields = deadline_cases.check_deadline(s, RAW, app.settings)
        added = deadline_cases.add_deadline(s, clock.now(), ADMIN, fields)
        assert plan_version(s) > before
    assert (added.code, added.units, added.leads, added.remind_at) == ("bc-cchc-quy", ("Sở Tư pháp",), (3, 1),
                                                                       app.settings.reminder_time)
    [(user, detail, outcome)] = audit(app.db, "add_deadline")
    assert (user, outcome) == ("boss", "ok") and "ngày 10 tháng cuối quý" in detail


def test_bad_input_and_unknown_names_are_errors_with_data_and_change_nothing(app, clock):
    with app.db.session() as s:
        with pytest.raises(Invalid):
            deadline_cases.check_deadline(s, {**RAW, "rule": "31/02/2027"}, app.settings)
        unit_cases.add_unit(s, clock.now(), ADMIN, "Sở Tư pháp", "so")
        with pytest.raises(NotFound) as missing:
            unit_cases.remove_unit(s, clock.now(), ADMIN, "So Tu phap xyz")
        assert missing.value.kind == "unit" and missing.value.key == "So Tu phap xyz"
        with pytest.raises(NotFound):
            deadline_cases.remove_deadline(s, clock.now(), ADMIN, "khong-co")
    assert audit(app.db, "donvi xoa") == [] and audit(app.db, "remove_deadline") == []


def test_a_user_is_refused_once_and_the_refusal_is_audited(app, clock):
    with app.db.session() as s, pytest.raises(Forbidden) as refused:
        day_cases.add_day_off(s, clock.now(), USER, clock.now().date(), "Nghỉ bù")
    assert refused.value.needed == Role.ADMIN
    assert audit(app.db, "ngaynghi") == [("u1", f"them {clock.now().date().isoformat()} Nghỉ bù", "denied")]
