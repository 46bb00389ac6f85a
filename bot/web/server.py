"""The web app served by uvicorn inside the bot's event loop (`run` with WEB_LISTEN, or `python -m bot web`)."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator

import uvicorn
from starlette.applications import Starlette

log = logging.getLogger(__name__)


def parse_listen(listen: str) -> tuple[str, int]:
    host, _, port = listen.rpartition(":")
    return host.strip("[]") or "127.0.0.1", int(port)


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: the bot's runner owns SIGINT and SIGTERM."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    def install_signal_handlers(self) -> None:  # older uvicorn releases
        pass


class WebServer:
    def __init__(self, asgi: Starlette, listen: str) -> None:
        host, port = parse_listen(listen)
        config = uvicorn.Config(asgi, host=host, port=port, log_config=None, access_log=False, lifespan="off")
        self.server = _Server(config)
        self._task: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        """The bound port (useful with port 0)."""
        return int(self.server.servers[0].sockets[0].getsockname()[1])

    async def start(self) -> None:
        self._task = asyncio.create_task(self.server.serve())
        while not self.server.started:
            if self._task.done():
                self._task.result()  # raises why it could not start (e.g. port in use)
                raise RuntimeError("the web server stopped at start")
            await asyncio.sleep(0.01)
        log.info("web: health, readiness and metrics on http://%s:%d", self.server.config.host, self.port)

    async def stop(self) -> None:
        if self._task is None:
            return
        self.server.should_exit = True
        await self._task
        self._task = None
