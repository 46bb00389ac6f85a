"""Use cases of focal-point requests: a private /dangky waits for an admin, who approves or refuses it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.audit import record
from bot.core.messages import IncomingMessage
from scheduler.changes import bump
from scheduler.models import FocalPoint, Unit
from scheduler.units import add_focal_point

PENDING, APPROVED, REFUSED = "pending", "approved", "refused"


@dataclass(frozen=True)
class FocalRequest:
    """status: pending (asked now), waiting (asked before), approved (an admin asked, or approved before)."""

    status: str
    code: str
    unit: str
    name: str
    channel: str
    user_id: str


@dataclass(frozen=True)
class Decision:
    """status: approved, refused, not_found, already (decided before)."""

    status: str
    code: str = ""
    unit: str = ""
    name: str = ""
    channel: str = ""
    private_chat_id: str | None = None


def request_code(fp: FocalPoint) -> str:
    return f"dk{fp.id}"


def _parse_code(code: str) -> int | None:
    code = code.strip().lower()
    if code.startswith("dk"):
        code = code[2:]
    return int(code) if code.isdigit() else None


def request_focal(session: Session, now: datetime, msg: IncomingMessage, unit: Unit, *, is_admin: bool) -> FocalRequest:
    """A private /dangky: admins become focal points at once; anyone else waits for an admin's approval."""
    fp = session.scalar(select(FocalPoint).where(FocalPoint.unit_id == unit.id, FocalPoint.channel == msg.chat.channel,
                                                 FocalPoint.user_id == msg.sender.user_id))
    before = fp.status if fp is not None else None
    fp, _ = add_focal_point(session, unit, msg.chat.channel, msg.sender.user_id, msg.sender.display_name,
                            msg.chat.chat_id)
    name = fp.display_name or fp.user_id
    if is_admin or before == APPROVED:
        if fp.status != APPROVED:
            fp.status, fp.decided_by = APPROVED, f"{msg.chat.channel}:{msg.sender.user_id}"
            bump(session, "focal point approved")
        record(session, now, msg, "dangky", f"focal point -> {unit.name}")
        return FocalRequest(APPROVED, request_code(fp), unit.name, name, fp.channel, fp.user_id)
    status = "waiting" if before == PENDING else PENDING
    fp.status, fp.requested_at, fp.decided_by = PENDING, now, ""
    session.flush()
    record(session, now, msg, "dangky", f"focal point request {request_code(fp)} -> {unit.name}", outcome="pending")
    return FocalRequest(status, request_code(fp), unit.name, name, fp.channel, fp.user_id)


def decide(session: Session, now: datetime, msg: IncomingMessage, code: str, *, approve: bool) -> Decision:
    """An admin approves or refuses a focal-point request (audited; the plan changes when approved)."""
    fp_id = _parse_code(code)
    fp = session.get(FocalPoint, fp_id) if fp_id is not None else None
    if fp is None:
        return Decision("not_found", code=code)
    unit = session.get(Unit, fp.unit_id)
    base = dict(code=request_code(fp), unit=unit.name if unit else "", name=fp.display_name or fp.user_id,
                channel=fp.channel, private_chat_id=fp.private_chat_id)
    if fp.status != PENDING:
        return Decision("already", **base)
    fp.status = APPROVED if approve else REFUSED
    fp.decided_by = f"{msg.chat.channel}:{msg.sender.user_id}"[:100]
    bump(session, "focal point decided")
    record(session, now, msg, "duyet" if approve else "tuchoi", f"{request_code(fp)} {base['name']} -> {base['unit']}")
    return Decision(fp.status, **base)


def pending_requests(session: Session) -> list[tuple[FocalPoint, Unit]]:
    rows = session.execute(select(FocalPoint, Unit).join(Unit, Unit.id == FocalPoint.unit_id)
                           .where(FocalPoint.status == PENDING).order_by(FocalPoint.requested_at, FocalPoint.id))
    return [(fp, u) for fp, u in rows]
