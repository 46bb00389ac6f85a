"""/metrics: the App's own Prometheus registry in the text exposition format."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


async def metrics(request: Request) -> Response:
    body, content_type = request.app.state.app.metrics.exposition()
    return Response(body, media_type=content_type)


routes = [Route("/metrics", metrics)]
