"""Vietnam's working-day calendar: the `holidays` package (lunar Tết, swaps, make-up Saturdays) plus admin overrides."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from functools import lru_cache

import holidays

ADMIN_DAY_OFF = "Ngày nghỉ (quản trị bổ sung)"
# The last year whose days off the government has announced and the `holidays` package (0.109) carries as
# announced (Tết, swaps, make-up Saturdays through 2026); later years are its rule-based estimates, shown
# "(dự kiến)" until an admin confirms them. Raise it when the package is upgraded after an announcement.
ANNOUNCED_THROUGH = 2026
ESTIMATE_MARK = "(dự kiến)"
_WEEKEND_NAMES = {5: "Thứ Bảy", 6: "Chủ Nhật"}
# Far enough to cross the longest run of days off (Tết + weekends) many times over.
_MAX_SCAN = 366


@lru_cache(maxsize=1)
def _vn() -> holidays.HolidayBase:
    """Vietnam's public holidays with Vietnamese names; years are added on demand."""
    return holidays.country_holidays("VN", language="vi")


class WorkCalendar:
    """Working days in Vietnam; `overrides` maps a date to True (day off) or False (working day) and wins."""

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        self.overrides: dict[date, bool] = dict(overrides or {})
        self._hol = _vn()

    def is_working_day(self, d: date) -> bool:
        if d in self.overrides:
            return not self.overrides[d]
        return bool(self._hol.is_working_day(d))

    def is_day_off(self, d: date) -> bool:
        return not self.is_working_day(d)

    def calendar_is_day_off(self, d: date) -> bool:
        """The calendar's own value, without the admins' overrides."""
        return not self._hol.is_working_day(d)

    def is_estimate(self, d: date) -> bool:
        """Whether `d`'s status is the package's estimate: a year not yet announced and not set by an admin."""
        return d.year > ANNOUNCED_THROUGH and d not in self.overrides

    def holiday_name(self, d: date) -> str | None:
        """Why `d` is a day off, in Vietnamese; None for a working day."""
        if self.overrides.get(d) is False:
            return None
        names = self._hol.get_list(d)
        if names:
            return "; ".join(names)
        if self.overrides.get(d) is True:
            return ADMIN_DAY_OFF
        if not self._hol.is_working_day(d):
            return _WEEKEND_NAMES.get(d.weekday(), "Ngày nghỉ")
        return None

    def next_working_day(self, d: date) -> date:
        """`d` itself when it is a working day, else the first working day after it."""
        return self._scan(d, 1)

    def previous_working_day(self, d: date) -> date:
        """`d` itself when it is a working day, else the last working day before it."""
        return self._scan(d, -1)

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after `d` (before it when n < 0); `d` itself is not counted."""
        step = 1 if n >= 0 else -1
        left = abs(n)
        while left:
            d += timedelta(days=step)
            if self.is_working_day(d):
                left -= 1
        return d

    def days_off_between(self, start: date, end: date) -> list[tuple[date, str]]:
        """Every day off in [start, end] that is not an ordinary weekend, with its name."""
        out: list[tuple[date, str]] = []
        d = start
        while d <= end:
            if self.is_day_off(d):
                name = self.holiday_name(d) or ""
                if name not in _WEEKEND_NAMES.values():
                    out.append((d, name))
            d += timedelta(days=1)
        return out

    def _scan(self, d: date, step: int) -> date:
        probe = d
        for _ in range(_MAX_SCAN):
            if self.is_working_day(probe):
                return probe
            probe += timedelta(days=step)
        raise ValueError(f"không tìm thấy ngày làm việc nào gần {d.isoformat()}")
