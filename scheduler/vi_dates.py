"""Vietnamese dates: weekday names, display format and a forgiving date parser."""
from __future__ import annotations

import re
from datetime import date, timedelta

from bot.core.vietnamese import fold
from scheduler.rule_text import INVISIBLE

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
_DMY = re.compile(r"^(?:ngay\s+)?(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{2}|\d{4}))?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDS = re.compile(r"^(?:ngay\s+)?(\d{1,2})\s+thang\s+(\d{1,2})(?:\s+nam\s+(\d{4}))?$")
HINT = "Ví dụ: 15/3/2027, 15-03-2027, 2027-03-15 hoặc «ngày 15 tháng 3 năm 2027»."


def weekday_vi(d: date) -> str:
    """'Thứ Hai' … 'Chủ Nhật'."""
    return WEEKDAYS_VI[d.weekday()]


def format_date_vi(d: date) -> str:
    """'Thứ Hai, 15/03/2027'."""
    return f"{weekday_vi(d)}, {d.day:02d}/{d.month:02d}/{d.year}"


def parse_date_vi(text: str, today: date | None = None) -> date:
    """A date typed by a person; without a year, the first such day on or after `today`.

    Raises ValueError with a Vietnamese message (also for impossible dates such as 31/02).
    """
    s = fold("".join(ch for ch in str(text) if ch not in INVISIBLE).replace("\u00a0", " ")).strip().rstrip(".")
    if today is not None and s in ("hom nay", "ngay mai", "ngay kia"):
        return today + timedelta(days=("hom nay", "ngay mai", "ngay kia").index(s))
    m = _ISO.match(s)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = _DMY.match(s) or _WORDS.match(s)
        if not m:
            raise ValueError(f"Không hiểu ngày «{str(text)[:50]}». {HINT}")
        d, mo = int(m.group(1)), int(m.group(2))
        if m.group(3):
            y = int(m.group(3))
            y = y + 2000 if y < 100 else y
        elif today is not None:
            # the first such day on or after today (29/02: the next leap year)
            y = next((yy for yy in range(today.year, today.year + 8)
                      if _valid(yy, mo, d) and date(yy, mo, d) >= today), today.year)
        else:
            raise ValueError(f"Thiếu năm trong «{str(text)[:50]}». {HINT}")
    if not 1900 <= y <= 2200:
        raise ValueError(f"Năm {y} nằm ngoài khoảng 1900–2200. {HINT}")
    if not _valid(y, mo, d):
        raise ValueError(f"Ngày {d:02d}/{mo:02d}/{y} không có thật. {HINT}")
    return date(y, mo, d)


def _valid(y: int, mo: int, d: int) -> bool:
    try:
        date(y, mo, d)
    except ValueError:
        return False
    return True
