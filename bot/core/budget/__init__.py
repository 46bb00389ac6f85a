"""The send budget port: how fast messages may leave, one budget shared by every replica (GCRA over a store).

A budget is a set of keys, each with a `Rate`: `burst` sends at once, then one per `interval` seconds (the
generic cell rate algorithm: one number per key, its theoretical arrival time `tat`). A send reserves a
*chain* of keys, e.g. its chat's then the bot-wide one, in one call to the store:

- slots are taken in order; a key whose wait would exceed `max_wait` is refused (not taken) and the chain stops;
- a key with a wait is taken and the chain stops after it: the caller waits, then reserves the rest. So the
  bot-wide slot is never booked ahead for a send that still waits for its chat (that would hold up every
  other chat meanwhile).

Three stores implement the port, chosen in `bot.app.build_app`: `memory` (one process), `postgres` (a row per
key, one statement per reservation) and `redis_store` (a Lua script). `SendPacer` is what adapters use.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Rate:
    """`burst` sends at once, then one every `interval` seconds."""

    interval: float
    burst: int = 1

    @classmethod
    def per_second(cls, n: float, burst: int = 1) -> "Rate":
        return cls(1.0 / n, burst)

    @classmethod
    def per_minute(cls, n: float, burst: int = 1) -> "Rate":
        return cls(60.0 / n, burst)

    @property
    def tolerance(self) -> float:
        """GCRA's burst tolerance: how far ahead of its theoretical time a send may go."""
        return self.interval * (self.burst - 1)


def most_in_window(rate: Rate, window: float) -> int:
    """The most sends `rate` lets through in any `window` seconds: the burst, then one per interval."""
    return rate.burst + math.ceil(window / rate.interval - 1e-9) - 1


@dataclass(frozen=True)
class Slot:
    """One key of a reservation chain, with the rate that key is held to."""

    key: str
    rate: Rate


@dataclass(frozen=True)
class Grant:
    """The answer to one reservation: `taken` slots from the chain's start; wait `wait` seconds before sending.

    `refused`: the slot after the taken ones would wait `wait` seconds, more than the caller's `max_wait`."""

    taken: int
    wait: float
    refused: bool = False


class SendBudget(Protocol):
    """A store of send slots; every replica given the same store shares one budget."""

    name: str  # "memory", "postgresql" or "redis": logged at start

    async def reserve(self, chain: Sequence[Slot], max_wait: float) -> Grant:
        """Take slots along `chain` (see the module docstring); one round trip to the store."""
        ...

    async def pause(self, slot: Slot, seconds: float) -> None:
        """No send on `slot.key` for `seconds`, in every replica (a 429's retry_after)."""
        ...

    async def close(self) -> None:
        ...


def gcra(tat: float | None, now: float, rate: Rate, max_wait: float) -> tuple[float | None, float]:
    """One GCRA step: (the key's new tat, or None when refused; the seconds to wait)."""
    base = now if tat is None or tat < now else tat
    wait = max(0.0, base - rate.tolerance - now)
    if wait > max_wait:
        return None, wait
    return base + rate.interval, wait


def paused_tat(tat: float | None, now: float, rate: Rate, seconds: float) -> float:
    """The tat that makes the key's next send conform `seconds` from now, or later if it already did."""
    until = now + seconds + rate.tolerance
    return until if tat is None or tat < until else tat


def grant_of(waits: Sequence[float | None], max_wait: float) -> Grant:
    """The grant for the waits a store computed along a chain (None: the store stopped before that key)."""
    for i, wait in enumerate(waits):
        if wait is None:
            return Grant(i, 0.0)
        if wait > max_wait:
            return Grant(i, wait, refused=True)
        if wait > 0:
            return Grant(i + 1, wait)
    return Grant(len(waits), 0.0)


def run_chain(read: Callable[[str], float | None], write: Callable[[str, float], None], chain: Sequence[Slot],
              now: float, max_wait: float) -> Grant:
    """The chain walked over a key-value map (the in-process store; the SQL and Lua versions do the same)."""
    waits: list[float | None] = []
    for slot in chain:
        new, wait = gcra(read(slot.key), now, slot.rate, max_wait)
        waits.append(wait)
        if new is None:
            break
        write(slot.key, new)
        if wait > 0:
            break
    return grant_of(waits + [None] * (len(chain) - len(waits)), max_wait)
