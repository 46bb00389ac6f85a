"""Repository of deliveries: planned rows, the exactly-once claim and the outcome of each send."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from scheduler.leads import LEGAL_DAY, MANUAL_TOP
from scheduler.models import Delivery, Occurrence
from bot.core.db import insert_ignore
from bot.core import replicas
from scheduler.timeutil import as_utc

PENDING, SENDING, SENT, FAILED, SKIPPED = "pending", "sending", "sent", "failed", "skipped"
UNPLANNED = "unplanned"  # outcome of a pending row the plan no longer wants (may come back)


@dataclass(frozen=True)
class Claimer:
    """Who claims rows: this process, when it started, and after how long another process's claim is stale.

    `take_from_gone`: this process has itself been beating without a gap for a whole STALE_AFTER (so the
    database was reachable), and may take over the claims of replicas that stopped or stopped beating, once
    the claim too is STALE_AFTER old (a claim just made is never taken from a process that is sending it).
    """

    instance_id: str
    started_at: datetime
    lease: timedelta
    take_from_gone: bool = False


def add_rows(session: Session, rows: Sequence[dict]) -> None:
    """Insert planned deliveries that do not exist yet (the unique key makes this idempotent across replicas)."""
    insert_ignore(session, Delivery.__table__, [{"status": PENDING, "attempts": 0, "late": False, "claimed_by": "",
                                                 "outcome": "", **r} for r in rows])


def next_manual_lead(session: Session, occurrence_id: int, chat_pk: int) -> int:
    """-1001, -1002, … for an admin's repeated /nhacngay of the same period in the same chat."""
    low = session.scalar(select(Delivery.lead).where(Delivery.occurrence_id == occurrence_id,
                                                     Delivery.chat_id == chat_pk).order_by(Delivery.lead).limit(1))
    return MANUAL_TOP - 1 if low is None or low > MANUAL_TOP else low - 1


def claimable(c: Claimer, now: datetime):  # type: ignore[no-untyped-def]
    """The SQL condition under which `c` may take a row: pending, or an abandoned 'sending' claim.

    Abandoned: older than the lease; or `c`'s own from before it started (its previous run crashed); or, with
    `take_from_gone`, held by a replica whose heartbeat says it stopped or died.
    """
    stale = as_utc(now) - c.lease
    abandoned = [
        Delivery.status == PENDING,
        and_(Delivery.status == SENDING, Delivery.claimed_at < stale),
        and_(Delivery.status == SENDING, Delivery.claimed_by == c.instance_id, Delivery.claimed_at < as_utc(c.started_at)),
    ]
    if c.take_from_gone:  # and only a claim that is itself that old: a fresh one is never taken from its owner
        abandoned.append(and_(Delivery.status == SENDING, Delivery.claimed_by != c.instance_id,
                              Delivery.claimed_at < as_utc(now) - replicas.STALE_AFTER,
                              Delivery.claimed_by.in_(replicas.gone_instances(now))))
    return or_(*abandoned)


def due_ids(session: Session, c: Claimer, now: datetime, limit: int = 5000) -> list[int]:
    """Rows whose time has come and that `c` may claim, earliest first."""
    t = as_utc(now)
    q = (select(Delivery.id)
         .where(claimable(c, now), Delivery.scheduled_for <= t,
                or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= t, Delivery.status == SENDING))
         .order_by(Delivery.scheduled_for, Delivery.id).limit(limit))
    return list(session.scalars(q))


def chat_groups(session: Session, ids: Sequence[int]) -> list[tuple[int, list[int]]]:
    """(chat pk, its deliveries among `ids`: one digest) per chat, in the order of each chat's first row in `ids`."""
    chat_of: dict[int, int] = {}
    for i in range(0, len(ids), 500):
        chat_of.update(session.execute(select(Delivery.id, Delivery.chat_id)
                                       .where(Delivery.id.in_(ids[i:i + 500]))).all())
    groups: dict[int, list[int]] = {}
    for delivery_id in ids:
        if delivery_id in chat_of:
            groups.setdefault(chat_of[delivery_id], []).append(delivery_id)
    return list(groups.items())


def claim(session: Session, delivery_id: int, c: Claimer, now: datetime) -> bool:
    """Conditional UPDATE pending -> sending; True only for the one process whose update hit the row."""
    result = session.execute(
        update(Delivery).where(Delivery.id == delivery_id, claimable(c, now))
        .values(status=SENDING, claimed_by=c.instance_id, claimed_at=as_utc(now), attempts=Delivery.attempts + 1)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def mark(session: Session, delivery_id: int, c: Claimer, status: str, **values: object) -> bool:
    """Record the outcome of a send made under `c`'s claim."""
    result = session.execute(
        update(Delivery).where(Delivery.id == delivery_id, Delivery.status == SENDING,
                               Delivery.claimed_by == c.instance_id)
        .values(status=status, **values).execution_options(synchronize_session=False))
    return result.rowcount == 1


def skip_pending(session: Session, delivery_id: int, outcome: str) -> bool:
    result = session.execute(update(Delivery).where(Delivery.id == delivery_id, Delivery.status == PENDING)
                             .values(status=SKIPPED, outcome=outcome).execution_options(synchronize_session=False))
    return result.rowcount == 1


def reschedule(session: Session, delivery_id: int, when: datetime, *, from_status: str) -> bool:
    """Move a row not being sent to a new time (pending again), e.g. after a deadline's time of day changed."""
    result = session.execute(update(Delivery).where(Delivery.id == delivery_id, Delivery.status == from_status)
                             .values(status=PENDING, outcome="", scheduled_for=as_utc(when))
                             .execution_options(synchronize_session=False))
    return result.rowcount == 1


def retarget(session: Session, delivery_id: int, unit_id: int | None, when: datetime, *, from_status: str) -> bool:
    """Give a row not being sent to the unit its chat now serves (a group registered for another unit): pending again
    at `when`, so the new unit is reminded and the old one's reminder does not land in a group no longer its own."""
    result = session.execute(update(Delivery).where(Delivery.id == delivery_id, Delivery.status == from_status)
                             .values(unit_id=unit_id, status=PENDING, outcome="", scheduled_for=as_utc(when))
                             .execution_options(synchronize_session=False))
    return result.rowcount == 1


def skip_for_unit(session: Session, occurrence_id: int, unit_id: int, outcome: str) -> int:
    """Cancel the pending reminders of one unit for one period (after it acknowledged)."""
    result = session.execute(update(Delivery).where(Delivery.occurrence_id == occurrence_id,
                                                    Delivery.unit_id == unit_id, Delivery.status == PENDING)
                             .values(status=SKIPPED, outcome=outcome).execution_options(synchronize_session=False))
    return int(result.rowcount or 0)


def expire_pending(session: Session, today: date, day_start: datetime) -> int:
    """Pending rows no longer worth sending: before-the-deadline ones of periods whose legal due date has passed,
    and escalation reminders of an earlier day (`day_start`: today's midnight in Vietnam)."""
    occ_ids = select(Occurrence.id).where(Occurrence.legal_due < today)
    before = session.execute(update(Delivery).where(
        Delivery.status == PENDING, Delivery.occurrence_id.in_(occ_ids),
        or_(Delivery.lead >= 0, Delivery.lead == LEGAL_DAY))
        .values(status=SKIPPED, outcome="expired: due date passed").execution_options(synchronize_session=False))
    after = session.execute(update(Delivery).where(
        Delivery.status == PENDING, Delivery.lead < LEGAL_DAY, Delivery.lead > MANUAL_TOP,
        Delivery.scheduled_for < as_utc(day_start))
        .values(status=SKIPPED, outcome="expired: its day has passed").execution_options(synchronize_session=False))
    return int(before.rowcount or 0) + int(after.rowcount or 0)
