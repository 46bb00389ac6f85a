"""Units from a spreadsheet (.xlsx or .csv): read, check every row, then store all of them or none."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from bot.core.vietnamese import fold
from scheduler.changes import bump
from scheduler.units import TYPE_LABELS, add_focal_point, find_unit, parse_unit_type

HEADERS = ("Tên đơn vị", "Loại", "Tên gọi khác", "Đầu mối")
REQUIRED = ("Tên đơn vị", "Loại")
FOCAL_CHANNELS = ("telegram", "zalo", "zalo_oa")
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
TEMPLATE_EXAMPLES = (
    ("Sở Tư pháp", "sở/ban/ngành", "STP, Tư pháp", "Nguyễn Văn An (telegram:123456789)"),
    ("UBND xã Tân Lập", "xã/phường/đặc khu", "Tân Lập", ""),
    ("UBND phường Hòa Bình", "xã/phường/đặc khu", "P. Hòa Bình", "Trần Thị Bình (zalo:8f3a2c); telegram:987654"),
)
_FOCAL = re.compile(r"^(?:(?P<name>.*?)[\s,(]+)?(?P<channel>[a-z_]+):(?P<id>[^\s,()]+)\)?$")


class ImportFileError(ValueError):
    """The file itself cannot be read (wrong format, no header row): a Vietnamese message."""


@dataclass(frozen=True)
class Focal:
    channel: str
    user_id: str
    name: str = ""


@dataclass(frozen=True)
class RowPlan:
    """One valid row and what storing it would do."""

    row: int  # the spreadsheet's row number (header is row 1)
    name: str
    type: str  # "so" | "xa"
    aliases: tuple[str, ...]
    focals: tuple[Focal, ...]
    action: str  # "add" | "update" | "unchanged"
    existing: str = ""  # the stored unit's name when it matched by another spelling or alias

    @property
    def type_label(self) -> str:
        return TYPE_LABELS.get(self.type, self.type)


@dataclass(frozen=True)
class Problem:
    row: int
    message: str

    def __str__(self) -> str:
        return f"Dòng {self.row}: {self.message}"


@dataclass
class ImportCheck:
    """Every row checked; nothing is stored while `problems` is not empty."""

    rows: list[RowPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def summary(self) -> str:
        """One Vietnamese paragraph: what would be (or was) done, or every problem by row."""
        if self.problems:
            head = f"Tệp có {len(self.problems)} lỗi, chưa lưu đơn vị nào. Sửa các dòng sau rồi nhập lại:"
            return "\n".join([head, *(f"• {p}" for p in self.problems)])
        if not self.rows:
            return "Tệp không có dòng đơn vị nào (dòng 1 là tiêu đề: " + ", ".join(HEADERS) + ")."
        return (f"{len(self.rows)} dòng hợp lệ: thêm mới {self.count('add')}, cập nhật {self.count('update')}, "
                f"không đổi {self.count('unchanged')}.")


def read_table(data: bytes, file_name: str) -> list[list[str]]:
    """The cells of the first sheet (xlsx) or of the CSV file, as text rows."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(f"Tệp quá lớn (tối đa {MAX_BYTES // (1024 * 1024)} MB).")
    suffix = Path(file_name).suffix.lower()
    if suffix == ".xlsx" or data[:2] == b"PK":
        return _read_xlsx(data)
    if suffix in (".csv", ".txt", ""):
        return _read_csv(data)
    raise ImportFileError(f"Chỉ nhận tệp .xlsx hoặc .csv (tệp «{Path(file_name).name}» không phải).")


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises several kinds for a damaged or non-Excel file
        raise ImportFileError("Không đọc được tệp Excel (.xlsx): tệp hỏng hoặc không phải Excel.") from None
    try:
        ws = wb.worksheets[0]
        rows: list[list[str]] = []
        for values in ws.iter_rows(values_only=True):
            rows.append(["" if v is None else str(v).strip() for v in values])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        wb.close()


def _read_csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1258 decodes nearly anything
        raise ImportFileError("Không đọc được tệp CSV: hãy lưu với mã UTF-8.")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _columns(header: list[str]) -> dict[str, int]:
    wanted = {fold(h): h for h in HEADERS}
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = fold(cell)
        if key in wanted and wanted[key] not in found:
            found[wanted[key]] = i
    missing = [h for h in REQUIRED if h not in found]
    if missing:
        raise ImportFileError("Dòng 1 phải là tiêu đề cột: " + ", ".join(HEADERS) + ". Thiếu cột: " +
                              ", ".join(missing) + ". Tải mẫu bằng `python -m bot units template mau.xlsx`.")
    return found


def unit_type_of(text: str) -> str | None:
    """'sở/ban/ngành', 'xã/phường/đặc khu', 'Phường' … -> 'so' / 'xa'; 'huyen' for the abolished level."""
    found = parse_unit_type(text)
    if found is None:
        for part in re.split(r"[/,;]", text):
            found = parse_unit_type(part)
            if found is not None:
                break
    return found


def parse_focals(text: str) -> tuple[list[Focal], str]:
    """'Nguyễn Văn An (telegram:123); zalo:abc' -> focal points, or an error message."""
    focals: list[Focal] = []
    for item in (p.strip() for p in text.split(";")):
        if not item:
            continue
        m = _FOCAL.match(item)
        if m is None:
            return [], (f"đầu mối «{item[:80]}» không đúng dạng «Họ tên (telegram:mã)» hoặc «zalo:mã»")
        channel = m["channel"].lower()
        if channel not in FOCAL_CHANNELS:
            return [], f"kênh «{channel}» của đầu mối không có: dùng telegram, zalo hoặc zalo_oa"
        if len(m["id"]) > 64:
            return [], "mã người dùng của đầu mối dài quá 64 ký tự"
        if channel == "telegram" and not m["id"].lstrip("-").isdigit():
            return [], f"mã Telegram «{m['id'][:40]}» phải là số (mã người dùng, không phải @tên)"
        focals.append(Focal(channel, m["id"], " ".join((m["name"] or "").strip(" ,(").split())[:200]))
    return focals, ""


def check_rows(session: Session, table: list[list[str]]) -> ImportCheck:
    """Validate every row against the file and the stored units; nothing is written."""
    if not table:
        raise ImportFileError("Tệp trống.")
    cols = _columns(table[0])
    check = ImportCheck()
    if len(table) - 1 > MAX_ROWS:
        check.problems.append(Problem(MAX_ROWS + 2, f"tệp quá {MAX_ROWS} dòng; chia thành nhiều tệp"))
        return check
    names: dict[str, int] = {}  # folded name or alias -> row that claimed it
    stored_of: dict[int, int] = {}  # stored unit id -> row that updates it

    def cell(row: list[str], header: str) -> str:
        i = cols.get(header)
        return " ".join(row[i].split()) if i is not None and i < len(row) else ""

    for number, row in enumerate(table[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        name, type_text = cell(row, "Tên đơn vị"), cell(row, "Loại")
        aliases = tuple(dict.fromkeys(a for a in (" ".join(x.split()) for x in cell(row, "Tên gọi khác").split(","))
                                      if a))
        errors: list[str] = []
        if not name:
            errors.append("thiếu Tên đơn vị")
        elif len(name) > 200:
            errors.append("Tên đơn vị dài quá 200 ký tự")
        type_ = unit_type_of(type_text) if type_text else None
        if not type_text:
            errors.append("thiếu Loại (sở/ban/ngành hoặc xã/phường/đặc khu)")
        elif type_ == "huyen":
            errors.append("cấp huyện không còn từ 01/7/2025 (Luật 72/2025/QH15): ghi sở/ban/ngành hoặc xã/phường/đặc khu")
        elif type_ is None:
            errors.append(f"Loại «{type_text[:50]}» không hợp lệ: ghi «sở/ban/ngành» hoặc «xã/phường/đặc khu»")
        focals, focal_error = parse_focals(cell(row, "Đầu mối"))
        if focal_error:
            errors.append(focal_error)
        existing = find_unit(session, name) if name else None
        if name:
            key = fold(name)
            if key in names:
                errors.append(f"«{name}» trùng với dòng {names[key]}")
            if existing is not None and existing.id in stored_of:
                errors.append(f"«{name}» là cùng đơn vị «{existing.name}» với dòng {stored_of[existing.id]}")
        for alias in aliases:
            key = fold(alias)
            if key in names and names[key] != number:
                errors.append(f"tên gọi khác «{alias}» đã dùng ở dòng {names[key]}")
            other = find_unit(session, alias)
            if other is not None and (existing is None or other.id != existing.id):
                errors.append(f"tên gọi khác «{alias}» đã là tên của đơn vị «{other.name}»")
        if errors:
            check.problems += [Problem(number, e) for e in errors]
            if name:
                names.setdefault(fold(name), number)
            continue
        assert type_ is not None
        names[fold(name)] = number
        for alias in aliases:
            names.setdefault(fold(alias), number)
        if existing is not None:
            stored_of[existing.id] = number
        check.rows.append(RowPlan(number, name, type_, aliases, tuple(focals), _action(session, existing, type_,
                                                                                         aliases, focals),
                                  existing.name if existing is not None and existing.name != name else ""))
    return check


def _action(session: Session, unit, type_: str, aliases: tuple[str, ...], focals: list[Focal]) -> str:  # type: ignore[no-untyped-def]
    if unit is None:
        return "add"
    if not unit.active or unit.type != type_:
        return "update"
    known = {fold(a) for a in [unit.name, *(unit.aliases or [])]}
    if any(fold(a) not in known for a in aliases):
        return "update"
    have = {(f.channel, f.user_id): f.display_name for f in unit.focal_points}
    if any((f.channel, f.user_id) not in have or (f.name and have[(f.channel, f.user_id)] != f.name) for f in focals):
        return "update"
    return "unchanged"


def apply_rows(session: Session, check: ImportCheck) -> ImportCheck:
    """Store every planned row (units added, reactivated, aliases and focal points merged); all or nothing."""
    from scheduler.models import Unit

    if check.problems:
        raise ValueError(check.summary())
    for plan in check.rows:
        if plan.action == "unchanged":
            continue
        unit = find_unit(session, plan.existing or plan.name)
        if unit is None:
            unit = Unit(name=plan.name, type=plan.type, aliases=list(plan.aliases), active=True)
            session.add(unit)
            session.flush()
        else:
            unit.active, unit.type = True, plan.type
            known = {fold(a) for a in [unit.name, *(unit.aliases or [])]}
            unit.aliases = [*(unit.aliases or []), *(a for a in plan.aliases if fold(a) not in known)]
        for f in plan.focals:
            # A Telegram private chat's id is the user's id (Bot API); other channels learn it from a first message.
            add_focal_point(session, unit, f.channel, f.user_id, f.name,
                            f.user_id if f.channel == "telegram" else None)
    session.flush()
    if any(plan.action != "unchanged" for plan in check.rows):
        bump(session, "units imported")
    return check


def template_xlsx() -> bytes:
    """An .xlsx with the header row, a note on each column and example rows."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "Đơn vị"
    ws.append(list(HEADERS))
    notes = ("Tên đầy đủ, ví dụ «Sở Tư pháp», «UBND xã Tân Lập». Nhập lại cùng tên thì cập nhật, không tạo trùng.",
             "sở/ban/ngành hoặc xã/phường/đặc khu",
             "Các tên gọi khác để bot nhận ra đơn vị, cách nhau bởi dấu phẩy",
             "Không bắt buộc. Họ tên (telegram:mã số) hoặc (zalo:mã); nhiều người cách nhau bởi dấu chấm phẩy")
    for i, note in enumerate(notes, start=1):
        c = ws.cell(row=1, column=i)
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = PatternFill("solid", fgColor="1F4E79")
        c.comment = Comment(note, "Trợ lý CCHC")
    for row in TEMPLATE_EXAMPLES:
        ws.append(list(row))
    types = DataValidation(type="list", formula1='"sở/ban/ngành,xã/phường/đặc khu"', allow_blank=False)
    ws.add_data_validation(types)
    types.add("B2:B2000")
    for col, width in zip("ABCD", (40, 20, 30, 45)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
