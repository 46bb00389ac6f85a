"""Database work off the event loop: a bounded pool of threads, each with an event loop of its own.

The rule everywhere: database calls go through `DbWorkers.call` (inline when already on a worker thread, else
in the pool), chat I/O goes through `on_loop` (inline on the serving loop, else handed back to it). Work on the
serving loop never waits for a worker, so a pool full of handlers waiting on a send cannot deadlock.
"""
from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

T = TypeVar("T")
P = ParamSpec("P")

# The loop that serves the channels (where chat SDK clients live), as seen by code on a worker thread.
_home: contextvars.ContextVar[asyncio.AbstractEventLoop | None] = contextvars.ContextVar("home_loop", default=None)
_local = threading.local()  # .pool: the DbWorkers this thread belongs to; .loop: the thread's own event loop


class DbWorkers:
    """`size` threads that do the database work; the connection pool is sized to match (bot.core.db)."""

    def __init__(self, size: int = 8, name: str = "db") -> None:
        self.size = size
        self._name = name
        self._pool: ThreadPoolExecutor | None = None
        self._guard = threading.Lock()

    def _executor(self) -> ThreadPoolExecutor:
        with self._guard:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.size, thread_name_prefix=f"{self._name}-worker",
                                                initializer=self._enter)
            return self._pool

    def _enter(self) -> None:
        _local.pool = self
        _local.loop = asyncio.new_event_loop()

    def here(self) -> bool:
        """Whether the caller runs on one of this pool's threads."""
        return getattr(_local, "pool", None) is self

    async def call(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`fn(*args)` on a worker thread (at once when already on one); the caller's loop stays free."""
        if self.here():
            return fn(*args, **kwargs)
        loop = asyncio.get_running_loop()
        ctx = contextvars.copy_context()
        return await loop.run_in_executor(self._executor(), lambda: ctx.run(fn, *args, **kwargs))

    async def run(self, fn: Callable[P, Coroutine[Any, Any, T]], *args: P.args, **kwargs: P.kwargs) -> T:
        """Await `fn(*args)` on a worker thread's own loop; `on_loop` inside it reaches the caller's loop."""
        if self.here():
            return await fn(*args, **kwargs)
        home = asyncio.get_running_loop()
        ctx = contextvars.copy_context()

        def work() -> T:
            _home.set(home)
            loop: asyncio.AbstractEventLoop = _local.loop
            return loop.run_until_complete(fn(*args, **kwargs))

        return await home.run_in_executor(self._executor(), lambda: ctx.run(work))

    def shutdown(self) -> None:
        with self._guard:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


async def on_loop(work: Awaitable[T]) -> T:
    """Await `work` on the serving loop: at once when already there, else handed to it and waited for."""
    home = _home.get()
    if home is None or home is asyncio.get_running_loop() or home.is_closed():
        return await work
    future = asyncio.run_coroutine_threadsafe(_awaited(work), home)
    return await asyncio.wrap_future(future)


async def _awaited(work: Awaitable[T]) -> T:
    return await work
