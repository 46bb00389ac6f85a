"""Telegram updates handled concurrently (bounded), one chat's in arrival order; group-admin answers cached."""
from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """At most `max_concurrent_updates` updates at once, and one at a time per chat, in the order they came.

    The chat's turn is taken *before* a slot: updates queued behind a chat that waits (a group over its
    20-messages-per-minute budget) hold no slot, so other chats go on being answered.
    """

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._turns: dict[object, asyncio.Lock] = {}
        self._waiting: dict[object, int] = {}

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        if key is None:
            await super().process_update(update, coroutine)
            return
        turn = self._turns.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with turn:  # asyncio.Lock wakes its waiters first come, first served
                await super().process_update(update, coroutine)
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key], self._turns[key]

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await coroutine

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


def _chat_key(update: object) -> object | None:
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


class TtlCache:
    """Answers remembered for `ttl` seconds (monotonic time), at most `size` of them."""

    def __init__(self, ttl: float, size: int = 5000, now: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.size, self._now = ttl, size, now
        self._items: dict[object, tuple[float, Any]] = {}

    def get(self, key: object) -> Any | None:
        found = self._items.get(key)
        if found is None:
            return None
        if found[0] <= self._now():
            del self._items[key]
            return None
        return found[1]

    def put(self, key: object, value: Any) -> None:
        if len(self._items) >= self.size:
            now = self._now()
            self._items = {k: v for k, v in self._items.items() if v[0] > now}
            if len(self._items) >= self.size:
                self._items.pop(next(iter(self._items)))
        self._items[key] = (self._now() + self.ttl, value)

    def clear(self) -> None:
        self._items.clear()
