"""Replica identity: a stable default id, a second live replica of one id refused, a crashed one's claims taken back.

Database tests run on SQLite files and on PostgreSQL when TEST_DATABASE_URL is set (the `db_url` fixture).
"""
from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import build_app
from bot.channels.recording import RecordingChannel
from bot.core import replicas
from bot.core.clock import FixedClock
from bot.core.config import Settings
from bot.core.replicas import Heartbeat, Identity, ReplicaConflict, default_instance_id, register
from scheduler.models import Delivery
from scheduler.service import LEASE, ReminderService
from tests.scheduler.test_engine import at, seed
from tests.scheduler.test_engine_exactly_once import Crash, CrashingChannel, second_app

GROUPS = [(f"UBND xã số {i}", "xa", f"g{i}") for i in range(6)]
T0 = at(2026, 12, 3, 8, 0)


# ---------------------------------------------------------------- the default id


def test_default_id_is_stable_across_restarts_and_differs_per_data_dir(tmp_path):
    url = "postgresql+psycopg://bot:secret@db:5432/cchc"
    first = default_instance_id(tmp_path / "a", url, host="may-chu-1")
    assert first == default_instance_id(tmp_path / "a", url, host="may-chu-1")  # the next start
    assert first == default_instance_id(tmp_path / "x" / ".." / "a", url, host="may-chu-1")  # resolved path
    assert first == default_instance_id(tmp_path / "a", url.replace("secret", "doi-mat-khau"), host="may-chu-1")
    assert first.startswith("may-chu-1-")
    assert first != default_instance_id(tmp_path / "b", url, host="may-chu-1")
    assert first != default_instance_id(tmp_path / "a", url.replace("cchc", "cchc2"), host="may-chu-1")
    assert first != default_instance_id(tmp_path / "a", url, host="may-chu-2")


def test_a_served_process_uses_the_default_id_unless_instance_id_is_set(tmp_path):
    from bot.runner import instance_identity

    app = build_app(Settings(data_dir=tmp_path / "data"), clock=FixedClock(T0))
    again = build_app(Settings(data_dir=tmp_path / "data"), clock=FixedClock(T0))
    other = build_app(Settings(data_dir=tmp_path / "other"), clock=FixedClock(T0))
    a, b = instance_identity(app), instance_identity(again)
    assert a.instance_id == b.instance_id and a.token != b.token  # same replica, another start
    assert instance_identity(other).instance_id != a.instance_id
    named = build_app(Settings(data_dir=tmp_path / "data", instance_id="replica-1"), clock=FixedClock(T0))
    assert instance_identity(named).instance_id == "replica-1"


# ---------------------------------------------------------------- registering at start-up


class Beating:
    """The other process: its heartbeat moves while the starting process watches (fake sleep, clock moved)."""

    def __init__(self, app, clock: FixedClock, other: Identity | None) -> None:  # type: ignore[no-untyped-def]
        self.app, self.clock, self.other, self.slept = app, clock, other, 0.0

    def __call__(self, seconds: float) -> None:
        self.slept += seconds
        self.clock.advance(timedelta(seconds=seconds))
        if self.other is not None:
            with self.app.db.session() as s:
                assert replicas.beat(s, self.other, self.clock.now())


def holder(app) -> str:  # type: ignore[no-untyped-def]
    with app.db.session() as s:
        return s.scalars(select(Heartbeat.token)).one()


def test_a_second_live_process_with_the_same_id_is_refused(app, clock):
    first, second = Identity("replica-1"), Identity("replica-1")
    register(app.db, first, clock.now, sleep=pytest.fail)
    clock.advance(timedelta(seconds=5))
    with pytest.raises(ReplicaConflict) as refused:
        register(app.db, second, clock.now, sleep=Beating(app, clock, first))
    message = str(refused.value)
    assert "\n" not in message and "INSTANCE_ID «replica-1»" in message and "đang chạy" in message
    assert holder(app) == first.token


def test_a_stale_heartbeat_is_taken_over_at_once(app, clock):
    first, second = Identity("replica-1"), Identity("replica-1")
    register(app.db, first, clock.now, sleep=pytest.fail)
    clock.advance(replicas.STALE_AFTER + timedelta(seconds=1))
    register(app.db, second, clock.now, sleep=pytest.fail)  # no watching: that process is long gone
    assert holder(app) == second.token


def test_a_stopped_process_leaves_its_id_free_at_once(app, clock):
    first, second = Identity("replica-1"), Identity("replica-1")
    register(app.db, first, clock.now, sleep=pytest.fail)
    with app.db.session() as s:
        replicas.stopped(s, first, clock.now())
    register(app.db, second, clock.now, sleep=pytest.fail)
    assert holder(app) == second.token


def test_a_restart_right_after_a_crash_watches_then_takes_the_id(app, clock):
    """The fresh row is this replica's previous run: its heartbeat does not move, so it is dead."""
    crashed, restarted = Identity("replica-1"), Identity("replica-1")
    register(app.db, crashed, clock.now, sleep=pytest.fail)
    clock.advance(timedelta(seconds=3))
    silent = Beating(app, clock, None)
    register(app.db, restarted, clock.now, sleep=silent)
    assert holder(app) == restarted.token
    assert silent.slept == pytest.approx((replicas.HEARTBEAT_EVERY * 2.5).total_seconds())


def test_different_ids_do_not_interfere(app, clock):
    register(app.db, Identity("replica-1"), clock.now, sleep=pytest.fail)
    register(app.db, Identity("replica-2"), clock.now, sleep=pytest.fail)
    with app.db.session() as s:
        assert sorted(s.scalars(select(Heartbeat.instance_id))) == ["replica-1", "replica-2"]


def test_run_refuses_with_one_vietnamese_line_and_exit_code_2(tmp_path, db_url):
    """`python -m bot run` while another process beats under the same default id (SQLite file or PostgreSQL)."""
    import threading

    from bot.core.clock import SystemClock

    data = tmp_path / "data"
    settings = Settings(data_dir=data, database_url=db_url if db_url.startswith("postgresql") else "")
    if settings.database_url:  # as `python -m bot db upgrade` does before the first start
        from bot.core.db import Database
        from bot.schema import upgrade

        upgrade(Database.from_url(settings.database_url))
    app = build_app(settings, clock=SystemClock())
    other = Identity(default_instance_id(data, settings.db_url), host="may-khac", pid=4242)
    register(app.db, other, app.clock.now, sleep=pytest.fail)
    stop = threading.Event()

    def keep_beating() -> None:  # the other replica, alive
        while not stop.wait(0.2):
            with app.db.session() as s:
                replicas.beat(s, other, app.clock.now())

    beater = threading.Thread(target=keep_beating, daemon=True)
    beater.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "INSTANCE_ID"))}
    env.update(DATA_DIR=str(data), DATABASE_URL=settings.database_url, KB_BUNDLED="0", WEB_LISTEN="")
    try:
        done = subprocess.run([sys.executable, "-m", "bot", "run"], env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=90, cwd=Path(__file__).resolve().parents[2])
    finally:
        stop.set()
        beater.join()
    assert done.returncode == 2, done.stderr[-3000:]
    lines = [line for line in done.stderr.splitlines() if "INSTANCE_ID" in line]
    assert len(lines) == 1 and lines[0].startswith("Bot không khởi động") and "may-khac" in lines[0]
    assert "Traceback" not in done.stderr


# ---------------------------------------------------------------- claims of a crashed replica


def statuses(app) -> Counter[str]:  # type: ignore[no-untyped-def]
    with app.db.session() as s:
        return Counter(s.scalars(select(Delivery.status).where(Delivery.lead == 7)))


async def crash_after(app, clock, n: int, identity: Identity) -> CrashingChannel:  # type: ignore[no-untyped-def]
    crashing = CrashingChannel(deliver_before_crash=n)
    app.channels["fake"] = crashing
    seed(app, units=GROUPS, audience=("xa",))
    clock.set(T0)
    register(app.db, identity, clock.now, sleep=pytest.fail)
    crashed = ReminderService(app, identity=identity)
    crashed.concurrency = 1  # one message in flight at the crash: one claim left behind
    try:
        await crashed.tick()
    except Crash:
        pass
    assert statuses(app)["sending"] == 1
    return crashing


async def test_a_restart_with_the_stable_default_id_takes_its_own_claim_back_at_once(app, clock, tmp_path):
    from bot.runner import instance_identity

    crashing = await crash_after(app, clock, 2, instance_identity(app))
    clock2 = FixedClock(T0 + timedelta(seconds=5))
    channel = RecordingChannel("fake")
    restarted_app = second_app(app, channel, clock2)
    me = instance_identity(restarted_app)
    register(restarted_app.db, me, clock2.now, sleep=Beating(restarted_app, clock2, None))
    assert await ReminderService(restarted_app, identity=me).tick() == len(GROUPS) - 2
    per_chat = Counter(m.chat_id for m in crashing.sent + channel.sent)
    assert set(per_chat.values()) == {1} and len(per_chat) == len(GROUPS)
    assert clock2.now() - T0 < timedelta(minutes=1)  # not the 10-minute lease


async def test_another_replica_takes_over_a_dead_replicas_claim_once_its_heartbeat_is_stale(app, clock):
    crashing = await crash_after(app, clock, 0, Identity("host-a"))
    clock_b = FixedClock(T0 + timedelta(seconds=1))
    channel_b = RecordingChannel("fake")
    b = ReminderService(second_app(app, channel_b, clock_b), identity=Identity("host-b"))
    assert await b.tick() == len(GROUPS) - 1  # host-a's claim is left alone while its heartbeat is fresh
    while clock_b.now() + replicas.HEARTBEAT_EVERY <= T0 + replicas.STALE_AFTER:
        clock_b.advance(replicas.HEARTBEAT_EVERY)
        assert await b.tick() == 0  # host-a's heartbeat is not stale yet
    assert statuses(app)["sending"] == 1
    clock_b.advance(replicas.HEARTBEAT_EVERY)
    assert await b.tick() == 1  # about a minute after the crash, not the 10-minute lease
    assert clock_b.now() - T0 < LEASE / 5
    assert statuses(app) == Counter({"sent": len(GROUPS)})
    per_chat = Counter(m.chat_id for m in crashing.sent + channel_b.sent)
    assert set(per_chat.values()) == {1} and len(per_chat) == len(GROUPS)


async def test_a_fresh_claim_is_never_taken_even_from_a_replica_that_looks_dead(app, clock):
    """Its heartbeat may be late (a stalled thread, its own database trouble) while it sends: only old claims go."""
    from sqlalchemy import update

    await crash_after(app, clock, 0, Identity("host-a"))
    with app.db.session() as s:  # host-a's heartbeat looks long dead, its claim (at T0) is fresh
        s.execute(update(Heartbeat).where(Heartbeat.instance_id == "host-a").values(beat_at=(T0 - LEASE).astimezone(timezone.utc)))
    clock_b = FixedClock(T0 - replicas.STALE_AFTER * 2)
    b = ReminderService(second_app(app, RecordingChannel("fake"), clock_b), identity=Identity("host-b"))
    while clock_b.now() < T0 + replicas.STALE_AFTER / 2:
        b.heartbeat()
        clock_b.advance(replicas.HEARTBEAT_EVERY)
    await b.tick()
    assert statuses(app)["sending"] == 1
    clock_b.set(T0 + replicas.STALE_AFTER + timedelta(seconds=1))
    await b.tick()
    assert statuses(app) == Counter({"sent": len(GROUPS)})


async def test_no_takeover_right_after_the_database_comes_back(app, clock):
    """A replica that could not beat either (the database was down for everyone) gives the others time to beat."""
    await crash_after(app, clock, 0, Identity("host-a"))
    clock_b = FixedClock(T0 + replicas.STALE_AFTER * 3)  # host-b's first beat after a long gap
    b = ReminderService(second_app(app, RecordingChannel("fake"), clock_b), identity=Identity("host-b"))
    await b.tick()
    assert statuses(app)["sending"] == 1  # host-a's heartbeat is old, but so was host-b's view of it
    clock_b.advance(replicas.STALE_AFTER / 2)
    b.heartbeat()
    clock_b.advance(replicas.STALE_AFTER / 2)
    await b.tick()
    assert statuses(app)["sending"] == 0  # now host-b beat for a whole window while host-a did not


async def test_a_stopped_replicas_leftover_claim_is_taken_over(app, clock):
    a_id = Identity("host-a")
    await crash_after(app, clock, 0, a_id)
    with app.db.session() as s:
        replicas.stopped(s, a_id, clock.now())
    clock_b = FixedClock(T0 + timedelta(seconds=1))
    b = ReminderService(second_app(app, RecordingChannel("fake"), clock_b), identity=Identity("host-b"))
    for _ in range(int(replicas.STALE_AFTER / replicas.HEARTBEAT_EVERY)):
        b.heartbeat()
        clock_b.advance(replicas.HEARTBEAT_EVERY)
    await b.tick()
    assert statuses(app) == Counter({"sent": len(GROUPS)})


async def test_a_replica_whose_id_was_taken_stops_claiming_and_asks_to_exit(app, clock, channel):
    seed(app, units=GROUPS, audience=("xa",))
    mine = Identity("replica-1")
    register(app.db, mine, clock.now, sleep=pytest.fail)
    service = ReminderService(app, identity=mine)
    clock.advance(replicas.STALE_AFTER + timedelta(seconds=1))  # this process froze; another start took the id
    register(app.db, Identity("replica-1"), clock.now, sleep=pytest.fail)
    clock.set(T0)
    assert await service.tick() == 0 and channel.sent == []
    assert app.health.exit_code(clock.now()) == 2
    assert any("INSTANCE_ID «replica-1»" in p for p in app.health.problems(clock.now()))
