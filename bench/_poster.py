"""The askers bench's webhook client in a process of its own (as Telegram's servers are): one JSON line per round
on stdin ({"url", "headers", "bodies"}), all bodies POSTed at once, one JSON line back with each POST's start time
(time.monotonic(), the system-wide CLOCK_MONOTONIC, comparable with the bot process's)."""
from __future__ import annotations

import asyncio
import json
import sys
import time

import httpx


async def main() -> None:
    loop = asyncio.get_running_loop()
    client: httpx.AsyncClient | None = None
    while line := await loop.run_in_executor(None, sys.stdin.readline):
        job = json.loads(line)
        if client is None:
            n = max(1, len(job["bodies"]))
            client = httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=max(n, 50),
                                                                      max_keepalive_connections=max(n, 50)))

        async def post(body: dict[str, object]) -> float:
            assert client is not None
            started = time.monotonic()
            r = await client.post(job["url"], json=body, headers=job["headers"])
            if r.status_code != 200:
                raise SystemExit(f"webhook answered {r.status_code}")
            return started

        starts = await asyncio.gather(*(post(b) for b in job["bodies"]))
        sys.stdout.write(json.dumps(starts) + "\n")
        sys.stdout.flush()
    if client is not None:
        await client.aclose()


if __name__ == "__main__":
    asyncio.run(main())
