"""Repository of deadlines, their occurrences and acknowledgements."""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from bot.core.db import insert_ignore
from bot.core.vietnamese import fold
from scheduler.changes import bump
from scheduler.models import Acknowledgement, Deadline, Occurrence, Unit
from scheduler.timeutil import as_utc, as_vn



# --- deadlines -----------------------------------------------------------------------------------

def get_deadline(session: Session, code: str, *, active_only: bool = True) -> Deadline | None:
    q = select(Deadline).where(Deadline.code == code.strip().lower())
    if active_only:
        q = q.where(Deadline.active.is_(True))
    return session.scalar(q)


def list_deadlines(session: Session, *, active_only: bool = True) -> list[Deadline]:
    q = select(Deadline).order_by(Deadline.code)
    if active_only:
        q = q.where(Deadline.active.is_(True))
    return list(session.scalars(q))


SHORT_CODE = 12  # a code an official can type on a phone


_KINDS = (("bao cao", "bc"), ("ke hoach", "kh"), ("tong hop", "th"), ("chuong trinh", "ct"), ("de an", "da"),
          ("thong ke", "tk"), ("danh gia", "dg"), ("tu kiem tra", "tkt"))
_PERIODS = (("tuan", "tuan"), ("6 thang", "6thang"), ("quy", "quy"), ("nam", "nam"), ("thang", "thang"))
_ISSUERS = {"ubnd", "hdnd", "vp"}  # who issues or asks, not what the report is about


def _period_word(folded: str) -> str:
    """'hằng tháng' / 'Báo cáo quý' -> 'thang' / 'quy': the report's period named in a text, '' when none."""
    every = re.search(r"\b(?:hang|moi) (tuan|6 thang|quy|nam|thang)\b", folded)
    if every:
        return dict(_PERIODS)[every.group(1)]
    for word, code in _PERIODS:
        if re.search(rf"\b{word}\b", folded):
            return code
    return ""


def short_code(title: str, rule: str = "") -> str:
    """'Báo cáo CCHC quý' -> 'bc-cchc-quy', 'Báo cáo tháng' -> 'bc-thang': the report's kind, its subject's
    abbreviations and numbers, and its period (from the title, else the rule), whole words, at most 12 characters."""
    folded = " ".join(re.sub(r"[^a-z0-9 ]", " ", fold(title)).split())
    kind = next((code for word, code in _KINDS if folded.startswith(word)), "")
    topics: list[str] = []
    for word in re.findall(r"\w+", title):
        f = re.sub(r"[^a-z0-9]", "", fold(word))
        if f and f not in _ISSUERS and ((word.isupper() and len(word) > 1) or any(ch.isdigit() for ch in word)):
            topics.append(f)
    if not kind:
        words = [w for w in folded.split() if not w.isdigit()]
        kind = "".join(w[0] for w in words[:3]) if len(words) > 1 else (words[0][:8] if words else "han")
    year = any(re.fullmatch(r"(19|20)\d\d", t) for t in topics)
    period = "" if year else _period_word(folded) or _period_word(" ".join(re.sub(r"[^a-z0-9 ]", " ", fold(rule)).split()))
    topics = [t for t in topics if not (period == "6thang" and t == "6")]
    while topics and len("-".join([kind, *topics, period]).strip("-")) > SHORT_CODE:
        topics.pop()
    return "-".join(p for p in (kind, *topics, period) if p)[:SHORT_CODE].strip("-") or "han"


def make_code(session: Session, title: str, rule: str = "") -> str:
    """A short unused code from a title and its rule (see `short_code`), suffixed '-2', '-3' … when taken."""
    base = short_code(title, rule)
    code, n = base, 2
    while session.scalar(select(Deadline.id).where(Deadline.code == code)) is not None:
        suffix = f"-{n}"
        code = f"{base[:SHORT_CODE - len(suffix)].rstrip('-')}{suffix}"
        n += 1
    return code


def valid_code(code: str) -> bool:
    """A code admins may set: lower-case letters without diacritics, digits and '-', at most 12 characters."""
    return re.fullmatch(r"[a-z0-9][a-z0-9-]{0,11}", code) is not None


def same_deadline(session: Session, rule: str, what: str) -> Deadline | None:
    """The active deadline taken from the same sentence with the same rule (a directive uploaded again, or its
    deadline offered twice and confirmed twice); None when `what` is empty (deadlines typed by hand)."""
    if not what.strip():
        return None
    key = (fold(rule), fold(what[:1000]))
    return next((d for d in list_deadlines(session) if (fold(d.rule), fold(d.what)) == key), None)


def create_deadline(session: Session, fields: dict[str, Any], *, at: datetime, by: str) -> Deadline:
    """Store a new deadline from already validated fields (see scheduler.deadline_input); ValueError (Vietnamese)
    for a taken code, or, for one found in a document (`found`), one already taken from the same sentence. Deadlines
    typed by hand may share a rule and description (one for the sở, one for the xã)."""
    twin = same_deadline(session, fields.get("rule") or "", fields.get("what") or "") if fields.get("found") else None
    if twin is not None:
        raise ValueError(f"Hạn này đã có trong bot (mã {twin.code}, «{twin.title}»): không thêm lần nữa.")
    code = fields.get("code") or make_code(session, fields["title"], fields.get("rule") or "")
    if session.scalar(select(Deadline.id).where(Deadline.code == code)) is not None:
        raise ValueError(f"Mã «{code}» đã được dùng.")
    d = Deadline(code=code, title=fields["title"], what=fields.get("what", ""), submit_to=fields.get("submit_to", ""),
                 rule=fields["rule"], audience_types=list(fields.get("audience_types", [])),
                 audience_units=list(fields.get("audience_units", [])),
                 audience_exclude=list(fields.get("audience_exclude", [])), leads=list(fields["leads"]),
                 remind_at=fields.get("remind_at", "08:00"), source=fields.get("source", ""), active=True,
                 created_at=at, created_by=by)
    session.add(d)
    session.flush()
    bump(session, "deadline added")
    return d


def update_deadline(deadline: Deadline, fields: dict[str, Any]) -> None:
    for key, value in fields.items():
        setattr(deadline, key, list(value) if isinstance(value, (list, tuple)) else value)
    _bump_for(deadline, "deadline changed")


def remove_deadline(deadline: Deadline) -> None:
    """Deactivate (history kept) and free its code: the row keeps `<code>~<id>`."""
    deadline.active = False
    deadline.code = f"{deadline.code}~{deadline.id}"[:40]
    _bump_for(deadline, "deadline removed")


def _bump_for(row: object, what: str) -> None:
    session = object_session(row)
    assert session is not None, "a stored row"
    bump(session, what)


def audience_unit_ids(deadline: Deadline, units: Iterable[Unit]) -> list[int]:
    """Active units a deadline addresses: by type (never the legacy district level) or by name, less its exclusions."""
    types = set(deadline.audience_types or []) - {"huyen"}
    named = set(deadline.audience_units or [])
    left_out = set(deadline.audience_exclude or [])
    return [u.id for u in units if u.active and u.id not in left_out and (u.type in types or u.id in named)]


def owes(legal_due: date, *since: datetime | None) -> bool:
    """Whether a period is owed: its legal due date had not passed when the deadline (and the unit) came to exist."""
    return all(s is None or as_vn(s).date() <= legal_due for s in since)


def period_audience(deadline: Deadline, legal_due: date, units: Iterable[Unit]) -> list[int]:
    """The audience units that owe the period with this legal due date (see `owes`)."""
    units = list(units)
    if not owes(legal_due, deadline.created_at):
        return []
    by_id = {u.id: u for u in units}
    return [i for i in audience_unit_ids(deadline, units) if owes(legal_due, by_id[i].created_at)]


# --- occurrences ---------------------------------------------------------------------------------

def occurrences_of(session: Session, deadline_id: int, *, due_from: date | None = None,
                   due_to: date | None = None) -> list[Occurrence]:
    q = select(Occurrence).where(Occurrence.deadline_id == deadline_id)
    if due_from is not None:
        q = q.where(Occurrence.legal_due >= due_from)
    if due_to is not None:
        q = q.where(Occurrence.due <= due_to)
    return list(session.scalars(q.order_by(Occurrence.due)))


# --- acknowledgements ----------------------------------------------------------------------------

def acked_pairs(session: Session, occurrence_ids: Sequence[int]) -> set[tuple[int, int]]:
    """{(occurrence id, unit id)} of the acknowledgements of these occurrences."""
    if not occurrence_ids:
        return set()
    rows = session.execute(select(Acknowledgement.occurrence_id, Acknowledgement.unit_id)
                           .where(Acknowledgement.occurrence_id.in_(list(occurrence_ids))))
    return {(o, u) for o, u in rows}


def find_ack(session: Session, occurrence_id: int, unit_id: int) -> Acknowledgement | None:
    return session.scalar(select(Acknowledgement).where(Acknowledgement.occurrence_id == occurrence_id,
                                                        Acknowledgement.unit_id == unit_id))


def acknowledge(session: Session, occurrence_id: int, unit_id: int, *, channel: str, user_id: str, name: str,
                at: datetime) -> tuple[Acknowledgement, bool]:
    """Record that a unit submitted; (the acknowledgement, True when new). Safe when two replicas race."""
    existing = find_ack(session, occurrence_id, unit_id)
    if existing is not None:
        return existing, False
    insert_ignore(session, Acknowledgement.__table__, [dict(occurrence_id=occurrence_id, unit_id=unit_id,
                                                            by_channel=channel, by_user=user_id, by_name=name,
                                                            at=as_utc(at))])  # SQLite keeps no offset: store UTC
    ack = find_ack(session, occurrence_id, unit_id)
    assert ack is not None
    bump(session, "acknowledged")
    return ack, ack.by_user == user_id and ack.by_channel == channel


def acks_of(session: Session, occurrence_id: int) -> list[Acknowledgement]:
    return list(session.scalars(select(Acknowledgement).where(Acknowledgement.occurrence_id == occurrence_id)
                                .order_by(Acknowledgement.at)))
