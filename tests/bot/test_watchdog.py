"""The update watchdog: updates arriving but not processed make the process not ready, then ask for an exit."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.core.health import Health

T0 = datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)


def test_flowing_updates_keep_the_process_ready() -> None:
    h = Health()
    for i in range(100):
        h.update_arrived(T0 + timedelta(minutes=i))
        h.update_processed(T0 + timedelta(minutes=i, seconds=1))
    assert h.problems(T0 + timedelta(hours=5)) == []
    assert not h.should_exit(T0 + timedelta(hours=5))


def test_updates_that_stop_being_processed_make_it_not_ready_then_exit() -> None:
    h = Health(stall_after=timedelta(minutes=2), exit_after=timedelta(minutes=7))
    h.update_arrived(T0)
    h.update_processed(T0 + timedelta(seconds=1))
    h.update_arrived(T0 + timedelta(seconds=10))  # from here on nothing is processed
    h.update_arrived(T0 + timedelta(seconds=20))
    assert h.problems(T0 + timedelta(seconds=60)) == []
    [problem] = h.problems(T0 + timedelta(minutes=3))
    assert "2 tin đến nhưng không được xử lý" in problem
    assert not h.should_exit(T0 + timedelta(minutes=6))
    assert h.should_exit(T0 + timedelta(minutes=8))


def test_progress_resets_the_stall_even_with_a_backlog() -> None:
    h = Health(stall_after=timedelta(minutes=2))
    for _ in range(5):
        h.update_arrived(T0)
    h.update_processed(T0 + timedelta(minutes=1, seconds=50))  # slow but moving
    assert h.problems(T0 + timedelta(minutes=3)) == []
    assert h.stalled_for(T0 + timedelta(minutes=3)) == timedelta(minutes=1, seconds=10)


async def test_the_runner_stops_when_the_watchdog_says_exit(app, clock) -> None:
    """The runner's loop sets `stop` (serve() then exits with the code): 3 for stalled updates, 2 for a lost id."""
    import asyncio

    from bot.runner import _watchdog

    stop = asyncio.Event()
    app.health.update_arrived(clock.now())
    clock.advance(timedelta(minutes=8))
    await asyncio.wait_for(_watchdog(app, stop, every=0), 5)
    assert stop.is_set() and app.health.exit_code(clock.now()) == 3
    app.health.update_processed(clock.now())
    app.health.replica_lost("một tiến trình khác đã nhận mã INSTANCE_ID «x»")
    stop = asyncio.Event()
    await asyncio.wait_for(_watchdog(app, stop, every=0), 5)
    assert stop.is_set() and app.health.exit_code(clock.now()) == 2
