"""The status export: one sheet per deadline and period, plus a summary sheet of counts per unit type."""
from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date

from scheduler.usecases.status import OVERDUE, PENDING, STATES, SUBMITTED, StatusReport
from scheduler.timeutil import hhmm_date
from scheduler.units import TYPE_LABELS
from scheduler.vi_dates import format_date_vi

COLUMNS = ("Đơn vị", "Loại", "Trạng thái", "Người xác nhận", "Thời điểm", "Số văn bản/ghi chú", "Nhóm/đầu mối")
WIDTHS = (38, 16, 12, 24, 17, 22, 48)
STATE_FILL = {SUBMITTED: "C6EFCE", PENDING: "FFEB9C", OVERDUE: "FFC7CE"}  # Excel's own good/neutral/bad fills
STATE_FONT = {SUBMITTED: "006100", PENDING: "9C5700", OVERDUE: "9C0006"}
HEADER_FILL = "1F4E79"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(report: StatusReport, taken: set[str]) -> str:
    """At most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = _BAD_SHEET_CHARS.sub("-", f"{report.code} {report.period}")[:31]
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def status_workbook(reports: Sequence[StatusReport], today: date) -> bytes:
    """The .xlsx file as bytes (formatted header, frozen first row, filters, status colours)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    summary = wb.active
    summary.title = "Tổng hợp"
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor=HEADER_FILL)
    wrap = Alignment(vertical="top", wrap_text=True)

    def header(ws, values: Sequence[str], widths: Sequence[int]) -> None:  # type: ignore[no-untyped-def]
        ws.append(list(values))
        for i, width in enumerate(widths, start=1):
            cell = ws.cell(row=ws.max_row, column=i)
            cell.font, cell.fill = header_font, header_fill
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            ws.column_dimensions[get_column_letter(i)].width = width

    summary.append([f"Tình hình nộp báo cáo — số liệu ngày {format_date_vi(today)}"])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([])
    header(summary, ("Hạn", "Kỳ", "Hạn nộp", "Loại đơn vị", "Tổng", *STATES, "Tỉ lệ đã nộp"),
           (40, 16, 14, 18, 8, 10, 10, 10, 12))
    first = summary.max_row
    taken = {"tổng hợp"}
    for report in reports:
        counts = report.counts(today)
        for type_label, c in counts.items():
            total = sum(c.values())
            summary.append([f"[{report.code}] {report.title}", report.label, format_date_vi(report.legal_due),
                            type_label, total, *(c[s] for s in STATES), c[SUBMITTED] / total if total else 0])
            summary.cell(row=summary.max_row, column=9).number_format = "0%"
        ws = wb.create_sheet(sheet_name(report, taken))
        header(ws, COLUMNS, WIDTHS)
        for u in report.units:
            state = report.state(u, today)
            ws.append([u.name, TYPE_LABELS.get(u.type, u.type), state, u.by or "", hhmm_date(u.at) if u.at else "",
                       u.note or "", u.contacts or "Chưa có nhóm hay đầu mối"])
            cell = ws.cell(row=ws.max_row, column=3)
            cell.fill = PatternFill("solid", fgColor=STATE_FILL[state])
            cell.font = Font(bold=True, color=STATE_FONT[state])
            for col in (1, 7):
                ws.cell(row=ws.max_row, column=col).alignment = wrap
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(ws.max_row, 2)}"
        ws.append([])
        ws.append([f"{report.title} — {report.label}; hạn {format_date_vi(report.due)}"
                   + (f" (theo ngày làm việc: {format_date_vi(report.legal_due)})" if report.legal_due != report.due else "")])
    if summary.max_row >= first:
        summary.freeze_panes = summary.cell(row=first + 1, column=1)
        summary.auto_filter.ref = f"A{first}:I{max(summary.max_row, first + 1)}"
    if not reports:
        summary.append(["Không có kỳ báo cáo nào đang mở."])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
