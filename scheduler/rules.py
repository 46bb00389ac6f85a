"""Due rules written in Vietnamese ("chậm nhất ngày 30/01 hằng năm", "trong quý III/2027") and their occurrences.

Period ids (Period.period, stored as an occurrence row's period): "2027" (year), "2027-H1"/"2027-H2" (six
months), "2027-9M" (nine months), "2027-Q1".."2027-Q4" (quarter), "2027-06" (month), "2027-06..07" (a range of months),
"2027-W09" (ISO week), "2027-01-30" (a single date: one-off rules, rules counted in days, lists of
yearly dates that are not quarters or halves).

The grammar (GRAMMAR) is read both by parse_rule, for a whole rule, and by find_phrases, for rule
phrases in a directive's running text.
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from scheduler import rule_task
from scheduler.rule_text import INVISIBLE, folded, normalize
from scheduler.workdays import WorkCalendar

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
EXAMPLE = "«ngày 5 hằng tháng»"  # the one example when a rule is empty
MIN_YEAR, MAX_YEAR = 1900, 2200


class RuleError(ValueError):
    """A due rule that cannot be understood; str() is a Vietnamese message with examples."""


@dataclass(frozen=True)
class Period:
    """One period of a rule (the database keeps it as a `scheduler.models.Occurrence` row)."""

    period: str
    label: str
    due: date  # the last day to submit (for "trước ngày X": X - 1)
    cutoff: tuple[date, date] | None = None  # data cut-off window (Nghị định 09/2019/NĐ-CP, Điều 12)
    window_start: date | None = None  # when the window to do the work opens ("trong tháng 6-7/2027": 01/06)


YearFn = Callable[[int], list[Period]]


@dataclass(frozen=True)
class DueRule:
    text: str
    recurring: bool
    summary: str = field(repr=False)
    _fixed: tuple[Period, ...] = field(default=(), repr=False)
    _per_year: YearFn | None = field(default=None, repr=False, compare=False)
    warnings: tuple[str, ...] = ()  # e.g. a due date before the end of its data cut-off
    canonical: str = ""  # the rule in the grammar's plainest words; parses to the same occurrences

    def understood(self) -> str:
        """The rule restated in Vietnamese, with its warnings."""
        return " ".join((self.summary, *self.warnings))

    def occurrences(self, start: date, count: int) -> list[Period]:
        """The first `count` occurrences whose due date is on or after `start`, earliest first."""
        if count <= 0:
            return []
        if self._per_year is None:
            return [o for o in self._fixed if o.due >= start][:count]
        found: list[Period] = []
        year = max(MIN_YEAR, start.year - 1)
        while year <= min(MAX_YEAR, start.year + count + 2):
            found += [o for o in self._per_year(year) if o.due >= start]
            # one extra year past `start` so that sorting across year ends is safe
            if len(found) >= count and year > start.year:
                break
            year += 1
        return sorted(found, key=lambda o: (o.due, o.period))[:count]

    def occurrences_between(self, start: date, end: date) -> list[Period]:
        """Occurrences with start <= due <= end, earliest first."""
        if end < start:
            return []
        if self._per_year is None:
            return [o for o in self._fixed if start <= o.due <= end]
        found: list[Period] = []
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
                      window: bool = False) -> Period:
    k = KINDS[kind]
    return Period(f"{y}{k.suffix}", k.label.format(y=y), due,
                      _cut(y, k.first, k.last) if with_cutoff else None,
                      date(y, k.first, 1) if window else None)


def _dm(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}"


def _dmy(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


# ---------------------------------------------------------------- the periods an occurrence reports on

PERIOD_KINDS = ("Q1", "Q2", "Q3", "Q4", "H1", "H2", "9M", "Y")


def _started(y: int, month: int, due: date) -> int:
    """The year whose `month` most recently began on or before `due`."""
    return y if date(y, month, 1) <= due else y - 1


def _month_period(due: date, *, previous: bool = False) -> Period:
    """A monthly report: the month whose cut-off (15th–14th, Điều 12) ended before `due`, or the month before."""
    if previous:
        py, pm = _month_shift(due.year, due.month, -1)
    else:
        py, pm = (due.year, due.month) if due.day > 14 else _month_shift(due.year, due.month, -1)
    cy, cm = _month_shift(py, pm, -1)
    return Period(f"{py}-{pm:02d}", f"Tháng {pm}/{py}", due, (date(cy, cm, 15), date(py, pm, 14)))


def _week_period(due: date, nominal: date) -> Period:
    iy, iw, _ = nominal.isocalendar()
    monday = nominal - timedelta(days=nominal.weekday())
    sunday = monday + timedelta(days=6)
    return Period(f"{iy}-W{iw:02d}", f"Tuần {_dm(monday)}–{_dmy(sunday)}", due)


def _period(kind: str, due: date) -> Period:
    """The period of `kind` a report due on `due` covers: the latest one whose last month has begun.

    kind: "Q1".."Y" (named), "Q" / "H" (any quarter / half), "M" (month), "D" (just the date).
    """
    if kind in KINDS:
        return period_occurrence(kind, _started(due.year, KINDS[kind].last, due), due)
    if kind == "Q":
        q = due.month // 3
        return period_occurrence(f"Q{q}", due.year, due) if q else period_occurrence("Q4", due.year - 1, due)
    if kind == "H":
        if due.month == 12:
            return period_occurrence("H2", due.year, due)
        return period_occurrence("H1", due.year, due) if due.month >= 6 else period_occurrence("H2", due.year - 1, due)
    if kind == "M":
        return _month_period(due)
    return Period(due.isoformat(), f"Hạn {_dmy(due)}", due)


def _list_kinds(months: list[int], ctx: _Ctx) -> list[str]:
    """One period kind per listed date: the label's kinds when they pair up, else quarters/halves when spaced so."""
    named = [k for k in ctx.kinds if k in PERIOD_KINDS]
    if len(named) == len(months) and len(set(named)) == len(named):
        if len(named) < 2 or len(set(months)) != len(months):
            return named
        # "6 tháng một lần, hạn 15/7 và 15/01 năm sau": each period with the listed month that follows its end soonest
        ends = sorted(named, key=lambda k: KINDS[k].last)
        ms = sorted(months)
        turn = min(range(len(ms)), key=lambda r: sum((mo - KINDS[k].last) % 12 for k, mo in zip(ends, ms[r:] + ms[:r])))
        of = dict(zip(ms[turn:] + ms[:turn], ends))
        return [of[mo] for mo in months]
    if len(ctx.kinds) == 1 and ctx.kinds[0] in ("Q", "M"):
        return [ctx.kinds[0]] * len(months)
    ms = sorted(months)
    if len(ms) == 4 and len({m % 3 for m in ms}) == 1:
        return ["Q"] * 4
    if len(ms) == 2 and ms[1] - ms[0] == 6:
        return ["H"] * 2
    if len(set(ms)) == len(ms) == 12:
        return ["M"] * 12
    return ["D"] * len(months)


def _kind_name(kind: str) -> str:
    if kind in ("Q1", "Q2", "Q3", "Q4"):
        return KIND_NAMES[kind].replace("Quý", "quý")
    return {"Q": "quý", "H": "6 tháng", "M": "tháng", "D": "ngày hạn"}.get(kind) or KIND_NAMES[kind].lower()


def _ky_kinds(ctx: _Ctx) -> list[str]:
    """The report periods a "kỳ" stands for: the label's named kinds, or every quarter / the year."""
    out: list[str] = []
    for k in ctx.kinds:
        if k not in PERIOD_KINDS and k != "Q":
            return []  # a month or a week is not a "kỳ" of these rules: refused with an example
        out += ["Q1", "Q2", "Q3", "Q4"] if k == "Q" else [k]
    return sorted(dict.fromkeys(out), key=lambda k: (KINDS[k].last, KINDS[k].last - KINDS[k].first))


def _quarters(ctx: _Ctx) -> list[int]:
    """The quarters a quarterly rule covers: those the label names ("Báo cáo quý I, II, III: …"), else all four."""
    named = [k for k in ctx.kinds if k in PERIOD_KINDS]
    if named and all(k.startswith("Q") for k in named):
        return sorted(int(k[1]) for k in named)
    return [1, 2, 3, 4]


# ---------------------------------------------------------------- building rules from matches

@dataclass(frozen=True)
class _Ctx:
    """What a handler knows besides its match: the rule as written, the calendar, the label's report kinds."""

    text: str
    calendar: WorkCalendar | None = None
    kinds: tuple[str, ...] = ()  # from "Báo cáo quý: …": "W", "M", "Q", "Q1".."Q4", "H1", "H2", "9M", "Y"

    @property
    def cal(self) -> WorkCalendar:
        return self.calendar or WorkCalendar()


def _strict(m: re.Match[str]) -> bool:
    return "truoc" in (m.groupdict().get("lead") or "")


def _shift(strict: bool) -> timedelta:
    return timedelta(days=1 if strict else 0)


def _day(value: str, example: str = "«ngày 5 hằng tháng», «ngày 10 tháng cuối quý»") -> int:
    d = int(value)
    if not 1 <= d <= 31:
        raise RuleError(f"Ngày {value} không có thật: ngày trong tháng phải từ 1 đến 31. Ví dụ: {example}.")
    return d


def _real_date(y: int, m: int, d: int) -> date:
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise RuleError(f"Năm {y} nằm ngoài khoảng hỗ trợ ({MIN_YEAR}–{MAX_YEAR}). Ví dụ: «30/01/2027».")
    _check_month(m)
    if d < 1:
        raise RuleError(f"Ngày {d:02d}/{m:02d}/{y} không có thật: ngày phải từ 01. Ví dụ: «01/{m:02d}/{y}».")
    try:
        return date(y, m, d)
    except ValueError:
        last = calendar.monthrange(y, m)[1]
        raise RuleError(f"Ngày {d:02d}/{m:02d}/{y} không có thật: tháng {m}/{y} chỉ có {last} ngày. "
                        f"Ví dụ gần nhất: «{min(d, last):02d}/{m:02d}/{y}».") from None


def _check_month(m: int) -> None:
    if not 1 <= m <= 12:
        raise RuleError(f"Tháng {m} không có thật (tháng phải từ 1 đến 12). Ví dụ: «chậm nhất ngày 15/12 hằng năm».")


def _check_dm(d: int, m: int) -> None:
    _check_month(m)
    if m == 2 and d == 29:
        raise RuleError("Ngày 29/02 không có ở mọi năm: hãy chọn «28/02 hằng năm», «ngày cuối cùng của tháng 2 "
                        "hằng năm» hoặc ghi rõ năm («29/02/2028»).")
    if not 1 <= d <= calendar.monthrange(2000, m)[1]:
        last = calendar.monthrange(2001, m)[1]
        raise RuleError(f"Ngày {d:02d}/{m:02d} không có thật: tháng {m} chỉ có {last} ngày. "
                        f"Ví dụ gần nhất: «chậm nhất ngày {last:02d}/{m:02d} hằng năm».")


def _strict_note(strict: bool, nominal: str, due: str) -> str:
    return f"trước ngày {nominal} (hạn cuối: {due})" if strict else f"chậm nhất ngày {nominal}"


def _rule(ctx: _Ctx, summary: str, per_year: YearFn, fix: str | None = None, *, canonical: str) -> DueRule:
    """A recurring rule, with the cut-off warning when a due date does not come after its data cut-off.

    `fix` is the closest rule that respects the cut-off, with "{d}" for the day to use.
    """
    rule = DueRule(ctx.text, True, summary, _per_year=per_year, canonical=canonical)
    return replace(rule, warnings=_cutoff_warnings(rule, fix))


def _once(ctx: _Ctx, summary: str, occ: Period, canonical: str) -> DueRule:
    return DueRule(ctx.text, False, summary, (occ,), canonical=canonical)


def _lead(strict: bool) -> str:
    return "trước" if strict else "chậm nhất"


def _label(kinds: list[str] | tuple[str, ...]) -> str:
    """'Báo cáo 6 tháng, năm: ' for named report kinds, '' otherwise."""
    names = [_kind_name(k) for k in kinds if k not in ("D", "H")]
    return f"Báo cáo {', '.join(dict.fromkeys(names))}: " if names else ""


def _cutoff_warnings(rule: DueRule, fix: str | None) -> tuple[str, ...]:
    """Nghị định 09/2019/NĐ-CP: a report is due at least one working day after its data cut-off (Điều 8.5, 12)."""
    early = [o for o in rule.occurrences(date(2031, 1, 1), 12) if o.cutoff and o.due <= o.cutoff[1]]
    if not early:
        return ()
    o = early[0]
    c_from, c_to = o.cutoff  # type: ignore[misc]
    day = c_to + timedelta(days=1)
    example = f" Ví dụ: «{fix.format(d=day.day)}»." if fix else ""
    return (f"⚠️ Lưu ý: hạn {_dm(o.due)} không sau ngày chốt số liệu {_dm(c_to)} của kỳ (chốt số liệu "
            f"{_dm(c_from)} – {_dm(c_to)}). Theo Nghị định 09/2019/NĐ-CP (Điều 8.5, Điều 12), hạn gửi báo cáo phải "
            f"sau thời điểm chốt số liệu ít nhất 01 ngày làm việc, tức từ ngày {_dm(day)} trở đi.{example}",)


def _yearly_word(m: re.Match[str]) -> str:
    return m.groupdict().get("yearly") or ""


def _annual(m: re.Match[str], ctx: _Ctx) -> DueRule:
    d, mo = _day(m.group("d"), "«chậm nhất ngày 30/01 hằng năm»"), int(m.group("m"))
    _check_dm(d, mo)
    strict = _strict(m)
    next_year = re.search(r"sau|tiep|ke tiep", _yearly_word(m)) is not None
    named = [k for k in ctx.kinds if k in PERIOD_KINDS]
    if named == ["H1", "H2"]:  # "Báo cáo 6 tháng: …": the half whose last month has begun by the due date
        named = ["H1" if 6 <= (date(2001, mo, d) - _shift(strict)).month <= 11 else "H2"]
    kind = named[0] if len(named) == 1 else None

    def per_year(y: int) -> list[Period]:
        due = date(y, mo, d) - _shift(strict)
        if kind:
            return [_period(kind, due)]
        if next_year:
            return [period_occurrence("Y", due.year - 1, due)]
        return [Period(str(due.year), f"Năm {due.year}", due)]

    last = date(2001, mo, d) - _shift(strict)
    when = _strict_note(strict, f"{d:02d}/{mo:02d}", _dm(last))
    if kind:
        what = f"kỳ: {_kind_name(kind)} (chốt số liệu theo Nghị định 09/2019/NĐ-CP, Điều 12)"
    elif next_year:
        what = "báo cáo của năm trước (chốt số liệu 15/12 năm trước đến 14/12)"
    else:
        what = "kỳ: năm của hạn nộp"
    suffix = " năm sau" if next_year else " hằng năm"
    return _rule(ctx, f"Hằng năm, {when}{' năm sau' if next_year else ''}; {what}.", per_year,
                 f"chậm nhất ngày {{d}}/{mo:02d}{suffix}" if kind else None,
                 canonical=f"{_label([kind] if kind else [])}{_lead(strict)} ngày {d:02d}/{mo:02d}{suffix}")


def _annual_list(m: re.Match[str], ctx: _Ctx) -> DueRule:
    items = re.findall(r"(?:(cham nhat|truoc) )?(?:ngay )?(\d{1,2})/(\d{1,2})", m.group("list"))
    _same_lead(_strict(m), [lead for lead, _, _ in items])
    pairs = [(int(d), int(mo)) for _, d, mo in items]
    for d, mo in pairs:
        _day(str(d), "«ngày 20/3, 20/6, 20/9 và 20/12 hằng năm»")
        _check_dm(d, mo)
    pairs = sorted(set(pairs), key=lambda p: (p[1], p[0]))
    strict = _strict(m)
    kinds = _list_kinds([mo for _, mo in pairs], ctx)

    def per_year(y: int) -> list[Period]:
        return [_period(k, date(y, mo, d) - _shift(strict)) for (d, mo), k in zip(pairs, kinds)]

    days = ", ".join(f"{d:02d}/{mo:02d}" for d, mo in pairs)
    note = f"trước các ngày {days} (hạn cuối là ngày liền trước)" if strict else f"chậm nhất các ngày {days}"
    what = "" if set(kinds) == {"D"} else "; kỳ: " + ", ".join(dict.fromkeys(_kind_name(k) for k in kinds))
    dm = [f"{d:02d}/{mo:02d}" for d, mo in pairs]
    listed = ", ".join(dm[:-1]) + " và " + dm[-1]
    label = _label(kinds) if ctx.kinds else ""
    return _rule(ctx, f"Hằng năm, {note}{what}.", per_year, canonical=f"{label}{_lead(strict)} ngày {listed} hằng năm")


def _month_list(m: re.Match[str], ctx: _Ctx) -> DueRule:
    d = _day(m.group("d"), "«ngày 15 các tháng 1, 4, 7 và 10»")
    months = sorted({int(x) for x in m.group("months").split("_")})
    for mo in months:
        _check_month(mo)
    strict = _strict(m)
    kinds = _list_kinds(months, ctx)
    kinds = ["M" if k == "D" else k for k in kinds]

    def per_year(y: int) -> list[Period]:
        return [_period(k, _clamped(y, mo, d) - _shift(strict)) for mo, k in zip(months, kinds)]

    note = f"trước ngày {d}" if strict else f"chậm nhất ngày {d}"
    what = ", ".join(dict.fromkeys(_kind_name(k) for k in kinds))
    listed = ", ".join(map(str, months[:-1])) + " và " + str(months[-1])
    label = _label(kinds) if ctx.kinds else ""
    return _rule(ctx, f"Hằng năm, {note} các tháng {', '.join(map(str, months))}; kỳ: {what}.", per_year,
                 canonical=f"{label}{_lead(strict)} ngày {d} các tháng {listed}")


def _monthly(m: re.Match[str], ctx: _Ctx) -> DueRule:
    d = _day(m.group("d"))
    strict = _strict(m)
    previous = bool(m.group("next"))

    def per_year(y: int) -> list[Period]:
        return [_month_period(_clamped(y, mo, d) - _shift(strict), previous=previous) for mo in range(1, 13)]

    which = "của tháng trước" if previous or d <= 14 else "của tháng đó"
    note = (f"trước ngày {d} (hạn cuối: ngày {d - 1 if d > 1 else 'cuối tháng trước'})" if strict
            else f"chậm nhất ngày {d}")
    summary = f"Hằng tháng, {note}; báo cáo số liệu {which} (chốt số liệu từ ngày 15 tháng trước đến ngày 14)."
    which_month = "tháng sau" if previous else "hằng tháng"
    return _rule(ctx, summary, per_year, canonical=f"{_lead(strict)} ngày {d} {which_month}")


def _weekly(m: re.Match[str], ctx: _Ctx) -> DueRule:
    token = m.group("wd") or m.group("wd2")
    wd = 6 if token == "cn" else int(token) - 2
    if not 0 <= wd <= 5 and token != "cn":
        raise RuleError(f"Không có «thứ {token}» trong tuần. Ví dụ: «thứ Sáu hằng tuần», «thứ 2 hằng tuần».")
    strict = _strict(m)

    def per_year(y: int) -> list[Period]:
        first = date(y, 1, 1) + timedelta(days=(wd - date(y, 1, 1).weekday()) % 7)
        return [_week_period(first + timedelta(weeks=k) - _shift(strict), first + timedelta(weeks=k))
                for k in range(54) if (first + timedelta(weeks=k)).year == y]

    name = WEEKDAY_NAMES[wd]
    note = f"trước {name} (hạn cuối: {WEEKDAY_NAMES[(wd - 1) % 7]})" if strict else name
    return _rule(ctx, f"Hằng tuần, {note}.", per_year, canonical=f"{'trước ' if strict else ''}{name} hằng tuần")


def _weekly_days(m: re.Match[str], ctx: _Ctx) -> DueRule:
    """'thứ Hai và thứ Năm hằng tuần': several due days each week, each its own deadline."""
    tokens = [m.group("wd"), *re.findall(r"thu (\d|cn)", m.group("more"))]
    days: list[int] = []
    for token in tokens:
        wd = 6 if token == "cn" else int(token) - 2
        if not 0 <= wd <= 6 or (wd == 6 and token != "cn"):
            raise RuleError(f"Không có «thứ {token}» trong tuần. Ví dụ: «thứ Hai và thứ Năm hằng tuần».")
        days.append(wd)
    days = sorted(set(days))
    strict = _strict(m)

    def per_year(y: int) -> list[Period]:
        out = []
        d = date(y, 1, 1)
        while d.year == y:
            if d.weekday() in days:
                due = d - _shift(strict)
                out.append(Period(due.isoformat(), f"{WEEKDAY_NAMES[d.weekday()][:1].upper()}"
                                  f"{WEEKDAY_NAMES[d.weekday()][1:]} {_dmy(d)}", due))
            d += timedelta(days=1)
        return out

    names = [WEEKDAY_NAMES[w] for w in days]
    listed = ", ".join(names[:-1]) + " và " + names[-1]
    note = f"trước {listed} (hạn cuối là ngày liền trước)" if strict else listed
    return _rule(ctx, f"Hằng tuần, {note}; mỗi ngày là một hạn riêng.", per_year,
                 canonical=f"{'trước ' if strict else ''}{listed} hằng tuần")


def _weekday_of_month(m: re.Match[str], ctx: _Ctx) -> DueRule:
    """'thứ Sáu tuần cuối cùng của tháng', 'thứ Hai đầu tiên của tháng'."""
    token = m.group("wd")
    wd = 6 if token == "cn" else int(token) - 2
    if not 0 <= wd <= 5 and token != "cn":
        raise RuleError(f"Không có «thứ {token}» trong tuần. Ví dụ: «thứ Sáu tuần cuối cùng của tháng».")
    last = bool(m.group("last"))
    strict = _strict(m)

    def day_in(y: int, mo: int) -> date:
        if last:
            end = _last_day(y, mo)
            return end - timedelta(days=(end.weekday() - wd) % 7)
        first = date(y, mo, 1)
        return first + timedelta(days=(wd - first.weekday()) % 7)

    def per_year(y: int) -> list[Period]:
        out = []
        for mo in range(1, 13):
            due = day_in(y, mo) - _shift(strict)
            cy, cm = _month_shift(y, mo, -1)
            out.append(Period(f"{y}-{mo:02d}", f"Tháng {mo}/{y}", due, (date(cy, cm, 15), date(y, mo, 14))
                                  if last else None))
        return out

    which = "cuối cùng" if last else "đầu tiên"
    name = WEEKDAY_NAMES[wd]
    return _rule(ctx, f"Hằng tháng, {name} {which} của tháng{' (hạn cuối là ngày liền trước)' if strict else ''}.",
                 per_year, canonical=f"{'trước ' if strict else ''}{name} {which} của tháng")


def _quarter_label(qs: list[int]) -> tuple[str, str]:
    """('Quý I, II, III: ', 'Báo cáo quý I, quý II, quý III: ') for some quarters, ('Hằng quý, ', '') for all."""
    if qs == [1, 2, 3, 4]:
        return "Hằng quý, ", ""
    return ("Các quý " + ", ".join(ROMAN[q] for q in qs) + ", ",
            "Báo cáo " + ", ".join(f"quý {ROMAN[q]}" for q in qs) + ": ")


def _quarter_end(m: re.Match[str], ctx: _Ctx) -> DueRule:
    d = _day(m.group("d"), "«ngày 15 tháng cuối quý»")
    strict = _strict(m)
    qs = _quarters(ctx)

    def per_year(y: int) -> list[Period]:
        return [period_occurrence(f"Q{q}", y, _clamped(y, 3 * q, d) - _shift(strict)) for q in qs]

    dates = ", ".join(f"{d}/{3 * q}" for q in qs)
    note = (f"trước ngày {d} tháng cuối quý ({dates}; hạn cuối là ngày liền trước)" if strict
            else f"chậm nhất ngày {d} tháng cuối quý ({dates})")
    every, label = _quarter_label(qs)
    summary = f"{every}{note}; chốt số liệu từ ngày 15 tháng cuối quý trước đến ngày 14 tháng cuối quý."
    return _rule(ctx, summary, per_year, f"{label}chậm nhất ngày {{d}} tháng cuối quý",
                 canonical=f"{label}{_lead(strict)} ngày {d} tháng cuối quý")


def _quarter_mid(m: re.Match[str], ctx: _Ctx) -> DueRule:
    """'ngày 15 của tháng thứ hai của quý': the middle month of each quarter, for that quarter."""
    d = _day(m.group("d"), "«ngày 15 tháng thứ hai của quý»")
    strict = _strict(m)
    qs = _quarters(ctx)

    def per_year(y: int) -> list[Period]:
        return [period_occurrence(f"Q{q}", y, _clamped(y, 3 * q - 1, d) - _shift(strict)) for q in qs]

    dates = ", ".join(f"{d}/{3 * q - 1}" for q in qs)
    note = f"trước ngày {d}" if strict else f"chậm nhất ngày {d}"
    every, label = _quarter_label(qs)
    return _rule(ctx, f"{every}{note} tháng thứ hai của quý ({dates}) cho báo cáo của quý đó.", per_year,
                 canonical=f"{label}{_lead(strict)} ngày {d} tháng thứ hai của quý")


def _quarter_next(m: re.Match[str], ctx: _Ctx) -> DueRule:
    d = _day(m.group("d"), "«chậm nhất ngày 15 tháng đầu quý sau»")
    strict = _strict(m)
    qs = _quarters(ctx)

    def per_year(y: int) -> list[Period]:
        out = []
        for q in qs:
            ny, nm = _month_shift(y, 3 * q, 1)
            out.append(period_occurrence(f"Q{q}", y, _clamped(ny, nm, d) - _shift(strict)))
        return out

    dates = ", ".join(f"{d}/{3 * q % 12 + 1}" for q in qs) + (" năm sau" if 4 in qs else "")
    note = f"trước ngày {d}" if strict else f"chậm nhất ngày {d}"
    every, label = _quarter_label(qs)
    summary = (f"{every}{note} tháng đầu quý sau ({dates}) cho báo cáo của quý trước; "
               "chốt số liệu từ ngày 15 tháng cuối quý trước đến ngày 14 tháng cuối quý.")
    return _rule(ctx, summary, per_year, canonical=f"{label}{_lead(strict)} ngày {d} tháng đầu quý sau")


_SET_ITEM = re.compile(r"quy ([1-4])|6 thang cuoi nam|6 thang(?: dau nam)?|9 thang(?: dau nam)?|(?:ca |hang )?nam")


def _set_kinds(rest: str) -> list[str]:
    kinds: list[str] = []
    pos = 0
    for item in _SET_ITEM.finditer(rest):
        if rest[pos:item.start()].strip() not in ("", "va", "hoac", "hang", "bao cao", "va bao cao", "ky"):
            raise RuleError(f"Không hiểu kỳ báo cáo «{rest[pos:item.start()].strip()}». Các kỳ được hiểu: quý I…IV, "
                            "6 tháng, 6 tháng cuối năm, 9 tháng, năm; ví dụ «ngày 20 tháng cuối kỳ báo cáo quý I, "
                            "6 tháng, quý III và năm».")
        pos = item.end()
        tok = item.group(0)
        kind = (f"Q{item.group(1)}" if item.group(1) else "H2" if "cuoi" in tok else "H1" if tok.startswith("6")
                else "9M" if tok.startswith("9") else "Y")
        if kind not in kinds:
            kinds.append(kind)
    if rest[pos:].strip() not in ("", "hang nam") or not kinds:
        raise RuleError(f"Không hiểu danh sách kỳ báo cáo «{rest}». Ví dụ: «ngày 20 tháng cuối kỳ báo cáo quý I, "
                        "6 tháng, quý III và năm».")
    return kinds


def _report_set(m: re.Match[str], ctx: _Ctx) -> DueRule:
    d = _day(m.group("d"), "«ngày 20 tháng cuối kỳ báo cáo quý I, 6 tháng, quý III và năm»")
    strict = _strict(m)
    if m.group("list"):
        kinds = _set_kinds(m.group("list"))
    else:
        kinds = _ky_kinds(ctx)
        if not kinds:
            raise RuleError("«tháng cuối kỳ» chưa nêu các kỳ báo cáo. Ví dụ: «ngày 20 tháng cuối kỳ báo cáo quý I, "
                            "6 tháng, quý III và năm».")

    def per_year(y: int) -> list[Period]:
        return [period_occurrence(k, y, _clamped(y, KINDS[k].last, d) - _shift(strict)) for k in kinds]

    parts = []
    for k in kinds:
        c_from, c_to = _cut(2001, KINDS[k].first, KINDS[k].last)
        parts.append(f"{KIND_NAMES[k]} (hạn {d}/{KINDS[k].last}, chốt số liệu {c_from.day}/{c_from.month}–"
                     f"{c_to.day}/{c_to.month})")
    note = f"trước ngày {d} (hạn cuối là ngày liền trước)" if strict else f"chậm nhất ngày {d}"
    summary = f"Mỗi năm {len(kinds)} kỳ báo cáo, {note} tháng cuối kỳ: " + "; ".join(parts) + "."
    names = ", ".join(KIND_NAMES[k].lower() for k in kinds)
    return _rule(ctx, summary, per_year, f"chậm nhất ngày {{d}} tháng cuối kỳ báo cáo {names}",
                 canonical=f"{_lead(strict)} ngày {d} tháng cuối kỳ báo cáo {names}")


def _period_end(m: re.Match[str], ctx: _Ctx) -> DueRule:
    unit = m.group("unit")
    working = bool(m.group("wd"))
    cal = ctx.cal if working else None

    def last(d: date) -> date:
        return cal.previous_working_day(d) if cal else d

    if unit.startswith("thang cuoi quy") or unit == "quy":
        def per_year(y: int) -> list[Period]:
            return [period_occurrence(f"Q{q}", y, last(_last_day(y, 3 * q))) for q in range(1, 5)]
        what = spoken = "quý"
    elif unit == "thang dau quy sau":  # "trong tháng đầu quý sau": the report of the quarter before
        def per_year(y: int) -> list[Period]:
            return [period_occurrence(f"Q{q}", y, last(_last_day(*_month_shift(y, 3 * q, 1)))) for q in _quarters(ctx)]
        what = "tháng đầu quý sau (31/1, 30/4, 31/7, 31/10) cho báo cáo của quý trước"
        spoken = "tháng đầu quý sau"
    elif unit.startswith("6 thang"):
        def per_year(y: int) -> list[Period]:
            return [period_occurrence("H1", y, last(date(y, 6, 30))), period_occurrence("H2", y, last(date(y, 12, 31)))]
        what, spoken = "6 tháng (30/6 và 31/12)", "6 tháng"
    elif unit == "nam":
        def per_year(y: int) -> list[Period]:
            return [period_occurrence("Y", y, last(date(y, 12, 31)))]
        what = spoken = "năm"
    elif m.group("mm"):
        months = sorted({int(x) for x in re.findall(r"\d{1,2}", m.group("mm"))})
        for mo in months:
            _check_month(mo)
        kinds = _list_kinds(months, ctx) if len(months) > 1 else ["D"]

        def per_year(y: int) -> list[Period]:
            return [Period(f"{y}-{mo:02d}", f"Tháng {mo}/{y}", last(_last_day(y, mo)), None, date(y, mo, 1))
                    if k in ("D", "M") else _period(k, last(_last_day(y, mo))) for mo, k in zip(months, kinds)]
        listed = ", ".join(map(str, months[:-1])) + " và " + str(months[-1]) if len(months) > 1 else str(months[0])
        what = spoken = f"tháng {listed} hằng năm"
    else:
        def per_year(y: int) -> list[Period]:
            out = []
            for mo in range(1, 13):
                cy, cm = _month_shift(y, mo, -1)
                out.append(Period(f"{y}-{mo:02d}", f"Tháng {mo}/{y}", last(_last_day(y, mo)),
                                      (date(cy, cm, 15), date(y, mo, 14))))
            return out
        what = spoken = "tháng"
    day = "ngày làm việc cuối cùng" if working else "ngày cuối cùng"
    extra = " (lùi về ngày làm việc liền trước khi ngày cuối là ngày nghỉ)" if working else ""
    return _rule(ctx, f"Định kỳ: {day} của {what}{extra}.", per_year, canonical=f"{day} của {spoken}")


def _in_period_yearly(m: re.Match[str], ctx: _Ctx) -> DueRule:
    n = int(m.group("n"))
    if m.group("unit") == "quy":
        if not 1 <= n <= 4:
            raise RuleError(f"Quý {n} không có thật (quý từ I đến IV). Ví dụ: «trong quý III hằng năm».")

        def per_year(y: int) -> list[Period]:
            return [period_occurrence(f"Q{n}", y, _last_day(y, 3 * n), with_cutoff=False, window=True)]
        return _rule(ctx, f"Hằng năm, trong quý {ROMAN[n]} (hạn ngày cuối quý, {_dm(_last_day(2001, 3 * n))}).",
                     per_year, canonical=f"trong quý {ROMAN[n]} hằng năm")
    _check_month(n)
    next_year = bool(m.group("next"))

    def per_year(y: int) -> list[Period]:
        if next_year:
            return [period_occurrence("Y", y - 1, _last_day(y, n))]
        return [Period(f"{y}-{n:02d}", f"Tháng {n}/{y}", _last_day(y, n), None, date(y, n, 1))]
    end = "28/02 (29/02 năm nhuận)" if n == 2 else _dm(_last_day(2001, n))
    if next_year:
        return _rule(ctx, f"Hằng năm, trong tháng {n} năm sau (hạn ngày cuối tháng, {end}) cho báo cáo của năm trước.",
                     per_year, canonical=f"trong tháng {n} năm sau")
    return _rule(ctx, f"Hằng năm, trong tháng {n} (hạn ngày cuối tháng, {end}).", per_year,
                 canonical=f"trong tháng {n} hằng năm")


def _single(m: re.Match[str], ctx: _Ctx) -> DueRule:
    stated = _real_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    strict = _strict(m)
    due = stated - _shift(strict)
    occ = Period(due.isoformat(), f"Ngày {_dmy(due)}", due)
    return _once(ctx, f"Một lần: {_strict_note(strict, _dmy(stated), _dmy(due))}.", occ,
                 f"{_lead(strict)} ngày {_dmy(stated)}")


def _in_quarter(m: re.Match[str], ctx: _Ctx) -> DueRule:
    q, y = int(m.group("q")), int(m.group("y"))
    _real_date(y, 1, 1)
    occ = period_occurrence(f"Q{q}", y, _last_day(y, 3 * q), with_cutoff=False, window=True)
    return _once(ctx, f"Một lần: trong quý {ROMAN[q]}/{y} (từ {_dmy(occ.window_start)}, "  # type: ignore[arg-type]
                 f"hạn {_dmy(occ.due)}).", occ, f"trong quý {ROMAN[q]}/{y}")


def _in_months(m: re.Match[str], ctx: _Ctx) -> DueRule:
    y = int(m.group("y"))
    m1 = int(m.group("m1"))
    m2 = int(m.group("m2") or m1)
    _real_date(y, 1, 1)
    if not (1 <= m1 <= 12 and 1 <= m2 <= 12) or m2 < m1:
        raise RuleError(f"Tháng không hợp lệ trong «{ctx.text}» (tháng từ 1 đến 12, tháng đầu trước tháng cuối). "
                        "Ví dụ: «trong tháng 6-7/2027».")
    start, due = date(y, m1, 1), _last_day(y, m2)
    if m1 == m2:
        occ = Period(f"{y}-{m1:02d}", f"Tháng {m1}/{y}", due, None, start)
        return _once(ctx, f"Một lần: trong tháng {m1}/{y} (hạn {_dmy(due)}).", occ, f"trong tháng {m1}/{y}")
    occ = Period(f"{y}-{m1:02d}..{m2:02d}", f"Tháng {m1}-{m2}/{y}", due, None, start)
    return _once(ctx, f"Một lần: trong tháng {m1}-{m2}/{y} (từ {_dmy(start)}, hạn {_dmy(due)}).", occ,
                 f"trong tháng {m1}-{m2}/{y}")


def _in_half(m: re.Match[str], ctx: _Ctx) -> DueRule:
    y = int(m.group("y"))
    _real_date(y, 1, 1)
    kind = "9M" if m.group("k") == "9" else "H2" if m.group("h") == "cuoi" else "H1"
    occ = period_occurrence(kind, y, _last_day(y, KINDS[kind].last), with_cutoff=False, window=True)
    spoken = {"9M": "9 tháng đầu năm", "H1": "6 tháng đầu năm", "H2": "6 tháng cuối năm"}[kind]
    return _once(ctx, f"Một lần: {occ.label} (hạn {_dmy(occ.due)}).", occ, f"{spoken} {y}")


def _in_year(m: re.Match[str], ctx: _Ctx) -> DueRule:
    y = int(m.group("y"))
    _real_date(y, 1, 1)
    occ = period_occurrence("Y", y, date(y, 12, 31), with_cutoff=False, window=True)
    return _once(ctx, f"Một lần: trong năm {y} (hạn 31/12/{y}).", occ, f"trong năm {y}")


def _counted(m: re.Match[str], ctx: _Ctx) -> DueRule:
    n = int(m.group("n"))
    anchor = _real_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    if n > 366:
        raise RuleError(f"Thời hạn {n} ngày quá dài; hãy ghi thẳng ngày hết hạn, ví dụ «30/01/2027».")
    if m.group("wd"):
        due = ctx.cal.add_working_days(anchor, n)
        what = f"{n} ngày làm việc"
    else:
        due = anchor + timedelta(days=n)
        what = f"{n} ngày"
    occ = Period(due.isoformat(), f"Ngày {_dmy(due)}", due, None, anchor)
    return _once(ctx, f"Một lần: trong thời hạn {what} kể từ {_dmy(anchor)} (hạn {_dmy(due)}).", occ,
                 f"trong thời hạn {what} kể từ {_dmy(anchor)}")


def _period_next(m: re.Match[str], ctx: _Ctx) -> DueRule:
    """'chậm nhất ngày 05 của tháng đầu kỳ sau' after a label naming the periods ("Báo cáo 6 tháng …")."""
    d = _day(m.group("d"), "«Báo cáo 6 tháng: chậm nhất ngày 05 tháng đầu kỳ sau»")
    strict = _strict(m)
    kinds = _ky_kinds(ctx)
    if not kinds:
        raise RuleError("«tháng đầu kỳ sau» chưa nêu kỳ báo cáo là kỳ nào. Ví dụ: «Báo cáo 6 tháng: chậm nhất ngày 05 "
                        "tháng đầu kỳ sau», «chậm nhất ngày 15 tháng đầu quý sau».")

    def per_year(y: int) -> list[Period]:
        out = []
        for k in kinds:
            ny, nm = _month_shift(y, KINDS[k].last, 1)
            out.append(period_occurrence(k, y, _clamped(ny, nm, d) - _shift(strict)))
        return out

    parts = []
    for k in kinds:
        ny, nm = _month_shift(2001, KINDS[k].last, 1)
        parts.append(f"{KINDS[k].label.format(y='').strip().rstrip('/')} (hạn {d}/{nm}{' năm sau' if ny > 2001 else ''})")
    note = f"trước ngày {d} (hạn cuối là ngày liền trước)" if strict else f"chậm nhất ngày {d}"
    names = "6 tháng" if kinds == ["H1", "H2"] else ", ".join(_kind_name(k) for k in kinds)
    return _rule(ctx, f"Mỗi năm {len(kinds)} kỳ báo cáo, {note} tháng đầu kỳ sau: " + "; ".join(parts) + ".",
                 per_year, canonical=f"Báo cáo {names}: {_lead(strict)} ngày {d} tháng đầu kỳ sau")


_START_UNITS = {"thang": ("tháng", 1), "quy": ("quý", 3), "nam": ("năm", 12)}


def _start_unit(unit: str) -> str:
    return "quy" if "quy" in unit else "nam" if unit.split()[0] == "nam" else "thang"


def _nth_day_of_start(m: re.Match[str], ctx: _Ctx) -> DueRule:
    """'ngày làm việc thứ 3 của mỗi tháng', 'trong 05 ngày làm việc đầu quý': early in a period, for the one before."""
    g = m.groupdict()
    n = 1 if g.get("first") else int(g.get("n") or g.get("n2") or 0)
    working = bool(g.get("wd") or g.get("wd2"))
    unit = _start_unit(g.get("unit") or g.get("unit2") or "")
    if not 1 <= n <= (20 if working else 28):
        raise RuleError(f"«{n} ngày {'làm việc ' if working else ''}đầu {_START_UNITS[unit][0]}» không có thật trong "
                        "mọi kỳ. Ví dụ: «trong 05 ngày làm việc đầu tháng», «ngày làm việc thứ 3 của mỗi tháng».")
    step = _START_UNITS[unit][1]
    cal = ctx.cal

    def due_in(y: int, mo: int) -> date:
        if not working:
            return date(y, mo, n)
        return cal.add_working_days(date(y, mo, 1) - timedelta(days=1), n)

    def per_year(y: int) -> list[Period]:
        out = []
        for mo in range(1, 13, step):
            due = due_in(y, mo)
            if unit == "thang":
                out.append(_month_period(due, previous=True))
            elif unit == "quy":
                out.append(period_occurrence(f"Q{(mo - 1) // 3 or 4}", y if mo > 1 else y - 1, due))
            else:
                out.append(period_occurrence("Y", y - 1, due))
        return out

    name, _ = _START_UNITS[unit]
    month = {"thang": "mỗi tháng", "quy": "tháng đầu mỗi quý (tháng 1, 4, 7, 10)", "nam": "tháng 1 hằng năm"}[unit]
    which = {"thang": "tháng trước", "quy": "quý trước", "nam": "năm trước"}[unit]
    day = ("ngày làm việc đầu tiên" if n == 1 else f"ngày làm việc thứ {n}") if working else f"ngày {n}"
    extra = " (không tính thứ Bảy, Chủ nhật và ngày nghỉ lễ)" if working else ""
    spoken = {"thang": "tháng", "quy": "quý", "nam": "năm"}[unit]
    if working:
        canonical = f"ngày làm việc {'đầu tiên' if n == 1 else f'thứ {n}'} của {spoken}"
    else:
        canonical = f"trong {n:02d} ngày đầu {spoken}"
    return _rule(ctx, f"Định kỳ: {day} của {month}{extra}; báo cáo của {which}.", per_year, canonical=canonical)


def _counted_from_end(m: re.Match[str], ctx: _Ctx) -> DueRule:
    """'trong thời hạn 05 ngày làm việc kể từ ngày kết thúc quý': counted from the end of each period."""
    n = int(m.group("n"))
    if not 1 <= n <= 90:
        raise RuleError(f"Thời hạn {n} ngày kể từ ngày kết thúc kỳ phải từ 1 đến 90 ngày. Ví dụ: «trong thời hạn 05 "
                        "ngày làm việc kể từ ngày kết thúc quý».")
    working = bool(m.group("wd"))
    unit = m.group("unit")
    if unit.startswith("ky"):
        kinds = _ky_kinds(ctx)
        if not kinds:
            raise RuleError("«kể từ ngày kết thúc kỳ báo cáo» chưa nêu kỳ nào. Ví dụ: «trong thời hạn 05 ngày làm việc "
                            "kể từ ngày kết thúc quý», «Báo cáo 6 tháng: trong 10 ngày kể từ ngày kết thúc kỳ».")
    else:
        kinds = {"thang": ["M"], "quy": ["Q1", "Q2", "Q3", "Q4"], "6 thang": ["H1", "H2"], "nam": ["Y"]}[unit]
    cal = ctx.cal

    def after(end: date) -> date:
        return cal.add_working_days(end, n) if working else end + timedelta(days=n)

    def per_year(y: int) -> list[Period]:
        if kinds == ["M"]:
            out = []
            for mo in range(1, 13):
                cy, cm = _month_shift(y, mo, -1)
                out.append(Period(f"{y}-{mo:02d}", f"Tháng {mo}/{y}", after(_last_day(y, mo)),
                                  (date(cy, cm, 15), date(y, mo, 14))))
            return out
        return [period_occurrence(k, y, after(_last_day(y, KINDS[k].last))) for k in kinds]

    what = f"{n} ngày làm việc" if working else f"{n} ngày"
    names = "tháng" if kinds == ["M"] else ", ".join(_kind_name(k) for k in kinds)
    if unit.startswith("ky"):
        canonical = f"Báo cáo {names}: trong thời hạn {what} kể từ ngày kết thúc kỳ"
    else:
        canonical = f"trong thời hạn {what} kể từ ngày kết thúc {unit.replace('thang', 'tháng').replace('quy', 'quý').replace('nam', 'năm')}"
    return _rule(ctx, f"Định kỳ: trong thời hạn {what} kể từ ngày kết thúc mỗi kỳ ({names}).", per_year,
                 canonical=canonical)


LAST_OF_MONTH = 31  # a month's last day among several days a month (clamped to the month's length)


def _monthly_days(m: re.Match[str], ctx: _Ctx) -> DueRule:
    """'ngày 1 và 15 hằng tháng': several due days each month."""
    days = sorted({_day(x, "«ngày 1 và 15 hằng tháng»") for x in re.findall(r"\d{1,2}", m.group("d") + " " + m.group("more"))})
    if re.search(r"\bcuoi\b", m.group("more")):  # "ngày 15 và ngày cuối tháng": the month's last day, whatever its date
        days = [d for d in days if d < 28] + [LAST_OF_MONTH]
    strict = _strict(m)

    def per_year(y: int) -> list[Period]:
        out = []
        for mo in range(1, 13):
            for d in days:
                due = _clamped(y, mo, d) - _shift(strict)
                out.append(Period(due.isoformat(), f"Hạn {_dmy(due)}", due))
        return out

    names = [str(d) if d != LAST_OF_MONTH else "ngày cuối" for d in days]
    listed = ", ".join(names[:-1]) + " và " + names[-1]
    note = f"trước các ngày {listed} (hạn cuối là ngày liền trước)" if strict else f"chậm nhất các ngày {listed}"
    return _rule(ctx, f"Hằng tháng, {note}; mỗi ngày là một hạn riêng.", per_year,
                 canonical=f"{_lead(strict)} ngày {listed} hằng tháng")


def _single_list(m: re.Match[str], ctx: _Ctx) -> DueRule:
    """'trước ngày 15/11/2028 và trước ngày 15/5/2029': several one-off dates, one lead for all."""
    strict = _strict(m)
    items = re.findall(r"(?:(cham nhat|truoc) )?(?:ngay )?(\d{1,2})/(\d{1,2})/(\d{4})", m.group("list"))
    _same_lead(strict, [lead for lead, *_ in items])
    stated = sorted({_real_date(int(y), int(mo), int(d)) for _, d, mo, y in items})
    occs = tuple(Period(due.isoformat(), f"Ngày {_dmy(due)}", due) for due in (x - _shift(strict) for x in stated))
    listed = ", ".join(_dmy(x) for x in stated[:-1]) + " và " + _dmy(stated[-1])
    note = f"trước các ngày {listed} (hạn cuối là ngày liền trước)" if strict else f"chậm nhất các ngày {listed}"
    return DueRule(ctx.text, False, f"{len(stated)} lần: {note}.", occs, canonical=f"{_lead(strict)} ngày {listed}")


def _same_lead(strict: bool, leads: list[str]) -> None:
    """Every date of a list is 'trước' or every one 'chậm nhất': a mixed list is refused."""
    if any(lead and ("truoc" in lead) != strict for lead in leads):
        raise RuleError("Danh sách ngày vừa có «trước ngày» vừa có «chậm nhất ngày»: hãy tạo hai hạn riêng, ví dụ "
                        "«trước ngày 01/7 hằng năm» và «chậm nhất ngày 31/12 hằng năm».")


# ---------------------------------------------------------------- the grammar

Handler = Callable[[re.Match[str], _Ctx], DueRule]
WEEKDAY_NAMES = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
_LEAD_WORDS = r"cham nhat|truoc|den het|den|het|han chot|trong|toi da|khong muon hon|khong qua|hoac"
LEAD = rf"(?P<lead>(?:(?:{_LEAD_WORDS}) )*)"
# in running text a bare date is not a deadline, nor is "đến năm 2030" (a target)
LEAD_REQ = rf"(?P<lead>(?:(?:{_LEAD_WORDS.replace('|den|', '|')}) )+)"
D, DM = r"(?P<d>\d{1,2})", r"(?P<d>\d{1,2})/(?P<m>\d{1,2})"
DMY = r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"
YEARLY = (r"(?P<yearly>hang nam|moi nam|cac nam|nam ke hoach|trong nam|nam sau(?: lien ke)?|nam tiep theo|"
          r"nam ke tiep|nam lien sau|nam lien ke)")
_EVERY = r"(?:hang|moi|cac)"
_ITEM_LEAD = r"(?:(?:cham nhat|truoc) )?"  # "trước ngày 30/6 và trước ngày 31/12"
DMY_PLAIN = r"\d{1,2}/\d{1,2}/\d{4}"
_START_UNIT = (r"(?:thang dau(?: tien)? (?:(?:moi|hang|cac) )?quy|thang|quy|nam)"
               r"(?: (?:sau|tiep theo|ke tiep|lien sau))?")  # "đầu tháng sau": the same, read from the report's side
# "trong thời hạn 05 ngày", "sau 5 ngày làm việc", "chậm nhất 10 ngày" … "kể từ (khi)", "sau (khi)", "tính từ"
_COUNT_LEAD = (r"(?:(?:trong|khong qua|toi da|chi trong|cham nhat|sau|it nhat) )*(?:(?:vong|thoi han|thoi gian) )?"
               r"(?:(?:khong qua|toi da) )?")
_COUNT_FROM = r"(?:ke tu|tinh tu|sau)(?: khi)? "
_SET_LIST = (r"(?:(?:bao cao )?(?:quy [1-4]|6 thang(?: (?:dau|cuoi) nam)?|9 thang(?: dau nam)?|(?:ca |hang )?nam)"
             r"(?: (?:va|hoac))? ?)+")


@dataclass(frozen=True)
class Production:
    """One form of the grammar: its regex over normalised text and what it means.

    kind "rule" builds a DueRule; "periodic", "start" and "none" are phrases that set no date, with `says`.
    """

    name: str
    body: str  # "{LEAD}" is replaced by LEAD (a whole rule) or by LEAD_REQ (running text) when `lead_in_text`
    build: Handler | None = None
    kind: str = "rule"
    says: str = ""
    lead_in_text: bool = False
    text_body: str | None = None  # a bounded form for running text when `body` ends in ".+"

    @property
    def whole(self) -> re.Pattern[str]:
        return _compiled(f"^(?:{self.body.replace('{LEAD}', LEAD)})$")

    @property
    def in_text(self) -> re.Pattern[str]:
        body = (self.text_body or self.body).replace("{LEAD}", LEAD_REQ if self.lead_in_text else LEAD)
        return _compiled(rf"(?<![\w/])(?:{body})(?![\w/])")


_CACHE: dict[str, re.Pattern[str]] = {}


def _compiled(p: str) -> re.Pattern[str]:
    if p not in _CACHE:
        _CACHE[p] = re.compile(p)
    return _CACHE[p]


_RANGE_END_IN_TEXT = (r"\d{1,2}/\d{1,2}/\d{4}|\d{1,2}/\d{1,2} " + YEARLY.replace("?P<yearly>", "?:")
                      + r"|\d{1,2} (?:hang|moi) thang|\d{1,2} thang cuoi quy")
_LAST_DAY = ("{{LEAD}}{day}cuoi(?: cung)? (?:(?:moi|cac|hang) )?(?P<unit>thang cuoi quy|thang dau quy sau|"
             r"thang (?P<mm>\d{{1,2}}(?:(?: va| hoac)? (?:thang )?\d{{1,2}})*) (?:hang|moi) nam|thang|quy|nam|6 thang)"
             rf"(?: {_EVERY} (?:thang|quy|nam))?")
GRAMMAR: tuple[Production, ...] = (
    Production("report_set", rf"{{LEAD}}ngay {D} thang cuoi(?: cung)? (?:moi |cac )?ky(?: (?:cac|moi) ky)?(?: bao cao)?"
               rf"(?: (?P<list>{_SET_LIST}))?",
               _report_set),
    Production("period_next", rf"{{LEAD}}ngay {D} thang dau(?: tien)? (?:moi |cac )?ky(?: bao cao)? "
                              r"(?:sau|tiep theo|ke tiep(?: theo)?|lien sau|lien ke)", _period_next),
    Production("nth_day_of_start", rf"{{LEAD}}(?:ngay(?P<wd> lam viec) (?:thu (?P<n>\d{{1,2}})|(?P<first>dau tien)) "
                                   rf"(?:(?:moi|hang|cac) )?(?P<unit>{_START_UNIT})|"
                                   rf"(?:vong |thoi han )?(?P<n2>\d{{1,2}}) ngay(?P<wd2> lam viec)? dau(?: tien)? "
                                   rf"(?:(?:moi|hang|cac) )?(?P<unit2>{_START_UNIT}))(?: {_EVERY} (?:thang|quy|nam))?",
               _nth_day_of_start),
    Production("counted_from_end", rf"{_COUNT_LEAD}(?P<n>\d{{1,3}}) ngay(?P<wd> lam viec)? {_COUNT_FROM}"
                                   r"(?:ngay )?(?:ket thuc|het|cuoi(?: cung)?) (?:(?:moi|cac) )?"
                                   r"(?P<unit>6 thang|thang|quy|nam|ky(?: bao cao)?)", _counted_from_end),
    Production("quarter_end", rf"{{LEAD}}ngay {D} (?:(?:cac |moi )?thang cuoi(?: cung)?|cuoi thang|thang thu 3) "
                              rf"(?:trong )?(?:{_EVERY} )?quy(?: {_EVERY} quy)?",
               _quarter_end),
    Production("quarter_mid", rf"{{LEAD}}ngay {D} (?:thang thu 2|thang giua) (?:trong )?(?:{_EVERY} )?quy"
                              rf"(?: {_EVERY} quy)?", _quarter_mid),
    Production("quarter_next", rf"{{LEAD}}ngay {D} (?:(?:thang dau(?: tien)?|thang thu nhat) (?:quy sau|quy tiep theo|"
                               rf"quy ke tiep(?: theo)?|quy lien sau|(?:{_EVERY} )?quy)|"
                               r"quy sau|quy tiep theo|quy ke tiep)"
                               rf"(?: {_EVERY} quy)?", _quarter_next),
    Production("last_day", _LAST_DAY.format(day=r"(?P<wd>ngay lam viec )?(?:ngay )?"), _period_end,
               # in running text "cuối năm 2022" is not a rule: "ngày" is required, and no year after it
               text_body=_LAST_DAY.format(day=r"(?:(?P<wd>ngay lam viec )|ngay )") + r"(?! \d)"),
    Production("in_period_yearly", rf"{{LEAD}}trong (?P<unit>thang|quy) (?P<n>\d{{1,2}}) "
                                   r"(?:(?:hang|moi|cac) nam|(?P<next>nam sau))",
               _in_period_yearly),
    Production("month_list", rf"{{LEAD}}ngay {D} cac thang (?P<months>\d{{1,2}}(?:_\d{{1,2}})+)(?: (?:hang|moi) nam)?",
               _month_list),
    Production("monthly_days", rf"{{LEAD}}ngay {D}(?P<more>(?: (?:va|hoac) (?:ngay )?(?:\d{{1,2}}|cuoi(?: cung)?))+) {_EVERY} thang",
               _monthly_days),
    Production("monthly", rf"{{LEAD}}ngay {D} (?:{_EVERY} thang|(?P<next>thang sau|thang tiep theo|thang ke tiep|"
                          rf"thang lien sau))(?: {_EVERY} thang)?", _monthly),
    Production("weekday_of_month", rf"{{LEAD}}(?:ngay )?thu (?P<wd>\d|cn) (?:(?P<last>tuan cuoi(?: cung)?|cuoi(?: cung)?)|"
                                   r"(?:tuan )?dau(?: tien)?) (?:(?:moi|hang|cac) )?thang(?: (?:hang|moi) thang)?",
               _weekday_of_month),
    Production("weekly_days", rf"{{LEAD}}(?:(?:ngay |cac ngay )?thu (?P<wd>\d|cn)(?P<more>(?: (?:va |hoac )?(?:ngay )?thu (?:\d|cn))+)"
                              rf" {_EVERY} tuan)", _weekly_days),
    Production("weekly", rf"{{LEAD}}(?:(?:ngay )?thu (?P<wd>\d|cn) {_EVERY} tuan|"
                         rf"(?:hang|moi|cac) thu (?P<wd2>\d|cn)(?: {_EVERY} tuan)?)", _weekly),
    Production("annual_list", rf"{{LEAD}}(?:ngay |cac ngay )?(?P<list>\d{{1,2}}/\d{{1,2}}(?: (?:va |hoac )?{_ITEM_LEAD}"
                              rf"(?:ngay )?\d{{1,2}}/\d{{1,2}})+) {YEARLY}", _annual_list),
    Production("single_list", rf"{{LEAD}}(?:ngay |cac ngay )?(?P<list>{DMY_PLAIN}(?: (?:va |hoac )?{_ITEM_LEAD}"
                              rf"(?:ngay )?{DMY_PLAIN})+)", _single_list, lead_in_text=True),
    Production("annual", rf"{{LEAD}}(?:ngay )?{DM} {YEARLY}", _annual),
    Production("counted", rf"{_COUNT_LEAD}(?P<n>\d{{1,3}}) ngay(?P<wd> lam viec)? {_COUNT_FROM}(?:ngay )?{DMY}",
               _counted),
    Production("range", r"{LEAD}(?:tu (?:ngay )?(?P<start>\d{1,2}(?:/\d{1,2}(?:/\d{4})?)?) (?:den|toi|-)|"
                        r"(?:ngay )?(?P<start2>\d{1,2}(?:/\d{1,2}(?:/\d{4})?)?) -) "
                        r"(?P<strict>truoc )?(?:het )?(?P<end>.+)", None,
               text_body=r"tu (?:ngay )?\d{1,2}(?:/\d{1,2}(?:/\d{4})?)? (?:den|toi) (?:truoc )?(?:het )?(?:ngay )?"
                         rf"(?:{_RANGE_END_IN_TEXT})"),
    Production("single", rf"{{LEAD}}(?:ngay )?{DMY}", _single, lead_in_text=True),
    Production("in_quarter", r"{LEAD}quy (?P<q>[1-4])/(?P<y>\d{4})", _in_quarter, lead_in_text=True),
    Production("in_months", r"{LEAD}(?:tu |cac )?thang (?P<m1>\d{1,2})_(?P<m2>\d{1,2})/(?P<y>\d{4})", _in_months),
    Production("in_month", r"{LEAD}thang (?P<m1>\d{1,2})(?P<m2>)/(?P<y>\d{4})", _in_months, lead_in_text=True),
    Production("in_half", r"{LEAD}(?P<k>6|9) thang (?:(?P<h>dau|cuoi) )?nam (?P<y>\d{4})", _in_half, lead_in_text=True),
    Production("in_year", r"{LEAD}(?:ca )?nam (?P<y>\d{4})", _in_year, lead_in_text=True),
    Production("missing_year", r"{LEAD}(?:ngay )?\d{1,2}/\d{1,2}", None, lead_in_text=True,
               text_body=r"{LEAD}ngay \d{1,2}/\d{1,2}"),
    Production("periodic", r"dinh ky (?:hang|moi) (?:quy|thang|nam)"
                           r"(?: (?:6 thang|9 thang|(?:hang|moi) (?:quy|thang|nam)))*"
                           r"(?: (?:va|hoac) (?:dot xuat|(?:hang|moi) (?:quy|thang|nam)))?", kind="periodic",
               says="Báo cáo định kỳ («{phrase}»): văn bản không nêu ngày nộp; ngày lấy theo quy định chung hoặc theo "
                    "quy tắc do quản trị viên đặt (ví dụ «ngày 15 tháng cuối quý»)."),
    Production("start", r"(?:bat dau (?:thuc hien |trien khai |ap dung )?)?tu (?:thang \d{1,2}/\d{4}|quy [1-4]/\d{4}|"
                        r"nam \d{4})(?! (?:den|toi)\b)", kind="start",
               says="«{phrase}» chỉ nêu thời điểm bắt đầu, không có hạn kết thúc nên không có gì để nhắc."),
    Production("none", r"(?:bao cao|gui) (?:dot xuat|thuong xuyen)|khi co yeu cau|theo yeu cau (?:cua|bao cao)",
               kind="none", says="«{phrase}»: không có ngày hạn cụ thể nên không có gì để nhắc."),
)
PATTERNS: list[tuple[re.Pattern[str], Handler]] = [(p.whole, p.build) for p in GRAMMAR if p.build is not None]


@dataclass(frozen=True)
class Phrase:
    """A piece of running text the grammar recognises: its span in the source and the production."""

    start: int
    end: int
    production: Production


def find_phrases(text: str) -> list[Phrase]:
    """Every rule-like phrase of a document, longest first where they overlap, in order of appearance."""
    mapped = normalize(text, remarks="keep").sub(r" : ", " ")
    s = mapped.text
    hits: list[tuple[int, int, int, Production]] = []
    for rank, p in enumerate(GRAMMAR):
        for m in p.in_text.finditer(s):
            if m.end() > m.start():
                hits.append((m.start(), m.end(), rank, p))
    hits.sort(key=lambda h: (-(h[1] - h[0]), h[2], h[0]))
    taken: list[tuple[int, int]] = []
    out: list[Phrase] = []
    for a, b, _, p in hits:
        if any(a < y and x < b for x, y in taken):
            continue
        taken.append((a, b))
        src_a, src_b = mapped.span(a, b)
        out.append(Phrase(src_a, src_b, p))
    return sorted(out, key=lambda ph: ph.start)


# ---------------------------------------------------------------- parsing a whole rule

_FILLER = re.compile(r"^(?:(?:trong khoang|khoang|trong thoi gian|thoi han|thoi gian|han nop|han chot|han|nop bao cao|nop|gui bao cao|gui|"
                     r"bao cao|bc|hoan thanh|ban hanh|trinh ubnd tinh|trinh|de nghi|yeu cau|dinh ky|thuc hien|"
                     r"cac don vi|don vi|ve so noi vu|so noi vu) )+")
_NO_DATE = re.compile(r"\b(thuong xuyen|dot xuat|theo yeu cau|khi co yeu cau|khi duoc yeu cau|lien tuc|khi phat sinh|"
                      r"ngay khi)\b")
_DAILY = re.compile(r"\b(?:hang|moi) ngay\b")
_BARE_RECURRENCE = re.compile(r"^(?:dinh ky )?(?:hang|moi) (quy|thang|nam|tuan)"
                              r"(?: 6 thang| 9 thang)?(?: (?:va |hoac )?(?:hang|moi) (?:quy|thang|nam|tuan))*$"
                              r"|^dinh ky$")
_LEADING = re.compile(r"^((?:hang|moi) (?:nam|quy|thang|tuan)) (.+)$")
_TRAILING = re.compile(r"\b(?:hang|moi|cac) (?:nam|quy|thang|tuan)$|nam ke hoach$|nam sau$|quy sau$|thang sau$")
_KIND = re.compile(r"(?P<W>\b(?:hang |moi )?tuan\b)|\bquy (?P<Qn>[1-4])\b|(?P<Q>\b(?:hang |moi )?quy\b)|"
                   r"(?P<H2>\b6 thang cuoi nam\b)|(?P<H1>\b6 thang(?: dau nam)?\b)|(?P<M9>\b9 thang(?: dau nam)?\b)|"
                   r"(?P<M>\b(?:hang |moi )?thang\b)|(?P<Y>\b(?:hang |moi |ca )?nam\b(?! \d))")
_DATE_TOKEN = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?:/(\d{4}))?(?![\d/])")


_BODY_START = r"(?:cham nhat|truoc|ngay|trong|han|thu|tu|den|khong qua|toi da|moi thu|hang thu)\b"
_UNMARKED_LABEL = re.compile(rf"^(?P<label>(?:bao cao|bc)\b(?:(?! {_BODY_START}) [^ ]+)*) (?P<body>{_BODY_START}.*)$")


def _label_kinds(label: str) -> tuple[str, ...]:
    kinds: list[str] = []
    for m in _KIND.finditer(label):
        k = next(name for name, v in m.groupdict().items() if v is not None)
        kind = {"Qn": f"Q{m.group('Qn')}", "M9": "9M"}.get(k, k)
        if kind not in kinds:
            kinds.append(kind)
    if kinds == ["H1"] and not re.search(r"\b6 thang dau nam\b", label):
        kinds.append("H2")  # "Báo cáo 6 tháng", "6 tháng một lần": both halves
    return tuple(kinds)


def _rule_in_label(label: str) -> bool:
    """A "label" holding a date or a day ("… trước ngày 15 tháng cuối quý; Báo cáo năm: …") is a rule, not a label."""
    return _DATE_TOKEN.search(label) is not None or re.search(r"\bngay \d|\bthu (?:\d|cn)\b", label) is not None


def _label_aside(s: str) -> tuple[str, tuple[str, ...]] | None:
    """'ke hoach cchc nam : truoc ngay 31/01' -> ('truoc ngay 31/01', ('Y',)): the body of a rule whose label is
    not a report type (a plan, a task) and the period words of that label, which only complete the body's recurrence."""
    parts = [p.strip() for p in s.split(" : ")]
    if len(parts) < 2 or not parts[-1] or any(_rule_in_label(p) for p in parts[:-1]):
        return None
    return parts[-1], _label_kinds(" ".join(parts[:-1]))


def _split_label(s: str) -> tuple[str, tuple[str, ...]]:
    """'bao cao quy : ngay 10 thang cuoi quy' -> ('ngay 10 thang cuoi quy', ('Q',)); other labels join the body."""
    parts = [p.strip() for p in s.split(" : ")]
    parts = [p for p in parts if p] or [""]
    if len(parts) == 1:
        m = _UNMARKED_LABEL.match(parts[0])
        if m and _label_kinds(m.group("label")):
            return m.group("body"), _label_kinds(m.group("label"))
        return parts[0], ()
    body = parts[-1]
    labels = parts[:-1]
    if any(_rule_in_label(p) for p in labels):
        return " ".join(parts), ()
    label = " ".join(labels)
    report = re.match(r"^(?:bao cao|bc|bcao|ky bao cao|ky)\b", label) is not None
    if report or re.fullmatch(r"(?:(?:6|9) thang(?: (?:dau|cuoi) nam)?|quy(?: [1-4])?|nam|thang|tuan|va|hoac| )+", label):
        return body, _label_kinds(label)
    return f"{label} {body}", ()


def _move_leading_recurrence(s: str) -> str:
    """'hang nam cham nhat ngay 30/01' -> 'cham nhat ngay 30/01 hang nam'."""
    s = re.sub(r"^dinh ky ", "", s)
    m = _LEADING.match(s)
    if m and not _TRAILING.search(m.group(2)):
        return f"{m.group(2)} {m.group(1)}"
    if m:
        return m.group(2)
    return s


def _match(s: str, ctx: _Ctx) -> DueRule | None:
    for p in GRAMMAR:
        m = p.whole.match(s)
        if not m:
            continue
        if p.name == "range":
            return _range(m, ctx)
        if p.build is not None:
            return p.build(m, ctx)
    return _offset(s, ctx)


# "03 ngày làm việc trước ngày 15 tháng cuối quý", "trước 2 ngày so với ngày 20 hằng tháng",
# "5 ngày làm việc sau ngày cuối cùng của tháng": another rule's due dates moved by N (working) days
_OFFSET = re.compile(r"^(?:(?:cham nhat|it nhat|toi thieu|som hon) )*(?:(?P<pre>truoc|sau) )?(?P<n>\d{1,2}) "
                     r"ngay(?P<wd> lam viec)?(?: (?P<dir>truoc|sau|ke tu|tinh tu))?(?: (?:so voi|ke tu|tinh tu|tinh den))? "
                     r"(?P<base>(?:ngay |thu |\d|khi ket thuc |ket thuc ).+)$")


def _offset(s: str, ctx: _Ctx) -> DueRule | None:
    """A rule whose due dates are N days (or working days) before or after another rule's ('03 ngày làm việc
    trước ngày 15 tháng cuối quý'): the base rule's periods, each due moved; None when it is not that form."""
    m = _OFFSET.match(s)
    if m is None or bool(m.group("pre")) == bool(m.group("dir")):
        return None  # the direction said exactly once ('trước 3 ngày …' or '3 ngày trước …')
    n, working = int(m.group("n")), bool(m.group("wd"))
    before = (m.group("pre") or m.group("dir")) == "truoc"
    # "5 ngày trước (ngày / khi) kết thúc quý": before the period's last day
    base = _match(re.sub(r"^(?:khi |ngay )?ket thuc (?:(?:moi|cac) )?", "ngay cuoi ", m.group("base")), ctx)
    if base is None:
        return None
    if n < 1 or (not base.recurring and n > 366):
        return None
    cal = ctx.cal

    def moved(d: date) -> date:
        if working:
            return cal.add_working_days(d, -n if before else n)
        return d + timedelta(days=-n if before else n)

    def shift(periods: list[Period] | tuple[Period, ...]) -> list[Period]:
        out = []
        for o in periods:
            due = moved(o.due)
            if o.period == o.due.isoformat():  # a period named by its date is named by the moved date
                out.append(Period(due.isoformat(), f"Ngày {_dmy(due)}", due, o.cutoff, o.window_start))
            else:
                out.append(replace(o, due=due))
        return out

    what = f"{n} ngày làm việc" if working else f"{n} ngày"
    side = "trước" if before else "sau"
    label, _, body = base.canonical.rpartition(": ")
    body = re.sub(r"^chậm nhất ", "", body)
    canonical = f"{label + ': ' if label else ''}{what} {side} {body}"
    summary = f"{what[:1].upper()}{what[1:]} {side} hạn của quy tắc «{base.canonical}»: {base.summary[:1].lower()}{base.summary[1:]}"
    if base._per_year is None:
        return DueRule(ctx.text, False, summary, tuple(shift(base._fixed)), canonical=canonical)
    per_base = base._per_year
    rule = DueRule(ctx.text, True, summary, _per_year=lambda y: shift(per_base(y)), canonical=canonical)
    return replace(rule, warnings=_cutoff_warnings(rule, None))


def _range(m: re.Match[str], ctx: _Ctx) -> DueRule | None:
    """'tu ngay 01/12 den ngay 15/12/2027': the work may start on the first date; the due date is the end."""
    start, end = m.group("start") or m.group("start2"), m.group("end")
    end = re.sub(r"^ngay ", "", end)
    sy = re.search(r"/(\d{4})$", start)
    if sy and re.match(r"^\d{1,2}/\d{1,2}$", end):
        end += "/" + sy.group(1)
    inner = ("truoc " if m.group("strict") else "") + (f"ngay {end}" if end[:1].isdigit() else end)
    rule = _match(inner, ctx)
    if rule is None:
        raise RuleError(f"«{ctx.text}» là một khoảng thời gian: hạn là ngày kết thúc, nhưng ngày kết thúc «{end}» "
                        "chưa đủ để tính. Hãy ghi đủ năm hoặc nêu sự lặp lại, ví dụ «từ ngày 01/12 đến ngày "
                        "15/12/2027», «từ ngày 01/11 đến ngày 20/11 hằng năm», «từ ngày 10 đến ngày 15 hằng tháng».")
    note = f"Khoảng từ ngày {start} đến hạn cuối: "
    return replace(rule, summary=note + rule.summary[:1].lower() + rule.summary[1:])


def _refusal(s: str, ctx: _Ctx) -> RuleError:
    """Why nothing matched, by its real cause, with the closest accepted form."""
    clean = _quoted(ctx.text)[1:-1]
    q = re.search(r"\bquy ([05-9]|\d{2}|v|vi|vii|viii|ix|x)\b(?! (?:ngay|thang|nam|tuan|lan)\b)", s)
    if q:
        return RuleError(f"Quý {q.group(1).upper()} không có thật (quý từ I đến IV). Ví dụ: «trong quý III/2027», "
                         "«ngày 15 tháng cuối quý».")
    for d, mo, y in _DATE_TOKEN.findall(s):
        if y:
            _real_date(int(y), int(mo), int(d))
        else:
            _day(d, "«chậm nhất ngày 30/01 hằng năm»")
            _check_dm(int(d), int(mo))
    if _NO_DATE.search(s) and not re.search(r"\d", s.replace("6 thang", "").replace("9 thang", "")):
        return RuleError(f"«{clean}» không có ngày hạn cụ thể: báo cáo thường xuyên, đột xuất hay theo yêu cầu không "
                         "có ngày cố định nên không có gì để nhắc. Khi có yêu cầu, hãy thêm hạn một lần, ví dụ "
                         "«30/01/2027», hoặc «trong thời hạn 05 ngày làm việc kể từ 15/3/2027».")
    if re.search(r"\btet\b", s) and not _DATE_TOKEN.search(s):
        return RuleError(f"«{clean}» gắn với Tết âm lịch, ngày đổi mỗi năm nên bot chưa tính được (xem các ngày Tết "
                         "bằng /ngaynghi). Hãy ghi ngày cụ thể, ví dụ «trước ngày 05/02/2027».")
    if _DAILY.search(s):
        return RuleError(f"«{clean}» là báo cáo hằng ngày: không có ngày hạn để nhắc. Các dạng gần nhất: «thứ Sáu "
                         "hằng tuần», «ngày 5 hằng tháng».")
    if re.search(r"(?<![\d/])\d{1,2}/\d{1,2}/\d{4} (?:hang|moi) nam\b", s):
        return RuleError(f"«{clean}» vừa có năm vừa «hằng năm»: bỏ năm nếu lặp lại mỗi năm (ví dụ «chậm nhất ngày "
                         "30/01 hằng năm»), hoặc bỏ «hằng năm» cho một lần (ví dụ «30/01/2027»).")
    if re.search(r"\b(?:som nhat|kip thoi|dau nam|giua nam|dau thang|giua thang|dau quy|giua quy|theo ke hoach|"
                 r"theo tien do)\b", s) and not re.search(r"\d", s):
        return RuleError(f"«{clean}» không chỉ ra một ngày cụ thể nên không có gì để nhắc. Hãy ghi ngày, ví dụ "
                         "«chậm nhất ngày 15/01 hằng năm», «ngày 5 hằng tháng», «30/06/2027».")
    if re.fullmatch(r"(?:(?:hang|moi|dinh ky|bao cao|bc|ky|ca|cuoi|dau) )*(?:(?:6|9) thang(?: (?:dau|cuoi) nam)?|"
                    r"quy(?: \d)?|nam|thang|tuan|thang cuoi quy|thang dau quy sau)", s) or not s:
        return RuleError(f"«{clean}» chưa nêu ngày nộp. Hãy ghi rõ ngày, ví dụ: «Báo cáo 6 tháng: ngày 15/6 hằng năm», "
                         "«ngày 15 tháng cuối quý», «ngày 5 hằng tháng», «thứ Sáu hằng tuần».")
    if re.fullmatch(r"(?:(?:trong|khong qua|toi da) )?(?:(?:vong|thoi han|thoi gian) )?\d{1,3} ngay(?: lam viec)?", s):
        return RuleError(f"«{clean}» chưa nêu tính từ ngày nào: ví dụ «trong thời hạn 05 ngày làm việc kể từ "
                         "15/3/2027».")
    if _BARE_RECURRENCE.match(s):
        return RuleError(f"«{clean}» chưa nêu ngày nộp. Hãy ghi rõ ngày, ví dụ: «ngày 15 tháng cuối quý», "
                         "«chậm nhất ngày 30/01 hằng năm», «ngày 5 hằng tháng», «thứ Sáu hằng tuần».")
    if re.match(r"^(?:tu|bat dau tu|ke tu) ", s) and not re.search(r"\b(?:den|toi)\b| - ", s):
        return RuleError(f"«{clean}» chỉ nêu thời điểm bắt đầu, không có hạn kết thúc nên không có ngày hạn cụ thể để "
                         "nhắc. Hãy ghi cả ngày kết thúc, ví dụ «từ tháng 5 đến tháng 7/2027», «từ ngày 01/12 đến "
                         "ngày 15/12/2027».")
    if re.search(r"\bngay\b.*\b(?:ke tu|tinh tu|sau khi)\b", s):
        return RuleError(f"«{clean}» tính từ một sự kiện chưa có ngày cụ thể; hãy ghi ngày bắt đầu, "
                         "ví dụ: «trong thời hạn 05 ngày làm việc kể từ 15/3/2027».")
    if re.fullmatch(rf"{LEAD}(?:ngay )?\d{{1,2}}/\d{{1,2}}", s):
        return RuleError(f"«{clean}» thiếu năm: thêm «hằng năm» nếu lặp lại mỗi năm (ví dụ «chậm nhất ngày "
                         "30/01 hằng năm»), hoặc ghi đủ ngày/tháng/năm (ví dụ «30/01/2027»).")
    if re.fullmatch(rf"{LEAD}(?:trong )?(?:thang|quy) \d{{1,2}}", s):
        return RuleError(f"«{clean}» thiếu năm: ghi «trong tháng 6 hằng năm» nếu lặp lại mỗi năm, hoặc «trong tháng "
                         "6/2027», «trong quý III/2027» cho một lần.")
    if re.fullmatch(rf"{LEAD}(?:ngay )?thu (?:\d|cn)", s):
        return RuleError(f"«{clean}» chưa nói lặp lại thế nào: ghi «thứ Sáu hằng tuần» cho báo cáo tuần, hoặc ghi "
                         "một ngày cụ thể, ví dụ «30/01/2027».")
    if re.fullmatch(rf"{LEAD}ngay \d{{1,2}} (?:hang|moi|cac) quy", s):
        return RuleError(f"«{clean}» chưa rõ là tháng nào của quý: ghi «ngày 15 tháng cuối quý» (báo cáo quý đang "
                         "diễn ra) hoặc «ngày 15 tháng đầu quý sau» (báo cáo quý trước).")
    if re.fullmatch(rf"{LEAD}ngay \d{{1,2}}", s):
        return RuleError(f"«{clean}» chưa nêu tháng: ví dụ «ngày 5 hằng tháng», «ngày 15 tháng cuối quý», "
                         "«ngày 15 tháng đầu quý sau».")
    return _unrecognised(s, ctx.text)


def _quoted(text: str, limit: int = 70) -> str:
    return f"«{text if len(text) <= limit else text[:limit - 1].rstrip() + '…'}»"


_WEEKDAY_OF = {"cn": 6, **{str(n): n - 2 for n in range(2, 8)}}


def _unrecognised(s: str, clean: str) -> RuleError:
    """A rule no form matched: the part that was understood, or what date it lacks, and the one closest form."""
    whole = _quoted(clean)
    for ph in sorted(find_phrases(clean), key=lambda p: p.start - p.end):
        piece = clean[ph.start:ph.end].strip()
        if ph.production.kind != "rule" or len(piece) >= len(clean):
            continue
        try:
            canonical = parse_rule(piece).canonical
        except RuleError:
            continue
        rest = (clean[:ph.start] + " … " + clean[ph.end:]).strip(" …,;:.-")
        timing = rule_task.timing_words(normalize(rest, remarks="drop"), rest)
        if timing:
            words = ", ".join(f"«{w}»" for w in timing[:3])
            return RuleError(f"Phần {_quoted(rest, 50)} có từ chỉ thời gian ({words}) nên chưa rõ đó là nội dung công việc "
                             f"hay một phần của hạn; phần hiểu được: {_quoted(piece, 50)}. Nếu đúng ý, hãy ghi: "
                             f"{_quoted(canonical, 90)}.")
        return RuleError(f"Không hiểu phần {_quoted(rest, 50)} của quy tắc hạn; phần hiểu được: {_quoted(piece, 50)}. "
                         f"Nếu đúng ý, hãy ghi: {_quoted(canonical, 90)}.")
    date_token = _DATE_TOKEN.search(s)
    weekday = re.search(r"\bthu (\d|cn)\b", s)
    day = re.search(r"\bngay (\d{1,2})\b(?!/)", s)
    if date_token:
        d, mo, y = date_token.groups()
        form = f"chậm nhất ngày {int(d):02d}/{int(mo):02d}" + (f"/{y}" if y else " hằng năm")
        cause = f"có ngày {date_token.group(0)} nhưng chưa rõ là một lần hay lặp lại thế nào"
    elif weekday and weekday.group(1) in _WEEKDAY_OF:
        form = f"{WEEKDAY_NAMES[_WEEKDAY_OF[weekday.group(1)]]} hằng tuần"
        cause = "có thứ trong tuần nhưng chưa rõ lặp lại thế nào"
    elif day:
        d = int(day.group(1))
        form = f"ngày {d} tháng cuối quý" if re.search(r"\bquy\b", s) else f"ngày {d} hằng tháng"
        cause = f"có ngày {d} nhưng chưa rõ của tháng nào"
    else:
        form = next((f for word, f in (("quy", "ngày 15 tháng cuối quý"), ("tuan", "thứ Sáu hằng tuần"),
                                       ("thang", "ngày 5 hằng tháng"), ("nam", "chậm nhất ngày 30/01 hằng năm"))
                     if re.search(rf"\b{word}\b", s)), "30/01/2027")
        cause = "không nêu ngày, tháng hay thứ nào để tính hạn"
    return RuleError(f"Không hiểu quy tắc hạn {whole}: {cause}. Dạng gần nhất được hiểu: «{form}».")


def _completions(s: str, kinds: tuple[str, ...]) -> list[str]:
    """Readings to try when the body alone did not match: without a trailing condition ("…, nếu trùng ngày
    nghỉ…"), a list of days and months as yearly, the recurrence its label implies ("BC năm - trước ngày 15/12")."""
    out = []
    cut = re.sub(r" (?:neu|truong hop|tru|rieng|doi voi|kem theo|bang van ban|qua he thong)\b.*$", "", s)
    if cut != s and cut:
        out.append(cut)
        out += _completions(cut, kinds)
    if re.fullmatch(r"(?:(?:cham nhat|truoc|den het|han chot) )*(?:ngay |cac ngay )?\d{1,2}/\d{1,2}"
                    r"(?: (?:va |hoac )?(?:ngay )?\d{1,2}/\d{1,2})+", s):
        out.append(f"{s} hang nam")
    if not kinds or _TRAILING.search(s):
        return out
    out = out + _kind_completions(s, kinds)
    return out


def _kind_completions(s: str, kinds: tuple[str, ...]) -> list[str]:
    if kinds == ("W",):
        return [f"{s} hang tuan"]
    if kinds == ("M",):
        return [f"{s} hang thang"]
    if all(k in PERIOD_KINDS for k in kinds):
        return [f"{s} hang nam"]
    if kinds == ("Q",):
        return [f"{s} hang quy"]
    return []


def parse_rule(text: str, calendar: WorkCalendar | None = None, *, _named_year: bool = True) -> DueRule:
    """Understand a Vietnamese due rule; raises RuleError (a Vietnamese message with examples).

    `calendar` is used by rules counted in working days ("05 ngày làm việc kể từ …") and by the last
    working day of a period.
    """
    rule = _parse_rule(text, calendar, _named_year=_named_year)
    _check_said_count(text, rule)
    return rule


_SAID_COUNT = re.compile(r"\b(?P<n>hai|ba|bon|[2-4])\s+(?:dot|ky|lan)\s*(?:(?:trong|moi|mot|hang)\s+|/\s*)nam\b|"
                         r"\b(?:hang|moi)\s+nam\s+(?P<m>hai|ba|bon|[2-4])\s+(?:dot|ky|lan)\b")
_COUNT_WORDS = {"hai": 2, "ba": 3, "bon": 4}


def _check_said_count(text: str, rule: DueRule) -> None:
    """'Hai lần mỗi năm, chậm nhất ngày 10/7 và 10/01': as many due dates a year as the rule says, or refused."""
    said = _SAID_COUNT.search(folded(text))
    if said is None:
        return
    word = said.group("n") or said.group("m")
    n = _COUNT_WORDS.get(word) or int(word)
    got = len(rule.occurrences_between(date(2031, 1, 1), date(2031, 12, 31))) if rule.recurring else 1
    if got != n:
        raise RuleError(f"Chưa rõ ý: quy tắc nói {n} lần mỗi năm nhưng hạn đọc được («{rule.canonical}») cho {got} "
                        f"lần mỗi năm. Hãy ghi đủ {n} ngày hạn, ví dụ «chậm nhất ngày 30/6 và 31/12 hằng năm».")


def _parse_rule(text: str, calendar: WorkCalendar | None = None, *, _named_year: bool = True) -> DueRule:
    """parse_rule without the check of a said count of reports a year."""
    if not isinstance(text, str) or not text.strip():
        raise RuleError(f"Chưa có quy tắc hạn. Ví dụ: {EXAMPLE}, «chậm nhất ngày 30/01 hằng năm».")
    if len(text) > 500:
        raise RuleError("Quy tắc hạn quá dài (tối đa 500 ký tự); hãy ghi ngắn gọn, ví dụ: «ngày 15 tháng cuối quý».")
    clean = re.sub(r"\s+", " ", "".join(ch for ch in text if ch not in INVISIBLE)).strip()
    _refuse_other_spacing(clean)
    _refuse_a_choice(clean)
    day_off = _day_off_clause(clean, calendar)
    if day_off is not None:
        return day_off
    started = _start_clause(clean, calendar)
    if started is not None:
        return started
    excepted = _with_exception(clean, calendar)
    if excepted is not None:
        return excepted
    first: tuple[str, _Ctx] | None = None
    # a parenthesised list of periods is part of the rule, unless that fails; then a rule said only in parentheses
    for remarks in ("periods", "drop", "keep"):
        normalised = re.sub(r"\s*\.\s*", " ", normalize(clean, remarks=remarks).text).strip()
        s, kinds = _split_label(normalised)
        s = _body(s)
        ctx = _Ctx(clean, calendar, kinds)
        first = first or (s, ctx)
        rule = _match_completed(s, kinds, ctx)
        aside = None if kinds else _label_aside(normalised)
        if rule is None and aside is not None:
            # "Kế hoạch kiểm tra CCHC năm: trước ngày 31/01 hằng năm": the label names the work, not the period
            rule = _match_completed(_body(aside[0]), aside[1], _Ctx(clean, calendar))
        if rule is not None:
            _refuse_dropped_exception(clean)
            _refuse_a_choice(clean, remarks)
            _refuse_other_spacing(clean, remarks)
            return _in_named_year(rule, clean) if _named_year else rule
    composite = _clauses_rule(clean, calendar)
    if composite is not None:
        return composite
    rule = _task_reading(clean, calendar)
    if rule is not None:
        _refuse_dropped_exception(clean)
        return _in_named_year(rule, clean) if _named_year else rule
    if _named_year and _PERIOD_YEAR.search(first[0]) and re.search(r"(?<![\d/])\d{1,2}/\d{1,2}(?![\d/])", first[0]):
        # "Báo cáo năm 2026 trước ngày 15/01": the day of the year after the named period
        mapped = normalize(clean, remarks="drop")
        named = _PERIOD_YEAR.search(mapped.text)
        try:
            assert named is not None
            a, b = mapped.span(*named.span())
            yearly = parse_rule(f"{clean[:a]} {clean[b:]} hằng năm", calendar, _named_year=False)
        except (RuleError, AssertionError):
            yearly = None
        if yearly is not None:
            return _in_named_year(yearly, clean, said_yearly=False)
    _refuse_only_cited(clean)
    raise _refusal(*first)


def _refuse_only_cited(clean: str) -> None:
    """'Theo CV số 1520/SNV-CCHC ngày 02/3/2026, các sở gửi báo cáo': the only date is the cited document's; say so
    rather than offer it as the due date."""
    mapped = normalize(clean, remarks="drop")
    cited = rule_task.cited_documents(mapped, clean)
    if cited and not rule_task.read(mapped, clean).of("main"):
        raise RuleError(f"«{cited[0]}» là số hiệu (và ngày) của văn bản được dẫn, không phải hạn nộp; quy tắc chưa nêu "
                        "ngày hạn. Hãy ghi thêm hạn, ví dụ «chậm nhất ngày 15 tháng cuối quý», «ngày 5 hằng tháng», "
                        "«30/06/2027».")


# ---------------------------------------------------------------- a yearless date for a period of a named year

# "quý I/2027", "tháng 6/2027", "6 tháng đầu năm 2027", "năm 2026" (as the grammar reads them)
_PERIOD_YEAR = re.compile(r"\bquy (?P<q>[1-4])/(?P<y1>\d{4})\b|\bthang (?P<m>\d{1,2})/(?P<y2>\d{4})\b|"
                          r"\b(?:(?P<n>6|9) thang(?: (?P<h>dau|cuoi))? )?nam (?P<y3>\d{4})\b|"
                          r"\b(?P<n2>6|9) thang/(?P<y4>\d{4})\b")
_RECURS = re.compile(r"\b(?:hang|moi|cac) (?:nam|quy|thang|tuan)\b|\bdinh ky\b|"
                     r"\bnam (?:sau|tiep theo|ke tiep|lien sau|ke hoach)\b|\b(?:6|3) thang (?:mot|1) lan\b")


def _named_period(m: re.Match[str]) -> tuple[int, str, int]:
    """(year, period id, last month) of a named period ('quy 1/2027', '6 thang/2027', 'nam 2026')."""
    y = int(m.group("y1") or m.group("y2") or m.group("y3") or m.group("y4"))
    n = m.group("n") or m.group("n2")
    if m.group("q"):
        return y, f"{y}-Q{m.group('q')}", 3 * int(m.group("q"))
    if m.group("m"):
        return y, f"{y}-{int(m.group('m')):02d}", int(m.group("m"))
    if n == "9":
        return y, f"{y}-9M", 9
    if n == "6":
        return (y, f"{y}-H2", 12) if m.group("h") == "cuoi" else (y, f"{y}-H1", 6)
    return y, str(y), 12


def _in_named_year(rule: DueRule, clean: str, *, said_yearly: bool = True) -> DueRule:
    """'Báo cáo quý I/2027 chậm nhất ngày 10/3', 'Báo cáo năm 2026 trước ngày 15/01': a report of one named period,
    due on a day written without its year, is one report: the period's own due day (or, for a rule giving one day
    a year, the first such day from the period's last month). Refused when it cannot be one day, or the work is
    not a report (a plan is due before its year, a report after its period: the year is not guessed)."""
    if not rule.recurring:
        return rule
    s = normalize(clean, remarks="drop").text
    found = list(_PERIOD_YEAR.finditer(s))
    if not found:
        return rule
    named_periods = [_named_period(m) for m in found]  # "Báo cáo quý I/2027, 6 tháng/2027, quý III/2027 …"
    y, pid, last = named_periods[0]
    written = _DATE_TOKEN.search(s)
    day_month = f"{int(written.group(1)):02d}/{int(written.group(2)):02d}" if written else f"15/{last:02d}"
    refuse = RuleError(f"{_quoted(clean, 60)} nêu kỳ của năm {y} nhưng ngày hạn không ghi năm. Một lần: ghi đủ năm, "
                       f"ví dụ «chậm nhất ngày {day_month}/{y}»; lặp lại hằng năm: bỏ năm của kỳ và thêm «hằng năm».")
    if len({n[0] for n in named_periods}) != 1 or (said_yearly and _RECURS.search(s)) \
            or not re.search(r"\b(?:bao cao|bc)\b", s) or not MIN_YEAR < y < MAX_YEAR:
        raise refuse
    near = rule.occurrences_between(date(y - 1, 1, 1), date(y + 1, 12, 31))
    if len(named_periods) > 1:  # several periods of one year: each named period's own due date, all of them
        pids = list(dict.fromkeys(n[1] for n in named_periods))
        each = [next((o for o in near if o.period == p and o.cutoff is not None), None) for p in pids]
        if any(o is None for o in each):
            raise refuse
        got = sorted((o for o in each if o is not None), key=lambda o: o.due)
        listed = ", ".join(f"{_dmy(o.due)} ({o.label})" for o in got)
        return DueRule(clean, False, f"Một lần cho mỗi kỳ đã nêu: chậm nhất {listed}.",
                       tuple(Period(o.due.isoformat(), f"Ngày {_dmy(o.due)}", o.due) for o in got),
                       warnings=rule.warnings, canonical="chậm nhất ngày " + " và ".join(
                           [", ".join(_dmy(o.due) for o in got[:-1]), _dmy(got[-1].due)]))
    named = [o for o in near if o.period == pid and o.cutoff is not None]  # a report period, not a plain yearly day's year
    if not named and len(rule.occurrences_between(date(2031, 1, 1), date(2031, 12, 31))) == 1:
        named = rule.occurrences(date(y, last, 1), 1)
    if not named or named[0].due > date(y + 1, 12, 31):
        raise refuse
    due = named[0].due
    occ = Period(due.isoformat(), f"Ngày {_dmy(due)}", due)
    warnings = tuple(re.sub(r" Ví dụ: «[^»]*»\.$", "", w) for w in rule.warnings)  # its example is a yearly rule
    return DueRule(clean, False, f"Một lần: chậm nhất ngày {_dmy(due)} (báo cáo của kỳ {named[0].label}).", (occ,),
                   warnings=warnings, canonical=f"chậm nhất ngày {_dmy(due)}")


# ---------------------------------------------------------------- a rule inside a task description

_UNIT_WORDS = {"W": "tuan", "M": "thang", "Q": "quy", "Y": "nam"}
_PER_YEAR = {"W": {52, 53}, "M": {12}, "Q": {4}, "H": {2}, "Y": {1}}


def _label_counts(kinds: tuple[str, ...]) -> set[int] | None:
    """How many periods a year the label's kinds stand for; None when they do not say one number."""
    if not kinds:
        return None
    if all(k in PERIOD_KINDS for k in kinds):
        return {1, 2} if kinds == ("H1", "H2") else {len(kinds)}
    if len(kinds) == 1:
        return _PER_YEAR.get(kinds[0], set())
    return set()


def _task_reading(clean: str, calendar: WorkCalendar | None) -> DueRule | None:
    """'Kế hoạch CCHC năm ban hành chậm nhất ngày 30/01 hằng năm': the rule read from its timing words alone, when
    the words left over carry no timing (they describe the work), and the period words among them agree with it."""
    for remarks in ("periods", "drop", "keep"):
        reading = _restated_within(rule_task.read(normalize(clean, remarks=remarks), clean))
        mains = reading.of("main")
        if len(mains) != 1:
            continue
        frames, labels, contents = reading.of("frame"), reading.of("label"), reading.of("content")
        units = [u for u in map(rule_task.frame_unit, frames) if u]
        lead = [f"hang {_UNIT_WORDS[u]}" for u in units if u != "H"]
        if lead and len(_DATE_TOKEN.findall(mains[0].text)) >= 2 and not re.search(r"\d/\d{4}\b", mains[0].text):
            lead = ["hang nam"]  # "Định kỳ quý, hạn 15/3, 15/6, 15/9 và 15/12": days of the year, as many as periods
        six = ["H1", "H2"] if "H" in units else []
        label_kinds = _label_kinds(" ".join(lab.text for lab in labels))
        report_kinds = _label_kinds(" ".join(lab.text for lab in labels if rule_task.report_label(reading, lab)))
        kinds = tuple(dict.fromkeys([*six, *label_kinds]))
        ctx = _Ctx(clean, calendar, tuple(dict.fromkeys([*six, *report_kinds])))
        rule = _match_completed(_body(" ".join(lead + [_within_period(mains[0].text, units, report_kinds)])), kinds, ctx)
        if rule is None:
            continue
        _check_agreement(rule, reading, units, label_kinds, contents)
        _refuse_a_choice(clean, remarks)
        _refuse_other_spacing(clean, remarks)
        return replace(rule, summary=f"{rule.summary} {_task_note(reading)}".strip())
    return None


_WITHIN = re.compile(r"(?:hoan thanh )?trong (?:vong )?(?P<unit>thang|quy|nam)")
_WITHIN_MONTHS = re.compile(r"(?:hoan thanh )?trong (?:cac )?thang (?P<mm>\d{1,2}(?: (?:va |hoac )?(?:thang )?\d{1,2})+)")


def _restated_within(reading: rule_task.Reading) -> rule_task.Reading:
    """'Hằng quý hoàn thành trong quý, chậm nhất ngày 20 tháng cuối quý': "trong quý" beside another timing run only
    restates the period its recurrence names; it is kept with the recurrence, and the other run is the due."""
    mains = reading.of("main")
    said = {_UNIT_WORDS.get(u) for u in map(rule_task.frame_unit, reading.of("frame"))}
    restated = [r for r in mains if (w := _WITHIN.fullmatch(r.text)) and w.group("unit") in said]
    if len(mains) < 2 or len(mains) - len(restated) != 1:
        return reading
    return rule_task.Reading(tuple(replace(r, kind="frame") if r in restated else r for r in reading.runs))


def _within_period(main: str, units: list[str], kinds: tuple[str, ...] = ()) -> str:
    """'Mỗi quý … hoàn thành trong quý', 'Định kỳ 6 tháng … trong tháng 6 và tháng 12': within each period the
    recurrence names, i.e. by its last day. Only with that recurrence said: "trong tháng" alone names no period."""
    said = {_UNIT_WORDS.get(u) for u in units}
    w = _WITHIN.fullmatch(main)
    if w and w.group("unit") in said:
        return f"ngay cuoi cung {w.group('unit')}"
    w = _WITHIN.match(main)  # "trong quý chậm nhất ngày 20 tháng cuối quý": the day said is the due
    if w and w.group("unit") in said and re.match(r" (?:cham nhat|truoc|ngay|han|den het)\b", main[w.end():]):
        return main[w.end():].strip()
    w = _WITHIN_MONTHS.fullmatch(main)
    # or with the report's periods named, one per month listed ("Báo cáo 6 tháng đầu năm và 6 tháng cuối năm …
    # trong tháng 6 và tháng 12")
    named = bool(kinds) and all(k in PERIOD_KINDS for k in kinds) and w is not None \
        and _months_fit(sorted(KINDS[k].last for k in kinds), sorted(int(x) for x in re.findall(r"\d{1,2}", w.group("mm"))))
    if w and (units or named):
        return f"ngay cuoi cung thang {w.group('mm')} hang nam"
    return main


def _months_fit(period_ends: list[int], months: list[int]) -> bool:
    """One month per period, each in the period's last month or within the two months after it."""
    return len(period_ends) == len(months) and all(0 <= mo - end <= 2 for end, mo in zip(period_ends, months))


def _check_agreement(rule: DueRule, reading: rule_task.Reading, units: list[str], label_kinds: tuple[str, ...],
                     contents: list[rule_task.Run]) -> None:
    """The recurrence words around the rule ("hằng quý", "Kế hoạch … năm", "báo cáo tháng trước") say as many
    periods a year as the rule gives; otherwise the rule is refused rather than half-understood."""
    subjects = reading.of("subject")
    if subjects and rule.recurring:
        raise _disagree(rule, subjects, "nhiều năm")
    for sub in subjects:  # "Kế hoạch năm 2028 … trước 15/12/2027": the year of the work is next to the due date's
        dues = [o.due.year for o in rule.occurrences(date(MIN_YEAR, 1, 1), 50)]
        if any(abs(rule_task.subject_year(sub) - y) > 1 for y in dues):
            raise _disagree(rule, subjects, "năm " + ", ".join(map(str, sorted(set(dues)))))
    said = [r for r in reading.runs if r.kind in ("frame", "label", "content")]
    if not said:
        return
    if not rule.recurring:
        if units:
            raise _disagree(rule, said, "một lần")
        return
    n = len(rule.occurrences_between(date(2031, 1, 1), date(2031, 12, 31)))
    yearly_list = rule.canonical.endswith("hằng năm")  # "Hằng năm, trước 30/4 và trước 31/10"
    wanted = [_PER_YEAR[u] for u in units if not (u == "Y" and yearly_list)] + [_PER_YEAR[rule_task.content_unit(c)] for c in contents]
    label_counts = _label_counts(label_kinds)
    if label_counts is not None:
        wanted.append(label_counts)
    if any(n not in w for w in wanted):
        raise _disagree(rule, said, f"{n} lần mỗi năm")


def _disagree(rule: DueRule, said: list[rule_task.Run], gives: str) -> RuleError:
    words = ", ".join(_quoted(r.source, 40) for r in said)
    return RuleError(f"Chưa rõ ý: {words} nói về kỳ khác với hạn đọc được (hạn «{rule.canonical}» cho {gives}). "
                     f"Nếu hạn là «{rule.canonical}», hãy ghi đúng như vậy; nếu không, hãy ghi rõ kỳ, ví dụ «ngày 15 "
                     "tháng cuối quý», «ngày 5 hằng tháng», «chậm nhất ngày 30/01 hằng năm».")


def _task_note(reading: rule_task.Reading) -> str:
    """What was taken as the due rule and what as the work, for the admin to check."""
    timing = " … ".join(dict.fromkeys(r.source for r in reading.runs if r.kind in ("frame", "main") and r.source))
    task = " … ".join(r.source for r in reading.runs if r.kind == "task" and r.source)
    if not task and not reading.of("content") and not reading.of("label") and not reading.of("subject"):
        return ""
    note = f"(Hạn đọc từ: «{timing}»"
    if task:
        note += f"; phần «{_quoted(task, 120)[1:-1]}» là nội dung công việc, không tính vào hạn"
    for lab in reading.of("label"):
        note += f"; «{lab.source}» trong tên công việc là kỳ, khớp với hạn"
    for c in reading.of("content"):
        note += f"; «{c.source}» là kỳ của nội dung báo cáo, không phải hạn nộp"
    for c in reading.of("subject"):
        note += f"; «{c.source}» là kỳ của công việc, không phải hạn nộp"
    return note + ".)"


# ---------------------------------------------------------------- several report kinds, each with its own rule

_REPORT_HEAD = r"(?:báo cáo|bao cao|bc|bcao)\b"
# a report period starting a clause: "quý 2 trước ngày 10/6", "6 tháng: 15/6", "năm trước ngày 10/12"
_PERIOD_HEAD = (r"(?:quý|quy|q)\s*(?:[1-4]|iv|iii|ii|i)\b|(?:6|9|sáu|chín|sau|chin)\s+(?:tháng|thang)"
                r"(?:\s+(?:đầu|cuối|dau|cuoi)\s+(?:năm|nam))?\b|"
                r"(?:cả\s+|ca\s+)?(?:năm|nam)\b(?!\s+\d)")
_CLAUSE_SPLIT = re.compile(rf"(?i)\s*;\s*|,\s*(?={_REPORT_HEAD}|(?:{_PERIOD_HEAD})\s*(?::|trước|truoc|chậm|cham|ngày|ngay|\d))")


def _clauses_rule(clean: str, calendar: WorkCalendar | None) -> DueRule | None:
    """'Báo cáo quý I, II, III trước ngày 15 của tháng cuối quý; báo cáo năm trước ngày 10/12': one rule per clause
    (split at ";", or at ", báo cáo …" when every clause names its report), joined when each is recurring and
    their periods do not overlap."""
    parts: list[str] = []
    for piece in (p.strip(" ,.") for p in _CLAUSE_SPLIT.split(clean)):
        if parts and not re.search(r"\d", parts[-1]) and piece:  # "Báo cáo quý I, quý II, quý III: …": one label
            parts[-1] = f"{parts[-1]}, {piece}"
        elif piece:
            parts.append(piece)
    if len(parts) < 2:
        return None
    heads = [re.match(rf"(?i){_REPORT_HEAD}", p) is not None for p in parts]
    periods = [re.match(rf"(?i)(?:{_PERIOD_HEAD})", p) is not None for p in parts]
    if ";" not in clean and not (heads[0] and all(h or q for h, q in zip(heads, periods))):
        return None
    # "Báo cáo quý 1 trước ngày 10/3, quý 2 trước ngày 10/6": a clause naming only its period is that report's
    parts = [p if h or not q or not heads[0] else f"báo cáo {p}" for p, h, q in zip(parts, heads, periods)]
    rules = []
    for p in parts:
        try:
            rules.append(parse_rule(p, calendar))
        except RuleError:
            return None
    if not all(r.recurring for r in rules):
        return None
    ids = [o.period for r in rules for o in r.occurrences_between(date(2031, 1, 1), date(2032, 12, 31))]
    if len(ids) != len(set(ids)):
        return None

    def per_year(y: int) -> list[Period]:
        return [o for r in rules if r._per_year is not None for o in r._per_year(y)]

    summary = " ".join(f"{i}) {r.summary}" for i, r in enumerate(rules, 1))
    warnings = _one_warning([w for r in rules for w in r.warnings])
    return DueRule(clean, True, f"Gồm {len(rules)} quy tắc: {summary}", _per_year=per_year, warnings=warnings,
                   canonical="; ".join(r.canonical for r in rules))


def _one_warning(warnings: list[str]) -> tuple[str, ...]:
    """The first cut-off warning of a joined rule, and how many other report kinds have the same problem."""
    if len(warnings) <= 1:
        return tuple(warnings)
    return (f"{warnings[0]} (Tương tự cho {len(warnings) - 1} kỳ báo cáo khác.)",)


_EXCEPTION = re.compile(r"(?i)[,;(–-]\s*((?:ngoại trừ|trừ|riêng|đối với|trường hợp|ngoai tru|tru|rieng|doi voi|truong hop)"
                        r"\b[^)]*?\d[^)]*)")


_EXCEPTION_LEAD = re.compile(r"^(?:ngoại trừ|trừ|riêng|đối với|ngoai tru|tru|rieng|doi voi)\s+", re.I)
_PERIOD_SUFFIXES = {"-Q1", "-Q2", "-Q3", "-Q4", "-H1", "-H2", "-9M", ""}


def _suffix(period: str) -> str:
    return "-" + period.split("-", 1)[1] if "-" in period else ""


def _with_exception(clean: str, calendar: WorkCalendar | None) -> DueRule | None:
    """A rule with its exception ("…, riêng báo cáo năm chậm nhất ngày 05/12", "trừ quý IV: trước ngày 05/12"):
    the excepted report periods take the exception's own rule. None when there is no exception, or when the rule
    or the exception cannot be read that way (the caller then refuses an exception it would drop)."""
    found = _EXCEPTION.search(clean)
    if found is None:
        return None
    tail = found.group(1).strip(" ,.;)")
    other = _EXCEPTION_LEAD.sub("", tail)
    head = clean[:found.start()].strip(" ,;(–-")
    if other == tail or not head:
        return None
    try:
        rule = parse_rule(head, calendar)
    except RuleError:
        return None
    exception: DueRule | None = None
    for text in (other, f"báo cáo {other}"):
        try:
            exception = parse_rule(text, calendar)
            break
        except RuleError:
            continue
    # the periods the exception names, before its timing words ("quý IV và năm | chậm nhất ngày 10/12 hằng năm")
    head_words = re.split(r"\b(?:truoc|cham nhat|ngay|han|trong|den het|tu|thu)\b|\d{1,2}/", normalize(other, remarks="drop").text, 1)[0]
    named = set(_label_kinds(head_words)) & set(PERIOD_KINDS)
    if exception is None or not (rule.recurring and exception.recurring and named) or rule._per_year is None \
            or exception._per_year is None:
        return None
    sample = date(2031, 1, 1), date(2031, 12, 31)
    main, own = rule._per_year, exception._per_year
    kinds = sorted(named, key=PERIOD_KINDS.index)
    if len(exception.occurrences_between(*sample)) == 1:
        # one day a year for the periods named ("riêng quý IV và năm chậm nhất ngày 10/12"): each named period's
        def extra(y: int) -> list[Period]:
            return [_period(k, o.due) for o in own(y) for k in kinds]
    else:
        extra = own
    excepted = {KINDS[k].suffix for k in kinds} | {_suffix(o.period) for o in exception.occurrences_between(*sample)}
    if not excepted <= _PERIOD_SUFFIXES or not {KINDS[k].suffix for k in kinds} <= {
            _suffix(o.period) for o in (o for y in (2031, 2032) for o in extra(y))}:
        return None

    def per_year(y: int) -> list[Period]:
        return [o for o in main(y) if _suffix(o.period) not in excepted] + extra(y)

    names = " và ".join(_kind_name(k) for k in kinds)
    canon = f"báo cáo {names} {exception.canonical.rpartition(': ')[2]}"
    summary = f"{rule.summary} Riêng {names}: {exception.summary[:1].lower()}{exception.summary[1:]}"
    return DueRule(clean, True, summary, _per_year=per_year, warnings=rule.warnings + exception.warnings,
                   canonical=f"{rule.canonical}, riêng {canon[:1].lower()}{canon[1:]}")


# "nếu trùng ngày nghỉ thì gửi vào ngày làm việc liền trước", "(trường hợp hạn rơi vào thứ Bảy, Chủ nhật, ngày lễ
# thì lùi sang ngày làm việc tiếp theo)": what happens when a due date is a day off
_DAY_OFF_CLAUSE = re.compile(
    r"[,;(]?\s*(?:\b(?:neu|truong hop|khi)\b(?: (?:han|ngay han|thoi han|ngay nop|ngay do))?(?: (?:nop|gui))? |"
    r"\b(?=trung ))(?:trung|roi|roi vao|vao|la)(?: (?:vao|voi|dung))?(?: cac| mot)? (?:ngay nghi|ngay le|nghi le|le tet|(?:ky )?nghi tet|tet|thu 7|thu bay|"
    r"thu cn|chu nhat|cuoi tuan|ngay nghi le|ngay khong lam viec)\b[^()]*?(?:\)|$)")
_EARLIER = re.compile(r"\b(?:lien truoc|truoc do|ngay lam viec truoc|som hon|ke truoc|gan nhat truoc|lui ve truoc|"
                      r"(?:gui|nop|bao cao|hoan thanh) (?:som|truoc)(?! (?:ngay|\d)))\b")
_LATER = re.compile(r"\b(?:tiep theo|ke tiep|lien sau|sau do|ngay lam viec sau|dau tien sau|hoan|lui sang)\b")


# "(áp dụng từ năm 2027)", "bắt đầu thực hiện từ ngày 01/7/2026": a recurring rule that starts later
_START_CLAUSE = re.compile(r"\b(?:(?:bat dau )?ap dung|bat dau thuc hien|thuc hien|bat dau)\s+(?:ke\s+)?tu\s+(?:"
                           r"(?:ngay\s+)?(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})|thang\s+(?P<m2>\d{1,2})/(?P<y2>\d{4})|"
                           r"quy\s+(?P<q>[1-4])/(?P<y3>\d{4})|nam\s+(?P<y4>\d{4}))\b")


def _start_clause(clean: str, calendar: WorkCalendar | None) -> DueRule | None:
    """'Hằng năm, chậm nhất ngày 20/11 … (áp dụng từ năm 2027)': the recurring rule without the clause, its due dates
    from the start on. None when there is no such clause, or the rest is not a recurring rule on its own."""
    mapped = normalize(clean, remarks="keep")
    found = _START_CLAUSE.search(mapped.text)
    if found is None:
        return None
    g = found.group
    y = int(g("y") or g("y2") or g("y3") or g("y4"))
    month = int(g("m") or g("m2") or (3 * int(g("q")) - 2 if g("q") else 1))
    if not MIN_YEAR < y < MAX_YEAR or not 1 <= month <= 12:
        return None
    start = _real_date(y, month, int(g("d"))) if g("d") else date(y, month, 1)
    a, b = mapped.span(found.start(), found.end())
    rest = re.sub(r"\(\s*\)|\[\s*\]", " ", clean[:a] + " " + clean[b:]).strip(" ,;(")
    try:
        rule = parse_rule(rest, calendar)
    except RuleError:
        return None
    if not rule.recurring or rule._per_year is None:
        return None
    base = rule._per_year
    note = f"Áp dụng từ ngày {_dmy(start)}: hạn trước ngày đó không tính."
    return DueRule(clean, True, f"{rule.summary} {note}", _per_year=lambda yy: [o for o in base(yy) if o.due >= start],
                   warnings=rule.warnings, canonical=f"{rule.canonical}, áp dụng từ ngày {_dmy(start)}")


def _day_off_clause(clean: str, calendar: WorkCalendar | None) -> DueRule | None:
    """A rule with what to do when its due date is a day off: 'the working day before' moves each such due date
    earlier; 'the next working day' is the legal rule already (Bộ luật Dân sự Điều 148.5), kept as a note. None when
    the rule says neither (or says both)."""
    mapped = normalize(clean, remarks="keep")
    found = _DAY_OFF_CLAUSE.search(mapped.text)
    if found is None:
        return None
    said = found.group(0)
    earlier, later = _EARLIER.search(said) is not None, _LATER.search(said) is not None
    if earlier == later:
        return None
    a, b = mapped.span(found.start(), found.end())
    rest = (clean[:a] + " " + clean[b:]).strip(" ,;(")
    rule = parse_rule(rest, calendar)
    if later:
        return replace(rule, text=clean, summary=f"{rule.summary} Nếu hạn trùng ngày nghỉ: hạn cuối là ngày làm việc "
                       "tiếp theo (Bộ luật Dân sự 2015, Điều 148 khoản 5); bot vẫn nhắc trước ngày hạn.")
    cal = calendar or WorkCalendar()

    def moved(periods: list[Period] | tuple[Period, ...]) -> list[Period]:
        return [replace(o, due=cal.previous_working_day(o.due)) for o in periods]

    summary = f"{rule.summary} Nếu hạn trùng ngày nghỉ: nộp vào ngày làm việc liền trước."
    canonical = f"{rule.canonical}, nếu trùng ngày nghỉ thì nộp vào ngày làm việc liền trước"
    if rule._per_year is None:
        return DueRule(clean, False, summary, tuple(moved(rule._fixed)), warnings=rule.warnings, canonical=canonical)
    per_base = rule._per_year
    return DueRule(clean, True, summary, _per_year=lambda y: moved(per_base(y)), warnings=rule.warnings,
                   canonical=canonical)


# "…, riêng các xã thì tùy", "…, trừ cấp xã": an exception with no date of its own still changes who or when
_BARE_EXCEPTION = re.compile(r"(?i)[,;(–-]\s*((?:ngoại trừ|trừ|riêng|ngoai tru|tru|rieng)\b[^)]*)|"
                             r"\s((?:ngoại trừ|trừ|ngoai tru|tru)\s+(?:tháng|thang|quý|quy|năm|nam|các|cac|ngày|ngay|cấp|"
                             r"cap|xã|xa|phường|phuong)\b[^)]*)")


def _refuse_dropped_exception(clean: str) -> None:
    """A rule read without its exception ("…, trừ quý IV nộp ngày 5/12", "(riêng quý IV: ngày 10/12)") would remind
    on the wrong day for the excepted period: refuse it rather than drop the exception silently."""
    found = _EXCEPTION.search(clean) or _BARE_EXCEPTION.search(clean)
    if found is None:
        return
    tail = (found.group(1) or found.group(2)).strip(" ,.;")
    raise RuleError(f"Quy tắc hạn có ngoại lệ «{tail[:80]}» mà bot chưa tính được. Hãy tạo hạn chung không kèm "
                    "ngoại lệ, và một hạn riêng cho trường hợp ngoại lệ (ví dụ «trước ngày 05/12 hằng năm»).")


_OTHER_SPACING = re.compile(r"\b(?:(?:hai|ba|bon|bay|tam|chin|muoi|nua|\d{1,2}) (?:tuan|thang|nam|quy) (?:mot|1) lan|"
                            r"(?:moi|hang|cach) (?:hai|ba|bon|nua|\d{1,2}) (?:tuan|thang|nam|quy)|cach tuan|cach thang)\b")


_CHOICE = re.compile(r"(?<![\d/])(\d{1,2}(?:/\d{1,2}(?:/\d{4})?)?) hoac (?:ngay )?(\d{1,2}(?:/\d{1,2}(?:/\d{4})?)?)(?![\d/])")


def _refuse_a_choice(clean: str, remarks: str = "drop") -> None:
    """'ngày 15 hoặc 20 hằng tháng': a choice of two days is not one due date; reminding on both would be wrong.
    (`remarks="keep"` when the rule was read with its parenthesised words.)"""
    found = _CHOICE.search(normalize(clean, remarks=remarks).text)
    if found:
        raise RuleError(f"{_quoted(clean, 60)} cho chọn giữa hai ngày («{found.group(1)} hoặc {found.group(2)}»): hãy ghi "
                        f"một ngày hạn, ví dụ «chậm nhất ngày {found.group(2)}…», hoặc nếu phải nộp cả hai lần thì ghi "
                        f"«{found.group(1)} và {found.group(2)}».")


def _refuse_other_spacing(clean: str, remarks: str = "drop") -> None:
    """'hai tuần một lần', 'mỗi 2 tháng', 'tháng hai lần': a spacing the grammar does not have is refused, not read as
    weekly or monthly ('6 tháng một lần' is both halves, '3 tháng một lần' quarterly)."""
    mapped = normalize(clean, remarks=remarks)
    found = _OTHER_SPACING.search(mapped.text)
    if found and not re.search(r"\b6 thang\b", found.group(0)):
        a, b = mapped.span(*found.span())
        form = "thứ Sáu hằng tuần" if "tuan" in found.group(0) else "ngày 5 hằng tháng"
        raise RuleError(f"Chu kỳ «{clean[a:b]}» chưa được hỗ trợ: bot nhắc theo tuần, tháng, quý, 6 tháng hoặc năm, "
                        f"hoặc theo các ngày liệt kê (ví dụ ngày 15 các tháng 2, 4, 6, 8, 10 và 12). Dạng gần nhất "
                        f"được hiểu: «{form}».")


def _body(s: str) -> str:
    """The rule's words without separators, filler words in front and a leading recurrence."""
    s = s.replace(" : ", " ").replace(":", " ").strip()
    s = _FILLER.sub("", s)
    s = re.sub(r"^(?:han (?:nop|chot) |thoi han |han )", "", _move_leading_recurrence(s))  # "hằng tháng hạn ngày 10"
    return re.sub(r"\s+", " ", s).strip()


def _match_completed(s: str, kinds: tuple[str, ...], ctx: _Ctx) -> DueRule | None:
    """The rule as written, else the first completion (`_completions`) that matches."""
    rule = _match(s, ctx)
    for alt in ([] if rule else _completions(s, kinds)):
        rule = _match(alt, ctx)
        if rule:
            break
    return rule
