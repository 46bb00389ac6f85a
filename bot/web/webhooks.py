"""The chat channels' webhooks on the web app's server (when WEB_LISTEN is set): one POST route per channel."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.channels.webhook_http import MAX_BODY_BYTES, WebhookCallback


def _endpoint(callback: WebhookCallback):  # type: ignore[no-untyped-def]
    async def webhook(request: Request) -> Response:
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                return PlainTextResponse("too large", status_code=413)
        status, text = await callback(request.headers, bytes(body))
        return PlainTextResponse(text, status_code=status)

    return webhook


def routes(channels: Iterable[Any]) -> list[Route]:
    """A route for every channel that asks to be served here (its `webhook_route()` gives path and callback)."""
    out: list[Route] = []
    for channel in channels:
        hook = getattr(channel, "webhook_route", None)
        found = hook() if callable(hook) else None
        if found is not None:
            path, callback = found
            out.append(Route(path, _endpoint(callback), methods=["POST"], name=f"webhook-{channel.name}"))
    return out
