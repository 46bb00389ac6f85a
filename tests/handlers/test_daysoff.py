"""/ngaynghi: listing, adding and removing days off, bad dates, audit log and re-planning."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot.core.models import AuditEntry
from scheduler.changes import current as plan_version
from scheduler.daysoff import calendar_for, load_overrides
from tests.builders import admin_msg, msg


@pytest.fixture
async def changes(app):
    """How many times the plan version was bumped after the admin's chat was first seen."""
    await app.handle(admin_msg("/help"))
    with app.db.session() as s:
        start = plan_version(s)

    def count() -> int:
        with app.db.session() as s:
            return plan_version(s) - start
    return count


async def test_lists_holidays_with_names(app):
    # clock: 25/11/2026 -> the next 90 days reach Tết Dương lịch 2027
    [reply] = await app.handle(admin_msg("/ngaynghi"))
    assert "Thứ Sáu, 01/01/2027 — Tết Dương lịch" in reply.text
    assert "/ngaynghi them" in reply.text


async def test_add_day_off_is_stored_listed_audited_and_replans(app, changes):
    [reply] = await app.handle(admin_msg("/ngaynghi them 4/1/2027 Nghỉ bù tỉnh"))
    assert "Đã thêm ngày nghỉ Thứ Hai, 04/01/2027" in reply.text
    with app.db.session() as s:
        assert load_overrides(s) == {date(2027, 1, 4): True}
        assert calendar_for(s).is_day_off(date(2027, 1, 4))
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == "ngaynghi")).all()
    assert [e.detail for e in entries] == ["them 2027-01-04 Nghỉ bù tỉnh"]
    assert changes() == 1
    [listing] = await app.handle(admin_msg("/ngaynghi"))
    assert "Thứ Hai, 04/01/2027 — Nghỉ bù tỉnh (quản trị bổ sung)" in listing.text


async def test_add_without_year_takes_the_next_such_day(app):
    await app.handle(admin_msg("/ngaynghi thêm 2/1"))
    with app.db.session() as s:
        assert load_overrides(s) == {date(2027, 1, 2): True}


async def test_remove_an_admin_day_off(app, changes):
    await app.handle(admin_msg("/ngaynghi them 4/1/2027"))
    [reply] = await app.handle(admin_msg("/ngaynghi bo 4/1/2027"))
    assert "Đã bỏ ngày nghỉ" in reply.text
    with app.db.session() as s:
        assert load_overrides(s) == {}
        assert calendar_for(s).is_working_day(date(2027, 1, 4))
    assert changes() == 2


async def test_remove_a_package_holiday_makes_it_a_working_day(app):
    [reply] = await app.handle(admin_msg("/ngaynghi bỏ 01/01/2027 Tỉnh làm việc"))
    assert "là ngày làm việc" in reply.text and "Tết Dương lịch" in reply.text
    with app.db.session() as s:
        assert load_overrides(s) == {date(2027, 1, 1): False}
    [listing] = await app.handle(admin_msg("/ngaynghi"))
    assert "01/01/2027 — Tết" not in listing.text
    assert "Thứ Sáu, 01/01/2027 — Tỉnh làm việc" in listing.text


async def test_remove_a_working_day_changes_nothing(app, changes):
    [reply] = await app.handle(admin_msg("/ngaynghi bo 2/12/2026"))
    assert "vốn là ngày làm việc" in reply.text
    assert changes() == 0
    with app.db.session() as s:
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "ngaynghi")).all() == []


@pytest.mark.parametrize("args", ["them 31/02/2027", "them 30/2", "them abc", "them", "xyz 2/1/2027",
                                  "bo 45/13/2027", "them 1/1/1800"])
async def test_bad_input_stores_nothing(app, changes, args):
    [reply] = await app.handle(admin_msg(f"/ngaynghi {args}"))
    assert "Cú pháp" in reply.text
    with app.db.session() as s:
        assert load_overrides(s) == {}
    assert changes() == 0


async def test_impossible_date_is_named(app):
    [reply] = await app.handle(admin_msg("/ngaynghi them 31/02/2027"))
    assert "31/02/2027 không có thật" in reply.text


async def test_users_are_refused(app):
    [reply] = await app.handle(msg("/ngaynghi them 4/1/2027"))
    assert "chỉ dành cho" in reply.text
    with app.db.session() as s:
        assert load_overrides(s) == {}
