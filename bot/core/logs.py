"""Logging set-up with every configured secret (and anything shaped like a bot token) redacted."""
from __future__ import annotations

import logging
import re
import sys

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


def setup_logging(level: str, secrets: list[str]) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "alembic", "telegram.ext.Updater"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
