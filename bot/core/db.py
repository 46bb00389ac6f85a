"""Database engine, declarative base and the per-message/per-job session scope."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker


class Base(DeclarativeBase):
    pass


@dataclass(frozen=True)
class DbTimeouts:
    """Seconds a database call may take before it fails instead of holding the caller (PostgreSQL)."""

    connect: int = 5  # libpq's connect_timeout (it rounds anything below 2 up to 2)
    statement: float = 15.0  # PostgreSQL statement_timeout: a slow or stuck query is cancelled
    pool: float = 10.0  # waiting for a free pooled connection


def make_engine(url: str, timeouts: DbTimeouts = DbTimeouts()) -> Engine:
    """An engine for `url`; SQLite gets its folder created, WAL, foreign keys and a busy timeout.

    PostgreSQL gets connect, statement and pool timeouts, so a hung server fails calls instead of hanging them."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if u.database and u.database != ":memory:":
                cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    connect_args: dict[str, Any] = {}
    if u.get_backend_name() == "postgresql":
        connect_args = {"connect_timeout": max(1, int(timeouts.connect)),
                        "options": f"-c statement_timeout={int(timeouts.statement * 1000)}"}
    return create_engine(url, pool_pre_ping=True, pool_timeout=timeouts.pool, connect_args=connect_args)


class Database:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._factory = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str, timeouts: DbTimeouts = DbTimeouts()) -> "Database":
        return cls(make_engine(url, timeouts))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def create_all(self) -> None:
        """Create the tables of every model module imported so far (`bot.schema` imports them all)."""
        Base.metadata.create_all(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on error."""
        s = self._factory()
        try:
            yield s
            s.commit()
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
