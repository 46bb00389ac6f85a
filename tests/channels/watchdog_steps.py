"""The watchdog's life cycle, shared by the per-mode tests: stuck handling, not ready, exit, recovery (clock injected)."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

from bot.app import App
from bot.core.clock import FixedClock
from bot.web.health import readiness

STALLED = "không được xử lý"


class StuckDispatch:
    """Makes the core's handling hang until released (as when PTB's update loop or a handler is stuck).

    Adapters hand messages to `App.submit` (the per-chat queue): what they submit waits for the release."""

    def __init__(self, app: App) -> None:
        self.app, self.release = app, asyncio.Event()
        self._real = app.submit

    def _stuck(self, *a, **kw):  # type: ignore[no-untyped-def]
        return asyncio.ensure_future(self._held(*a, **kw))

    async def _held(self, *a, **kw):  # type: ignore[no-untyped-def]
        await self.release.wait()
        return await self._real(*a, **kw)

    def __enter__(self) -> "StuckDispatch":
        self.app.submit = self._stuck  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.app.submit = self._real  # type: ignore[method-assign]


async def until(cond: Callable[[], bool], what: str, steps: int = 500) -> None:
    """Let the event loop run until `cond` holds (background work of the adapter), a bounded number of turns."""
    for _ in range(steps):
        if cond():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


async def not_ready_then_exit(app: App, clock: FixedClock, pending: int) -> None:
    """With `pending` updates arrived and none processed: ready for 2 minutes, then 503 with the reason, then exit 3."""
    await until(lambda: app.health.pending_updates == pending, f"{pending} update(s) counted as arrived")
    assert not [p for p in await readiness(app) if STALLED in p]
    clock.advance(timedelta(minutes=2, seconds=1))
    problems = [p for p in await readiness(app) if STALLED in p]
    assert problems == [f"{pending} tin đến nhưng không được xử lý trong 121 s"]
    assert app.health.exit_code(clock.now()) is None
    clock.advance(timedelta(minutes=5))
    assert app.health.exit_code(clock.now()) == 3


async def recovers(app: App, stuck: StuckDispatch) -> None:
    stuck.release.set()
    await until(lambda: app.health.pending_updates == 0, "every update processed")
    assert not [p for p in await readiness(app) if STALLED in p]
    assert app.health.exit_code(app.clock.now()) is None
