"""Secrets never reach a log line, whatever logs them (messages, arguments, tracebacks, URLs)."""
from __future__ import annotations

import io
import logging

from bot.core.logs import RedactingFilter, redact

TOKEN = "123456789:AAHk-secretSECRETsecret_0123456789"
ZALO = "zalo-secret-token-xyz"


def _logger(stream: io.StringIO) -> logging.Logger:
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter([TOKEN, ZALO]))
    logger = logging.getLogger("test.redaction")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger


def test_secret_in_message_args_and_traceback_is_redacted():
    out = io.StringIO()
    log = _logger(out)
    log.info("POST https://api.telegram.org/bot%s/sendMessage", TOKEN)
    log.warning("zalo token %s failed", ZALO)
    try:
        raise RuntimeError(f"bad url https://bot-api.zaloplatforms.com/bot{ZALO}/getMe")
    except RuntimeError:
        log.exception("request failed")
    text = out.getvalue()
    assert TOKEN not in text and ZALO not in text
    assert text.count("***") >= 3


def test_token_shapes_are_redacted_even_when_not_configured():
    assert "AAHk" not in redact(f"https://example/bot{TOKEN}/getMe", [])
    assert redact("Số: 7946/UBND-NCPC ngày 25/11/2021", []) == "Số: 7946/UBND-NCPC ngày 25/11/2021"
