"""/healthz (the process answers) and /readyz (database, scheduler and channels; 503 with the reasons)."""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.core.logs import one_line

if TYPE_CHECKING:
    from bot.app import App

DB_TIMEOUT = 2.0  # seconds the database has to answer a readiness probe


async def healthz(request: Request) -> Response:
    return PlainTextResponse("ok\n")


async def readyz(request: Request) -> Response:
    problems = await readiness(request.app.state.app)
    if problems:
        return JSONResponse({"ready": False, "problems": problems}, status_code=503)
    return JSONResponse({"ready": True, "problems": []})


async def readiness(app: "App", *, db_timeout: float = DB_TIMEOUT) -> list[str]:
    """Why `app` should not get traffic now; empty when it is ready."""
    problems = []
    db_problem = await database_problem(app, db_timeout)
    if db_problem:
        problems.append(db_problem)
    return problems + app.health.problems(app.clock.now())


async def database_problem(app: "App", timeout: float) -> str | None:
    def probe() -> None:
        with app.db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    try:
        await asyncio.wait_for(asyncio.to_thread(probe), timeout)
    except asyncio.TimeoutError:
        return f"cơ sở dữ liệu không trả lời trong {timeout:g} s"
    except Exception as e:
        return f"không kết nối được cơ sở dữ liệu: {one_line(e)}"
    return None


routes = [Route("/healthz", healthz), Route("/readyz", readyz)]
