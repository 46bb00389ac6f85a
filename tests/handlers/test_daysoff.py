"""/ngaynghi: listing, adding and removing days off, bad dates, audit log and re-planning."""
from __future__ import annotations

from datetime import date, datetime

from bot.core.clock import VN_TZ

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


async def test_a_package_holiday_becomes_a_working_day_only_by_its_own_command(app):
    [refused] = await app.handle(admin_msg("/ngaynghi bỏ 01/01/2027"))
    assert "không có điều chỉnh" in refused.text and "/ngaynghi lamviec 01/01/2027" in refused.text
    with app.db.session() as s:
        assert load_overrides(s) == {}
    [reply] = await app.handle(admin_msg("/ngaynghi lamviec 01/01/2027 Tỉnh làm việc"))
    assert "là ngày làm việc" in reply.text and "Tết Dương lịch" in reply.text
    with app.db.session() as s:
        assert load_overrides(s) == {date(2027, 1, 1): False}
    [listing] = await app.handle(admin_msg("/ngaynghi"))
    assert "01/01/2027 — Tết" not in listing.text
    assert "Thứ Sáu, 01/01/2027 — Tỉnh làm việc" in listing.text


async def test_remove_a_working_day_changes_nothing(app, changes):
    [reply] = await app.handle(admin_msg("/ngaynghi bo 2/12/2026"))
    assert "không có điều chỉnh" in reply.text and "theo lịch là ngày làm việc" in reply.text
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


async def test_a_saturday_added_then_removed_stays_a_day_off(app, changes):
    await app.handle(admin_msg("/ngaynghi them 5/12/2026 Họp"))
    [reply] = await app.handle(admin_msg("/ngaynghi bo 5/12/2026"))
    assert "trở lại như lịch" in reply.text and "ngày nghỉ (Thứ Bảy)" in reply.text
    with app.db.session() as s:
        assert load_overrides(s) == {}
        assert calendar_for(s).is_day_off(date(2026, 12, 5))
    assert changes() == 2


async def test_a_weekend_becomes_a_working_day_and_back(app, changes):
    [reply] = await app.handle(admin_msg("/ngaynghi lam viec 6/12/2026 Làm bù"))
    assert "là ngày làm việc" in reply.text and "Chủ Nhật" in reply.text
    with app.db.session() as s:
        assert calendar_for(s).is_working_day(date(2026, 12, 6))
    await app.handle(admin_msg("/ngaynghi bo 6/12/2026"))
    with app.db.session() as s:
        assert calendar_for(s).is_day_off(date(2026, 12, 6))


async def test_years_not_announced_are_marked_as_estimates(app, clock):
    clock.set(datetime(2027, 1, 20, 9, 0, tzinfo=VN_TZ))
    [listing] = await app.handle(admin_msg("/ngaynghi"))
    assert "Tết Nguyên Đán (dự kiến)" in listing.text
    assert "chưa công bố" in listing.text
    await app.handle(admin_msg("/ngaynghi them 11/2/2027 Nghỉ thêm"))
    [listing] = await app.handle(admin_msg("/ngaynghi"))
    assert "Nghỉ thêm (quản trị bổ sung)" in listing.text
    line = next(x for x in listing.text.splitlines() if "11/02/2027" in x)
    assert "(dự kiến)" not in line  # an admin's day is not an estimate


async def test_announced_years_are_not_marked(app, clock):
    clock.set(datetime(2026, 8, 20, 9, 0, tzinfo=VN_TZ))
    [listing] = await app.handle(admin_msg("/ngaynghi"))
    assert "Quốc khánh" in listing.text and "(dự kiến)" not in listing.text
