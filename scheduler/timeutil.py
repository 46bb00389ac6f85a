"""Datetimes as stored: always UTC in the database (SQLite keeps no offset), Asia/Ho_Chi_Minh for people."""
from __future__ import annotations

from datetime import datetime, timezone

from bot.core.clock import VN_TZ


def as_utc(dt: datetime) -> datetime:
    """A stored or computed datetime as aware UTC (naive values read back from SQLite are UTC)."""
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


def as_vn(dt: datetime) -> datetime:
    return as_utc(dt).astimezone(VN_TZ)


def hhmm_date(dt: datetime) -> str:
    """'08:05 25/11/2026' in Vietnam time."""
    return as_vn(dt).strftime("%H:%M %d/%m/%Y")
