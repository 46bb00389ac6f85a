"""Serving: the configured chat channels (or the console when none is), the reminder scheduler and the web app."""
from __future__ import annotations

import asyncio
import logging
import signal
import time

from bot.app import App
from bot.core import replicas
from bot.channels.console import ConsoleChannel
from bot.startup import start_channel

log = logging.getLogger(__name__)


def instance_identity(app: App) -> replicas.Identity:
    """INSTANCE_ID, else the stable default for this host, data directory and database."""
    s = app.settings
    return replicas.Identity(s.instance_id or replicas.default_instance_id(s.data_dir, s.db_url))


async def claim_identity(app: App) -> replicas.Identity:
    """Register this process under its instance id (in a thread: it may watch another's heartbeat a few seconds).

    Raises ReplicaConflict when another live process holds the id.
    """
    me = instance_identity(app)
    await asyncio.to_thread(replicas.register, app.db, me, app.clock.now, sleep=time.sleep)
    log.info("instance id: %s", me.instance_id)
    return me


async def _start_reminders(app: App, identity: replicas.Identity | None = None) -> None:
    try:
        from scheduler.service import ReminderService
    except ModuleNotFoundError as e:
        if e.name != "scheduler.service":
            raise
        return
    app.reminders = ReminderService(app, identity=identity)
    await app.reminders.start()


async def _start_web(app: App):  # type: ignore[no-untyped-def]
    """The health/metrics server when WEB_LISTEN is set (started first: it answers while channels wait)."""
    if not app.settings.web_listen:
        return None
    from bot.web.app import create_app
    from bot.web.server import WebServer

    web = WebServer(create_app(app), app.settings.web_listen)
    await web.start()
    return web


async def serve(app: App) -> None:
    """Run until stopped: remote channels if configured, else an interactive console chat."""
    identity = await claim_identity(app)  # before anything starts: a second live replica of this id stops here
    app.knowledge.ensure_ready()
    remote = [ch for name, ch in app.channels.items() if name != "console"]
    web = await _start_web(app)
    if not remote:
        console = ConsoleChannel(files_dir=app.settings.data_dir / "console-files")
        app.channels["console"] = console
        app.health.channel_started(console.name)
        await _start_reminders(app, identity)
        try:
            await console.run(app)
        finally:
            await _stop(app, web)
        return

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except NotImplementedError:  # pragma: no cover - not on this platform
            pass
    for ch in remote:
        app.health.channel_waiting(ch.name, "đang khởi động")
    try:
        for ch in remote:
            starting = asyncio.create_task(start_channel(ch, app))
            stopping = asyncio.create_task(stop.wait())
            await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if not starting.done():  # stopped while still waiting for the service
                starting.cancel()
                return
            stopping.cancel()
            starting.result()
            log.info("channel %s started", ch.name)
        await _start_reminders(app, identity)
        watchdog = asyncio.create_task(_watchdog(app, stop), name="update-watchdog")
        await stop.wait()
        watchdog.cancel()
    finally:
        await _stop(app, web)
    code = app.health.exit_code(app.clock.now())
    if code is not None:
        raise SystemExit(code)


async def _watchdog(app: App, stop: asyncio.Event, every: float = 10.0) -> None:
    """Stop the process (exit code 3, for the supervisor to restart it) when updates arrive but none is processed."""
    while not stop.is_set():
        await asyncio.sleep(every)
        code = app.health.exit_code(app.clock.now())
        if code == 2:
            log.error("%s", app.health.replica_problem)
            stop.set()
        elif code is not None:
            log.error("updates arrive but none was processed for %d s: exiting for a restart",
                      int(app.health.stalled_for(app.clock.now()).total_seconds()))
            stop.set()


async def _stop(app: App, web) -> None:  # type: ignore[no-untyped-def]
    if app.reminders is not None:
        await app.reminders.shutdown()
    for ch in app.channels.values():
        try:
            await ch.stop()
        except Exception:  # keep stopping the others
            log.exception("stopping channel %s failed", ch.name)
    if web is not None:
        await web.stop()
