"""Vietnamese texts of reminders, overdue notices, status lists and the outbox's notices."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.core.messages import Button, Reply
from scheduler.timeutil import hhmm_date
from scheduler.vi_dates import format_date_vi


@dataclass(frozen=True)
class ReminderView:
    """Everything a reminder says, gathered from the database by the service."""

    code: str
    title: str
    what: str
    submit_to: str
    source: str
    label: str  # "Quý I/2027"
    due: date
    legal_due: date
    due_day_off: str | None  # why the due date is a day off (holiday name), None on a working day
    cutoff: tuple[date, date] | None
    unit_name: str
    focal_names: tuple[str, ...] = ()
    escalation: int = 0  # 1, 2, …: the n-th reminder after the legal due date
    estimated: bool = False  # the due date's day-off status is an estimate (year not yet announced)


@dataclass(frozen=True)
class ReminderItem:
    view: ReminderView
    occurrence_id: int
    late_since: datetime | None  # when it should have been sent, for a late reminder of the plan
    manual: bool  # an admin's /nhacngay
    owed: bool  # the chat still owes the period (its confirm button is wanted)


@dataclass(frozen=True)
class ReminderMessage:
    """One message to one chat: a reminder, or a digest of several (read by scheduler.reminder_message)."""

    items: tuple[ReminderItem, ...]
    today: date
    group: bool  # sent to a group: the focal points are mentioned
    focal_points: tuple[tuple[str, str], ...]  # (user id, display name) of the approved focal points named


ACK_PREFIX = "ack"  # the payload prefix of the confirm buttons: "ack:<occurrence id>[:<unit id>]"


def days_left_text(due: date, today: date, legal: date | None = None) -> str:
    """'còn 3 ngày', 'hạn là hôm nay', 'hôm nay là hạn cuối', 'đã quá hạn 2 ngày' (counted from the legal due date)."""
    legal = legal or due
    if legal > due and due < today <= legal:
        return "hôm nay là hạn cuối" if today == legal else f"hạn cuối là {format_date_vi(legal)}"
    n = (due - today).days
    if n > 1:
        return f"còn {n} ngày"
    if n == 1:
        return "còn 1 ngày (hạn là ngày mai)"
    if n == 0:
        return "hạn là hôm nay"
    return f"đã quá hạn {(today - legal).days} ngày"


def _dm(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def due_lines(v: ReminderView, today: date) -> list[str]:
    lines = [f"• Hạn nộp: {format_date_vi(v.due)} — {days_left_text(v.due, today, v.legal_due)}"]
    if v.due_day_off is not None:
        estimate = " (dự kiến: lịch nghỉ năm này chưa được công bố)" if v.estimated else ""
        lines.append(f"  ⚠️ Hạn là ngày nghỉ ({v.due_day_off}){estimate}; theo Điều 148 Bộ luật Dân sự, hạn được "
                     f"tính đến hết {format_date_vi(v.legal_due)}."
                     + (" Nên nộp trước ngày nghỉ." if today < v.due else ""))
    return lines


def reminder_text(v: ReminderView, *, today: date, buttons: bool, late_since: datetime | None = None,
                  manual: bool = False, in_digest: bool = False) -> str:
    """The reminder a unit's chat receives (requirement 7); `in_digest`: one part of a digest, with its code."""
    lines = [_head(v, manual)]
    if late_since is not None:
        lines.append(f"⏰ Nhắc muộn: lẽ ra gửi lúc {hhmm_date(late_since)} nhưng bot tạm ngừng hoạt động hoặc mất kết nối.")
    lines.append(f"• Đơn vị: {v.unit_name}")
    lines.append(f"• Cần nộp: {v.what or v.title}")
    period = f"• Kỳ báo cáo: {v.label}"
    if v.cutoff is not None:
        period += f" (chốt số liệu từ {_dm(v.cutoff[0])} đến {_dm(v.cutoff[1])})"
    lines.append(period)
    lines += due_lines(v, today)
    if v.submit_to:
        lines.append(f"• Nộp cho / cách nộp: {v.submit_to}")
    if v.source:
        lines.append(f"• Căn cứ: {v.source}")
    if v.focal_names:
        lines.append(f"• Đầu mối: {', '.join(v.focal_names)}")
    if in_digest:
        lines.append(f"• Khi đã nộp: /danop {v.code}")
    elif buttons:  # elsewhere the adapter shows the reply's fallback hint "Gõ /danop <mã> khi đã nộp."
        lines.append(f"Khi đã nộp, bấm nút «✅ Đã nộp» bên dưới (hoặc gõ /danop {v.code}).")
    return "\n".join(lines)


def _head(v: ReminderView, manual: bool) -> str:
    head = "📣 Nhắc hạn (Sở Nội vụ nhắc ngay)" if manual else "🔔 Nhắc hạn"
    if v.escalation and not manual:
        head = f"⏰ Nhắc lần {v.escalation} sau hạn — chưa xác nhận nộp"
    return f"{head}: {v.title} — {v.label}"


def short_reminder_text(v: ReminderView, *, today: date, late_since: datetime | None = None,
                        manual: bool = False) -> str:
    """One part of a digest too long to send whole: the head, the unit, the due date and the code."""
    lines = [_head(v, manual)]
    if late_since is not None:
        lines.append(f"⏰ Nhắc muộn (lẽ ra gửi lúc {hhmm_date(late_since)}).")
    lines.append(f"• Đơn vị: {v.unit_name}")
    lines += due_lines(v, today)
    lines.append(f"• Khi đã nộp: /danop {v.code}")
    return "\n".join(lines)


def digest_text(parts: Sequence[str], *, buttons: bool, codes: Sequence[str] = ()) -> str:
    """Several reminders to one chat at one time, as one message: each part says its /danop code."""
    head = f"🔔 Hôm nay có {len(parts)} báo cáo cần nhắc:"
    body = "\n\n———\n".join(parts)
    typed = ", ".join(f"/danop {c}" for c in codes) or "/danop <mã>"
    tail = (f"Khi đã nộp báo cáo nào, bấm nút «✅ Đã nộp <mã>» tương ứng bên dưới (hoặc gõ {typed})."
            if buttons else "")
    return "\n\n".join(x for x in (head, body, tail) if x)


def ack_line(name: str, at: datetime) -> str:
    return f"✅ {name} đã xác nhận nộp lúc {hhmm_date(at)}"


def overdue_text(title: str, code: str, label: str, legal_due: date, missing: Sequence[str], total: int) -> str:
    lines = [f"⏰ Quá hạn: {title} — {label} (mã {code}), hạn {format_date_vi(legal_due)}.",
             f"{len(missing)}/{total} đơn vị chưa xác nhận nộp:"]
    lines += [f"  • {name}" for name in missing]
    lines.append(f"Gõ /tinhhinh {code} để xem chi tiết, /nhacngay {code} để nhắc lại.")
    return "\n".join(lines)


@dataclass(frozen=True)
class OverdueItem:
    """One period past its legal due date with the units that have not confirmed it."""

    title: str
    code: str
    label: str
    legal_due: date
    missing: tuple[str, ...]
    total: int
    day: int = 1  # which escalation day this is (1 = the first working day after the legal due date)
    days: int = 1  # of how many


def overdue_digest_text(items: Sequence[OverdueItem], today: date) -> str:
    """The admins' one message of the day: every period past its legal due date with units not confirmed."""
    lines = [f"⏰ Quá hạn — tổng hợp ngày {_dm(today)}: {len(items)} kỳ báo cáo còn đơn vị chưa xác nhận nộp."]
    for i in items:
        lines.append("")
        lines.append(f"• {i.title} — {i.label} (mã {i.code}), hạn {format_date_vi(i.legal_due)}; "
                     f"{len(i.missing)}/{i.total} đơn vị chưa xác nhận nộp (lần nhắc thứ {i.day} trong {i.days} lần sau hạn):")
        lines += [f"  – {name}" for name in i.missing]
    lines += ["", "Các đơn vị này được nhắc lại trong nhóm mỗi ngày làm việc cho đến khi xác nhận hoặc hết đợt nhắc. "
                  "Xem chi tiết: /tinhhinh <mã>; nhắc ngay: /nhacngay <mã>."]
    return "\n".join(lines)


def reminder_reply(m: ReminderMessage, *, buttons: bool, max_length: int | None = None) -> Reply:
    """The message of one reminder, or one digest of several to the same chat: one confirm button per period still
    owed. `buttons`: whether the channel shows buttons; `max_length`: its message size (UTF-16 units, as Telegram
    counts): a digest whose whole parts would not fit in one message is sent with each part shortened (head, unit,
    due date, code), so that the buttons stay under the text they belong to."""
    one = len(m.items) == 1
    texts = [reminder_text(i.view, today=m.today, buttons=buttons and one, late_since=i.late_since, manual=i.manual,
                           in_digest=not one) for i in m.items]
    all_codes = [i.view.code for i in m.items]
    codes: list[str] = []
    keys: list[Button] = []
    for i in m.items:
        if not i.owed:
            continue
        codes += [] if i.view.code in codes else [i.view.code]
        label = "✅ Đã nộp" if one else f"✅ Đã nộp {i.view.code}"
        if not one and all_codes.count(i.view.code) > 1:  # two periods of one deadline: say which
            label += f" ({i.view.label})"
        keys.append(Button(label, f"{ACK_PREFIX}:{i.occurrence_id}"))
    if one:
        text = texts[0]
        hint = f"Gõ /danop {m.items[0].view.code} khi đã nộp."
    else:
        text = digest_text(texts, buttons=buttons, codes=codes)
        if max_length is not None and _utf16_len(text) > max_length - DIGEST_MARGIN:
            text = digest_text([short_reminder_text(i.view, today=m.today, late_since=i.late_since, manual=i.manual)
                                for i in m.items], buttons=buttons, codes=codes)
        hint = "Khi đã nộp, gõ /danop <mã>: " + ", ".join(f"/danop {c}" for c in codes) + "."
    mentions = tuple(user for user, _ in m.focal_points) if m.group else ()
    names = {f"name:{user}": name for user, name in m.focal_points if name and user in mentions}
    return Reply(text, buttons=tuple(keys), mentions=mentions, fallback_hint=hint if codes else "", meta=names)


DIGEST_MARGIN = 300  # room for the mention line and the typed hint an adapter adds to a digest


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def focal_decision_text(unit: str, approved: bool) -> str:
    """What a focal-point requester is told, in private, of an admin's decision on their request."""
    if approved:
        return (f"✅ Quản trị viên đã duyệt bạn là đầu mối của {unit}. Từ nay bạn xác nhận nộp được (gõ «đã nộp» "
                "hoặc /danop) và nhận nhắc riêng khi nhóm của đơn vị không nhận được tin.")
    return f"Yêu cầu làm đầu mối của {unit} chưa được duyệt. Nếu cần, xin liên hệ Phòng CCHC, Sở Nội vụ."
