"""The update watchdog seen from the adapters: an update arrived, an update was processed (bot.core.health)."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


def update_arrived(app: Any) -> None:
    """Count one update taken in for handling (polling or webhook)."""
    health = getattr(app, "health", None)
    if health is not None:
        health.update_arrived(app.clock.now())


def update_processed(app: Any) -> None:
    """Count one update done with, handled or failed."""
    health = getattr(app, "health", None)
    if health is not None:
        health.update_processed(app.clock.now())


class WatchedQueue(asyncio.Queue):  # type: ignore[type-arg]
    """PTB's update queue, counting what polling and the webhook put in (not PTB's own stop signal)."""

    def __init__(self, on_put: Callable[[object], None]) -> None:
        super().__init__()
        self._on_put = on_put

    def put_nowait(self, item: object) -> None:
        super().put_nowait(item)  # `put` ends here too
        try:
            self._on_put(item)
        except Exception:  # counting must never lose an update
            log.exception("update watchdog: counting an arrival failed")


class SafeLogRecords(logging.Filter):
    """Renders a record's message up front, so that an object whose repr blows up (a deeply nested update at
    DEBUG level) gives a placeholder line instead of an exception in the caller: PTB's update loop died of it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.args:
            return True
        try:
            record.msg = record.getMessage()
        except Exception as e:  # RecursionError included
            record.msg = f"{record.msg} (arguments not shown: {type(e).__name__})"
        record.args = ()
        return True


def protect_ptb_logging() -> None:
    """Install SafeLogRecords on the PTB loggers that print whole updates (once)."""
    for name in ("telegram.ext.Application", "telegram.ext.Updater"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, SafeLogRecords) for f in logger.filters):
            logger.addFilter(SafeLogRecords())
