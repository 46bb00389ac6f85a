"""Migrations: upgrading an empty database gives exactly the models' schema; backups restore."""
from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot import schema
from bot.app import build_app
from bot.core.config import Settings
from bot.core.db import Database


@pytest.fixture
def empty_db(db_url: str):  # type: ignore[no-untyped-def]
    database = Database.from_url(db_url)
    yield database
    database.engine.dispose()


def test_upgrade_gives_the_models_schema(empty_db):
    schema.upgrade(empty_db)
    assert schema.current(empty_db) == schema.head()
    with empty_db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), schema.metadata())
    assert diff == [], "models changed without a migration: run `python -m bot db revision -m '…'`"


def test_downgrade_and_upgrade_again(empty_db):
    schema.upgrade(empty_db)
    schema.downgrade(empty_db, "base")
    assert schema.current(empty_db) is None
    schema.upgrade(empty_db)
    assert schema.current(empty_db) == schema.head()


def test_sqlite_is_upgraded_on_start(tmp_path):
    app = build_app(Settings(data_dir=tmp_path / "data"))
    assert schema.current(app.db) == schema.head()


def test_postgres_behind_the_code_refuses_to_start(db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only (set TEST_DATABASE_URL)")
    with pytest.raises(schema.SchemaOutdated):
        build_app(Settings(database_url=db_url))


def test_backup(empty_db, tmp_path):
    schema.upgrade(empty_db)
    if empty_db.dialect == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    path = schema.backup(empty_db, tmp_path / "backups", datetime(2026, 11, 25, 9, 0))
    assert path.exists() and path.stat().st_size > 0
    if empty_db.dialect == "sqlite":
        names = {r[0] for r in sqlite3.connect(path).execute("select name from sqlite_master where type='table'")}
        assert {"deadlines", "deliveries", "kb_documents", "alembic_version"} <= names


def test_any_command_first_leaves_a_database_the_bot_can_start_on(tmp_path):
    """`python -m bot ask` before `python -m bot run` on a fresh data folder."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": ""}
    done = subprocess.run([sys.executable, "-m", "bot", "ask", "UBND cấp xã ban hành kế hoạch CCHC chậm nhất ngày nào"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "28/02" in done.stdout, done.stderr[-2000:]
    app = build_app(Settings(data_dir=tmp_path / "data"))
    assert schema.current(app.db) == schema.head()
