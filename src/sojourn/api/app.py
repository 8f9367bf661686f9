"""The application: ``create_app(engine)`` builds the FastAPI app (routes, error shape,
server-chosen request ids, refusals audited); ``sojourn serve`` runs it with uvicorn."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.routing import APIRoute
from sqlalchemy import Engine

from sojourn.api import (
    errors,
    routes_admin,
    routes_alerts,
    routes_assessment,
    routes_cases,
    routes_export,
    routes_persons,
    routes_redress,
)
from sojourn.api.ratelimit import RateLimit
from sojourn.api.refusals import audit_refusals
from sojourn.audit.background import Checkpointer
from sojourn.resolve.search import IndexCache
from sojourn.settings import get_settings
from sojourn.store import connect, upgrade
from sojourn.web.app import install as install_web

DESCRIPTION = (
    "Every request but login carries a bearer token and an `X-Purpose-Of-Use` header. What a "
    "role may do, and which fields it receives, is decided by Cedar policies for that purpose; "
    "every read of person data and every write is written to the tamper-evident audit log "
    'before the answer is returned. Errors: `{"error": {"code", "message", "request_id"}}`.'
)


def create_app(engine: Engine | None = None) -> FastAPI:
    """The app over ``engine`` (default: the configured database, migrated)."""
    if engine is None:
        engine = connect()
        upgrade(engine)
    checkpointer, index = Checkpointer(engine), IndexCache(engine)

    @asynccontextmanager
    async def lifespan(running: FastAPI) -> AsyncIterator[None]:
        index.warm()
        running.state.checkpointer.start_timer()  # new events signed every N seconds
        yield
        running.state.checkpointer.stop(60)  # a checkpoint under way is finished, not cut off

    app = FastAPI(title="sojourn", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.engine = engine
    app.state.checkpointer = checkpointer
    app.state.search_index = index
    s = get_settings()
    app.state.rate_limits = {
        "login": RateLimit(s.login_rate_per_minute, 60),
        "search": RateLimit(s.search_rate_per_minute, 60),
        "export": RateLimit(s.export_rate_per_hour, 3600),
        "verify": RateLimit(s.verify_rate_per_hour, 3600),
    }
    errors.install(app)
    app.middleware("http")(audit_refusals)  # inside request_id: refusals carry the id

    @app.middleware("http")
    async def request_id(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request.state.request_id = server_request_id(request.headers.get("X-Request-Id", ""))
        response = await call_next(request)
        response.headers["X-Request-Id"] = request.state.request_id
        return response

    app.include_router(routes_admin.router)
    app.include_router(routes_persons.router)
    app.include_router(routes_export.router)
    app.include_router(routes_assessment.router)
    app.include_router(routes_cases.router)
    app.include_router(routes_redress.router)
    app.include_router(routes_alerts.router)
    install_web(app)
    return app


def server_request_id(sent: str) -> str:
    """A request id the server chose: a random one, followed by the client's own (its safe
    characters, shortened) so that the client can still find its request."""
    own = uuid.uuid4().hex
    theirs = re.sub(r"[^A-Za-z0-9._-]", "", sent)[:31]
    return f"{own}.{theirs}" if theirs else own


def api_routes(routes: list[Any]) -> list[APIRoute]:
    """Every API route of an app or router, through included routers."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        inner = getattr(route, "original_router", None)
        if inner is not None:
            found += api_routes(list(inner.routes))
    return found
