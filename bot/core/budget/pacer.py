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
MAX_LATE_RETRIES = 3  # slots given up for lateness per send, then it goes anyway


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
        """Wait until every slot of `chain` is ours; returns the seconds waited. Raises WaitTooLong.

        A slot reached later than one interval of its key after its time (the event loop or the store was
        slow) is given up and the key reserved again: sends held up together must not go out as a burst."""
        rest = list(chain)
        started = self.monotonic()
        late_retries = MAX_LATE_RETRIES
        while rest:
            asked = self.monotonic()
            grant = await self._reserve(rest, max_wait - (asked - started))
            if grant.refused:
                raise WaitTooLong(asked - started + grant.wait)
            # The store timed the slot from its own "now", somewhere in the round trip: take the middle of it.
            due = (asked + self.monotonic()) / 2 + grant.wait
            if grant.wait > 0:
                await self.sleep(max(0.0, due - self.monotonic()))
            last = rest[grant.taken - 1]
            if self.monotonic() - due > last.rate.interval and late_retries > 0:
                late_retries -= 1
                rest = rest[grant.taken - 1:]  # that slot has passed: take a new one
                continue
            rest = rest[grant.taken:]
        return self.monotonic() - started

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
