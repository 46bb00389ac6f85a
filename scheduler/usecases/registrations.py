"""Registration use cases: a group registers for its units (/dangky in a group), a focal point asks in private
(an admin approves or refuses the request), an admin makes an onboarding code (/moi) that makes a focal point at
once."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.actors import Actor
from bot.core.audit import Action, record, require
from bot.core.errors import Forbidden
from bot.core.messages import ChatRef
from bot.core.roles import Role
from scheduler import outbox
from scheduler.changes import bump
from scheduler.chats import find_chat
from scheduler.invites import find_invite, new_invite
from scheduler.models import FocalPoint, Unit
from scheduler.timeutil import as_utc
from scheduler.units import add_focal_point, add_to_cluster, link_chat, units_for_chat
from scheduler.usecases.units import find_unit_named

# What each use case may refuse (bot.core.audit.require); chat commands name the same actions.
INVITE = Action("moi", Role.ADMIN)
APPROVE = Action("duyet", Role.ADMIN)
REFUSE = Action("tuchoi", Role.ADMIN)

PENDING, APPROVED, REFUSED = "pending", "approved", "refused"


@dataclass(frozen=True)
class Named:
    """The units some typed names (or onboarding codes) mean."""

    units: tuple[Unit, ...]
    invited: bool  # one of them was an onboarding code (redeemed: its use is counted)


@dataclass(frozen=True)
class GroupRegistered:
    served: tuple[str, ...]  # every unit the group now serves (more than one: a cluster)
    unit: str  # the unit named first
    moved_from: str | None  # the unit the group served before, when it changed ("" if that unit is gone)
    in_topic: bool  # registered from a forum topic: reminders go to that topic


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
class FocalRegistered:
    unit: str
    created: bool  # False: they were already a focal point of the unit (their details were updated)


@dataclass(frozen=True)
class Decision:
    """status: approved, refused, not_found, already (decided before)."""

    status: str
    code: str = ""
    unit: str = ""
    name: str = ""
    channel: str = ""
    private_chat_id: str | None = None
    notice_id: int | None = None  # the outbox notice telling the requester (scheduler.outbox), when they can be told


@dataclass(frozen=True)
class InviteMade:
    unit: str
    code: str  # typed as "dangky <code>", or in a Telegram /start link


def request_code(fp: FocalPoint) -> str:
    return f"dk{fp.id}"


def _parse_code(code: str) -> int | None:
    code = code.strip().lower()
    if code.startswith("dk"):
        code = code[2:]
    return int(code) if code.isdigit() else None


def units_named(session: Session, names: Sequence[str]) -> Named:
    """The units of typed names or onboarding codes ("dangky K7M3QX9P"); NotFound (with close names) otherwise."""
    units: list[Unit] = []
    invited = False
    for name in names:
        invite = find_invite(session, name)
        if invite is not None:
            invite.uses += 1
            invited = True
            units.append(invite.unit)
        else:
            units.append(find_unit_named(session, name))
    return Named(tuple(units), invited)


def make_invite(session: Session, now: datetime, actor: Actor, name: str) -> InviteMade:
    """A new onboarding code for the unit a typed name means (printed on the letter sent to the unit)."""
    require(session, now, actor, INVITE, name)
    unit = find_unit_named(session, name)
    code = new_invite(session, unit, by=actor.key, at=as_utc(now)).code
    record(session, now, actor, INVITE.name, f"{unit.name} {code}")
    return InviteMade(unit.name, code)


def register_group(session: Session, now: datetime, actor: Actor, units: Sequence[Unit], *, chat_admin: bool,
                   adding: bool = False, thread_id: str | None = None) -> GroupRegistered:
    """The actor's group (`actor.via`, already recorded) serves `units` (`adding`: besides those it serves).

    Only an admin of the bot or of the group may; a refusal is audited and raised as Forbidden.
    """
    names = "; ".join(u.name for u in units)
    if actor.role < Role.ADMIN and not chat_admin:
        record(session, now, actor, "dangky", names, outcome="denied")
        raise Forbidden("dangky", Role.ADMIN)
    chat = find_chat(session, ChatRef(actor.channel, actor.via))
    assert chat is not None  # the router records every chat before the handler runs
    before = chat.unit_id
    if not adding:
        link_chat(session, chat, units[0], by=actor.key, at=as_utc(now))
        chat.thread_id = thread_id
    for unit in units[0 if adding else 1:]:
        add_to_cluster(session, chat, unit, by=actor.key, at=as_utc(now))
    served = tuple(u.name for u in units_for_chat(session, chat.channel, chat.chat_id))
    record(session, now, actor, "dangky", "group -> " + "; ".join(served))
    moved_from = None
    if not adding and before is not None and before != units[0].id:
        old = session.get(Unit, before)
        moved_from = old.name if old else ""
    return GroupRegistered(served, units[0].name, moved_from, bool(chat.thread_id))


def register_focal_point(session: Session, now: datetime, actor: Actor, unit: Unit) -> FocalRegistered:
    """The actor, in their private chat, becomes an approved focal point of `unit` (onboarding links and codes)."""
    fp, created = add_focal_point(session, unit, actor.channel, actor.user_id, actor.name, actor.via)
    fp.status = APPROVED
    record(session, now, actor, "dangky", f"focal point -> {unit.name}")
    return FocalRegistered(unit.name, created)


def request_focal(session: Session, now: datetime, actor: Actor, unit: Unit) -> FocalRequest:
    """A private /dangky: admins become focal points at once; anyone else waits for an admin's approval."""
    fp = session.scalar(select(FocalPoint).where(FocalPoint.unit_id == unit.id, FocalPoint.channel == actor.channel,
                                                 FocalPoint.user_id == actor.user_id))
    before = fp.status if fp is not None else None
    fp, _ = add_focal_point(session, unit, actor.channel, actor.user_id, actor.name, actor.via)
    name = fp.display_name or fp.user_id
    if actor.role >= Role.ADMIN or before == APPROVED:
        if fp.status != APPROVED:
            fp.status, fp.decided_by = APPROVED, actor.key
            bump(session, "focal point approved")
        record(session, now, actor, "dangky", f"focal point -> {unit.name}")
        return FocalRequest(APPROVED, request_code(fp), unit.name, name, fp.channel, fp.user_id)
    status = "waiting" if before == PENDING else PENDING
    fp.status, fp.requested_at, fp.decided_by = PENDING, now, ""
    session.flush()
    record(session, now, actor, "dangky", f"focal point request {request_code(fp)} -> {unit.name}", outcome="pending")
    return FocalRequest(status, request_code(fp), unit.name, name, fp.channel, fp.user_id)


def decide(session: Session, now: datetime, actor: Actor, code: str, *, approve: bool) -> Decision:
    """An admin approves or refuses a focal-point request (audited; the plan changes when approved; the requester's
    notice is written to the outbox in the same transaction)."""
    action = APPROVE if approve else REFUSE
    require(session, now, actor, action, code)
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
    fp.decided_by = actor.key[:100]
    bump(session, "focal point decided")
    record(session, now, actor, action.name, f"{request_code(fp)} {base['name']} -> {base['unit']}")
    notice = None
    if fp.private_chat_id:  # told by whichever process serves the channel, whatever entry point decided
        notice = outbox.enqueue(session, now, ChatRef(fp.channel, fp.private_chat_id), outbox.FOCAL_DECISION,
                                {"unit": base["unit"], "approved": approve})
    return Decision(fp.status, notice_id=notice, **base)


def pending_requests(session: Session) -> list[tuple[FocalPoint, Unit]]:
    rows = session.execute(select(FocalPoint, Unit).join(Unit, Unit.id == FocalPoint.unit_id)
                           .where(FocalPoint.status == PENDING).order_by(FocalPoint.requested_at, FocalPoint.id))
    return [(fp, u) for fp, u in rows]
