"""Backups rotate (`db backup --keep N`) and restore (`db restore FILE`) round trips on SQLite and PostgreSQL."""
from __future__ import annotations

import logging
import os
import shutil
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot import schema
from bot.cli import main
from bot.core.db import Database
from scheduler.models import Unit
from scheduler.units import add_unit


@pytest.fixture(autouse=True)
def _logging_restored():  # type: ignore[no-untyped-def]
    """main() sets up logging for a process; give the next tests theirs back."""
    root = logging.getLogger()
    names = ("httpx", "httpcore", "apscheduler", "alembic", "telegram.ext.Updater")
    saved = root.handlers[:], root.level, {n: logging.getLogger(n).level for n in names}
    yield
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    for n, level in saved[2].items():
        logging.getLogger(n).setLevel(level)


def units(db: Database) -> list[str]:
    with db.session() as s:
        return sorted(s.scalars(select(Unit.name)))


def test_rotation_keeps_the_newest_n(tmp_path):
    db = Database.from_url(f"sqlite:///{tmp_path / 'bot.db'}")
    db.create_all()
    start = datetime(2026, 12, 1, 2, 0)
    made = [schema.backup(db, tmp_path / "b", start + timedelta(days=i)) for i in range(5)]
    (tmp_path / "b" / "notes.txt").write_text("not a backup")
    deleted = schema.rotate_backups(tmp_path / "b", 2)
    assert sorted(deleted) == sorted(made[:3])
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == sorted([made[3].name, made[4].name, "notes.txt"])


def test_sqlite_backup_and_restore_round_trip_through_the_cli(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for var in ("DATABASE_URL", "ENV_FILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    assert main(["db", "upgrade"]) == 0
    db = Database.from_url(f"sqlite:///{tmp_path / 'data' / 'bot.db'}")
    with db.session() as s:
        add_unit(s, "Sở Tư pháp", "so")
    assert main(["db", "backup", "--keep", "3"]) == 0
    [backup] = list((tmp_path / "data" / "backups").glob("bot-*.db"))
    with db.session() as s:
        add_unit(s, "UBND xã Tân Lập", "xa")
    assert units(db) == ["Sở Tư pháp", "UBND xã Tân Lập"]
    db.engine.dispose()
    assert main(["db", "restore", str(backup)]) == 0
    assert units(db) == ["Sở Tư pháp"]
    assert main(["db", "restore", str(tmp_path / "nothing.db")]) == 2
    assert main(["db", "backup", "--keep", "0"]) == 2
    err = capsys.readouterr().err
    assert "nothing.db" in err and "--keep 0" in err and "Traceback" not in err


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL") or shutil.which("pg_dump") is None
                    or shutil.which("pg_restore") is None,
                    reason="needs PostgreSQL (TEST_DATABASE_URL) and Debian's postgresql-client (pg_dump, pg_restore)")
def test_postgresql_backup_and_restore_round_trip(tmp_path):
    from tests.conftest import reset_postgres

    url = os.environ["TEST_DATABASE_URL"]
    reset_postgres(url)
    db = Database.from_url(url)
    schema.upgrade(db)
    with db.session() as s:
        add_unit(s, "Sở Tư pháp", "so")
    backup = schema.backup(db, tmp_path, datetime(2026, 12, 1, 2, 0))
    assert backup.suffix == ".dump"
    with db.session() as s:
        add_unit(s, "UBND xã Tân Lập", "xa")
    schema.restore(db, backup)
    assert units(db) == ["Sở Tư pháp"]
    assert schema.current(db) == schema.head()
    with db.session() as s:  # the sequences came back too: a new row gets a fresh id
        add_unit(s, "UBND phường Hòa Bình", "xa")
        assert s.scalar(select(func.count()).select_from(Unit)) == 2
    with pytest.raises(RuntimeError, match="not a PostgreSQL backup"):
        schema.restore(db, tmp_path / "bot-x.db")
    db.engine.dispose()
