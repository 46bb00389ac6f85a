"""What readiness depends on besides the database: the scheduler's last tick and the channels' start."""
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
        if self.scheduler_running:
            if self.last_tick_at is None:
                out.append("bộ lập lịch nhắc hạn chưa chạy lượt nào")
            elif now - self.last_tick_at > 2 * self.tick_interval:
                late = int((now - self.last_tick_at).total_seconds())
                out.append(f"bộ lập lịch nhắc hạn không chạy từ {late} s (chu kỳ {int(self.tick_interval.total_seconds())} s)")
        return out
