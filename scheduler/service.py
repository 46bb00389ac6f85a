"""The reminder engine: keeps the delivery plan in the database and sends each reminder exactly once.

Exactly-once: every (occurrence, chat, lead) is a `deliveries` row with a unique key. A process
takes a row with a conditional UPDATE (pending -> sending, rowcount 1) committed before the
send, and writes `sent` in its own transaction right after the send returns. A row left in
'sending' by a crash is taken again at once by a restarted process with the same `instance_id`,
by any other process once the crashed one's heartbeat (bot.core.replicas) is stale, and after
`LEASE` in any case: nothing is lost, and a duplicate is only possible when the crash fell
between the network send and that commit.
"""
from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, joinedload

from bot.core.clock import VN_TZ, Clock
from bot.core.config import Settings
from bot.core.db import Database
from bot.core.health import Health
from bot.core.logs import OutageLog
from bot.core.metrics import Metrics
from bot.core.ports import Capabilities, Channel, ChatMoved, ChatUnreachable, TransientSendError
from bot.core import replicas
from bot.core.workers import on_loop
from bot.core.messages import ChatRef, Reply
from scheduler import deliveries as dl
from scheduler.chats import reminder_targets
from scheduler.daysoff import calendar_for
from scheduler.lanes import ChatLanes, run_lanes
from bot.core.db import insert_ignore
from scheduler import changes, outbox
from scheduler.leads import escalation_step, is_before, is_planned
from scheduler.models import AdminDigest, Chat, Deadline, Delivery, Occurrence
from scheduler.plan import PlannedOccurrence, plan_deliveries
from scheduler.repo import acked_pairs, find_ack, list_deadlines, period_audience
from scheduler.reminder_message import owing_units, reminder_message
from scheduler.texts import OverdueItem, overdue_digest_text, reminder_reply
from scheduler.timeutil import as_utc, as_vn
from scheduler.occurrences import materialise
from scheduler.standing import escalation_day
from scheduler.timing import parse_time
from scheduler.units import list_units, natural_key
from scheduler.workdays import WorkCalendar

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)  # after this, another process may take over a 'sending' row
LATE_AFTER = timedelta(minutes=15)  # a reminder sent later than this after its time says it is late
HORIZON = timedelta(days=45)  # deliveries are planned this far ahead (re-planned daily)
OVERDUE_LOOKBACK = timedelta(days=7)  # overdue notices are not sent for older periods
TICK_SECONDS = 30
MAX_BACKOFF = timedelta(hours=1)
SENT_WRITE_ATTEMPTS = 12  # about 5 minutes of backoff, well inside LEASE

class Host(Protocol):
    """What the reminder engine needs of the application it runs in (bot/app.py provides it)."""

    settings: Settings
    clock: Clock
    db: Database
    channels: Mapping[str, Channel]
    metrics: Metrics
    health: Health

    def capabilities(self, channel: str) -> Capabilities: ...

    def chat_moved(self, chat: ChatRef, new_chat_id: str) -> None: ...

    async def chat_gone(self, chat: ChatRef, reason: str) -> None: ...

    async def notify_admins(self, text: str) -> int: ...


@dataclass(frozen=True)
class _Job:
    """One message about to be sent: the deliveries it carries (one, or several as a digest) and their chat."""

    delivery_ids: tuple[int, ...]
    chat: ChatRef
    reply: Reply
    late: tuple[bool, ...]  # per delivery
    deadline: str = ""  # the deadline codes, comma-separated
    occurrences: tuple[int, ...] = ()

    def ids_text(self) -> str:
        return ",".join(map(str, self.delivery_ids))

    def log_fields(self) -> dict[str, object]:
        """Structured fields of this message's log lines (LOG_FORMAT=json): the first delivery and occurrence."""
        return {"channel": self.chat.channel, "chat": self.chat.chat_id, "deadline": self.deadline,
                "occurrence": self.occurrences[0] if self.occurrences else None, "delivery": self.delivery_ids[0]}


class ReminderService:
    def __init__(self, app: Host, *, instance_id: str | None = None, identity: replicas.Identity | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        """`identity`: this process as registered at start-up (bot.core.replicas.register); without it the
        service takes its id's heartbeat row on its first tick, unchecked (in-process use: tests, benches)."""
        self.app = app
        self.instance_id = (identity.instance_id if identity else None) or (
            instance_id or app.settings.instance_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}")
        self.identity = identity or replicas.Identity(self.instance_id)
        self._registered = identity is not None
        self._beating_since: datetime | None = None  # first beat of the current run of beats without a gap
        self._last_beat: datetime | None = None
        self.lost_identity = False  # another process took this instance id: this one stops claiming
        self._beater: threading.Thread | None = None
        self._stop_beating = threading.Event()
        self._sleep = sleep
        self.claimer = dl.Claimer(self.instance_id, app.clock.now(), LEASE)
        self._dirty = True  # a re-plan failed or never ran
        self._planned_version: int | None = None  # the plan version (scheduler.changes) the plan was made at
        self._lock = asyncio.Lock()
        # Messages in flight at once; an in-memory SQLite database is one connection, shared: one at a time there.
        self.concurrency = 1 if app.db.single_connection else max(1, app.settings.reminder_send_concurrency)
        self._scheduler = None  # apscheduler AsyncIOScheduler while started
        self.outage = OutageLog(log, "reminder scheduler tick", app.clock.now, expected=(DBAPIError,))

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Re-plan, send what was missed while the bot was down (marked late), then schedule the jobs."""
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        self.start_heartbeat()  # before the first tick: sending what was missed may take minutes
        await self.app.db.call(self.replan)
        sent = await self.tick()
        if sent:
            log.info("sent %d reminders on start", sent)
        await self.send_overdue_notices()
        await self.send_notices()
        sched = AsyncIOScheduler(timezone=VN_TZ)
        # The job store is in memory (the database is the source of truth), so jobs are bound methods.
        sched.add_job(self.run_tick, "interval", seconds=TICK_SECONDS, id="tick",
                      max_instances=1, coalesce=True, misfire_grace_time=None)
        sched.add_job(self.replan_job, "cron", hour=0, minute=1, id="replan",
                      max_instances=1, coalesce=True, misfire_grace_time=None)
        sched.start()
        self._scheduler = sched
        self.app.health.scheduler_started(timedelta(seconds=TICK_SECONDS))

    async def shutdown(self) -> None:
        self.app.health.scheduler_stopped()
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        self._stop_beating.set()
        if self._beater is not None:
            await asyncio.to_thread(self._beater.join, 5)
            self._beater = None
        if self._last_beat is not None and not self.lost_identity:
            def stopped() -> None:
                with self.app.db.session() as s:
                    replicas.stopped(s, self.identity, self.app.clock.now())

            try:
                await self.app.db.call(stopped)
            except Exception as e:  # the others take over after STALE_AFTER instead
                log.warning("could not record this replica as stopped: %s", e)

    # ------------------------------------------------------------------ heartbeat

    def heartbeat(self) -> bool:
        """Write this replica's heartbeat; False (and the process marked for exit) when another one took the id."""
        if self.lost_identity:
            return False
        now = self.app.clock.now()
        try:
            with self.app.db.session() as s:
                if not self._registered:
                    replicas.claim_unregistered(s, self.identity, now)
                    self._registered = True
                ok = replicas.beat(s, self.identity, now)
        except Exception:
            self._beating_since = None  # the database was out of reach: no judging the others for a while
            raise
        if not ok:
            self.lost_identity = True
            problem = (f"một tiến trình khác đã nhận mã INSTANCE_ID «{self.instance_id}»: tiến trình này ngừng "
                       f"gửi nhắc hạn và thoát")
            log.error("another process took instance id %s: this one stops sending reminders and exits",
                      self.instance_id)
            self.app.health.replica_lost(problem)
            return False
        if self._last_beat is None or now - self._last_beat > replicas.STALE_AFTER:
            self._beating_since = now
        self._last_beat = now
        return True

    def start_heartbeat(self) -> None:
        """Beat every HEARTBEAT_EVERY from a thread of its own: a long fan-out, or a moment of the event loop
        waiting on the database, does not make this live replica look dead to the others."""
        if self._beater is not None:
            return
        self._stop_beating.clear()
        self._beater = threading.Thread(target=self._beat_loop, name="replica-heartbeat", daemon=True)
        self._beater.start()

    def _beat_loop(self) -> None:
        while not self._stop_beating.wait(replicas.HEARTBEAT_EVERY.total_seconds()):
            try:
                if not self.heartbeat():
                    return
            except Exception as e:  # the database is down: the tick's outage log says so
                log.debug("heartbeat failed: %s", e)

    def _may_take_from_gone(self, now: datetime) -> bool:
        """Beating without a gap for a whole STALE_AFTER: the others' silence is theirs, not the database's."""
        return self._beating_since is not None and now - self._beating_since >= replicas.STALE_AFTER

    async def run_tick(self) -> None:
        """The periodic job: send what is due, then the overdue notices; a failure is logged, never raised.

        During an outage (the database down) that is one warning per minute, not a traceback per tick.
        """
        started = time.perf_counter()
        try:
            await self.tick()
            await self.send_overdue_notices()
            await self.send_notices()
        except Exception as e:  # retried on the next tick
            self.outage.failed(e)
            self.app.metrics.tick(time.perf_counter() - started, ok=False)
            return
        self.outage.ok()
        self.app.metrics.tick(time.perf_counter() - started, ok=True)

    def replan_job(self) -> None:
        """The daily job: extend the plan; a failure is left to the next tick, which re-plans."""
        try:
            self.replan()
        except Exception as e:
            self.outage.failed(e)

    def stale(self) -> bool:
        """Whether the plan is older than the last change any process committed (one small query)."""
        if self._dirty or self._planned_version is None:
            return True
        with self.app.db.session() as s:
            return changes.current(s) != self._planned_version

    # ------------------------------------------------------------------ planning

    def replan(self) -> int:
        """Materialise occurrences and bring the deliveries in line with deadlines, units, chats and acks.

        Returns the number of reminders planned and not yet sent.
        """
        self._dirty = False
        try:
            planned, version = self._replan()
        except BaseException:
            self._dirty = True  # try again on the next tick
            raise
        self._planned_version = version
        self.app.metrics.planned(planned)
        return planned

    def _replan(self) -> tuple[int, int]:
        now = self.app.clock.now()
        today = as_vn(now).date()
        escalate = self.app.settings.escalation_days
        with self.app.db.session() as s:
            version = changes.current(s)  # read first: a change committed meanwhile makes the next tick re-plan
            cal = calendar_for(s)
            units = list_units(s)
            targets = reminder_targets(s, [u.id for u in units])
            planned_occs: list[PlannedOccurrence] = []
            occ_ids: dict[tuple[int, str], int] = {}
            audiences: dict[tuple[int, str], list[int]] = {}
            deadlines = list_deadlines(s)
            for d in deadlines:
                occs = materialise(s, d, cal, today, escalate=escalate)
                if occs is None:
                    continue
                for row, o in occs:
                    occ_ids[(d.id, row.period)] = row.id
                    audiences[(d.id, row.period)] = period_audience(d, row.legal_due, units)
                    reminders = tuple((lead, as_utc(when)) for lead, when in o.reminders)
                    planned_occs.append(PlannedOccurrence(d.id, row.period, row.due, row.legal_due, reminders,
                                                          o.open_until))
            by_id = {v: k for k, v in occ_ids.items()}
            acked = {(*by_id[o], u) for o, u in acked_pairs(s, list(occ_ids.values()))}
            planned = plan_deliveries(planned_occs, audiences, targets, acked, today=today,
                                      until=as_utc(now) + HORIZON)
            since = {("d", d.id): d.created_at for d in deadlines}
            since.update({("c", c.id): c.registered_at for c in s.scalars(select(Chat))})
            since.update({("u", u.id): u.created_at for u in units})
            return self._sync(s, planned, occ_ids, now, since), version

    def _sync(self, s: Session, planned, occ_ids: dict[tuple[int, str], int], now: datetime,  # type: ignore[no-untyped-def]
              since: dict[tuple[str, int], datetime | None]) -> int:
        """Insert new deliveries, move pending ones whose time changed, set aside those no longer wanted.

        `since` maps ("d", deadline id), ("c", chat id) and ("u", unit id) to when it was added: a
        reminder whose time had already passed then was never missed, so it is recorded as skipped
        instead of sent late.
        """
        wanted = {(occ_ids[(p.deadline_id, p.period)], p.chat_pk, p.lead): p for p in planned}
        ids = list(set(occ_ids.values()))
        existing: dict[tuple[int, int, int], Delivery] = {}
        for i in range(0, len(ids), 500):
            for row in s.scalars(select(Delivery).where(Delivery.occurrence_id.in_(ids[i:i + 500]),
                                                        Delivery.lead > dl.MANUAL_TOP)):
                existing[(row.occurrence_id, row.chat_id, row.lead)] = row
        t = as_utc(now)
        for key, row in existing.items():
            p = wanted.get(key)
            # Conditional updates: another replica may be claiming these very rows.
            if p is None:
                if row.status == dl.PENDING:
                    dl.skip_pending(s, row.id, dl.UNPLANNED)
            elif row.unit_id != p.row_unit_id and (row.status == dl.PENDING or (
                    row.status == dl.SKIPPED and p.scheduled_for >= t and not row.outcome.startswith("its time"))):
                # the chat now serves another unit (or a cluster): the reminder is that unit's, not the old one's
                dl.retarget(s, row.id, p.row_unit_id, p.scheduled_for, from_status=row.status)
            elif row.status == dl.PENDING and as_utc(row.scheduled_for) != p.scheduled_for:
                dl.reschedule(s, row.id, p.scheduled_for, from_status=dl.PENDING)
            elif row.status == dl.SKIPPED and row.outcome == dl.UNPLANNED and p.scheduled_for >= t:
                dl.reschedule(s, row.id, p.scheduled_for, from_status=dl.SKIPPED)
        def born_after(p) -> bool:  # type: ignore[no-untyped-def]
            keys = [("d", p.deadline_id), ("c", p.chat_pk)] + ([] if p.cluster else [("u", p.unit_id)])
            added = [as_utc(x) for x in (since.get(k) for k in keys) if x is not None]
            return p.scheduled_for < t - LATE_AFTER and any(a > p.scheduled_for for a in added)

        new = []
        for k, p in wanted.items():
            if k in existing:
                continue
            row = dict(occurrence_id=k[0], chat_id=k[1], lead=k[2], unit_id=p.row_unit_id,
                       scheduled_for=p.scheduled_for)
            if born_after(p):
                row.update(status=dl.SKIPPED, outcome="its time had passed when the deadline or chat was added")
            new.append(row)
        s.flush()
        dl.add_rows(s, new)
        return sum(1 for r in new if r.get("status", dl.PENDING) == dl.PENDING) + \
            sum(1 for k in wanted if k in existing and existing[k].status == dl.PENDING)

    # ------------------------------------------------------------------ sending

    async def tick(self) -> int:
        """Send every pending reminder whose time has come, one message per chat; returns how many reminders went out.

        The database work runs on the worker threads (`db.call`): a slow database makes the tick late, never the
        chats. Up to `concurrency` messages are in flight at once, each chat's one after another."""
        async with self._lock:
            due = await self.app.db.call(self._due)
            if due is None:
                return 0
            now, groups, cal = due
            sent = await self._send_all(groups, cal)
            self.app.health.ticked(now)
            self.app.metrics.ticked_at(now)
            return sent

    def _due(self) -> tuple[datetime, list[tuple[int, list[int]]], WorkCalendar] | None:
        """The tick before its sends: the heartbeat, a re-plan when stale, the due deliveries grouped by chat."""
        if not self.heartbeat():
            return None
        if self.stale():
            self.replan()
        now = self.app.clock.now()
        self.claimer = replace(self.claimer, take_from_gone=self._may_take_from_gone(now))
        with self.app.db.session() as s:
            day = as_vn(now)
            dl.expire_pending(s, day.date(), day.replace(hour=0, minute=0, second=0, microsecond=0))
            ids = dl.due_ids(s, self.claimer, now)
            ids = self._supersede(s, ids)
            return now, dl.chat_groups(s, ids), calendar_for(s)

    async def _send_all(self, groups: list[tuple[int, list[int]]], cal: WorkCalendar) -> int:
        """Deliver each chat's group (and the 1:1 fallbacks they lead to), `concurrency` messages at a time."""
        lanes: ChatLanes[int, list[int]] = ChatLanes(groups)

        async def deliver(_chat: int, ids: list[int]) -> int:
            if self.lost_identity:  # another process runs under this id now: claiming would race it
                lanes.close()
                return 0
            return await self._deliver_group(ids, cal, lanes)

        return await run_lanes(lanes, self.concurrency, deliver)

    def _supersede(self, s: Session, ids: list[int]) -> list[int]:
        """Of several missed reminders for the same period and chat, only the latest is sent."""
        if not ids:
            return ids
        rows = list(s.scalars(select(Delivery).where(Delivery.id.in_(ids))))
        best: dict[tuple[int, int], Delivery] = {}
        for r in rows:
            if not is_planned(r.lead):
                continue
            k = (r.occurrence_id, r.chat_id)
            if k not in best or as_utc(r.scheduled_for) > as_utc(best[k].scheduled_for):
                best[k] = r
        keep = []
        for r in rows:
            if is_planned(r.lead) and best[(r.occurrence_id, r.chat_id)].id != r.id and r.status == dl.PENDING:
                dl.skip_pending(s, r.id, f"superseded by the {best[(r.occurrence_id, r.chat_id)].lead} reminder")
            else:
                keep.append(r.id)
        order = {i: n for n, i in enumerate(ids)}
        return sorted(keep, key=order.__getitem__)

    async def _deliver_group(self, ids: Sequence[int], cal: WorkCalendar, lanes: ChatLanes[int, list[int]]) -> int:
        """Claim, send and record the due deliveries of one chat as one message (a digest when several).

        Returns how many deliveries went out (0 when another process had claimed them all); the 1:1 fallbacks of
        an unreachable group are added to `lanes`."""
        now = self.app.clock.now()
        job, fallback = await self.app.db.call(self._claim_and_render, ids, now, cal)
        if fallback:
            await self._fallback(fallback, lanes)
        if job is None:
            return 0
        return await self._send(job, self.app.channels[job.chat.channel], job.chat.chat_id, lanes=lanes)

    def _claim_and_render(self, ids: Sequence[int], now: datetime, cal: WorkCalendar) -> tuple[_Job | None, list[int]]:
        with self.app.db.session() as s:
            return self._prepare(s, ids, now, cal)

    def _prepare(self, s: Session, ids: Sequence[int], now: datetime,
                 cal: WorkCalendar | None = None) -> tuple[_Job | None, list[int]]:
        """Drop what is no longer wanted, claim the rest in one transaction, render them as one message.

        Returns the job (None when nothing was claimed) and the deliveries of an unreachable group to send
        1:1 to the focal points instead. Rows are claimed in id order, so replicas racing on one chat's rows
        never deadlock; a row another replica claimed first is simply left to it (it sends it, this process
        sends the rest): a reminder is never sent twice, at worst one chat gets two messages that tick.
        """
        today = as_vn(now).date()
        kept: list[tuple[Delivery, Occurrence]] = []
        fallback: list[int] = []
        chat: Chat | None = None
        for d in sorted((r for r in (s.get(Delivery, i) for i in ids) if r is not None), key=lambda r: r.id):
            if d.status not in (dl.PENDING, dl.SENDING):
                continue
            occ = s.get(Occurrence, d.occurrence_id, options=[joinedload(Occurrence.deadline)])  # one query
            chat = s.get(Chat, d.chat_id)
            assert occ is not None and chat is not None
            reason = self._unwanted(s, d, occ, chat, today)
            if reason:
                self._drop(s, d, reason)
            elif not chat.active:
                self._drop(s, d, "chat unreachable")
                if chat.kind == "group" and d.unit_id is not None:
                    fallback.append(d.id)
            elif chat.channel in self.app.channels:  # else another replica serves this channel
                kept.append((d, occ))
        claimed = [(d, o) for d, o in kept if dl.claim(s, d.id, self.claimer, now)]
        s.commit()  # the claims are durable before anything is sent
        if not claimed or chat is None:
            return None, fallback
        late = tuple(is_planned(d.lead) and as_utc(now) - as_utc(d.scheduled_for) > LATE_AFTER for d, _ in claimed)
        caps = self.app.capabilities(chat.channel)
        reply = reminder_reply(reminder_message(s, [d for d, _ in claimed], [o for _, o in claimed], chat, now,
                                                late=late, cal=cal), buttons=caps.buttons, max_length=caps.max_length)
        if chat.thread_id:  # the unit registered a forum topic of the group as its place
            reply = replace(reply, thread_id=chat.thread_id)
        codes = ",".join(dict.fromkeys(o.deadline.code for _, o in claimed))
        return _Job(tuple(d.id for d, _ in claimed), ChatRef(chat.channel, chat.chat_id, chat.thread_id), reply,
                    late, codes, tuple(o.id for _, o in claimed)), fallback

    def _unwanted(self, s: Session, d: Delivery, occ: Occurrence, chat: Chat, today: date) -> str:
        """Why this delivery should not be sent any more ("" when it should)."""
        if not occ.deadline.active:
            return "deadline removed"
        if is_before(d.lead) and occ.legal_due < today:
            return "expired: due date passed"
        if escalation_step(d.lead) and as_vn(d.scheduled_for).date() < today:
            return "expired: its day has passed"
        if d.unit_id is not None and find_ack(s, occ.id, d.unit_id) is not None:
            return "acknowledged"
        if d.unit_id is None and not owing_units(s, occ, chat):
            return "acknowledged"
        return ""

    def _drop(self, s: Session, d: Delivery, reason: str) -> None:
        if d.status == dl.PENDING:
            dl.skip_pending(s, d.id, reason)
        elif dl.claim(s, d.id, self.claimer, self.app.clock.now()):  # an abandoned claim
            dl.mark(s, d.id, self.claimer, dl.SKIPPED, outcome=reason)

    async def _send(self, job: _Job, channel, chat_id: str, *, lanes: ChatLanes[int, list[int]],  # type: ignore[no-untyped-def]
                    moved: bool = False) -> int:
        """Send one claimed message and record what became of it (each database step on a worker thread)."""
        db = self.app.db
        try:
            sent = await on_loop(channel.send(chat_id, job.reply))
        except ChatMoved as e:
            self.app.metrics.send_error(job.chat.channel, e)
            if moved:
                return await db.call(self._retry_later, job, e)
            await db.call(self.app.chat_moved, job.chat, e.new_chat_id)
            return await self._send(job, channel, e.new_chat_id, lanes=lanes, moved=True)
        except ChatUnreachable as e:
            self.app.metrics.send_error(job.chat.channel, e)
            await db.call(self._mark, job, dl.FAILED, outcome=f"unreachable: {e}"[:500])
            for _ in job.delivery_ids:
                self.app.metrics.reminder_failed(job.chat.channel)
            await self.app.chat_gone(ChatRef(job.chat.channel, chat_id), str(e))
            await self._fallback(list(job.delivery_ids), lanes)
            return 0
        except TransientSendError as e:
            self.app.metrics.send_error(job.chat.channel, e)
            return await db.call(self._retry_later, job, e, e.retry_after)
        except Exception as e:  # an adapter bug must not lose the reminder either
            self.app.metrics.send_error(job.chat.channel, e)
            log.exception("sending delivery %s failed", job.ids_text(), extra=job.log_fields())
            return await db.call(self._retry_later, job, e)
        await self._record_sent(job, sent.message_id if sent else None, f"moved to {chat_id}" if moved else "")
        for late in job.late:
            self.app.metrics.reminder_sent(job.chat.channel, late=late)
        log.info("reminder %s sent to %s%s", job.ids_text(), job.chat, " (late)" if any(job.late) else "",
                 extra=job.log_fields())
        return len(job.delivery_ids)

    def _mark(self, job: _Job, status: str, **values: object) -> None:
        with self.app.db.session() as s:
            for delivery_id in job.delivery_ids:
                dl.mark(s, delivery_id, self.claimer, status, **values)

    async def _record_sent(self, job: _Job, message_id: str | None, outcome: str) -> None:
        """Write `sent` for every delivery of the message in one transaction, retrying while the database is
        unreachable: giving up would send the reminders again."""
        def write() -> None:
            with self.app.db.session() as s:
                at = as_utc(self.app.clock.now())
                for delivery_id, late in zip(job.delivery_ids, job.late):
                    dl.mark(s, delivery_id, self.claimer, dl.SENT, sent_at=at, message_id=message_id, late=late,
                            outcome=outcome)

        wait = 1.0
        for attempt in range(1, SENT_WRITE_ATTEMPTS + 1):
            try:
                await self.app.db.call(write)
                return
            except OperationalError as e:
                if attempt == SENT_WRITE_ATTEMPTS:
                    raise
                log.warning("recording delivery %s as sent failed (%s); retrying in %.0f s",
                            job.ids_text(), type(e).__name__, wait)
                await self._sleep(wait)
                wait = min(wait * 2, 30.0)

    def _retry_later(self, job: _Job, error: Exception, retry_after: float | None = None) -> int:
        """Put the message's deliveries back to pending, each with its own backoff (30 s doubling, at most an hour)."""
        now = self.app.clock.now()
        waits = []
        with self.app.db.session() as s:
            for delivery_id in job.delivery_ids:
                attempts = s.scalar(select(Delivery.attempts).where(Delivery.id == delivery_id)) or 1
                wait = min(timedelta(seconds=30 * 2 ** (attempts - 1)), MAX_BACKOFF)
                if retry_after is not None:
                    wait = max(wait, timedelta(seconds=retry_after))
                waits.append(wait)
                dl.mark(s, delivery_id, self.claimer, dl.PENDING, next_attempt_at=as_utc(now) + wait,
                        outcome=f"retry: {error}"[:500])
        log.warning("delivery %s to %s failed (%s); retrying in %s", job.ids_text(), job.chat, error, min(waits),
                    extra=job.log_fields())
        return 0

    async def _fallback(self, delivery_ids: Sequence[int], lanes: ChatLanes[int, list[int]]) -> None:
        """The group cannot be reached: these reminders go 1:1 to the units' focal points on that channel, one
        message per focal point's chat, queued in `lanes` behind whatever those chats already have."""
        for chat_pk, ids in await self.app.db.call(self._fallback_groups, delivery_ids):
            lanes.add(chat_pk, ids)

    def _fallback_groups(self, delivery_ids: Sequence[int]) -> list[tuple[int, list[int]]]:
        """Plan the 1:1 deliveries standing in for these group deliveries; they are returned grouped by chat."""
        created: list[int] = []
        with self.app.db.session() as s:
            for delivery_id in delivery_ids:
                d = s.get(Delivery, delivery_id)
                chat = s.get(Chat, d.chat_id) if d else None
                if d is None or chat is None:
                    continue
                occ = s.get(Occurrence, d.occurrence_id)
                unit_ids = [d.unit_id] if d.unit_id is not None else (owing_units(s, occ, chat) if occ else [])
                reach = reminder_targets(s, unit_ids, channel=chat.channel)
                rows = []
                for unit_id in unit_ids:
                    targets = [t for t in reach[unit_id] if t.fallback]
                    if not targets:
                        log.warning("unit %s has no reachable chat on %s for delivery %s", unit_id, chat.channel, d.id)
                    rows += [dict(occurrence_id=d.occurrence_id, chat_id=t.chat_pk, lead=d.lead, unit_id=unit_id,
                                  scheduled_for=d.scheduled_for) for t in targets]
                if not rows:
                    continue
                dl.add_rows(s, rows)
                created += s.scalars(select(Delivery.id).where(
                    Delivery.occurrence_id == d.occurrence_id, Delivery.lead == d.lead,
                    Delivery.chat_id.in_([r["chat_id"] for r in rows]), Delivery.status == dl.PENDING))
            return dl.chat_groups(s, list(dict.fromkeys(created)))

    # ------------------------------------------------------------------ admin actions

    async def send_now(self, delivery_ids: Sequence[int]) -> int:
        """Send deliveries queued for now (an admin's /nhacngay), one message per chat; returns how many went out."""
        def groups() -> tuple[list[tuple[int, list[int]]], WorkCalendar]:
            with self.app.db.session() as s:
                return dl.chat_groups(s, list(delivery_ids)), calendar_for(s)

        work, cal = await self.app.db.call(groups)
        return await self._send_all(work, cal)

    async def send_notices(self) -> int:
        """The outbox's notices that other processes wrote (e.g. a request approved from the CLI); how many went out."""
        if self.lost_identity:
            return 0
        return await self.app.db.workers.run(outbox.deliver, self.app, self.instance_id)

    async def send_overdue_notices(self) -> int:
        """Each escalation day (working days after a legal due date), one digest to the admins of every period
        with units that have not confirmed; claimed once per day across replicas. Returns 1 when it went out."""
        return await self.app.db.workers.run(self._send_overdue_notices)

    async def _send_overdue_notices(self) -> int:
        now = self.app.clock.now()
        today = as_vn(now).date()
        settings = self.app.settings
        try:
            at = parse_time(settings.reminder_time)
        except ValueError:
            at = parse_time("08:00")
        if as_vn(now).time() < at:
            return 0
        with self.app.db.session() as s:
            cal = calendar_for(s)
            if not cal.is_working_day(today):
                return 0
            days = max(1, settings.escalation_days)
            occs = list(s.scalars(select(Occurrence).join(Deadline).where(
                Deadline.active.is_(True), Occurrence.legal_due < today,
                Occurrence.legal_due >= today - OVERDUE_LOOKBACK - timedelta(days=2 * days))
                .order_by(Occurrence.legal_due)))
            units = {u.id: u for u in list_units(s)}
            items: list[OverdueItem] = []
            for occ in occs:
                step, steps = escalation_day(occ, today, cal, days)
                if not step:
                    continue
                audience = period_audience(occ.deadline, occ.legal_due, units.values())
                done = {u for _, u in acked_pairs(s, [occ.id])}
                missing = sorted((units[u].name for u in audience if u not in done), key=natural_key)
                if missing:
                    items.append(OverdueItem(occ.deadline.title, occ.deadline.code, occ.label or occ.period,
                                             occ.legal_due, tuple(missing), len(audience),
                                             step, steps))
            if not items:
                return 0
            insert_ignore(s, AdminDigest.__table__, [dict(day=today, kind="overdue", claimed_by=self.instance_id)])
            row = s.get(AdminDigest, (today, "overdue"))
            if row is None or row.claimed_by != self.instance_id or row.sent_at is not None:
                return 0
            row.sent_at = as_utc(now)
            for occ in occs:
                if occ.overdue_notified_at is None and any(i.code == occ.deadline.code for i in items):
                    occ.overdue_notified_at = as_utc(now)
        self.app.metrics.escalated(sum(len(i.missing) for i in items))
        await self.app.notify_admins(overdue_digest_text(items, today))
        return 1
