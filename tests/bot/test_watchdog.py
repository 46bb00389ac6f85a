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
