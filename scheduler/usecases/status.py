"""Status of a deadline's open period (who submitted, by whom, when, reachable or not): one report for chat, CLI, web, Excel."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.errors import NotFound
from bot.core.vietnamese import fold
from scheduler.daysoff import calendar_for
from scheduler.models import Chat, ClusterMember, Deadline, FocalPoint, Occurrence
from scheduler.repo import acks_of, get_deadline, list_deadlines, occurrences_of, owes, period_audience
from scheduler.occurrences import materialise
from scheduler.timeutil import as_vn
from scheduler.standing import is_overdue
from scheduler.usecases.periods import current_occurrence
from scheduler.units import TYPE_LABELS, list_units, natural_key
from scheduler.workdays import WorkCalendar

SUBMITTED, PENDING, OVERDUE = "Đã nộp", "Chưa nộp", "Quá hạn"
STATES = (SUBMITTED, PENDING, OVERDUE)
TYPE_ORDER = tuple(TYPE_LABELS)  # so, xa, huyen: the order unit types are listed in


def type_rank(unit_type: str) -> int:
    return TYPE_ORDER.index(unit_type) if unit_type in TYPE_ORDER else len(TYPE_ORDER)


def type_label(unit_type: str) -> str:
    return TYPE_LABELS.get(unit_type, unit_type)


@dataclass(frozen=True)
class UnitStatus:
    name: str
    type: str  # "so" | "xa" | "huyen"
    submitted: bool
    by: str | None = None  # who confirmed
    at: datetime | None = None  # when, in Vietnam time (aware)
    note: str | None = None  # the report number given when confirming ("123/BC-STP")
    reachable: bool = False  # an active group, or an approved focal point the bot can write to 1:1
    contacts: str = ""  # groups and focal points, for people reading the export


@dataclass(frozen=True)
class StatusReport:
    code: str
    title: str
    period: str  # "2027-Q1": what --period takes
    label: str  # "Quý I/2027": what people read
    due: date
    legal_due: date  # the next working day when `due` is a day off
    units: tuple[UnitStatus, ...]  # by unit type, then natural order of names ("Số 2" before "Số 10")

    def state(self, unit: UnitStatus, today: date) -> str:
        if unit.submitted:
            return SUBMITTED
        return OVERDUE if is_overdue(self, today) else PENDING

    def days_left(self, today: date) -> int:
        return (self.legal_due - today).days

    def types(self) -> list[str]:
        """Unit types present, in the order they are listed."""
        return sorted({u.type for u in self.units}, key=type_rank)

    def counts(self, today: date) -> dict[str, dict[str, int]]:
        """{type label: {state: count}} in the order unit types are listed."""
        out = {type_label(t): {s: 0 for s in STATES} for t in self.types()}
        for u in self.units:
            out[type_label(u.type)][self.state(u, today)] += 1
        return out

    def submitted_by_type(self) -> list[tuple[str, int, int]]:
        """[(unit type, submitted, total)] in the order unit types are listed."""
        return [(t, sum(1 for u in self.units if u.type == t and u.submitted),
                 sum(1 for u in self.units if u.type == t)) for t in self.types()]

    def missing(self) -> list[UnitStatus]:
        return [u for u in self.units if not u.submitted]

    def unreachable(self) -> list[UnitStatus]:
        return [u for u in self.units if not u.submitted and not u.reachable]

    def as_dict(self) -> dict:  # type: ignore[type-arg]
        """The shape of `python -m bot status CODE --json` (exactly these keys)."""
        return {"deadline": {"code": self.code, "title": self.title}, "period": self.period,
                "due": self.due.isoformat(), "legal_due": self.legal_due.isoformat(),
                "units": [{"name": u.name, "type": u.type, "submitted": u.submitted, "by": u.by,
                           "at": u.at.isoformat() if u.at else None, "note": u.note, "reachable": u.reachable}
                          for u in self.units]}


def open_occurrence(session: Session, deadline: Deadline, today: date, cal: WorkCalendar,
                    escalate: int) -> Occurrence | None:
    """The open period: the deadline's current one (scheduler.standing.current — the first it owes whose window,
    the legal due date + `escalate` working days (ESCALATION_DAYS), has not ended)."""
    return current_occurrence(session, deadline, today, cal, escalate)


def find_period(session: Session, deadline: Deadline, period: str) -> Occurrence:
    """The stored period named by its key ("2027-Q1", any case) or its label ("Quý I/2027", with or without
    diacritics); NotFound listing the periods there are."""
    wanted = fold(period).replace(" ", "")
    occs = occurrences_of(session, deadline.id)
    for occ in occs:
        if wanted in (occ.period.lower(), fold(occ.label or "").replace(" ", "")):
            return occ
    known = [o.period for o in occs if owes(o.legal_due, deadline.created_at)][-6:]
    hint = f" Các kỳ có: {', '.join(known)}." if known else ""
    raise NotFound("period", period, f"Hạn {deadline.code} không có kỳ «{period[:20]}».{hint}", known)


def find_deadline(session: Session, code: str) -> Deadline:
    d = get_deadline(session, code)
    if d is None:
        codes = [x.code for x in list_deadlines(session)]
        close = [c for c in codes if fold(code)[:3] and c.startswith(fold(code)[:3])][:3]
        hint = f" Có phải: {', '.join(close)}?" if close else ""
        raise NotFound("deadline", code, f"Không có hạn mã «{code[:40]}».{hint}", close)
    return d


def deadline_status(session: Session, now: datetime, code: str, period: str = "", *,
                    escalate: int = 3) -> StatusReport:
    """Who has submitted the open period of `code` (or the named `period`); NotFound for an unknown code, a
    period the deadline does not have, or no open period."""
    d = find_deadline(session, code)
    today = as_vn(now).date()
    cal = calendar_for(session)
    materialise(session, d, cal, today)
    occ = find_period(session, d, period) if period else open_occurrence(session, d, today, cal, escalate)
    if occ is None:
        raise NotFound("period", "", f"Hạn {d.code} không có kỳ nào đang mở.")
    return _report(session, d, occ, _contacts(session))


def status_reports(session: Session, now: datetime, code: str = "", period: str = "", *,
                   escalate: int = 3) -> list[StatusReport]:
    """The open period of every deadline that has one (or of `code`, or its named `period`)."""
    if code:
        return [deadline_status(session, now, code, period, escalate=escalate)]
    today = as_vn(now).date()
    cal = calendar_for(session)
    contacts = _contacts(session)
    out: list[StatusReport] = []
    for d in list_deadlines(session):
        materialise(session, d, cal, today)
        occ = open_occurrence(session, d, today, cal, escalate)
        if occ is not None:
            out.append(_report(session, d, occ, contacts))
    return out


def _report(session: Session, d: Deadline, occ: Occurrence,
            contacts: dict[int, tuple[list[str], bool]]) -> StatusReport:
    units = list_units(session)
    by_id = {u.id: u for u in units}
    acks = {a.unit_id: a for a in acks_of(session, occ.id)}
    rows = []
    for uid in period_audience(d, occ.legal_due, units):
        u, ack = by_id[uid], acks.get(uid)
        names, reachable = contacts.get(uid, ([], False))
        rows.append(UnitStatus(u.name, u.type, ack is not None, (ack.by_name or ack.by_user) if ack else None,
                               as_vn(ack.at) if ack else None, (ack.note or None) if ack else None, reachable,
                               "; ".join(names)))
    rows.sort(key=lambda r: (type_rank(r.type), natural_key(r.name)))
    return StatusReport(d.code, d.title, occ.period, occ.label or occ.period, occ.due, occ.legal_due, tuple(rows))


def _contacts(session: Session) -> dict[int, tuple[list[str], bool]]:
    """unit id -> (group titles and focal point names, whether the bot can reach the unit at all).

    A group reaches its own unit and every unit of its cluster; an approved focal point reaches its unit once
    the bot knows their private chat."""
    out: dict[int, tuple[list[str], bool]] = {}

    def add(unit_id: int, name: str, reach: bool) -> None:
        names, was = out.get(unit_id, ([], False))
        names.append(name)
        out[unit_id] = (names, was or reach)

    groups = list(session.scalars(select(Chat).where(Chat.unit_id.is_not(None), Chat.kind == "group")
                                  .order_by(Chat.channel, Chat.id)))
    members: dict[int, list[int]] = {}
    for m in session.scalars(select(ClusterMember).order_by(ClusterMember.unit_id)):
        members.setdefault(m.chat_id, []).append(m.unit_id)
    for c in groups:
        name = f"Nhóm {c.title or c.chat_id} ({c.channel}{'' if c.active else ', không gửi được'})"
        for uid in _served(c, members):
            add(uid, name, c.active)
    for f in session.scalars(select(FocalPoint).where(FocalPoint.status == "approved").order_by(FocalPoint.id)):
        add(f.unit_id, f"{f.display_name or f.user_id} ({f.channel})", bool(f.private_chat_id))
    return out


def _served(chat: Chat, members: dict[int, list[int]]) -> Iterable[int]:
    assert chat.unit_id is not None
    yield chat.unit_id
    yield from (u for u in members.get(chat.id, []) if u != chat.unit_id)
