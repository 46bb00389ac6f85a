"""Deadline fields typed by an admin (chat or CLI): validated, and restated with their next occurrences."""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bot.core.vietnamese import fold
from scheduler.presets import home_affairs
from scheduler.repo import get_deadline, valid_code
from scheduler.rules import RuleError, parse_rule
from scheduler.pipeline import schedule
from scheduler.timing import parse_leads, parse_time
from scheduler.units import TYPE_LABELS, list_units, match_unit, parse_unit_type
from scheduler.vi_dates import format_date_vi
from scheduler.workdays import WorkCalendar

ALL_WORDS = {"tat ca", "toan bo", "all", "ca hai", "tat ca don vi"}
AUDIENCE_HINT = "Đối tượng: «sở», «xã», «tất cả», hoặc tên đơn vị cách nhau bằng dấu phẩy (ví dụ: Sở Tư pháp, STC)."
# /suahan field names (folded) -> Deadline attribute
FIELDS = {
    "ten": "title", "title": "title", "quytac": "rule", "han": "rule", "rule": "rule",
    "doituong": "audience", "audience": "audience", "nhactruoc": "leads", "nhac": "leads", "leads": "leads",
    "gio": "remind_at", "gionhac": "remind_at", "time": "remind_at", "noidung": "what", "what": "what",
    "noinop": "submit_to", "nopcho": "submit_to", "submit_to": "submit_to",
    "nguon": "source", "cancu": "source", "source": "source", "ma": "code", "code": "code",
    "tru": "exclude", "loaitru": "exclude", "exclude": "exclude",
}
FIELD_HELP = "ma, ten, quytac, doituong, nhactruoc, gio, noidung, noinop, nguon, tru"
NO_EXCLUSION = {"", "khong", "khong co", "-", "bo", "none"}  # tru= with one of these clears the exclusions
MAX_TEXT = 1000


def parse_audience(session: Session, text: str) -> tuple[list[str], list[int]]:
    """'sở, xã' / 'tất cả' / 'Sở Tư pháp, STC' -> (unit types, unit ids); ValueError (Vietnamese) otherwise."""
    items = [i.strip() for i in re.split(r"[,;]|\bvà\b|\bva\b", text) if i.strip()]
    if not items:
        raise ValueError(f"Chưa có đối tượng. {AUDIENCE_HINT}")
    types: list[str] = []
    ids: list[int] = []
    for item in items:
        key = fold(item)
        if key in ALL_WORDS:
            types += ["so", "xa"]
            continue
        t = parse_unit_type(item)
        if t == "huyen":
            raise ValueError("Cấp huyện không còn từ 01/7/2025 (Luật 72/2025/QH15): hạn mới chỉ dành cho sở/ban/ngành "
                             "và UBND cấp xã.")
        if t is not None:
            types.append(t)
            continue
        found = match_unit(session, item)
        if found.unit is None:
            hint = f" Có phải: {', '.join(found.suggestions)}?" if found.suggestions else ""
            raise ValueError(f"Không có đơn vị «{item}».{hint} {AUDIENCE_HINT}")
        ids.append(found.unit.id)
    return sorted(set(types)), sorted(set(ids))


def _text(value: str, what: str, limit: int = MAX_TEXT) -> str:
    value = " ".join(value.split())
    if len(value) > limit:
        raise ValueError(f"{what} quá dài (tối đa {limit} ký tự).")
    return value


def check_rule(rule: str, cal: WorkCalendar) -> str:
    try:
        parse_rule(rule, cal)
    except RuleError as e:
        raise ValueError(str(e)) from None
    return " ".join(rule.split())


def build_fields(session: Session, raw: Mapping[str, str], cal: WorkCalendar, default_leads: tuple[int, ...],
                 *, partial: bool = False) -> dict[str, Any]:
    """Validated Deadline fields from typed text (keys as in FIELDS values); ValueError with a Vietnamese message."""
    out: dict[str, Any] = {}
    if "title" in raw or not partial:
        title = _text(raw.get("title", ""), "Tên hạn", 300)
        if not title:
            raise ValueError("Chưa có tên hạn.")
        out["title"] = title
    if "rule" in raw or not partial:
        out["rule"] = check_rule(raw.get("rule", ""), cal)
    if "audience" in raw or not partial:
        out["audience_types"], out["audience_units"] = parse_audience(session, raw.get("audience", ""))
    if "leads" in raw:
        out["leads"] = parse_leads(raw["leads"])
    elif not partial:
        out["leads"] = list(default_leads)
    if "remind_at" in raw:
        out["remind_at"] = parse_time(raw["remind_at"]).strftime("%H:%M")
    for key, label in (("what", "Nội dung"), ("submit_to", "Nơi nộp"), ("source", "Căn cứ")):
        if key in raw:
            out[key] = _text(raw[key], label)
    if "exclude" in raw:
        out["audience_exclude"] = parse_exclusions(session, raw["exclude"])
    if "code" in raw and raw["code"]:
        code = raw["code"].strip().lower()
        if not valid_code(code):
            raise ValueError("Mã chỉ gồm chữ thường không dấu, số và dấu gạch ngang (tối đa 12 ký tự), ví dụ: cchc-quy.")
        if get_deadline(session, code) is not None:
            raise ValueError(f"Mã «{code}» đã được dùng cho một hạn khác.")
        out["code"] = code
    return out


def parse_assignments(text: str) -> dict[str, str]:
    """'quytac=ngày 15 tháng cuối quý nhactruoc=5,1' -> {'rule': …, 'leads': …}; ValueError on unknown fields."""
    parts = re.split(r"(?:^|\s)([A-Za-z_]{2,12})\s*=", " " + text)
    if len(parts) < 3 or parts[0].strip():
        raise ValueError(f"Cú pháp: /suahan <mã> <trường>=<giá trị> … (trường: {FIELD_HELP}).")
    out: dict[str, str] = {}
    for name, value in zip(parts[1::2], parts[2::2]):
        key = FIELDS.get(fold(name))
        if key is None:
            raise ValueError(f"Không có trường «{name.strip()}». Các trường: {FIELD_HELP}.")
        out[key] = value.strip()
    return out


def parse_exclusions(session: Session, text: str) -> list[int]:
    """'SNV, Sở Tư pháp' -> unit ids left out of the audience (names or aliases, diacritics-insensitive);
    'không' or nothing -> none. ValueError (Vietnamese) for a unit that does not exist."""
    if fold(text) in NO_EXCLUSION:
        return []
    ids: list[int] = []
    for item in (i.strip() for i in re.split(r"[,;]|\bvà\b|\bva\b", text)):
        if not item:
            continue
        found = match_unit(session, item)
        unit = found.unit or (home_affairs(session) if fold(item) in ("snv", "so noi vu") else None)
        if unit is None:
            hint = f" Có phải: {', '.join(found.suggestions)}?" if found.suggestions else ""
            raise ValueError(f"Không có đơn vị «{item}» để loại trừ.{hint} Ghi tên hoặc tên gọi khác của đơn vị, "
                             "cách nhau bằng dấu phẩy (ví dụ: tru=SNV), hoặc tru=không để bỏ loại trừ.")
        ids.append(unit.id)
    return sorted(set(ids))


def exclusion_text(session: Session, excluded: list[int | str]) -> str:
    """Unit names of the exclusions (ids, or names of units a preset will add)."""
    names = {u.id: u.name for u in list_units(session, active_only=False)}
    return ", ".join(names.get(i, str(i)) if isinstance(i, int) else i for i in excluded)


def audience_text(session: Session, types: list[str], unit_ids: list[int]) -> str:
    units = {u.id: u for u in list_units(session)}
    parts = [TYPE_LABELS[t] + f" ({sum(1 for u in units.values() if u.type == t)} đơn vị)" for t in types]
    parts += [units[i].name for i in unit_ids if i in units]
    return "; ".join(parts) or "(chưa có)"


def describe(session: Session, fields: Mapping[str, Any], cal: WorkCalendar, today: date, *, count: int = 3) -> str:
    """What the bot understood, with the next occurrences and their reminder days."""
    rule = parse_rule(fields["rule"], cal)
    at = parse_time(fields.get("remind_at", "08:00"))
    lines = [f"• Tên: {fields['title']}"]
    if fields.get("code"):
        lines.append(f"• Mã: {fields['code']}")
    lines.append(f"• Quy tắc hạn: «{fields['rule']}» — hiểu là: {rule.understood()}")
    lines.append(f"• Đối tượng: {audience_text(session, fields.get('audience_types', []), fields.get('audience_units', []))}")
    if fields.get("audience_exclude"):
        lines.append(f"• Trừ (không nhắc, không tính): {exclusion_text(session, list(fields['audience_exclude']))}")
    leads = fields.get("leads", [])
    lines.append(f"• Nhắc trước: {', '.join(str(x) for x in leads)} ngày, lúc {at:%H:%M}")
    for key, label in (("what", "Cần nộp"), ("submit_to", "Nộp cho / cách nộp"), ("source", "Căn cứ")):
        if fields.get(key):
            lines.append(f"• {label}: {fields[key]}")
    occs = schedule(rule, leads, cal, at, start=today, count=count)
    if occs:
        lines.append("Các kỳ tới:")
        for o in occs:
            days = ", ".join(f"{w:%d/%m}" for _, w in o.ahead)
            note = f" (ngày nghỉ; hạn tính đến {format_date_vi(o.legal_due)})" if o.legal_due != o.due else ""
            lines.append(f"  – {o.label}: hạn {format_date_vi(o.due)}{note}; nhắc ngày {days}")
    else:
        lines.append("⚠️ Không còn kỳ nào từ hôm nay: sẽ không có lời nhắc nào.")
    return "\n".join(lines)

