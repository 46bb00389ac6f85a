"""Injected clocks: the system clock in production, a settable one in tests."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Protocol
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class SystemClock:
    def __init__(self, tz: ZoneInfo = VN_TZ) -> None:
        self.tz = tz

    def now(self) -> datetime:
        return datetime.now(self.tz)


class FixedClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            start = start.replace(tzinfo=VN_TZ)
        self._now = start

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when if when.tzinfo else when.replace(tzinfo=VN_TZ)

    def advance(self, delta: timedelta) -> None:
        self._now += delta


def utc(dt: datetime) -> datetime:
    return dt.astimezone(timezone.utc)
