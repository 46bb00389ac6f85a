"""/lich: the unit's deadlines for the next twelve months as an .ics file for Outlook, Google Calendar or a phone."""
from __future__ import annotations

from datetime import timedelta

from bot.core.messages import OutgoingFile, Reply
from bot.core.vietnamese import strip_diacritics
from handlers.context import Context
from handlers.registry import command
from scheduler.daysoff import calendar_for
from scheduler.ics import deadlines_calendar
from scheduler.repo import list_deadlines
from scheduler.timeutil import as_vn
from scheduler.units import list_units, units_for_chat

HORIZON = timedelta(days=366)
NO_UNIT = ("Chat này chưa gắn với đơn vị nào, nên chưa có lịch hạn. Trong nhóm của đơn vị, gõ /dangky <tên đơn vị>; "
           "đầu mối nhắn riêng cho bot: /dangky <tên đơn vị>.")


def _file_name(label: str) -> str:
    slug = "-".join(strip_diacritics(label).lower().split())
    return f"han-cchc-{''.join(ch for ch in slug if ch.isalnum() or ch == '-')[:60] or 'tat-ca'}.ics"


@command("lich", "Lịch hạn nộp của đơn vị (tệp .ics cho Outlook, Google Calendar, điện thoại)", usage="/lich",
         order=24)
async def calendar_file(ctx: Context) -> Reply:
    units = units_for_chat(ctx.session, ctx.msg.chat.channel, ctx.msg.chat.chat_id)
    if not units and not ctx.is_admin:
        return Reply(NO_UNIT)
    start = as_vn(ctx.now()).date()
    deadlines, all_units, cal = list_deadlines(ctx.session), list_units(ctx.session), calendar_for(ctx.session)
    files: list[OutgoingFile] = []
    counts: list[str] = []
    for unit in units or [None]:
        data = deadlines_calendar(deadlines, all_units, cal, start=start, end=start + HORIZON, now=ctx.now(),
                                  unit=unit)
        label = unit.name if unit is not None else "tất cả đơn vị"
        files.append(OutgoingFile(_file_name(label), data, "text/calendar"))
        counts.append(f"{label}: {data.count(b'BEGIN:VEVENT')} hạn")
    text = ("📅 Lịch hạn nộp báo cáo 12 tháng tới (" + "; ".join(counts) + "). Mở tệp .ics để thêm vào lịch "
            "Outlook, Google Calendar hoặc điện thoại; mỗi hạn có nhắc trước.")
    return Reply(text, files=tuple(files))
