"""A tiny webhook HTTP server (tornado) for the chat adapters: one POST path, answered by an async callback."""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

# (headers, raw body) -> (HTTP status, short text answer)
WebhookCallback = Callable[[Mapping[str, str], bytes], Awaitable[tuple[int, str]]]

MAX_BODY_BYTES = 1024 * 1024


def parse_listen(listen: str) -> tuple[str, int]:
    """"0.0.0.0:8444" -> ("0.0.0.0", 8444); a bare port listens on every interface."""
    host, _, port = listen.rpartition(":")
    return host or "0.0.0.0", int(port)


class _Hook(RequestHandler):
    def initialize(self, callback: WebhookCallback) -> None:
        self._callback = callback

    def check_xsrf_cookie(self) -> None:  # machine-to-machine calls carry no cookie
        return None

    async def post(self) -> None:
        status, text = await self._callback(self.request.headers, self.request.body)
        self.set_status(status)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(text)


class WebhookServer:
    """Listens on `listen` and hands every POST to `path` to `callback`; anything else is 404/405."""

    def __init__(self, listen: str, path: str, callback: WebhookCallback) -> None:
        self.host, self.port = parse_listen(listen)
        self.path = path or "/"
        self._app = Application([(self.path, _Hook, {"callback": callback})])
        self._server: HTTPServer | None = None

    def start(self) -> None:
        sockets = bind_sockets(self.port, self.host)
        self.port = sockets[0].getsockname()[1]  # the real one when asked for port 0 (tests)
        self._server = HTTPServer(self._app, max_body_size=MAX_BODY_BYTES)
        self._server.add_sockets(sockets)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None
