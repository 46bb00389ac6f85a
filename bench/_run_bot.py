"""`python -m bot run` for the bench scripts, with the engine's tick and lease shortened from the environment.

BENCH_TICK_SECONDS (production: 30) and BENCH_LEASE_SECONDS (production: 600) only make a fault run
finish in about a minute instead of ten; BENCH_HEARTBEAT_SECONDS (10) and BENCH_STALE_SECONDS (60) do the same
for the replica heartbeat. BENCH_SEND_BUDGET=memory gives the process an in-process send budget
(load.py --per-process: how replicas paced before they shared one). Nothing else differs from the real entry point.
"""
from __future__ import annotations

import logging
import os
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import scheduler.service as service  # noqa: E402
from bot.cli import main  # noqa: E402
from bot.core import replicas  # noqa: E402

if "BENCH_TICK_SECONDS" in os.environ:
    service.TICK_SECONDS = float(os.environ["BENCH_TICK_SECONDS"])
if "BENCH_LEASE_SECONDS" in os.environ:
    service.LEASE = timedelta(seconds=float(os.environ["BENCH_LEASE_SECONDS"]))
if "BENCH_HEARTBEAT_SECONDS" in os.environ:
    replicas.HEARTBEAT_EVERY = timedelta(seconds=float(os.environ["BENCH_HEARTBEAT_SECONDS"]))
if "BENCH_STALE_SECONDS" in os.environ:
    replicas.STALE_AFTER = timedelta(seconds=float(os.environ["BENCH_STALE_SECONDS"]))

if os.environ.get("BENCH_SEND_BUDGET") == "memory":  # load.py --per-process: how replicas paced before
    import bot.app
    from bot.core.budget.memory import MemoryBudget

    bot.app.choose_send_budget = lambda settings, db: MemoryBudget()  # type: ignore[assignment]

_start = service.ReminderService.start


async def _start_and_say_so(self: service.ReminderService) -> None:
    await _start(self)
    logging.getLogger("bench").warning("%s", READY)


READY = "bench: reminder service started"
service.ReminderService.start = _start_and_say_so  # type: ignore[method-assign]

sys.exit(main(["run"]))
