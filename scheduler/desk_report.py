"""Who has submitted, per deadline and period: the data behind the Excel export, the chart and the overview page."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.daysoff import calendar_for
from scheduler.models import Chat, Deadline, FocalPoint, Occurrence
from scheduler.repo import acks_of, audience_unit_ids, current_occurrence, get_deadline, list_deadlines
from scheduler.occurrences import materialise
from scheduler.units import TYPE_LABELS, list_units

SUBMITTED, PENDING, OVERDUE = "Đã nộp", "Chưa nộp", "Quá hạn"
STATES = (SUBMITTED, PENDING, OVERDUE)


@dataclass(frozen=True)
class UnitStatus:
    name: str
    type: str  # "so" | "xa" | "huyen"
    submitted: bool
    by: str = ""  # who confirmed
    at: datetime | None = None
    note: str = ""  # report number or note given with the confirmation
    reachable: bool = False  # an active group, or a focal point the bot can write to 1:1
    contacts: str = ""  # groups and focal points, for people reading the export


@dataclass(frozen=True)
class StatusReport:
    code: str
    title: str
    period: str
    label: str
    due: date
    legal_due: date
    units: tuple[UnitStatus, ...]

    def state(self, unit: UnitStatus, today: date) -> str:
        if unit.submitted:
            return SUBMITTED
        return OVERDUE if today > self.legal_due else PENDING

    def days_left(self, today: date) -> int:
        return (self.legal_due - today).days

    def counts(self, today: date) -> dict[str, dict[str, int]]:
        """{type label: {state: count}} in the order unit types are listed."""
        out: dict[str, dict[str, int]] = {}
        for t in sorted({u.type for u in self.units}, key=lambda t: list(TYPE_LABELS).index(t) if t in TYPE_LABELS else 9):
            out[TYPE_LABELS.get(t, t)] = {s: 0 for s in STATES}
        for u in self.units:
            out[TYPE_LABELS.get(u.type, u.type)][self.state(u, today)] += 1
        return out

    def unreachable(self) -> list[UnitStatus]:
        return [u for u in self.units if not u.submitted and not u.reachable]

    def as_dict(self) -> dict:  # type: ignore[type-arg]
        """The shape of `python -m bot status --json`."""
        return {"deadline": {"code": self.code, "title": self.title}, "period": self.period,
                "due": self.due.isoformat(), "legal_due": self.legal_due.isoformat(),
                "units": [{"name": u.name, "type": u.type, "submitted": u.submitted, "by": u.by,
                           "at": u.at.isoformat() if u.at else None, "note": u.note, "reachable": u.reachable}
                          for u in self.units]}


class ReportNotFound(LookupError):
    """No deadline with that code, or no such period: a Vietnamese message."""


def status_reports(session: Session, today: date, code: str = "", period: str = "") -> list[StatusReport]:
    """The current period of every deadline (or of `code`), or the named `period`."""
    if code:
        d = get_deadline(session, code)
        if d is None:
            raise ReportNotFound(f"Không có hạn mã «{code[:40]}».")
        deadlines = [d]
    else:
        deadlines = list_deadlines(session)
    cal = calendar_for(session)
    units = list_units(session)
    by_id = {u.id: u for u in units}
    contacts = _contacts(session)
    reports: list[StatusReport] = []
    for d in deadlines:
        materialise(session, d, cal, today)
        occ = _occurrence(session, d, today, period)
        if occ is None:
            if period and code:
                raise ReportNotFound(f"Hạn {d.code} không có kỳ «{period[:20]}».")
            continue
        acks = {a.unit_id: a for a in acks_of(session, occ.id)}
        rows = []
        for uid in audience_unit_ids(d, units):
            u = by_id[uid]
            ack = acks.get(uid)
            names, reachable = contacts.get(uid, ([], False))
            rows.append(UnitStatus(u.name, u.type, ack is not None, (ack.by_name or ack.by_user) if ack else "",
                                   ack.at if ack else None, getattr(ack, "note", "") if ack else "", reachable,
                                   "; ".join(names)))
        rows.sort(key=lambda r: (list(TYPE_LABELS).index(r.type) if r.type in TYPE_LABELS else 9, r.name))
        reports.append(StatusReport(d.code, d.title, occ.period, occ.label or occ.period, occ.due, occ.legal_due,
                                    tuple(rows)))
    return reports


def _occurrence(session: Session, d: Deadline, today: date, period: str) -> Occurrence | None:
    if not period:
        return current_occurrence(session, d.id, today)
    return session.scalar(select(Occurrence).where(Occurrence.deadline_id == d.id, Occurrence.period == period))


def _contacts(session: Session) -> dict[int, tuple[list[str], bool]]:
    """unit id -> (group titles and focal point names, whether the bot can reach the unit at all)."""
    out: dict[int, tuple[list[str], bool]] = {}
    for c in session.scalars(select(Chat).where(Chat.unit_id.is_not(None), Chat.kind == "group")
                             .order_by(Chat.channel, Chat.id)):
        names, reach = out.get(c.unit_id, ([], False))  # type: ignore[arg-type]
        names.append(f"Nhóm {c.title or c.chat_id} ({c.channel}{'' if c.active else ', không gửi được'})")
        out[c.unit_id] = (names, reach or c.active)  # type: ignore[index]
    for f in session.scalars(select(FocalPoint).order_by(FocalPoint.id)):
        if getattr(f, "status", "approved") != "approved":
            continue
        names, reach = out.get(f.unit_id, ([], False))
        names.append(f"{f.display_name or f.user_id} ({f.channel})")
        out[f.unit_id] = (names, reach or bool(f.private_chat_id))
    return out
