"""A file fetched over HTTP into a temporary file, stopped as soon as it passes the size limit (declared or not)."""
from __future__ import annotations

import tempfile
from typing import IO

import httpx

CHUNK = 1 << 16


class TooBig(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(f"over the limit at {size} bytes")
        self.size = size  # the declared size, or the bytes received when the download was stopped


async def fetch_limited(url: str, limit: int, *, timeout: float = 60.0) -> bytes:
    """The body at `url`, at most `limit` bytes: streamed to a temporary file (never whole into memory while it
    grows), refused from its Content-Length when it declares one and again while reading. Raises TooBig or
    httpx.HTTPError."""
    with tempfile.TemporaryFile(prefix="upload-") as out:
        await _stream(url, out, limit, timeout)
        out.seek(0)
        return out.read()


async def _stream(url: str, out: IO[bytes], limit: int, timeout: float) -> int:
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
        async with client.stream("GET", url) as response:
            response.raise_for_status()
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise TooBig(int(declared))
            size = 0
            async for chunk in response.aiter_raw(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise TooBig(size)
                out.write(chunk)
            return size
