"""Schema migrations with Alembic: upgrade to the newest revision, report the current one, back up."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

import bot.channel_state  # noqa: F401  (every module that declares tables, so the metadata is complete)
import bot.core.budget.postgres  # noqa: F401
import bot.core.login_links  # noqa: F401
import bot.core.models  # noqa: F401
import bot.core.replicas  # noqa: F401
import knowledge.models  # noqa: F401
import scheduler.models  # noqa: F401
import scheduler.outbox  # noqa: F401
from bot.core.db import Base, Database

MIGRATIONS = Path(__file__).parent / "migrations"


def metadata():  # type: ignore[no-untyped-def]
    """The metadata of every table of the project."""
    return Base.metadata


class SchemaOutdated(RuntimeError):
    """The database is behind the code; `python -m bot db upgrade` brings it up to date."""


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


def current(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(db: Database, revision: str = "head") -> None:
    cfg = _config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(db: Database, revision: str) -> None:
    cfg = _config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def ensure_schema(db: Database) -> None:
    """Upgrade SQLite automatically; refuse to run on a PostgreSQL database that is behind the code."""
    if head() is None:  # no revision written yet (development before the first migration)
        db.create_all()
        return
    if db.dialect == "sqlite":
        upgrade(db)
        return
    if current(db) != head():
        raise SchemaOutdated("the database schema is not up to date: run `python -m bot db upgrade` first")


def revision(db: Database, message: str) -> None:
    """Autogenerate a new revision from the models' difference to `db` (upgraded to head first)."""
    upgrade(db)
    cfg = _config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.revision(cfg, message=message, autogenerate=True)


def backup(db: Database, dest_dir: Path, now: datetime) -> Path:
    """A consistent copy: SQLite's online backup API, or pg_dump's custom format for PostgreSQL."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    stamp = now.strftime("%Y%m%d-%H%M%S")
    url = make_url(str(db.engine.url.render_as_string(hide_password=False)))
    if url.get_backend_name() == "sqlite":
        target = dest_dir / f"bot-{stamp}.db"
        src = sqlite3.connect(url.database or ":memory:")
        dst = sqlite3.connect(target)
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
        return target
    if shutil.which("pg_dump") is None:
        raise RuntimeError("pg_dump is not installed (Debian: apt-get install postgresql-client)")
    target = dest_dir / f"bot-{stamp}.dump"
    libpq_url = url.set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run(["pg_dump", "--format=custom", f"--file={target}", f"--dbname={libpq_url}"],
                   check=True, capture_output=True)
    return target


BACKUP_SHAPES = ("bot-*.db", "bot-*.dump")


def rotate_backups(dest_dir: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups in `dest_dir` (by their timestamped names); returns those deleted."""
    found = sorted({p for shape in BACKUP_SHAPES for p in dest_dir.glob(shape)}, key=lambda p: p.name, reverse=True)
    old = found[keep:]
    for path in old:
        path.unlink()
    return old


def restore(db: Database, source: Path) -> None:
    """Replace the database's contents with a backup made by `backup` (SQLite file or pg_dump custom format)."""
    url = make_url(str(db.engine.url.render_as_string(hide_password=False)))
    db.engine.dispose()
    if url.get_backend_name() == "sqlite":
        if source.suffix != ".db":
            raise RuntimeError(f"{source.name} is not a SQLite backup (bot-….db)")
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(url.database or ":memory:")
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
        return
    if source.suffix != ".dump":
        raise RuntimeError(f"{source.name} is not a PostgreSQL backup (bot-….dump from pg_dump)")
    if shutil.which("pg_restore") is None:
        raise RuntimeError("pg_restore is not installed (Debian: apt-get install postgresql-client)")
    libpq_url = url.set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                           f"--dbname={libpq_url}", str(source)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pg_restore: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}")
