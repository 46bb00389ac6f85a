"""`create_app(app)`: the ASGI application over one bot App; each concern adds its routes from its own module."""
from __future__ import annotations

from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.routing import BaseRoute

from bot.app import App
from bot.web import dashboard, health, metrics, webhooks


def create_app(app: App, *, routes: Sequence[BaseRoute] = ()) -> Starlette:
    """The web app of `app`: /healthz, /readyz, /metrics, the channels' webhooks, `routes`, the admins' dashboard."""
    asgi = Starlette(routes=[*health.routes, *metrics.routes, *webhooks.routes(app.channels.values()), *routes,
                             *dashboard.routes()])
    asgi.state.app = app
    return asgi
