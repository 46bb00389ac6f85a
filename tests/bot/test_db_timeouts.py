"""A database that accepts connections and never answers makes calls fail within the timeouts, never hang."""
from __future__ import annotations

import os
import socket
import threading
import time

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.core.config import Settings
from bot.core.db import Database, DbTimeouts


class SilentServer:
    """Accepts TCP connections on 127.0.0.1 and never sends a byte (a hung database server)."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self) -> None:
        for s in [*self.accepted, self.listener]:
            s.close()


def _call_in_thread(db: Database, limit: float) -> BaseException | None:
    """Run one query in a thread; the outcome, or a failure of the test if it is still waiting after `limit`."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            with db.engine.connect() as c:
                c.execute(text("select 1"))
            outcome.append(None)
        except BaseException as e:  # noqa: BLE001 - handed to the test
            outcome.append(e)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(limit)
    assert outcome, f"the database call still hangs after {limit} s"
    return outcome[0]


def test_a_silent_server_fails_the_connect_instead_of_hanging() -> None:
    pytest.importorskip("psycopg")
    server = SilentServer()
    db = Database.from_url(f"postgresql+psycopg://postgres@127.0.0.1:{server.port}/x", DbTimeouts(connect=2))
    try:
        error = _call_in_thread(db, limit=20)  # a bound far above the 2 s timeout: the call must not hang
        assert isinstance(error, OperationalError)
        assert server.accepted, "the proxy was reached: the failure is the timeout, not a refused connection"
    finally:
        db.engine.dispose()
        server.close()


def test_the_engine_carries_the_settings_timeouts() -> None:
    settings = Settings(database_url="postgresql+psycopg://postgres@127.0.0.1:1/x", db_connect_timeout=7,
                        db_statement_timeout=9, db_pool_timeout=11)
    db = Database.from_url(settings.db_url, settings.db_timeouts)
    seen: dict[str, object] = {}

    @event.listens_for(db.engine, "do_connect")
    def capture(dialect, record, cargs, cparams):  # type: ignore[no-untyped-def]
        seen.update(cparams)
        raise _Stop

    try:
        assert db.engine.pool.timeout() == 11
        with pytest.raises(_Stop):
            db.engine.connect()
        assert seen["connect_timeout"] == 7
        assert seen["options"] == "-c statement_timeout=9000"
    finally:
        db.engine.dispose()


class _Stop(Exception):
    """Raised by the connect hook: the parameters were seen, no connection is needed."""


def test_a_slow_statement_is_cancelled_by_statement_timeout() -> None:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("statement_timeout is PostgreSQL's (set TEST_DATABASE_URL)")
    db = Database.from_url(url, DbTimeouts(statement=1.0))
    try:
        started = time.monotonic()
        with pytest.raises(DBAPIError):
            with db.engine.connect() as c:
                c.execute(text("select pg_sleep(30)"))
        assert time.monotonic() - started < 25  # cancelled, not waited out
    finally:
        db.engine.dispose()


async def test_readiness_fails_and_the_probe_thread_ends_while_the_database_hangs(app) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("psycopg")
    from bot.web.health import readiness

    server = SilentServer()
    hung = Database.from_url(f"postgresql+psycopg://postgres@127.0.0.1:{server.port}/x", DbTimeouts(connect=2))
    real, app.db = app.db, hung
    try:
        problems = await readiness(app, db_timeout=0.2)
        assert any("cơ sở dữ liệu" in p for p in problems)
        # The probe left behind in its thread is not stuck for ever: the connect timeout ends it.
        assert isinstance(_call_in_thread(hung, limit=20), OperationalError)
    finally:
        app.db = real
        hung.engine.dispose()
        server.close()
