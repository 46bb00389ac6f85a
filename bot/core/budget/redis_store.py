"""The send budget in Redis (REDIS_URL): a key per budget key holding its GCRA tat, a chain reserved by one Lua script.

Time is the Redis server's (`TIME`, allowed in scripts since Redis 5 replicates their effects); tests pass
their own clock. Keys expire once idle, so chats that no longer get messages leave nothing behind.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bot.core.budget import Grant, Slot, grant_of

PREFIX = "cchc:budget:"
TIMEOUT = 2.0  # seconds: a hung Redis makes the pacer fall back to the in-process budget, not freeze sends

_NOW = """
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
"""

# KEYS: the chain; ARGV: now ('' for the server's clock), max_wait, then interval and tolerance of each key.
# Returns the wait of each key reached, as strings (Redis would truncate Lua numbers to integers).
RESERVE = _NOW + """
local max_wait = tonumber(ARGV[2])
local waits = {}
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[1 + 2 * i])
  local tolerance = tonumber(ARGV[2 + 2 * i])
  local tat = tonumber(redis.call('GET', key) or '')
  local base = now
  if tat and tat > now then base = tat end
  local wait = math.max(0, base - tolerance - now)
  waits[i] = string.format('%.6f', wait)
  if wait > max_wait then break end
  local new = base + interval
  redis.call('SET', key, string.format('%.6f', new), 'PX', math.ceil((new - now) * 1000) + 1000)
  if wait > 0 then break end
end
return waits
"""

# KEYS: one key; ARGV: now, seconds, tolerance.
PAUSE = _NOW + """
local tat = tonumber(redis.call('GET', KEYS[1]) or '')
local new = now + tonumber(ARGV[2]) + tonumber(ARGV[3])
if tat and tat > new then new = tat end
redis.call('SET', KEYS[1], string.format('%.6f', new), 'PX', math.ceil((new - now) * 1000) + 1000)
return 1
"""


class RedisBudget:
    name = "redis"

    def __init__(self, url: str, *, clock: Callable[[], float] | None = None, prefix: str = PREFIX) -> None:
        """`clock`: seconds on a shared time line (tests); None takes the Redis server's clock."""
        import redis.asyncio as aioredis

        self.client: Any = aioredis.Redis.from_url(url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT)
        self.clock = clock
        self.prefix = prefix
        self._reserve = self.client.register_script(RESERVE)
        self._pause = self.client.register_script(PAUSE)

    async def reserve(self, chain: Sequence[Slot], max_wait: float) -> Grant:
        args: list[object] = [self._now(), max_wait]
        for slot in chain:
            args += [slot.rate.interval, slot.rate.tolerance]
        waits = await self._reserve(keys=[self.prefix + s.key for s in chain], args=args)
        reached = [float(w) for w in waits]
        return grant_of(reached + [None] * (len(chain) - len(reached)), max_wait)

    async def pause(self, slot: Slot, seconds: float) -> None:
        await self._pause(keys=[self.prefix + slot.key], args=[self._now(), seconds, slot.rate.tolerance])

    async def close(self) -> None:
        await self.client.aclose()

    def _now(self) -> str:
        return "" if self.clock is None else repr(self.clock())
