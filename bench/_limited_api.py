"""The counting fake Bot API with Telegram's flood limits enforced: 30 sendMessage in any second for the bot,
20 in any minute per group, and a 429 answered as the Bot API documents it.

A refused call gets HTTP 429 with `{"ok": false, "error_code": 429, "description": "Too Many Requests: retry
after N", "parameters": {"retry_after": N}}`, N the whole seconds until the window has room again.
"""
from __future__ import annotations

import math
import time
from collections import deque

from bench._harness import CountingApi

BOT_PER_SECOND = 30
GROUP_PER_MINUTE = 20


class RateLimitedApi(CountingApi):
    def __init__(self, **kw) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kw)
        self.accepted: deque[float] = deque()  # sendMessage times within the last second
        self.per_group: dict[str, deque[float]] = {}
        self.refused = 0
        self.refused_at: list[float] = []  # seconds after the first accepted message
        self.first: float | None = None
        self.last: float | None = None

    def answer(self, method: str, params: dict) -> tuple[int, dict]:  # type: ignore[type-arg]
        if method == "sendMessage":
            with self.lock:
                wait = self._admit(str(params.get("chat_id")), time.monotonic())
                if wait is not None:
                    self.refused += 1
                    self.refused_at.append(time.monotonic() - (self.first or time.monotonic()))
                    seconds = max(1, math.ceil(wait))
                    return 429, {"ok": False, "error_code": 429,
                                 "description": f"Too Many Requests: retry after {seconds}",
                                 "parameters": {"retry_after": seconds}}
        return super().answer(method, params)

    def _admit(self, chat: str, now: float) -> float | None:
        """None when the message may go (and it is counted), else the seconds until it may."""
        while self.accepted and self.accepted[0] <= now - 1.0:
            self.accepted.popleft()
        if len(self.accepted) >= BOT_PER_SECOND:
            return self.accepted[0] + 1.0 - now
        group = self.per_group.setdefault(chat, deque()) if chat.startswith("-") else None
        if group is not None:
            while group and group[0] <= now - 60.0:
                group.popleft()
            if len(group) >= GROUP_PER_MINUTE:
                return group[0] + 60.0 - now
            group.append(now)
        self.accepted.append(now)
        self.first = now if self.first is None else self.first
        self.last = now
        return None

    def window(self) -> tuple[float, float] | None:
        with self.lock:
            return None if self.first is None or self.last is None else (self.first, self.last)
