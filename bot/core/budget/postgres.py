"""The send budget in PostgreSQL: one row per key (its GCRA tat), a whole chain reserved in one statement.

Every replica on the database shares it. Time is the server's (`clock_timestamp()`), so replicas on hosts
whose clocks differ still agree; tests pass their own clock. The statement runs in autocommit on the
application's engine (one statement per reservation, besides the pool's pre-ping), in a worker thread so the
event loop never waits for the database.
"""
from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Sequence
from functools import lru_cache

from sqlalchemy import Engine, Float, String, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.budget import Grant, Slot, grant_of
from bot.core.db import Base

PRUNE_EVERY = 3600.0  # seconds between deletions of keys idle for an hour (an idle key is the same as none)


class SendBudgetRow(Base):
    __tablename__ = "send_budget"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    tat: Mapped[float] = mapped_column(Float(precision=53))  # seconds since the epoch, on the server's clock
    wait: Mapped[float] = mapped_column(Float(precision=53), default=0.0)  # of the last reservation


_NOW = ("t AS MATERIALIZED (SELECT COALESCE(CAST(:now AS double precision), "
        "extract(epoch from clock_timestamp())::double precision) AS now)")


def _upsert(i: int, source: str) -> str:
    """Key i of the chain: a new key takes its first slot at once; an existing one follows GCRA (refused: unchanged)."""
    wait = f"GREATEST(b.tat - :tol{i} - (SELECT now FROM t), 0)"
    return (f"k{i} AS (INSERT INTO send_budget AS b (key, tat, wait) SELECT :key{i}, t.now + :interval{i}, 0 {source} "
            f"ON CONFLICT (key) DO UPDATE SET wait = {wait}, "
            f"tat = CASE WHEN {wait} <= :max_wait THEN GREATEST(b.tat, (SELECT now FROM t)) + :interval{i} "
            f"ELSE b.tat END RETURNING wait)")


@lru_cache(maxsize=8)
def chain_sql(n: int) -> str:
    """One statement for a chain of `n` keys: key i+1 is only reserved when key i needed no wait."""
    parts = [_NOW] + [_upsert(i, "FROM t" if i == 0 else f"FROM t, k{i - 1} WHERE k{i - 1}.wait = 0")
                      for i in range(n)]
    return "WITH " + ", ".join(parts) + " SELECT " + ", ".join(f"(SELECT wait FROM k{i})" for i in range(n))


PAUSE_SQL = (f"WITH {_NOW} INSERT INTO send_budget AS b (key, tat, wait) "
             "SELECT :key, t.now + :seconds + :tol, 0 FROM t "
             "ON CONFLICT (key) DO UPDATE SET tat = GREATEST(b.tat, (SELECT now FROM t) + :seconds + :tol)")
PRUNE_SQL = (f"WITH {_NOW} DELETE FROM send_budget WHERE tat < (SELECT now FROM t) - :idle")


class PostgresBudget:
    name = "postgresql"

    def __init__(self, engine: Engine, *, clock: Callable[[], float] | None = None) -> None:
        """`clock`: seconds on a shared time line (tests); None takes the database server's clock."""
        self.engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.clock = clock
        self._pruned = time.monotonic()
        self._prune_lock = threading.Lock()

    async def reserve(self, chain: Sequence[Slot], max_wait: float) -> Grant:
        return await asyncio.to_thread(self.reserve_now, chain, max_wait)

    def reserve_now(self, chain: Sequence[Slot], max_wait: float) -> Grant:
        params: dict[str, object] = {"now": self._now(), "max_wait": max_wait}
        for i, slot in enumerate(chain):
            params.update({f"key{i}": slot.key, f"interval{i}": slot.rate.interval, f"tol{i}": slot.rate.tolerance})
        with self.engine.connect() as conn:
            row = conn.execute(text(chain_sql(len(chain))), params).one()
            self._maybe_prune(conn)
        return grant_of([None if w is None else float(w) for w in row], max_wait)

    async def pause(self, slot: Slot, seconds: float) -> None:
        def run() -> None:
            with self.engine.connect() as conn:
                conn.execute(text(PAUSE_SQL), {"now": self._now(), "key": slot.key, "seconds": seconds,
                                               "tol": slot.rate.tolerance})

        await asyncio.to_thread(run)

    async def close(self) -> None:
        return None  # the engine is the application's

    def _now(self) -> float | None:
        return self.clock() if self.clock is not None else None

    def _maybe_prune(self, conn) -> None:  # type: ignore[no-untyped-def]
        if time.monotonic() - self._pruned < PRUNE_EVERY or not self._prune_lock.acquire(blocking=False):
            return
        try:
            self._pruned = time.monotonic()
            conn.execute(text(PRUNE_SQL), {"now": self._now(), "idle": PRUNE_EVERY})
        finally:
            self._prune_lock.release()
