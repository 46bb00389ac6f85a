"""Database engine, declarative base and the per-message/per-job session scope."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import Engine, Table, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import StaticPool

from bot.core.errors import Forbidden
from bot.core.workers import DbWorkers

T = TypeVar("T")
P = ParamSpec("P")
DEFAULT_WORKERS = 8


class Base(DeclarativeBase):
    pass


@dataclass(frozen=True)
class DbTimeouts:
    """Seconds a database call may take before it fails instead of holding the caller (PostgreSQL)."""

    connect: int = 5  # libpq's connect_timeout (it rounds anything below 2 up to 2)
    statement: float = 15.0  # PostgreSQL statement_timeout: a slow or stuck query is cancelled
    pool: float = 10.0  # waiting for a free pooled connection


def make_engine(url: str, timeouts: DbTimeouts = DbTimeouts(), workers: int = DEFAULT_WORKERS) -> Engine:
    """An engine for `url`; SQLite gets its folder created, WAL, foreign keys and a busy timeout.

    PostgreSQL gets connect, statement and pool timeouts, so a hung server fails calls instead of hanging them.
    The pool holds a connection per worker thread and as many again for a handler's second session."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        memory = not u.database or u.database == ":memory:"
        if not memory:
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        # Connections are used from the worker threads; an in-memory database is one shared connection.
        pooling: dict[str, Any] = {"poolclass": StaticPool} if memory else \
            {"pool_size": workers, "max_overflow": workers, "pool_timeout": timeouts.pool}
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **pooling)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if not memory:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    connect_args: dict[str, Any] = {}
    if u.get_backend_name() == "postgresql":
        connect_args = {"connect_timeout": max(1, int(timeouts.connect)),
                        "options": f"-c statement_timeout={int(timeouts.statement * 1000)}"}
    return create_engine(url, pool_pre_ping=True, pool_timeout=timeouts.pool, pool_size=workers,
                         max_overflow=workers, connect_args=connect_args)


class Database:
    """The engine, its sessions (one per unit of work, never shared between threads) and its worker threads."""

    def __init__(self, engine: Engine, workers: int = DEFAULT_WORKERS) -> None:
        self.engine = engine
        self._factory = sessionmaker(engine, expire_on_commit=False)
        self.workers = DbWorkers(workers)

    @classmethod
    def from_url(cls, url: str, timeouts: DbTimeouts = DbTimeouts(), workers: int = DEFAULT_WORKERS) -> "Database":
        return cls(make_engine(url, timeouts, workers), workers)

    async def call(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run the synchronous database function `fn` on a worker thread: the event loop never waits on it."""
        return await self.workers.call(fn, *args, **kwargs)

    def dispose(self) -> None:
        """Stop the worker threads and close the pooled connections."""
        self.workers.shutdown()
        self.engine.dispose()

    @property
    def single_connection(self) -> bool:
        """Whether every session shares one connection (in-memory SQLite): no two units of work at once."""
        return isinstance(self.engine.pool, StaticPool)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def create_all(self) -> None:
        """Create the tables of every model module imported so far (`bot.schema` imports them all)."""
        Base.metadata.create_all(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on error — except a refusal (`Forbidden`), whose
        audit entry is kept: the use cases check the role before they write anything, so that entry is all there is."""
        s = self._factory()
        try:
            yield s
            s.commit()
        except Forbidden:
            try:
                s.commit()
            except Exception:  # the refusal stands even when its entry cannot be written
                s.rollback()
            raise
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()


def insert_ignore(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT … ON CONFLICT DO NOTHING on PostgreSQL and SQLite alike (concurrent replicas may race)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only the two supported databases
        raise RuntimeError(f"unsupported database {dialect}")
    session.execute(insert(table).on_conflict_do_nothing(), list(rows))
