"""Prometheus metrics of one application, in its own registry, recorded by the scheduler, handlers and adapters."""
from __future__ import annotations

from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from bot.core.ports import ChatMoved, ChatUnreachable, SendError, TransientSendError

QUESTION_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
TICK_BUCKETS = (0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 30.0, 60.0)


def error_kind(error: BaseException) -> str:
    """A short, stable label for a failed send (the port's error classes, or 'error' for anything else)."""
    if isinstance(error, ChatMoved):
        return "moved"
    if isinstance(error, ChatUnreachable):
        return "unreachable"
    if isinstance(error, TransientSendError):
        return "rate_limited" if error.retry_after is not None else "transient"
    if isinstance(error, SendError):
        return "refused"
    return "error"


class Metrics:
    """Counters, gauges and histograms of one App; a registry per App keeps tests and replicas apart."""

    def __init__(self) -> None:
        r = self.registry = CollectorRegistry(auto_describe=True)
        self.reminders_planned = Gauge("cchc_reminders_planned", "Reminders planned and not yet sent", registry=r)
        self.reminders_sent = Counter("cchc_reminders_sent", "Reminders sent", ["channel"], registry=r)
        self.reminders_failed = Counter("cchc_reminders_failed", "Reminders whose chat could not be reached",
                                        ["channel"], registry=r)
        self.reminders_late = Counter("cchc_reminders_late", "Reminders sent late (after downtime)", ["channel"],
                                      registry=r)
        self.reminders_escalated = Counter("cchc_reminders_escalated",
                                           "Overdue notices sent to admins (units that did not confirm)", registry=r)
        self.confirmations = Counter("cchc_confirmations", "Units confirming a period as submitted", ["channel"],
                                     registry=r)
        self.questions = Counter("cchc_questions", "Questions asked, by outcome (answered or declined)",
                                 ["outcome"], registry=r)
        self.question_seconds = Histogram("cchc_question_seconds", "Time to answer one question",
                                          buckets=QUESTION_BUCKETS, registry=r)
        self.messages_dropped = Counter("cchc_messages_dropped",
                                        "Incoming messages dropped because their chat's queue was over CHAT_QUEUE_LIMIT",
                                        ["channel"], registry=r)
        self.send_errors = Counter("cchc_channel_send_errors", "Failed sends by channel and kind",
                                   ["channel", "kind"], registry=r)
        self.tick_seconds = Histogram("cchc_scheduler_tick_seconds", "Duration of one scheduler tick",
                                      buckets=TICK_BUCKETS, registry=r)
        self.tick_failures = Counter("cchc_scheduler_tick_failures", "Scheduler ticks that failed", registry=r)
        self.last_tick = Gauge("cchc_scheduler_last_tick_timestamp_seconds",
                               "Unix time of the last successful scheduler tick", registry=r)

    def planned(self, pending: int) -> None:
        self.reminders_planned.set(pending)

    def reminder_sent(self, channel: str, *, late: bool) -> None:
        self.reminders_sent.labels(channel).inc()
        if late:
            self.reminders_late.labels(channel).inc()

    def reminder_failed(self, channel: str) -> None:
        self.reminders_failed.labels(channel).inc()

    def escalated(self, notices: int) -> None:
        self.reminders_escalated.inc(notices)

    def confirmed(self, channel: str, units: int = 1) -> None:
        self.confirmations.labels(channel).inc(units)

    def question(self, *, answered: bool, seconds: float) -> None:
        self.questions.labels("answered" if answered else "declined").inc()
        self.question_seconds.observe(seconds)

    def message_dropped(self, channel: str) -> None:
        self.messages_dropped.labels(channel).inc()

    def send_error(self, channel: str, error: BaseException) -> None:
        self.send_errors.labels(channel, error_kind(error)).inc()

    def tick(self, seconds: float, *, ok: bool) -> None:
        self.tick_seconds.observe(seconds)
        if not ok:
            self.tick_failures.inc()

    def ticked_at(self, when: datetime) -> None:
        self.last_tick.set(when.timestamp())

    def exposition(self) -> tuple[bytes, str]:
        """The registry in Prometheus' text format, and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
