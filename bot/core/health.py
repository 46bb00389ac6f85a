"""What readiness depends on besides the database: the scheduler's last tick, the channels' start, updates flowing."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass
class Health:
    """Recorded by the scheduler and the runner; read by /readyz. Pure in `now`."""

    tick_interval: timedelta = timedelta(seconds=30)
    scheduler_running: bool = False
    last_tick_at: datetime | None = None
    channels: dict[str, str] = field(default_factory=dict)  # name -> "" when started, else why not
    # The update watchdog: updates that arrived and were not processed yet, and since when none was processed.
    stall_after: timedelta = timedelta(minutes=2)  # then not ready
    exit_after: timedelta = timedelta(minutes=7)  # then the process exits non-zero for its supervisor to restart it
    pending_updates: int = 0
    waiting_since: datetime | None = None  # the first unanswered arrival after the last processed update
    replica_problem: str = ""  # another process took this replica's instance id: exit (code 2)

    def update_arrived(self, now: datetime) -> None:
        if self.pending_updates == 0:
            self.waiting_since = now
        self.pending_updates += 1

    def update_processed(self, now: datetime) -> None:
        self.pending_updates = max(0, self.pending_updates - 1)
        self.waiting_since = now if self.pending_updates else None

    def stalled_for(self, now: datetime) -> timedelta:
        """How long updates have been waiting with none processed (zero when they flow)."""
        if not self.pending_updates or self.waiting_since is None:
            return timedelta(0)
        return max(timedelta(0), now - self.waiting_since)

    def should_exit(self, now: datetime) -> bool:
        return self.exit_code(now) is not None

    def exit_code(self, now: datetime) -> int | None:
        """Why the process should stop for its supervisor: 2 (its instance id was taken), 3 (updates stalled)."""
        if self.replica_problem:
            return 2
        if self.stalled_for(now) > self.exit_after:
            return 3
        return None

    def replica_lost(self, problem: str) -> None:
        self.replica_problem = problem

    def scheduler_started(self, interval: timedelta) -> None:
        self.scheduler_running, self.tick_interval = True, interval

    def scheduler_stopped(self) -> None:
        self.scheduler_running = False

    def ticked(self, when: datetime) -> None:
        self.last_tick_at = when

    def channel_waiting(self, name: str, reason: str) -> None:
        self.channels[name] = reason or "đang khởi động"

    def channel_started(self, name: str) -> None:
        self.channels[name] = ""

    def problems(self, now: datetime) -> list[str]:
        """Why this process is not ready (empty when it is), the database aside."""
        out = [f"kênh {name} chưa chạy: {why}" for name, why in sorted(self.channels.items()) if why]
        if self.replica_problem:
            out.append(self.replica_problem)
        stalled = self.stalled_for(now)
        if stalled > self.stall_after:
            out.append(f"{self.pending_updates} tin đến nhưng không được xử lý trong {int(stalled.total_seconds())} s")
        if self.scheduler_running:
            if self.last_tick_at is None:
                out.append("bộ lập lịch nhắc hạn chưa chạy lượt nào")
            elif now - self.last_tick_at > 2 * self.tick_interval:
                late = int((now - self.last_tick_at).total_seconds())
                out.append(f"bộ lập lịch nhắc hạn không chạy từ {late} s (chu kỳ {int(self.tick_interval.total_seconds())} s)")
        return out
