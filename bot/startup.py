"""Start-up of a serving process: the `.env` file, the start-up lines, and waiting for the database and chat services."""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.core.config import Settings
from bot.core.db import Database
from bot.core.logs import one_line
from bot.core.network import MAX_DELAY, PROXY_HINT, PROXY_VARS, backoff, proxy_setting

__all__ = ["MAX_DELAY", "PROXY_HINT", "PROXY_VARS", "backoff", "network_failure", "proxy_setting", "serving_app",
           "start_channel", "wait_for_database"]

if TYPE_CHECKING:
    from bot.app import App
    from bot.core.ports import Channel

log = logging.getLogger(__name__)



def env_file(environ: Mapping[str, str]) -> Path | None:
    """The `.env` to read: ENV_FILE if set, else `.env` in the working directory if it exists."""
    named = environ.get("ENV_FILE", "").strip()
    if named:
        return Path(named).expanduser().resolve()
    here = Path(".env")
    return here.resolve() if here.is_file() else None


def start_lines(settings: Settings, source: Path | None) -> list[str]:
    """What the operator should see first: where the settings, the data and the database are."""
    return [
        f"settings: {source if source else 'environment only (no .env; relative paths from ' + str(Path.cwd()) + ')'}",
        f"data directory: {settings.data_dir}",
        f"database: {settings.database_display()}",
        f"send budget (Telegram's rate limits, shared by the replicas): {send_budget_display(settings)}",
    ]


def send_budget_display(settings: Settings) -> str:
    """Where bot.app.choose_send_budget keeps the send budget, in words."""
    if settings.redis_url:
        return f"Redis {settings.redis_display()}"
    if settings.db_url.startswith("postgresql"):
        return "the database (table send_budget)"
    return "in this process (SQLite: one replica)"


def serving_app(settings: Settings, source: Path | None, **kwargs: Any) -> "App":
    """The App of a long-running process: start-up lines logged, the database waited for, then wired."""
    from bot.app import build_app

    for line in start_lines(settings, source):
        log.info("%s", line)
    db = Database.from_url(settings.db_url, settings.db_timeouts)
    wait_for_database(db)
    db.engine.dispose()
    return build_app(settings, **kwargs)


def wait_for_database(db: Database, *, sleep: Callable[[float], None] = time.sleep,
                      max_attempts: int | None = None) -> int:
    """Block until the database answers (one log line per attempt); returns the attempts it took.

    SQLite is not waited for: a file that cannot be opened will not appear by waiting.
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            with db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except DBAPIError as e:
            if db.dialect == "sqlite" or (max_attempts is not None and attempt >= max_attempts):
                raise
            delay = backoff(attempt)
            log.warning("database %s unreachable (%s); attempt %d, retrying in %.0f s",
                        db.engine.url.render_as_string(hide_password=True), one_line(e.orig or e), attempt, delay)
            sleep(delay)
            continue
        if attempt > 1:
            log.info("database reachable after %d attempts", attempt)
        return attempt


def network_failure(error: BaseException) -> bool:
    """True when `error` (or what caused it) is a connection problem rather than a refusal or a bug."""
    seen: set[int] = set()
    e: BaseException | None = error
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, (httpx.TransportError, OSError, asyncio.TimeoutError)):
            return True
        if type(e).__name__ in ("NetworkError", "TimedOut"):
            return True  # PTB's network errors (not its BadRequest subclass), which may carry no cause
        e = e.__cause__ if e.__cause__ is not None or e.__suppress_context__ else e.__context__
    return False


async def start_channel(channel: "Channel", app: "App", *,
                        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                        max_attempts: int | None = None) -> int:
    """Start a channel, retrying while its service cannot be reached; returns the attempts it took."""
    attempt = 0
    while True:
        attempt += 1
        try:
            await channel.start(app)
        except Exception as e:
            if not network_failure(e) or (max_attempts is not None and attempt >= max_attempts):
                raise
            delay = backoff(attempt)
            app.health.channel_waiting(channel.name, f"không kết nối được ({one_line(e)})")
            log.warning("%s unreachable at start (%s); attempt %d, retrying in %.0f s; %s", channel.name,
                        one_line(e), attempt, delay, PROXY_HINT.format(current=proxy_setting()))
            await sleep(delay)
            continue
        app.health.channel_started(channel.name)
        return attempt

