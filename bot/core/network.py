"""Reaching the chat services: the backoff between attempts and the proxy hint logged while one is unreachable."""
from __future__ import annotations

import os
from collections.abc import Mapping

import httpx

MAX_DELAY = 60.0  # during an outage, at most one attempt (and one log line) per minute
PROXY_VARS = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")
PROXY_HINT = ("if this server reaches the Internet only through a proxy, set HTTPS_PROXY=http://proxy:port "
              "(and NO_PROXY=127.0.0.1,localhost) in .env or the environment; now {current}")


def backoff(attempt: int, first: float = 1.0, cap: float = MAX_DELAY) -> float:
    """1, 2, 4, … seconds, at most `cap`."""
    return min(cap, first * 2 ** max(0, attempt - 1))


def proxy_setting(environ: Mapping[str, str] | None = None) -> str:
    """The proxy variables in force, credentials hidden."""
    env = os.environ if environ is None else environ
    found = [f"{k}={_hide_credentials(env[k])}" for k in PROXY_VARS if env.get(k)]
    return ", ".join(found) if found else "no proxy variable is set"


def proxy_hint() -> str:
    """The hint for an operator whose server may reach the Internet only through a proxy, with the current setting."""
    return PROXY_HINT.format(current=proxy_setting())


def _hide_credentials(url: str) -> str:
    try:
        u = httpx.URL(url)
    except Exception:  # not a URL: show nothing of it
        return "***"
    return str(u.copy_with(username="***", password=None)) if u.userinfo else url
