"""The day-override repository on the test database(s)."""
from __future__ import annotations

from datetime import date

from scheduler.daysoff import calendar_for, list_overrides, load_overrides, remove_override, set_override


def test_set_replace_remove(db):
    with db.session() as s:
        set_override(s, date(2027, 1, 4), True, "Nghỉ bù", "fake:boss")
        set_override(s, date(2027, 2, 8), False, "Làm việc", "fake:boss")
    with db.session() as s:
        assert load_overrides(s) == {date(2027, 1, 4): True, date(2027, 2, 8): False}
        cal = calendar_for(s)
        assert cal.is_day_off(date(2027, 1, 4)) and cal.is_working_day(date(2027, 2, 8))
        set_override(s, date(2027, 1, 4), False, "đổi ý", "fake:u2")
    with db.session() as s:
        [row] = list_overrides(s, date(2027, 1, 1), date(2027, 1, 31))
        assert (row.day_off, row.note, row.set_by) == (False, "đổi ý", "fake:u2")
        assert remove_override(s, date(2027, 1, 4))
        assert not remove_override(s, date(2027, 1, 4))
    with db.session() as s:
        assert load_overrides(s) == {date(2027, 2, 8): False}
