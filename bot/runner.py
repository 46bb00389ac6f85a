"""Serving: the configured chat channels (or the console when none is), plus the reminder scheduler."""
from __future__ import annotations

import asyncio
import logging
import signal

from bot.app import App
from bot.channels.console import ConsoleChannel

log = logging.getLogger(__name__)


async def _start_reminders(app: App) -> None:
    try:
        from scheduler.service import ReminderService
    except ModuleNotFoundError as e:
        if e.name != "scheduler.service":
            raise
        return
    app.reminders = ReminderService(app)
    await app.reminders.start()


async def serve(app: App) -> None:
    """Run until stopped: remote channels if configured, else an interactive console chat."""
    app.knowledge.ensure_ready()
    remote = [ch for name, ch in app.channels.items() if name != "console"]
    if not remote:
        console = ConsoleChannel()
        app.channels["console"] = console
        await _start_reminders(app)
        try:
            await console.run(app)
        finally:
            await _stop(app)
        return

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except NotImplementedError:  # pragma: no cover - not on this platform
            pass
    for ch in remote:
        await ch.start(app)
        log.info("channel %s started", ch.name)
    await _start_reminders(app)
    try:
        await stop.wait()
    finally:
        await _stop(app)


async def _stop(app: App) -> None:
    if app.reminders is not None:
        await app.reminders.shutdown()
    for ch in app.channels.values():
        try:
            await ch.stop()
        except Exception:  # keep stopping the others
            log.exception("stopping channel %s failed", ch.name)
