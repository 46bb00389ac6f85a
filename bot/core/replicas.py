"""Replica identity: a stable default instance id, the heartbeat table, and refusing a second live replica of one id."""
from __future__ import annotations

import hashlib
import logging
import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import DateTime, Integer, String, or_, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.core.db import Base, Database, insert_ignore

log = logging.getLogger(__name__)

# Module attributes (not constants) so that the fault bench can shorten them, as it shortens the engine's tick.
HEARTBEAT_EVERY = timedelta(seconds=10)  # each replica writes its heartbeat this often (and on every tick)
STALE_AFTER = timedelta(seconds=60)  # a heartbeat older than this belongs to a replica taken for dead


class Heartbeat(Base):
    """One row per instance id: which process holds it (a random token per start) and when it last beat."""

    __tablename__ = "replica_heartbeats"

    instance_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    token: Mapped[str] = mapped_column(String(64))
    host: Mapped[str] = mapped_column(String(200), default="")
    pid: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    beat_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    stopped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


def default_instance_id(data_dir: Path, database_url: str, host: str | None = None) -> str:
    """`<host>-<8 hex>`: the same for every start on one host with one data directory and database, else different.

    The password is left out of the hash, so rotating it keeps the id.
    """
    host = host or socket.gethostname()
    db = make_url(database_url).render_as_string(hide_password=True)
    digest = hashlib.sha256(f"{Path(data_dir).expanduser().resolve()}\n{db}".encode()).hexdigest()[:8]
    return f"{host}-{digest}"[:200]


@dataclass(frozen=True)
class Identity:
    """This process as a replica: its instance id and the token that tells this start from any other."""

    instance_id: str
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    host: str = field(default_factory=socket.gethostname)
    pid: int = field(default_factory=os.getpid)


class ReplicaConflict(RuntimeError):
    """Another live process runs with this instance id: this one must not start."""

    def __init__(self, instance_id: str, host: str, pid: int, age: timedelta) -> None:
        self.instance_id, self.host, self.pid, self.age = instance_id, host, pid, age
        super().__init__(
            f"Bot không khởi động: một tiến trình khác đang chạy với cùng mã INSTANCE_ID «{instance_id}» "
            f"(máy {host or '?'}, pid {pid}, nhịp gần nhất {int(age.total_seconds())} giây trước). "
            f"Hãy dừng tiến trình đó, hoặc đặt INSTANCE_ID (hay DATA_DIR) khác cho tiến trình này.")


def _utc(dt: datetime) -> datetime:
    """Stored times are UTC; SQLite gives them back naive."""
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


def _take(s: Session, me: Identity, now: datetime, *, expected_token: str | None) -> bool:
    """Write `me` into the id's row: inserted if absent, else replacing `expected_token` (compare and set)."""
    t = _utc(now)
    insert_ignore(s, Heartbeat.__table__, [dict(instance_id=me.instance_id, token=me.token, host=me.host[:200],
                                                pid=me.pid, started_at=t, beat_at=t, stopped_at=None)])
    cond = Heartbeat.token == me.token if expected_token is None else Heartbeat.token.in_((me.token, expected_token))
    done = s.execute(update(Heartbeat).where(Heartbeat.instance_id == me.instance_id, cond)
                     .values(token=me.token, host=me.host[:200], pid=me.pid, started_at=t, beat_at=t, stopped_at=None)
                     .execution_options(synchronize_session=False))
    return done.rowcount == 1


def register(db: Database, me: Identity, now: Callable[[], datetime], *,
             sleep: Callable[[float], None], watch: timedelta | None = None) -> None:
    """Take the instance id for this process, or raise ReplicaConflict when another process holding it is alive.

    A row that is stopped, or whose heartbeat is older than STALE_AFTER, is taken at once. A fresh row of another
    token may be this replica's own previous run that just crashed: its heartbeat is watched for `watch`
    (default 2.5 heartbeats); if it moves, that process is alive and this one refuses; if not, it is taken over.
    """
    watch = watch if watch is not None else HEARTBEAT_EVERY * 2.5
    while True:
        with db.session() as s:
            row = s.get(Heartbeat, me.instance_id)
            seen = None if row is None else (row.token, _utc(row.beat_at), row.stopped_at, row.host, row.pid)
            if seen is None or seen[0] == me.token or seen[2] is not None or _utc(now()) - seen[1] > STALE_AFTER:
                if _take(s, me, now(), expected_token=None if seen is None else seen[0]):
                    return
                continue  # another process changed the row meanwhile: look again
        token, beat_at, _, host, pid = seen
        log.warning("instance id %s was seen alive %d s ago (host %s, pid %s): watching its heartbeat for %d s",
                    me.instance_id, int((_utc(now()) - beat_at).total_seconds()), host, pid, watch.total_seconds())
        waited = timedelta(0)
        step = min(1.0, watch.total_seconds())
        while waited < watch:
            sleep(step)
            waited += timedelta(seconds=step)
            with db.session() as s:
                row = s.get(Heartbeat, me.instance_id)
                if row is None or row.token != token or row.stopped_at is not None:
                    break  # it stopped, or someone else took the id: decide again
                if _utc(row.beat_at) != beat_at:
                    raise ReplicaConflict(me.instance_id, row.host, row.pid, _utc(now()) - _utc(row.beat_at))
        else:
            with db.session() as s:
                if _take(s, me, now(), expected_token=token):
                    log.warning("instance id %s: the previous process (host %s, pid %s) is gone; taking over "
                                "its in-flight reminders", me.instance_id, host, pid)
                    return
        # the row changed while watching (stopped, re-taken): loop and decide on what it is now


def beat(s: Session, me: Identity, now: datetime) -> bool:
    """Record that `me` is alive; False when the id's row now belongs to another process (this one lost the id).

    A missing row (never registered, or deleted by hand) is written anew.
    """
    done = s.execute(update(Heartbeat).where(Heartbeat.instance_id == me.instance_id, Heartbeat.token == me.token)
                     .values(beat_at=_utc(now), stopped_at=None).execution_options(synchronize_session=False))
    if done.rowcount == 1:
        return True
    return s.get(Heartbeat, me.instance_id) is None and _take(s, me, now, expected_token=None)


def claim_unregistered(s: Session, me: Identity, now: datetime) -> None:
    """Take the id's row without the start-up check (a reminder service used in-process, e.g. by tests or benches)."""
    row = s.get(Heartbeat, me.instance_id)
    _take(s, me, now, expected_token=None if row is None else row.token)


def stopped(s: Session, me: Identity, now: datetime) -> None:
    """A clean stop: the id is free at once, and other replicas may take over what this process left in flight."""
    s.execute(update(Heartbeat).where(Heartbeat.instance_id == me.instance_id, Heartbeat.token == me.token)
              .values(stopped_at=_utc(now)).execution_options(synchronize_session=False))


def gone_instances(now: datetime):  # type: ignore[no-untyped-def]
    """SQL select of the instance ids whose process stopped or has not beaten for STALE_AFTER."""
    return select(Heartbeat.instance_id).where(or_(Heartbeat.stopped_at.is_not(None),
                                                   Heartbeat.beat_at < _utc(now) - STALE_AFTER))
