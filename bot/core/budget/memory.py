"""The in-process send budget: one replica (SQLite), or the fallback while the shared store is unreachable."""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from bot.core.budget import Grant, Slot, paused_tat, run_chain

PRUNE_AT = 10_000  # keys kept before idle ones are forgotten


class MemoryBudget:
    name = "memory"

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._tat: dict[str, float] = {}

    async def reserve(self, chain: Sequence[Slot], max_wait: float) -> Grant:
        return self.reserve_now(chain, max_wait)

    def reserve_now(self, chain: Sequence[Slot], max_wait: float) -> Grant:
        now = self.clock()
        if len(self._tat) > PRUNE_AT:
            self._tat = {k: t for k, t in self._tat.items() if t > now}  # an idle key is the same as a new one
        return run_chain(self._tat.get, self._tat.__setitem__, chain, now, max_wait)

    async def pause(self, slot: Slot, seconds: float) -> None:
        self._tat[slot.key] = paused_tat(self._tat.get(slot.key), self.clock(), slot.rate, seconds)

    async def close(self) -> None:
        return None
