"""The reminder tick's send queue: several chats at once, each chat's messages one after another in order."""
from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Iterable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


class ChatLanes(Generic[K, T]):
    """Work per chat key: FIFO within a key, never two items of one key taken at the same time.

    Everything runs on one event loop. `take` waits while every key with work left is busy; it returns None
    once nothing is left and nothing is in flight (work in flight may still `add` more), or after `close`."""

    def __init__(self, work: Iterable[tuple[K, T]] = ()) -> None:
        self._todo: dict[K, deque[T]] = {}
        self._busy: set[K] = set()
        self._closed = False
        self._changed = asyncio.Event()
        for key, item in work:
            self.add(key, item)

    def add(self, key: K, item: T) -> None:
        self._todo.setdefault(key, deque()).append(item)
        self._changed.set()

    def close(self) -> None:
        """Hand out nothing more (what is in flight finishes)."""
        self._closed = True
        self._changed.set()

    async def take(self) -> tuple[K, T] | None:
        while not self._closed:
            for key, queue in self._todo.items():  # at most `busy` keys are skipped before a free one
                if key not in self._busy:
                    item = queue.popleft()
                    if not queue:
                        del self._todo[key]
                    self._busy.add(key)
                    return key, item
            if not self._busy:
                return None
            self._changed.clear()
            await self._changed.wait()
        return None

    def done(self, key: K) -> None:
        self._busy.discard(key)
        self._changed.set()


async def run_lanes(lanes: ChatLanes[K, T], limit: int, handle: Callable[[K, T], Awaitable[int]]) -> int:
    """Drain `lanes` with at most `limit` calls of `handle` at once; the sum of what they return.

    An exception in one call stops handing out work: the calls in flight finish (their sends are recorded),
    then the first exception is raised. A BaseException (the process dying, a cancellation) cancels the rest."""
    errors: list[Exception] = []

    async def lane() -> int:
        total = 0
        while (got := await lanes.take()) is not None:
            key, item = got
            try:
                total += await handle(key, item)
            except Exception as e:  # noqa: BLE001 - raised below, once the others have finished
                errors.append(e)
                lanes.close()
            finally:
                lanes.done(key)
        return total

    tasks = [asyncio.ensure_future(lane()) for _ in range(max(1, limit))]
    try:
        totals = await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        raise
    if errors:
        raise errors[0]
    return sum(totals)
