"""Waiting for a send's turn in a shared budget, with the in-process budget standing in while the store is down."""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timezone

from bot.core.budget import Grant, SendBudget, Slot
from bot.core.budget.memory import MemoryBudget
from bot.core.logs import OutageLog

log = logging.getLogger(__name__)

RETRY_STORE_AFTER = 10.0  # seconds on the in-process budget before the shared store is tried again


class WaitTooLong(Exception):
    """The budget would make this send wait `wait` seconds, more than the caller waits by itself."""

    def __init__(self, wait: float) -> None:
        super().__init__(f"send budget: next slot in {wait:.1f} s")
        self.wait = wait


class SendPacer:
    """`await pacer.turn(chain, max_wait)` before each send; `await pacer.pause(slot, seconds)` after a 429."""

    def __init__(self, budget: SendBudget, *, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.budget = budget
        self.sleep = sleep
        self.monotonic = monotonic
        self.fallback = budget if isinstance(budget, MemoryBudget) else MemoryBudget(monotonic)
        self._store_down_until = 0.0
        self._outage = OutageLog(log, f"send budget in {budget.name}", lambda: datetime.now(timezone.utc))

    async def turn(self, chain: Sequence[Slot], max_wait: float) -> float:
        """Wait until every slot of `chain` is ours; returns the seconds waited. Raises WaitTooLong."""
        rest = list(chain)
        waited = 0.0
        while rest:
            grant = await self._reserve(rest, max_wait - waited)
            if grant.refused:
                raise WaitTooLong(waited + grant.wait)
            if grant.wait > 0:
                await self.sleep(grant.wait)
                waited += grant.wait
            rest = rest[grant.taken:]
        return waited

    async def pause(self, slot: Slot, seconds: float) -> None:
        """Record a pause on `slot.key` for every replica (and in the fallback, should the store go away)."""
        await self.fallback.pause(slot, seconds)
        if self.fallback is self.budget or self._store_down():
            return
        try:
            await self.budget.pause(slot, seconds)
        except Exception as e:
            self._failed(e)

    async def _reserve(self, chain: Sequence[Slot], max_wait: float) -> Grant:
        if self.fallback is not self.budget and not self._store_down():
            try:
                grant = await self.budget.reserve(chain, max(0.0, max_wait))
            except Exception as e:  # the store is unreachable or failing: pace in-process meanwhile
                self._failed(e)
            else:
                self._outage.ok()
                return grant
        return await self.fallback.reserve(chain, max(0.0, max_wait))

    def _store_down(self) -> bool:
        return self.monotonic() < self._store_down_until

    def _failed(self, error: Exception) -> None:
        self._store_down_until = self.monotonic() + RETRY_STORE_AFTER
        self._outage.failed(error)
