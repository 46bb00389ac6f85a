"""/tinhhinh [mã]: counts per unit type, then the units not yet confirmed by type, marking those nobody can reach."""
from __future__ import annotations

from datetime import date

from bot.core.errors import NotFound
from bot.core.messages import Reply
from handlers.context import Context
from handlers.registry import Role, command
from scheduler.repo import list_deadlines
from scheduler.texts import days_left_text
from scheduler.timeutil import as_vn, hhmm_date
from scheduler.standing import is_overdue
from scheduler.usecases.status import StatusReport, UnitStatus, status_reports, type_label
from scheduler.vi_dates import format_date_vi

UNREACHABLE = "⚠️ chưa có nhóm/đầu mối"
MAX_MISSING = 200  # units not yet confirmed listed (a province has up to about 190 units); the rest: Excel
MAX_DONE = 15  # confirmed units listed with who and when; more are only counted


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def counts_line(r: StatusReport) -> str:
    """'Sở/ban/ngành 12/20 · UBND cấp xã 48/102 — 60/122 đơn vị đã nộp'."""
    parts = [f"{_cap(type_label(t))} {done}/{total}" for t, done, total in r.submitted_by_type()]
    done = sum(1 for u in r.units if u.submitted)
    return " · ".join(parts) + (" — " if parts else "") + f"{done}/{len(r.units)} đơn vị đã nộp"


def _period_line(r: StatusReport, today: date) -> str:
    legal = f", hạn cuối {format_date_vi(r.legal_due)} do trùng ngày nghỉ" if r.legal_due != r.due else ""
    return (f"[{r.code}] {r.title} — {r.label}, hạn {format_date_vi(r.due)}{legal} "
            f"({days_left_text(r.due, today, r.legal_due)})")


def _missing_line(u: UnitStatus) -> str:
    return f"⏳ {u.name}" + ("" if u.reachable else f" — {UNREACHABLE}")


def _done_line(u: UnitStatus) -> str:
    return (f"✅ {u.name} — {u.by or '?'}" + (f", {hhmm_date(u.at)}" if u.at else "")
            + (f", số {u.note}" if u.note else ""))


def detail_text(r: StatusReport, today: date) -> str:
    """One deadline's open period, phone-sized: counts, then who is missing by unit type, then who submitted."""
    lines = [counts_line(r), _period_line(r, today)]
    missing = r.missing()
    if not r.units:
        lines.append("Kỳ này không có đơn vị nào phải nộp.")
        return "\n".join(lines)
    if missing:
        late = is_overdue(r, today)
        lines += ["", f"{'Quá hạn, chưa nộp' if late else 'Chưa nộp'} ({len(missing)}):"]
        shown = 0
        for t in r.types():
            of_type = [u for u in missing if u.type == t]
            if not of_type:
                continue
            lines.append(f"{_cap(type_label(t))} ({len(of_type)}):")
            for u in of_type[:max(0, MAX_MISSING - shown)]:
                lines.append(_missing_line(u))
            shown += len(of_type)
        if shown > MAX_MISSING:
            lines.append(f"… và {shown - MAX_MISSING} đơn vị khác: /tinhhinh {r.code} excel")
        if r.unreachable():
            lines.append(f"{len(r.unreachable())} đơn vị {UNREACHABLE[2:].strip()}: bot không nhắc được "
                         "(đăng ký nhóm: /dangky; mời đầu mối: /moi <đơn vị>).")
    else:
        lines += ["", "Tất cả đơn vị đã nộp."]
    done = [u for u in r.units if u.submitted]
    if done and len(done) <= MAX_DONE:
        lines += ["", f"Đã nộp ({len(done)}):", *(_done_line(u) for u in done)]
    elif done:
        lines += ["", f"Đã nộp: {len(done)} đơn vị — người xác nhận, thời điểm, số văn bản: /tinhhinh {r.code} excel"]
    return "\n".join(lines)


def overview_text(reports: list[StatusReport], codes: list[str], today: date) -> str:
    """Every deadline: its open period and counts per unit type, one short paragraph each."""
    by_code = {r.code: r for r in reports}
    paras = []
    for code in codes:
        r = by_code.get(code)
        if r is None:
            paras.append(f"• [{code}] không có kỳ nào đang mở.")
            continue
        lost = len(r.unreachable())
        paras.append(f"• {_period_line(r, today)}\n  {counts_line(r)}"
                     + (f" · {lost} đơn vị {UNREACHABLE}" if lost else ""))
    return "\n".join([*paras, "", "Chi tiết: /tinhhinh <mã>; tệp: /tinhhinh <mã> excel, /tinhhinh <mã> bieudo."])


@command("tinhhinh", "Đơn vị nào đã/chưa xác nhận nộp (excel, bieudo: tệp)", usage="/tinhhinh [mã] [excel|bieudo]",
         role=Role.ADMIN, order=53)
async def status(ctx: Context) -> Reply | str:
    from handlers.status_files import status_file, wanted_file

    asked = wanted_file(ctx.args)
    if asked is not None:
        return await status_file(ctx, *asked)
    code = ctx.args.split()[0].lower() if ctx.args else ""
    today = as_vn(ctx.now()).date()
    escalate = ctx.app.settings.escalation_days
    try:
        reports = status_reports(ctx.session, ctx.now(), code, escalate=escalate)
    except NotFound as e:
        return f"{e} Gõ /tinhhinh để xem tất cả."
    if code:
        return detail_text(reports[0], today)
    codes = [d.code for d in list_deadlines(ctx.session)]
    if not codes:
        return "Chưa có hạn nào. Thêm bằng /themhan hoặc cài sẵn bằng /caidat."
    return overview_text(reports, codes, today)
