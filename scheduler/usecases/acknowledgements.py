"""Acknowledgement use cases: confirm that a unit submitted a period (button, /danop, a typed phrase, a reply to a
reminder, the CLI), with the report number; undo it while its period is open."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.core.actors import Actor
from bot.core.audit import record
from bot.core.config import Settings
from bot.core.roles import Role
from bot.core.vietnamese import fold, nfc, strip_diacritics
from bot.core.messages import ChatRef
from scheduler import deliveries as dl
from scheduler.changes import bump
from scheduler.chats import find_chat
from scheduler.daysoff import calendar_for
from scheduler.models import Acknowledgement, Deadline, Delivery, FocalPoint, Occurrence, Unit
from scheduler import standing
from scheduler.repo import acknowledge, audience_unit_ids, find_ack, get_deadline, list_deadlines, period_audience
from scheduler.occurrences import materialise
from scheduler.timeutil import as_utc, as_vn
from scheduler.units import UnitMatch, list_units, match_unit, name_keys, natural_key, units_for_chat
from scheduler.usecases.periods import recent_occurrences
from scheduler.workdays import WorkCalendar

POLICIES = ("members", "focal")  # see Settings.confirm_policy
_NOTE = re.compile(r"(?:^|[\s,;.:(])(?:số|so|s\u1ed1)\s*[:.]?\s*([0-9][^\s,;()]*)", re.I)
_DOCNO = re.compile(r"(?:^|[\s,;(])([0-9]{1,6}/[A-Za-zĐđ0-9\-]+(?:/[A-Za-zĐđ0-9\-]+)*)")
# "… cho / về / lên / tới / đến <unit>": the unit a report was sent to (Sở Nội vụ), not the unit that sent it
_RECIPIENT = re.compile(r"(?:^|\s)(?:cho|ve|len|toi|den|gui)\s+(?:so|ubnd|uy ban|phong|ban|van phong)\s")
_CODE = re.compile(r"[a-z0-9][a-z0-9-]{1,39}")  # what a deadline code looks like
_FILLER = {"bao", "cao", "roi", "a", "nhe", "nha", "xong", "ah", "nhé", "ạ", "cho", "cua", "ky", "nay", "cac", "ban"}


@dataclass(frozen=True)
class Choice:
    """An option the confirmer must pick from: a deadline's open period, or one unit of a cluster."""

    code: str
    title: str
    label: str
    due: date
    occurrence_id: int
    unit_id: int | None = None
    unit_name: str = ""


@dataclass(frozen=True)
class Confirmed:
    unit: str
    code: str
    title: str
    label: str
    by: str
    at: datetime
    note: str
    new: bool  # False: it had been confirmed before (by `by`, at `at`)


@dataclass(frozen=True)
class ConfirmResult:
    """What happened; `status` is one of: done, ask_deadline, ask_unit, no_unit, pending_focal, not_allowed,
    unknown_code, not_audience, nothing_open, unit_not_here (a unit other than the chat's), unknown_unit (a unit
    name the bot lacks, `extra["suggestions"]`). `extra["still_owed"]`: on done, the later periods of the
    same deadline the unit still owes (a late report was recorded for the earliest)."""

    status: str
    confirmed: tuple[Confirmed, ...] = ()
    choices: tuple[Choice, ...] = ()
    units: tuple[str, ...] = ()  # the chat's units (for the messages)
    code: str = ""
    occurrence_id: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ParsedConfirmation:
    code: str  # a deadline code named, or ""
    unit_text: str  # the rest: a unit's name (in a cluster), or ""
    note: str  # the report's number, or ""


def parse_confirmation(session: Session, text: str) -> ParsedConfirmation:
    """'cchc Sở Tư pháp, số 123/BC-STP' -> code, unit text and report number (each may be empty)."""
    note = ""
    text = nfc(text)
    names = _unit_name_spans(session, text)
    m = next((c for c in (*_NOTE.finditer(text), *_DOCNO.finditer(text))
              if not any(a <= c.start(1) < b for a, b in names)), None)
    if m:
        note = m.group(1).strip(".")[:200]
        text = text[:m.start(1)] + " " + text[m.end(1):]
        text = re.sub(r"(?:^|\s)(?:số|so)\s*[:.]?\s*$", " ", text, flags=re.I)
    words = [w for w in re.split(r"[\s,;:]+", text) if w.strip(".!-")]
    code = ""
    if words and get_deadline(session, words[0].strip(".!").lower()) is not None:
        code, words = words[0].strip(".!").lower(), words[1:]
    while words and fold(words[0]).strip(".!") in _FILLER:
        words = words[1:]
    while words and fold(words[-1]).strip(".!") in _FILLER:
        words = words[:-1]
    return ParsedConfirmation(code, " ".join(words).strip(" .!"), note)


def _unit_name_spans(session: Session, text: str) -> list[tuple[int, int]]:
    """Where `text` writes a unit name that holds a number ("UBND xã Số 10"): that "Số 10" is no report number."""
    plain = strip_diacritics(text).lower()
    if len(plain) != len(text):
        return []
    spans: list[tuple[int, int]] = []
    for unit in list_units(session):
        for key in {k for k in name_keys(unit) if any(ch.isdigit() for ch in k)}:
            pattern = r"(?<!\w)" + re.escape(key).replace(r"\ ", r"\s+") + r"(?!\w)"
            spans += [m.span() for m in re.finditer(pattern, plain)]
    return spans


# Words a unit's name starts with: text after "đã nộp" that begins so names a unit, even one the bot lacks.
_UNIT_WORDS = ("so ", "ubnd ", "uy ban ", "xa ", "phuong ", "dac khu ", "thi tran ", "ban ", "huyen ", "van phong ",
               "thanh tra ", "cong an ", "bo chi huy ")


def _names_a_unit(text: str) -> bool:
    """'Sở Không Có', 'UBND xã X' name a unit; 'qua hệ thống', 'năm 2026' do not."""
    return (fold(text) + " ").startswith(_UNIT_WORDS)


def _named_unit(session: Session, text: str, chat_units: list[Unit]) -> UnitMatch | None:
    """The unit `text` names (None: it names none). Besides the full names and aliases, the chat's own units are
    found by the end of their name ("An Phú" for UBND xã An Phú in a cluster group), when only one ends so."""
    if not text:
        return None
    found = match_unit(session, text)
    if found.unit is not None:
        return found
    key = " " + fold(" ".join(text.split()))
    mine = [u for u in chat_units if any((" " + k).endswith(key) for k in name_keys(u))]
    if len(mine) == 1:
        return UnitMatch(mine[0])
    return found


def _confirmable(session: Session, d: Deadline, units: list[Unit], all_units: list[Unit], today: date,
                 cal: WorkCalendar, escalate: int) -> list[tuple[Occurrence, list[Unit]]]:
    """The deadline's periods a confirmation naming none may be for (`standing.confirmable`, per unit: what each
    owes), earliest first, each with the units it may be for."""
    occs = recent_occurrences(session, d, today)
    owing = {o.id: set(period_audience(d, o.legal_due, all_units)) for o in occs}
    per_unit = {u.id: {o.id for o in standing.confirmable(occs, today, cal, escalate, lambda o, u=u: u.id in owing[o.id])}
                for u in units}
    return [(o, [u for u in units if o.id in per_unit[u.id]]) for o in occs
            if any(o.id in ids for ids in per_unit.values())]


def _allowed(session: Session, actor: Actor, units: list[Unit], in_group: bool, policy: str) -> bool:
    if actor.role >= Role.ADMIN or not in_group:  # a private chat speaks only for approved focal points' units
        return True
    if policy == "focal":
        ids = {u.id for u in units}
        return session.scalar(select(FocalPoint.id).where(
            FocalPoint.channel == actor.channel, FocalPoint.user_id == actor.user_id,
            FocalPoint.status == "approved", FocalPoint.unit_id.in_(ids))) is not None
    return True


def _occurrence_of_reply(session: Session, actor: Actor, reply_to: str | None) -> int | None:
    """The period of the reminder a message replies to (its sent message id is in deliveries)."""
    if not reply_to:
        return None
    chat = find_chat(session, ChatRef(actor.channel, actor.via))
    if chat is None:
        return None
    return session.scalar(select(Delivery.occurrence_id).where(Delivery.chat_id == chat.id,
                                                               Delivery.message_id == reply_to).limit(1))


def confirm(session: Session, now: datetime, actor: Actor, settings: Settings, *, text: str = "",
            occurrence_id: int | None = None, unit_id: int | None = None, in_group: bool = False,
            typed: bool = False, reply_to: str | None = None) -> ConfirmResult:
    """Confirm that a unit submitted a period, for the units of the actor's chat (`actor.via`) or, for an admin,
    the unit named in `text`: a button (`occurrence_id`, `unit_id`), a reply to a reminder (`reply_to`), /danop,
    a `typed` phrase ("đã nộp", where a first word that is no deadline code is not an error) or the CLI."""
    is_admin = actor.role >= Role.ADMIN
    parsed = parse_confirmation(session, text)
    today = as_vn(now).date()
    units = units_for_chat(session, actor.channel, actor.via)
    named = _named_unit(session, parsed.unit_text, units) if unit_id is None and occurrence_id is None else None
    if named is not None and units and _RECIPIENT.search(fold(text) + " "):
        named = None  # "đã gửi báo cáo cho Sở Nội vụ": the unit written is where the report went, not who sent it
    if named is not None and named.unit is not None and named.unit.id not in {u.id for u in units}:
        if is_admin:
            units = [named.unit]  # an admin names the unit confirmed for, wherever the admin writes
        elif units:  # a unit other than the chat's own: never confirm the chat's unit in its place
            record(session, now, actor, "danop", text[:200], outcome="denied")
            return ConfirmResult("unit_not_here", units=tuple(u.name for u in units),
                                 extra={"unit": named.unit.name})
    elif named is not None and named.unit is None and (_names_a_unit(parsed.unit_text)
                                                        or is_admin and not units and bool(named.suggestions)):
        # a unit the bot does not have: said so, rather than confirming the chat's own unit in its place
        return ConfirmResult("unknown_unit", units=tuple(u.name for u in units),
                             extra={"unit": parsed.unit_text, "suggestions": ", ".join(named.suggestions)})
    elif named is not None and named.unit is not None:
        units = [named.unit]
    names = tuple(u.name for u in units)
    if not units:
        pending = not in_group and session.scalar(select(FocalPoint.id).where(
            FocalPoint.channel == actor.channel, FocalPoint.user_id == actor.user_id,
            FocalPoint.status == "pending")) is not None
        return ConfirmResult("pending_focal" if pending else "no_unit")
    if not _allowed(session, actor, units, in_group, settings.confirm_policy):
        record(session, now, actor, "danop", text[:200], outcome="denied")
        return ConfirmResult("not_allowed", units=names)
    first = parsed.unit_text.split()[0] if parsed.unit_text else ""
    if (not parsed.code and not typed and _CODE.fullmatch(first)
            and match_unit(session, parsed.unit_text).unit is None):
        return ConfirmResult("unknown_code", units=names, code=first)
    if unit_id is not None:
        units = [u for u in units if u.id == unit_id]
    occurrence_id = occurrence_id or _occurrence_of_reply(session, actor, reply_to)
    all_units = list_units(session)
    if occurrence_id is not None:
        occ = session.get(Occurrence, occurrence_id)
        if occ is None or not occ.deadline.active:
            return ConfirmResult("nothing_open", units=names)
        owing = set(period_audience(occ.deadline, occ.legal_due, all_units))
        periods = [(occ.deadline, [(occ, [u for u in units if u.id in owing])])]
    else:
        if parsed.code:
            d = get_deadline(session, parsed.code)
            if d is None:
                return ConfirmResult("unknown_code", units=names, code=parsed.code)
            deadlines = [d]
        else:
            deadlines = list_deadlines(session)
        cal = calendar_for(session)
        for d in deadlines:
            materialise(session, d, cal, today, escalate=settings.escalation_days)
        periods = [(d, _confirmable(session, d, units, all_units, today, cal, settings.escalation_days))
                   for d in deadlines]
    addressed = {u.id for u in units} & {i for d, _ in periods for i in audience_unit_ids(d, all_units)}
    choices: list[Choice] = []
    already: tuple[Occurrence, list[Unit]] | None = None
    for d, occs in periods:
        for occ, mine in occs:
            todo = [u for u in mine if find_ack(session, occ.id, u.id) is None]
            if mine and not todo:
                if occurrence_id is not None:
                    return _done(session, now, actor, occ, mine, parsed.note, [])
                already = (occ, mine)  # the latest confirmed: the current period when all are confirmed
            if todo:
                choices += [Choice(d.code, d.title, occ.label or occ.period, occ.due, occ.id, u.id, u.name)
                            for u in todo]
                break  # the earliest period each deadline is owed
    any_audience = bool(addressed) if occurrence_id is None else any(mine for _, occs in periods for _, mine in occs)
    if not choices and already is not None and (parsed.code or len(periods) == 1):
        return _done(session, now, actor, already[0], already[1], parsed.note, [])
    if not choices:
        if not any_audience and (parsed.code or occurrence_id is not None):
            return ConfirmResult("not_audience", units=names, code=parsed.code)
        return ConfirmResult("nothing_open", units=names, code=parsed.code)
    occ_ids = sorted({c.occurrence_id for c in choices})
    if len(occ_ids) > 1:
        first = {c.occurrence_id: c for c in reversed(choices)}
        return ConfirmResult("ask_deadline", choices=tuple(sorted(first.values(), key=lambda c: c.due)), units=names)
    if len(choices) > 1:
        return ConfirmResult("ask_unit", choices=tuple(sorted(choices, key=lambda c: natural_key(c.unit_name))),
                             units=names, occurrence_id=occ_ids[0])
    occ = session.get(Occurrence, occ_ids[0])
    assert occ is not None
    todo_units = [u for u in units if u.id == choices[0].unit_id]
    done = _done(session, now, actor, occ, [], parsed.note, todo_units)
    # a late report recorded while the current period is also owed: say so, so that the reply is not read as both
    later = [o.label or o.period for d, occs in periods if d.id == occ.deadline_id for o, mine in occs
             if o.due > occ.due and any(u.id == choices[0].unit_id for u in mine)
             and find_ack(session, o.id, choices[0].unit_id) is None]
    return replace(done, extra={"still_owed": ", ".join(later)}) if later else done


def _done(session: Session, now: datetime, actor: Actor, occ: Occurrence, before: list[Unit], note: str,
          todo: list[Unit]) -> ConfirmResult:
    out: list[Confirmed] = []
    d = occ.deadline
    for unit in todo:
        ack, created = acknowledge(session, occ.id, unit.id, channel=actor.channel, user_id=actor.user_id,
                                   name=actor.label, at=as_utc(now))
        if created:
            ack.note = note
            dl.skip_for_unit(session, occ.id, unit.id, "acknowledged")
            record(session, now, actor, "danop", f"{d.code} {occ.period} {unit.name}" + (f" số {note}" if note else ""))
        out.append(Confirmed(unit.name, d.code, d.title, occ.label or occ.period, ack.by_name or ack.by_user,
                             as_utc(ack.at), ack.note or "", created))
    for unit in before:
        ack = find_ack(session, occ.id, unit.id)
        if ack is not None:
            out.append(Confirmed(unit.name, d.code, d.title, occ.label or occ.period, ack.by_name or ack.by_user,
                                 as_utc(ack.at), ack.note or "", False))
    return ConfirmResult("done", confirmed=tuple(out), code=d.code, occurrence_id=occ.id)


@dataclass(frozen=True)
class UndoResult:
    """status: done, not_found, not_allowed, closed."""

    status: str
    unit: str = ""
    code: str = ""
    label: str = ""
    by: str = ""


def undo(session: Session, now: datetime, actor: Actor, settings: Settings, *, text: str = "") -> UndoResult:
    """Take back a confirmation: an admin, or whoever confirmed it, while its period is still open."""
    is_admin = actor.role >= Role.ADMIN
    parsed = parse_confirmation(session, text)
    units = units_for_chat(session, actor.channel, actor.via)
    if parsed.unit_text:
        found = match_unit(session, parsed.unit_text)
        units = [found.unit] if found.unit is not None and (is_admin or found.unit in units) else []
    q = (select(Acknowledgement).join(Occurrence, Occurrence.id == Acknowledgement.occurrence_id)
         .join(Deadline, Deadline.id == Occurrence.deadline_id)
         .where(Acknowledgement.unit_id.in_([u.id for u in units]), Deadline.active.is_(True))
         .order_by(Acknowledgement.at.desc()))
    if parsed.code:
        q = q.where(Deadline.code == parsed.code)
    found = list(session.scalars(q.limit(50))) if units else []
    # the caller's own confirmation first (a cluster group: not the one a neighbour made at the same minute)
    ack = next((a for a in found if a.by_channel == actor.channel and a.by_user == actor.user_id),
               found[0] if found else None)
    if ack is None:
        return UndoResult("not_found")
    occ = session.get(Occurrence, ack.occurrence_id)
    unit = session.get(Unit, ack.unit_id)
    assert occ is not None and unit is not None
    mine = ack.by_channel == actor.channel and ack.by_user == actor.user_id
    base = UndoResult("done", unit.name, occ.deadline.code, occ.label or occ.period, ack.by_name or ack.by_user)
    if not (is_admin or mine):
        record(session, now, actor, "huynop", f"{occ.deadline.code} {occ.period} {unit.name}", outcome="denied")
        return UndoResult("not_allowed", base.unit, base.code, base.label, base.by)
    if not standing.is_open(occ, as_vn(now).date(), calendar_for(session), settings.escalation_days):
        return UndoResult("closed", base.unit, base.code, base.label, base.by)
    session.delete(ack)
    # reminders set aside because of this confirmation come back (those whose time has not passed)
    session.execute(update(Delivery).where(Delivery.occurrence_id == occ.id, Delivery.unit_id == unit.id,
                                           Delivery.status == dl.SKIPPED, Delivery.outcome == "acknowledged",
                                           Delivery.scheduled_for >= as_utc(now))
                    .values(status=dl.PENDING, outcome="").execution_options(synchronize_session=False))
    bump(session, "acknowledgement undone")
    record(session, now, actor, "huynop", f"{occ.deadline.code} {occ.period} {unit.name}")
    return base
