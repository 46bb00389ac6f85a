"""Migration f2b4d6e8a0c1: an install whose CCHC unit deadline is still exactly the preset's leaves Sở Nội vụ out
(audited, plan version bumped); a deadline an admin changed is left as it is."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from bot import schema
from bot.core.actors import Actor
from bot.core.clock import VN_TZ
from bot.core.config import Settings
from bot.core.db import Database
from bot.core.models import AuditEntry
from bot.core.roles import Role
from scheduler import changes
from scheduler.presets import home_affairs, install, presets
from scheduler.repo import get_deadline
from scheduler.units import add_unit
from scheduler.usecases.deadlines import edit_deadline
from scheduler.usecases.status import deadline_status

BEFORE = "e5f7a9b1c3d5"
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=VN_TZ)
ADMIN = Actor("fake", "boss", "c1", "Quản trị", Role.SUPERADMIN)


@pytest.fixture
def old_db(db_url: str):  # type: ignore[no-untyped-def]
    database = Database.from_url(db_url)
    schema.upgrade(database, BEFORE)
    yield database
    database.engine.dispose()


def old_install(db: Database, day: int | None = None) -> int:
    """The CCHC preset as installed before 8d46646 (no exclusion); returns Sở Nội vụ's id."""
    with db.session() as s:
        add_unit(s, "Sở Tư pháp", "so", at=NOW)
        add_unit(s, "UBND xã Tân Lập", "xa", at=NOW)
        install(s, presets(Settings(), day)["cchc"], Settings(), at=NOW, by="fake:boss")
        d = get_deadline(s, "cchc-donvi")
        assert d is not None
        snv = home_affairs(s)
        assert snv is not None and d.audience_exclude == [snv.id]
        d.audience_exclude = None
        return snv.id


@pytest.mark.parametrize("day", [None, 12])
def test_an_untouched_preset_leaves_home_affairs_out_audited_and_re_planned(old_db, day):
    snv = old_install(old_db, day)
    with old_db.session() as s:
        version = changes.current(s)
        assert "Sở Nội vụ" in [u.name for u in deadline_status(s, NOW, "cchc-donvi").units]
    schema.upgrade(old_db)
    with old_db.session() as s:
        d = get_deadline(s, "cchc-donvi")
        assert d is not None and d.audience_exclude == [snv]
        assert changes.current(s) == version + 1
        [entry] = s.scalars(select(AuditEntry).where(AuditEntry.channel == "system"))
        assert (entry.action, entry.outcome) == ("edit_deadline", "ok") and f"'audience_exclude': [{snv}]" in entry.detail
        names = [u.name for u in deadline_status(s, NOW, "cchc-donvi").units]
        assert "Sở Nội vụ" not in names and names == ["Sở Tư pháp", "UBND xã Tân Lập"]


def test_a_deadline_an_admin_edited_is_left_alone(old_db):
    old_install(old_db)
    with old_db.session() as s:
        edit_deadline(s, NOW, ADMIN, "cchc-donvi", {"leads": [5, 1]})  # audited: an admin looked at it
    schema.upgrade(old_db)
    with old_db.session() as s:
        d = get_deadline(s, "cchc-donvi")
        assert d is not None and not d.audience_exclude
        assert s.scalar(select(AuditEntry).where(AuditEntry.channel == "system")) is None


@pytest.mark.parametrize("change", [{"audience_types": ["so"]}, {"rule": "chậm nhất ngày 12 tháng cuối kỳ báo cáo "
                                                                         "quý I, 6 tháng, quý III và năm"}])
def test_a_field_changed_without_an_audit_entry_is_left_alone(old_db, change):
    old_install(old_db)
    with old_db.session() as s:  # as the CLI could before it audited (issue 9)
        d = get_deadline(s, "cchc-donvi")
        assert d is not None
        for key, value in change.items():
            setattr(d, key, value)
    schema.upgrade(old_db)
    with old_db.session() as s:
        d = get_deadline(s, "cchc-donvi")
        assert d is not None and not d.audience_exclude


def test_no_preset_installed_changes_nothing(old_db):
    with old_db.session() as s:
        add_unit(s, "Sở Nội vụ", "so", ["SNV"], at=NOW)
        version = changes.current(s)
    schema.upgrade(old_db)
    with old_db.session() as s:
        assert changes.current(s) == version and s.scalar(select(AuditEntry)) is None
