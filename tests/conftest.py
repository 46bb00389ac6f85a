"""Shared fixtures: a fixed clock, a fresh database per test (SQLite, and PostgreSQL when offered), an app."""
from __future__ import annotations

import os
from datetime import datetime

import pytest
from sqlalchemy import text

from bot.app import App, build_app
from bot.channels.recording import RecordingChannel
from bot.core.clock import VN_TZ, FixedClock
from bot.core.config import Settings
from bot.core.db import Database, make_engine

PG_ENV = "TEST_DATABASE_URL"


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]


def pytest_report_header(config: pytest.Config) -> str:
    if os.environ.get(PG_ENV):
        return f"database backends: sqlite, postgresql ({PG_ENV} is set)"
    return f"database backends: sqlite only (set {PG_ENV} to also run every database test on PostgreSQL)"


def reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=_backends())
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    if request.param == "postgresql":
        url = os.environ[PG_ENV]
        reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def db(db_url: str):  # type: ignore[no-untyped-def]
    database = Database.from_url(db_url)
    database.create_all()
    yield database
    database.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 25, 9, 0, tzinfo=VN_TZ))


@pytest.fixture
def settings(tmp_path, db_url: str) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(data_dir=tmp_path / "data", database_url=db_url,
                    admin_ids={"fake": frozenset({"boss"}), "telegram": frozenset({"1001"})})


@pytest.fixture
def channel() -> RecordingChannel:
    return RecordingChannel("fake")


@pytest.fixture
def app(settings: Settings, clock: FixedClock, channel: RecordingChannel, db: Database) -> App:
    return build_app(settings, clock=clock, channels={"fake": channel}, db=db)
