"""Due rules written in Vietnamese ("chậm nhất ngày 30/01 hằng năm", "trong quý III/2027") and their occurrences.

Period ids (Occurrence.period): "2027" (year), "2027-H1"/"2027-H2" (six months), "2027-9M" (nine
months), "2027-Q1".."2027-Q4" (quarter), "2027-06" (month), "2027-06..07" (a range of months),
"2027-01-30" (a single date: one-off rules, rules counted in days, lists of yearly dates).
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.core.vietnamese import fold
from scheduler.workdays import WorkCalendar

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
EXAMPLES = (
    "«chậm nhất ngày 30/01 hằng năm», «trước ngày 15/6 hằng năm», «ngày 10 tháng cuối quý», "
    "«chậm nhất ngày 15 tháng đầu quý sau», «ngày 5 hằng tháng», «trong quý III/2027», "
    "«trong tháng 6-7/2027», «30/01/2027», «6 tháng đầu năm 2027», "
    "«ngày 20 tháng cuối kỳ báo cáo quý I, 6 tháng, quý III và năm», "
    "«trong thời hạn 05 ngày làm việc kể từ 15/3/2027»"
)
MIN_YEAR, MAX_YEAR = 1900, 2200


class RuleError(ValueError):
    """A due rule that cannot be understood; str() is a Vietnamese message with examples."""


@dataclass(frozen=True)
class Occurrence:
    period: str
    label: str
    due: date  # the last day to submit (for "trước ngày X": X - 1)
    cutoff: tuple[date, date] | None = None  # data cut-off window (Nghị định 09/2019/NĐ-CP, Điều 12)
    window_start: date | None = None  # when the window to do the work opens ("trong tháng 6-7/2027": 01/06)


YearFn = Callable[[int], list[Occurrence]]


@dataclass(frozen=True)
class DueRule:
    text: str
    recurring: bool
    summary: str = field(repr=False)
    _fixed: tuple[Occurrence, ...] = field(default=(), repr=False)
    _per_year: YearFn | None = field(default=None, repr=False, compare=False)

    def understood(self) -> str:
        """The rule restated in Vietnamese."""
        return self.summary

    def occurrences(self, start: date, count: int) -> list[Occurrence]:
        """The first `count` occurrences whose due date is on or after `start`, earliest first."""
        if count <= 0:
            return []
        if self._per_year is None:
            return [o for o in self._fixed if o.due >= start][:count]
        found: list[Occurrence] = []
        year = max(MIN_YEAR, start.year - 1)
        while year <= min(MAX_YEAR, start.year + count + 2):
            found += [o for o in self._per_year(year) if o.due >= start]
            # one extra year past `start` so that sorting across year ends is safe
            if len(found) >= count and year > start.year:
                break
            year += 1
        return sorted(found, key=lambda o: (o.due, o.period))[:count]

    def occurrences_between(self, start: date, end: date) -> list[Occurrence]:
        """Occurrences with start <= due <= end, earliest first."""
        if end < start:
            return []
        if self._per_year is None:
            return [o for o in self._fixed if start <= o.due <= end]
        found: list[Occurrence] = []
        for year in range(max(MIN_YEAR, start.year - 1), min(MAX_YEAR, end.year + 1) + 1):
            found += [o for o in self._per_year(year) if start <= o.due <= end]
        return sorted(found, key=lambda o: (o.due, o.period))


# ---------------------------------------------------------------- periods and cut-offs

def _last_day(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _clamped(y: int, m: int, d: int) -> date:
    """Day d of month m, or the month's last day when it is shorter ("ngày 31 tháng cuối quý" in June)."""
    return date(y, m, min(d, calendar.monthrange(y, m)[1]))


def _month_shift(y: int, m: int, delta: int) -> tuple[int, int]:
    idx = y * 12 + (m - 1) + delta
    return idx // 12, idx % 12 + 1


def _cut(y: int, first_month: int, last_month: int) -> tuple[date, date]:
    """Điều 12: from the 15th of the month before `first_month` to the 14th of `last_month`."""
    py, pm = _month_shift(y, first_month, -1)
    return date(py, pm, 15), date(y, last_month, 14)


@dataclass(frozen=True)
class _Kind:
    """A reporting period of a year: its id suffix, last month, cut-off months and label."""

    suffix: str  # "-Q1", "-H1", "" (year)
    first: int
    last: int
    label: str  # "Quý I/{y}"


KINDS = {
    "Q1": _Kind("-Q1", 1, 3, "Quý I/{y}"),
    "Q2": _Kind("-Q2", 4, 6, "Quý II/{y}"),
    "Q3": _Kind("-Q3", 7, 9, "Quý III/{y}"),
    "Q4": _Kind("-Q4", 10, 12, "Quý IV/{y}"),
    "H1": _Kind("-H1", 1, 6, "6 tháng đầu năm {y}"),
    "H2": _Kind("-H2", 7, 12, "6 tháng cuối năm {y}"),
    "9M": _Kind("-9M", 1, 9, "9 tháng năm {y}"),
    "Y": _Kind("", 1, 12, "Năm {y}"),
}
KIND_NAMES = {"Q1": "Quý I", "Q2": "Quý II", "Q3": "Quý III", "Q4": "Quý IV", "H1": "6 tháng",
              "H2": "6 tháng cuối năm", "9M": "9 tháng", "Y": "Năm"}


def period_occurrence(kind: str, y: int, due: date, *, with_cutoff: bool = True,
                      window: bool = False) -> Occurrence:
    k = KINDS[kind]
    return Occurrence(f"{y}{k.suffix}", k.label.format(y=y), due,
                      _cut(y, k.first, k.last) if with_cutoff else None,
                      date(y, k.first, 1) if window else None)


def _dm(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}"


def _dmy(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


# ---------------------------------------------------------------- normalisation

_PUNCT = re.compile(r"[,;:()\[\]\"“”'‘’*!?…]+")
_DOT_WORD = re.compile(r"(?<!\d)\.|\.(?!\d)")
_ROMAN_Q = re.compile(r"\bquy\s+(iv|iii|ii|i|[1-4])\b")
_ROMAN_VAL = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}


def normalize_rule(text: str) -> str:
    """Folded, punctuation-free text with dates as d/m[/y]; the form the patterns below read."""
    s = fold(text)
    s = s.replace("muon nhat", "cham nhat").replace("tre nhat", "cham nhat")
    s = re.sub(r"\s*/\s*", "/", s)
    s = re.sub(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", r"\3/\2/\1", s)
    s = re.sub(r"\bngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})\b", r"ngay \1/\2/\3", s)
    s = re.sub(r"\bngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\b(?![/.\-\d])", r"ngay \1/\2", s)
    s = _ROMAN_Q.sub(lambda m: "quy " + _ROMAN_VAL.get(m.group(1), m.group(1)), s)
    s = re.sub(r"\b(thang|quy)\s+(\d{1,2})\s+nam\s+(\d{4})\b", r"\1 \2/\3", s)
    s = re.sub(r"\bthang\s+(\d{1,2})\s*(?:-|den|den thang|–)\s*(?:thang\s+)?(\d{1,2})/(\d{4})\b",
               r"thang \1_\2/\3", s)
    s = re.sub(r"(?<![\d/.])(\d{1,2})[.\-](\d{1,2})[.\-](\d{4})\b", r"\1/\2/\3", s)
    s = re.sub(r"(?<![\d/.])(\d{1,2})[.\-](\d{1,2})(?![\d/.\-])", r"\1/\2", s)
    s = _PUNCT.sub(" ", s)
    s = _DOT_WORD.sub(" ", s)
    s = re.sub(r"\b(cua|la|vao)\b", " ", s)
    return re.sub(r"\s+", " ", s).strip()


# ---------------------------------------------------------------- patterns

_FILLER = re.compile(r"^(?:(?:thoi han|thoi gian|han nop|han chot|han|nop bao cao|nop|gui bao cao|gui|"
                     r"bao cao|hoan thanh|ban hanh|trinh ubnd tinh|trinh)\s+)+")
_NO_DATE = re.compile(r"\b(thuong xuyen|dot xuat|theo yeu cau|khi co yeu cau|lien tuc|hang ngay|"
                      r"hang tuan)\b|^(tu|bat dau tu) (thang|nam|ngay|quy)\b")
_BARE_RECURRENCE = re.compile(r"^(?:dinh ky )?(?:hang|moi) (quy|thang|nam)"
                              r"(?: 6 thang)?(?: (?:hang|moi) (?:quy|thang|nam))*$|^dinh ky$")
LEAD = r"(?P<lead>(?:(?:cham nhat|truoc|den het|den|han chot|trong|toi da|khong muon hon|khong qua|hoac)\s+)*)"
_YEARLY = r"(?:hang nam|moi nam|cac nam|nam ke hoach|trong nam)"


def _strict(m: re.Match[str]) -> bool:
    return "truoc" in (m.group("lead") or "")


def _day(value: str) -> int:
    d = int(value)
    if not 1 <= d <= 31:
        raise RuleError(f"Ngày {value} không có thật (ngày phải từ 1 đến 31).")
    return d


def _real_date(y: int, m: int, d: int) -> date:
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise RuleError(f"Năm {y} nằm ngoài khoảng hỗ trợ ({MIN_YEAR}–{MAX_YEAR}).")
    try:
        return date(y, m, d)
    except ValueError:
        raise RuleError(f"Ngày {d:02d}/{m:02d}/{y} không có thật.") from None


def _check_dm(d: int, m: int) -> None:
    if not 1 <= m <= 12:
        raise RuleError(f"Tháng {m} không có thật (tháng phải từ 1 đến 12).")
    if m == 2 and d == 29:
        raise RuleError("Ngày 29/02 không có ở mọi năm; hãy chọn 28/02 hoặc ghi rõ năm.")
    try:
        date(2000, m, d)
    except ValueError:
        raise RuleError(f"Ngày {d:02d}/{m:02d} không có thật.") from None


def _strict_note(strict: bool, nominal: str, due: str) -> str:
    return f"trước ngày {nominal} (hạn cuối: {due})" if strict else f"chậm nhất ngày {nominal}"


def _annual(m: re.Match[str], text: str) -> DueRule:
    d, mo = _day(m.group("d")), int(m.group("m"))
    _check_dm(d, mo)
    strict = _strict(m)

    def per_year(y: int) -> list[Occurrence]:
        due = date(y, mo, d) - timedelta(days=1 if strict else 0)
        return [Occurrence(str(y), f"Năm {y}", due)]

    last = (date(2001, mo, d) - timedelta(days=1)) if strict else date(2001, mo, d)
    summary = f"Hằng năm, {_strict_note(strict, f'{d:02d}/{mo:02d}', _dm(last))}; kỳ: năm của hạn nộp."
    return DueRule(text, True, summary, _per_year=per_year)


def _annual_list(m: re.Match[str], text: str) -> DueRule:
    pairs = [(int(d), int(mo)) for d, mo in re.findall(r"(\d{1,2})/(\d{1,2})", m.group("list"))]
    for d, mo in pairs:
        _day(str(d))
        _check_dm(d, mo)
    pairs = sorted(set(pairs), key=lambda p: (p[1], p[0]))
    strict = _strict(m)

    def per_year(y: int) -> list[Occurrence]:
        out = []
        for d, mo in pairs:
            due = date(y, mo, d) - timedelta(days=1 if strict else 0)
            out.append(Occurrence(due.isoformat(), f"Hạn {_dmy(due)}", due))
        return out

    days = ", ".join(f"{d:02d}/{mo:02d}" for d, mo in pairs)
    note = f"trước các ngày {days} (hạn cuối là ngày liền trước)" if strict else f"chậm nhất các ngày {days}"
    return DueRule(text, True, f"Hằng năm, {note}.", _per_year=per_year)


def _monthly(m: re.Match[str], text: str) -> DueRule:
    d = _day(m.group("d"))
    strict = _strict(m)

    def per_year(y: int) -> list[Occurrence]:
        out = []
        for mo in range(1, 13):
            due = _clamped(y, mo, d) - timedelta(days=1 if strict else 0)
            # the data of a month are cut off on its 14th (Điều 12): a due day up to the 14th reports last month
            py, pm = (y, mo) if d > 14 else _month_shift(y, mo, -1)
            cy, cm = _month_shift(py, pm, -1)
            out.append(Occurrence(f"{py}-{pm:02d}", f"Tháng {pm}/{py}", due, (date(cy, cm, 15), date(py, pm, 14))))
        return out

    which = "của tháng đó" if d > 14 else "của tháng trước"
    note = f"trước ngày {d} (hạn cuối: ngày {d - 1 if d > 1 else 'cuối tháng trước'})" if strict else f"chậm nhất ngày {d}"
    summary = (f"Hằng tháng, {note}; báo cáo số liệu {which} (chốt số liệu từ ngày 15 tháng trước đến ngày 14).")
    return DueRule(text, True, summary, _per_year=per_year)


def _quarter_end(m: re.Match[str], text: str) -> DueRule:
    d = _day(m.group("d"))
    strict = _strict(m)

    def per_year(y: int) -> list[Occurrence]:
        return [period_occurrence(f"Q{q}", y, _clamped(y, 3 * q, d) - timedelta(days=1 if strict else 0))
                for q in range(1, 5)]

    dates = ", ".join(f"{d}/{mo}" for mo in (3, 6, 9, 12))
    note = (f"trước ngày {d} tháng cuối quý ({dates}; hạn cuối là ngày liền trước)" if strict
            else f"chậm nhất ngày {d} tháng cuối quý ({dates})")
    summary = (f"Hằng quý, {note}; chốt số liệu từ ngày 15 tháng cuối quý trước đến ngày 14 tháng cuối quý.")
    return DueRule(text, True, summary, _per_year=per_year)


def _quarter_next(m: re.Match[str], text: str) -> DueRule:
    d = _day(m.group("d"))
    strict = _strict(m)

    def per_year(y: int) -> list[Occurrence]:
        out = []
        for q in range(1, 5):
            ny, nm = _month_shift(y, 3 * q, 1)
            out.append(period_occurrence(f"Q{q}", y, _clamped(ny, nm, d) - timedelta(days=1 if strict else 0)))
        return out

    dates = ", ".join(f"{d}/{mo}" for mo in (4, 7, 10, 1))
    note = f"trước ngày {d}" if strict else f"chậm nhất ngày {d}"
    summary = (f"Hằng quý, {note} tháng đầu quý sau ({dates} năm sau) cho báo cáo của quý trước; "
               "chốt số liệu từ ngày 15 tháng cuối quý trước đến ngày 14 tháng cuối quý.")
    return DueRule(text, True, summary, _per_year=per_year)


_SET_ITEM = re.compile(r"quy ([1-4])|6 thang cuoi nam|6 thang(?: dau nam)?|9 thang(?: dau nam)?|(?:ca |hang )?nam")


def _report_set(m: re.Match[str], text: str) -> DueRule:
    d = _day(m.group("d"))
    strict = _strict(m)
    rest = m.group("list")
    kinds: list[str] = []
    pos = 0
    for item in _SET_ITEM.finditer(rest):
        if rest[pos:item.start()].strip() not in ("", "va", "hang"):
            raise RuleError(f"Không hiểu kỳ báo cáo «{rest[pos:item.start()].strip()}». Ví dụ: {EXAMPLES}")
        pos = item.end()
        tok = item.group(0)
        kind = (f"Q{item.group(1)}" if item.group(1) else "H2" if "cuoi" in tok else "H1" if tok.startswith("6")
                else "9M" if tok.startswith("9") else "Y")
        if kind not in kinds:
            kinds.append(kind)
    if rest[pos:].strip() not in ("", "hang nam") or not kinds:
        raise RuleError(f"Không hiểu danh sách kỳ báo cáo «{rest}». Ví dụ: {EXAMPLES}")

    def per_year(y: int) -> list[Occurrence]:
        return [period_occurrence(k, y, _clamped(y, KINDS[k].last, d) - timedelta(days=1 if strict else 0))
                for k in kinds]

    parts = []
    for k in kinds:
        c_from, c_to = _cut(2001, KINDS[k].first, KINDS[k].last)
        parts.append(f"{KIND_NAMES[k]} (hạn {d}/{KINDS[k].last}, chốt số liệu {c_from.day}/{c_from.month}–"
                     f"{c_to.day}/{c_to.month})")
    note = f"trước ngày {d} (hạn cuối là ngày liền trước)" if strict else f"chậm nhất ngày {d}"
    summary = f"Mỗi năm {len(kinds)} kỳ báo cáo, {note} tháng cuối kỳ: " + "; ".join(parts) + "."
    return DueRule(text, True, summary, _per_year=per_year)


def _single(m: re.Match[str], text: str) -> DueRule:
    stated = _real_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    strict = _strict(m)
    due = stated - timedelta(days=1 if strict else 0)
    occ = Occurrence(due.isoformat(), f"Ngày {_dmy(due)}", due)
    return DueRule(text, False, f"Một lần: {_strict_note(strict, _dmy(stated), _dmy(due))}.", (occ,))


def _in_quarter(m: re.Match[str], text: str) -> DueRule:
    q, y = int(m.group("q")), int(m.group("y"))
    _real_date(y, 1, 1)
    occ = period_occurrence(f"Q{q}", y, _last_day(y, 3 * q), with_cutoff=False, window=True)
    return DueRule(text, False, f"Một lần: trong quý {ROMAN[q]}/{y} (từ {_dmy(occ.window_start)}, "  # type: ignore[arg-type]
                   f"hạn {_dmy(occ.due)}).", (occ,))


def _in_months(m: re.Match[str], text: str) -> DueRule:
    y = int(m.group("y"))
    m1 = int(m.group("m1"))
    m2 = int(m.group("m2") or m1)
    _real_date(y, 1, 1)
    if not (1 <= m1 <= 12 and 1 <= m2 <= 12) or m2 < m1:
        raise RuleError(f"Tháng không hợp lệ trong «{text}» (tháng từ 1 đến 12, tháng đầu trước tháng cuối).")
    start, due = date(y, m1, 1), _last_day(y, m2)
    if m1 == m2:
        occ = Occurrence(f"{y}-{m1:02d}", f"Tháng {m1}/{y}", due, None, start)
        return DueRule(text, False, f"Một lần: trong tháng {m1}/{y} (hạn {_dmy(due)}).", (occ,))
    occ = Occurrence(f"{y}-{m1:02d}..{m2:02d}", f"Tháng {m1}-{m2}/{y}", due, None, start)
    return DueRule(text, False, f"Một lần: trong tháng {m1}-{m2}/{y} (từ {_dmy(start)}, hạn {_dmy(due)}).", (occ,))


def _in_half(m: re.Match[str], text: str) -> DueRule:
    y = int(m.group("y"))
    _real_date(y, 1, 1)
    kind = "H1" if m.group("h") == "dau" else "H2"
    occ = period_occurrence(kind, y, _last_day(y, KINDS[kind].last), with_cutoff=False, window=True)
    return DueRule(text, False, f"Một lần: {occ.label} (hạn {_dmy(occ.due)}).", (occ,))


def _in_year(m: re.Match[str], text: str) -> DueRule:
    y = int(m.group("y"))
    _real_date(y, 1, 1)
    occ = period_occurrence("Y", y, date(y, 12, 31), with_cutoff=False, window=True)
    return DueRule(text, False, f"Một lần: trong năm {y} (hạn 31/12/{y}).", (occ,))


def _counted(m: re.Match[str], text: str, cal: WorkCalendar | None) -> DueRule:
    n = int(m.group("n"))
    anchor = _real_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    if n > 366:
        raise RuleError(f"Thời hạn {n} ngày quá dài; hãy ghi thẳng ngày hết hạn.")
    if m.group("wd"):
        due = (cal or WorkCalendar()).add_working_days(anchor, n)
        what = f"{n} ngày làm việc"
    else:
        due = anchor + timedelta(days=n)
        what = f"{n} ngày"
    occ = Occurrence(due.isoformat(), f"Ngày {_dmy(due)}", due, None, anchor)
    return DueRule(text, False, f"Một lần: trong thời hạn {what} kể từ {_dmy(anchor)} (hạn {_dmy(due)}).", (occ,))


Handler = Callable[[re.Match[str], str], DueRule]
D, DM, DMY = r"(?P<d>\d{1,2})", r"(?P<d>\d{1,2})/(?P<m>\d{1,2})", r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"
PATTERNS: list[tuple[re.Pattern[str], Handler]] = [(re.compile(p), h) for p, h in [
    (rf"^{LEAD}ngay {D} thang cuoi (?:moi |cua )?ky(?: bao cao)? (?P<list>.+)$", _report_set),
    (rf"^{LEAD}ngay {D} (?:thang cuoi|cuoi thang) (?:moi |cac |hang )?quy(?: (?:hang|moi) quy)?$", _quarter_end),
    (rf"^{LEAD}ngay {D} thang dau (?:quy sau|quy tiep theo|quy ke tiep(?: theo)?|cua quy sau)$", _quarter_next),
    (rf"^{LEAD}ngay {D} (?:hang|moi|cac) thang$", _monthly),
    (rf"^{LEAD}(?:ngay )?{DM} {_YEARLY}$", _annual),
    (rf"^{LEAD}(?:ngay |cac ngay )?(?P<list>\d{{1,2}}/\d{{1,2}}(?: (?:va )?\d{{1,2}}/\d{{1,2}})+) {_YEARLY}$", _annual_list),
    (rf"^{LEAD}(?:ngay )?{DMY}$", _single),
    (rf"^{LEAD}quy (?P<q>[1-4])/(?P<y>\d{{4}})$", _in_quarter),
    (rf"^{LEAD}thang (?P<m1>\d{{1,2}})(?:_(?P<m2>\d{{1,2}}))?/(?P<y>\d{{4}})$", _in_months),
    (rf"^{LEAD}6 thang (?P<h>dau|cuoi) nam (?P<y>\d{{4}})$", _in_half),
    (rf"^{LEAD}(?:ca )?nam (?P<y>\d{{4}})$", _in_year),
]]
COUNTED = re.compile(r"^(?:trong )?(?:vong )?(?:thoi han )?(?P<n>\d{1,3}) ngay(?P<wd> lam viec)? "
                     r"(?:ke tu|tinh tu) (?:ngay )?" + DMY + "$")


def _move_leading_recurrence(s: str) -> str:
    """'hang nam cham nhat ngay 30/01' -> 'cham nhat ngay 30/01 hang nam'."""
    s = re.sub(r"^dinh ky ", "", s)
    m = re.match(r"^((?:hang|moi) (?:nam|quy|thang)) (.+)$", s)
    if m and not re.search(r"\b(hang|moi|cac) (nam|quy|thang)$|nam ke hoach$", m.group(2)):
        return f"{m.group(2)} {m.group(1)}"
    if m:
        return m.group(2)
    return s


def parse_rule(text: str, calendar: WorkCalendar | None = None) -> DueRule:
    """Understand a Vietnamese due rule; raises RuleError (a Vietnamese message with examples).

    `calendar` is used only by rules counted in working days ("05 ngày làm việc kể từ …").
    """
    if not isinstance(text, str) or not text.strip():
        raise RuleError(f"Chưa có quy tắc hạn. Ví dụ: {EXAMPLES}")
    if len(text) > 500:
        raise RuleError("Quy tắc hạn quá dài (tối đa 500 ký tự); hãy ghi ngắn gọn, ví dụ: «ngày 10 tháng cuối quý».")
    clean = text.strip()
    s = normalize_rule(clean)
    if _NO_DATE.search(s) and "ke tu" not in s:
        raise RuleError(f"«{clean}» không có ngày hạn cụ thể nên không có gì để nhắc. "
                        f"Hãy ghi quy tắc có ngày, ví dụ: {EXAMPLES}.")
    if _BARE_RECURRENCE.match(s):
        raise RuleError(f"«{clean}» chưa nêu ngày nộp. Hãy ghi rõ ngày, ví dụ: «ngày 10 tháng cuối quý», "
                        "«chậm nhất ngày 30/01 hằng năm», «ngày 5 hằng tháng».")
    s = _FILLER.sub("", s)
    s = _move_leading_recurrence(s)
    m = COUNTED.match(s)
    if m:
        return _counted(m, clean, calendar)
    if re.search(r"\bngay\b.*\bke tu\b", s):
        raise RuleError(f"«{clean}» tính từ một sự kiện chưa có ngày cụ thể; hãy ghi ngày bắt đầu, "
                        "ví dụ: «trong thời hạn 05 ngày làm việc kể từ 15/3/2027».")
    for pattern, handler in PATTERNS:
        m = pattern.match(s)
        if m:
            return handler(m, clean)
    if re.fullmatch(rf"{LEAD}(?:ngay )?\d{{1,2}}/\d{{1,2}}", s):
        raise RuleError(f"«{clean}» thiếu năm: thêm «hằng năm» nếu lặp lại mỗi năm (ví dụ «chậm nhất ngày "
                        "30/01 hằng năm»), hoặc ghi đủ ngày/tháng/năm (ví dụ «30/01/2027»).")
    raise RuleError(f"Không hiểu quy tắc hạn «{clean}». Các dạng được hiểu: {EXAMPLES}.")
