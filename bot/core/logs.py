"""Logging set-up with every configured secret (and anything shaped like a bot token) redacted."""
from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable
from datetime import datetime, timedelta

_TOKEN_SHAPES = [
    re.compile(r"bot\d{3,}:[A-Za-z0-9_-]{10,}"),  # Telegram token in a URL path
    re.compile(r"\b\d{3,}:[A-Za-z0-9_-]{20,}\b"),  # a bare Telegram/Zalo token
]


def redact(text: str, secrets: list[str]) -> str:
    for s in secrets:
        if s:
            text = text.replace(s, "***")
    for shape in _TOKEN_SHAPES:
        text = shape.sub("***", text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (and traceback) so that no secret reaches a handler."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the formatter
            return True
        record.msg = redact(message, self.secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        return True


LOG_FIELDS = ("channel", "chat", "deadline", "occurrence", "delivery")  # passed as `extra=` by the code


class RedactingJsonFormatter(logging.Formatter):
    """One JSON object per line (time, level, logger, message, the structured fields), redacted once more whole."""

    def __init__(self, secrets: list[str]) -> None:
        from pythonjsonlogger.json import JsonFormatter

        super().__init__()
        self.secrets = [s for s in secrets if s]
        self._json = JsonFormatter("%(levelname)s %(name)s %(message)s", timestamp="time",
                                   rename_fields={"levelname": "level", "name": "logger"}, json_ensure_ascii=False)

    def format(self, record: logging.LogRecord) -> str:
        # Structured values may hold a secret too (a URL, an error text): the whole line is redacted.
        return redact(self._json.format(record), self.secrets)


def setup_logging(level: str, secrets: list[str], *, fmt: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(RedactingJsonFormatter(secrets))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "alembic", "telegram.ext.Updater"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

class OutageLog:
    """Logs a repeating failure once per `every` instead of once per attempt, and once when it ends.

    The first failure of an outage is a warning with a one-line reason (and the traceback when the
    error is not one of `expected`, i.e. probably a bug); while it lasts, one warning per `every`.
    """

    def __init__(self, log: logging.Logger, what: str, now: Callable[[], datetime], *,
                 every: timedelta = timedelta(minutes=1), expected: tuple[type[BaseException], ...] = ()) -> None:
        self.log, self.what, self.now, self.every, self.expected = log, what, now, every, expected
        self.since: datetime | None = None
        self.failures = 0
        self._last_logged: datetime | None = None

    def failed(self, error: BaseException) -> None:
        now = self.now()
        self.failures += 1
        reason = one_line(error)
        if self.since is None:
            self.since = self._last_logged = now
            self.log.warning("%s failed: %s", self.what, reason,
                             exc_info=None if isinstance(error, self.expected) else error)
            return
        assert self._last_logged is not None
        if now - self._last_logged >= self.every:
            self._last_logged = now
            self.log.warning("%s still failing for %d s (%d attempts): %s", self.what,
                             int((now - self.since).total_seconds()), self.failures, reason)

    def ok(self) -> None:
        if self.since is not None:
            self.log.warning("%s works again after %d s (%d failed attempts)", self.what,
                             int((self.now() - self.since).total_seconds()), self.failures)
        self.since, self.failures, self._last_logged = None, 0, None


def one_line(error: BaseException) -> str:
    """`Type: first line of the message`, short enough for one log line."""
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:300]}" if text else type(error).__name__
