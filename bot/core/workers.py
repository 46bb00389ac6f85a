"""Database work off the event loop: a bounded pool of threads, each with an event loop of its own.

The rule everywhere: database calls go through `DbWorkers.call` (inline when already on a worker thread, else
in the pool), chat I/O goes through `on_loop` (inline on the serving loop, else handed back to it). Work on the
serving loop never waits for a worker, so a pool full of handlers waiting on a send cannot deadlock.
"""
from __future__ import annotations

import asyncio
import contextvars
import queue
import threading
import weakref
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import Future
from typing import Any, ParamSpec, TypeVar

T = TypeVar("T")
P = ParamSpec("P")

# The loop that serves the channels (where chat SDK clients live), as seen by code on a worker thread.
_home: contextvars.ContextVar[asyncio.AbstractEventLoop | None] = contextvars.ContextVar("home_loop", default=None)
_local = threading.local()  # .pool: the DbWorkers this thread belongs to; .loop: the thread's own event loop


class DbWorkers:
    """`size` threads that do the database work; the connection pool is sized to match (bot.core.db).

    Daemon threads, started on first use: a call stuck on a hung database never holds up the process's exit."""

    def __init__(self, size: int = 8, name: str = "db") -> None:
        self.size = size
        self._name = name
        self._jobs: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]] | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._guard = threading.Lock()
        self._closed = False
        # A pool dropped without shutdown() (tests build many) still ends its threads: they hold it only weakly.
        self._finalizer = weakref.finalize(self, _stop, self._jobs, self._threads)

    def _submit(self, fn: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        with self._guard:
            if self._closed:
                raise RuntimeError("the database workers are shut down")
            if len(self._threads) < self.size:  # one more thread, until there are `size` of them
                thread = threading.Thread(target=_serve, args=(weakref.ref(self), self._jobs),
                                          name=f"{self._name}-worker-{len(self._threads)}", daemon=True)
                self._threads.append(thread)
                thread.start()
        self._jobs.put((fn, future))
        return future

    def here(self) -> bool:
        """Whether the caller runs on one of this pool's threads."""
        ref = getattr(_local, "pool", None)
        return ref is not None and ref() is self

    async def call(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`fn(*args)` on a worker thread (at once when already on one); the caller's loop stays free."""
        if self.here():
            return fn(*args, **kwargs)
        ctx = contextvars.copy_context()
        return await asyncio.wrap_future(self._submit(lambda: ctx.run(fn, *args, **kwargs)))

    async def run(self, fn: Callable[P, Coroutine[Any, Any, T]], *args: P.args, **kwargs: P.kwargs) -> T:
        """Await `fn(*args)` on a worker thread's own loop; `on_loop` inside it reaches the caller's loop."""
        if self.here():
            return await fn(*args, **kwargs)
        home = asyncio.get_running_loop()
        ctx = contextvars.copy_context()

        def work() -> T:
            _home.set(home)
            loop: asyncio.AbstractEventLoop | None = getattr(_local, "loop", None)
            if loop is None:
                loop = _local.loop = asyncio.new_event_loop()
            return loop.run_until_complete(fn(*args, **kwargs))

        return await asyncio.wrap_future(self._submit(lambda: ctx.run(work)))

    def shutdown(self) -> None:
        """No new work; each thread ends after the call it is in (waiting jobs are still done first)."""
        with self._guard:
            if self._closed:
                return
            self._closed = True
        self._finalizer()


def _stop(jobs: "queue.SimpleQueue[Any]", threads: list[threading.Thread]) -> None:
    for _ in threads:
        jobs.put(None)


def _serve(pool: "weakref.ref[DbWorkers]", jobs: "queue.SimpleQueue[Any]") -> None:
    """One worker thread: runs jobs until told to stop; its event loop (made on first `run`) closed at the end."""
    _local.pool = pool
    try:
        while (job := jobs.get()) is not None:
            fn, future = job
            del job
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn())
                except BaseException as e:  # noqa: BLE001 - handed to the caller
                    future.set_exception(e)
            del fn, future
    finally:
        loop = getattr(_local, "loop", None)
        if loop is not None:
            loop.close()

async def on_loop(work: Awaitable[T]) -> T:
    """Await `work` on the serving loop: at once when already there, else handed to it and waited for."""
    home = _home.get()
    if home is None or home is asyncio.get_running_loop():
        return await work
    if home.is_closed() or not home.is_running():  # the serving loop has stopped: nobody would run `work`
        if asyncio.iscoroutine(work):
            work.close()
        raise RuntimeError("the serving event loop is no longer running")
    future = asyncio.run_coroutine_threadsafe(_awaited(work), home)
    return await asyncio.wrap_future(future)


async def _awaited(work: Awaitable[T]) -> T:
    return await work
