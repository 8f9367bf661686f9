"""``sojourn serve``: the REST API with uvicorn (thin over ``sojourn.api.app``)."""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the API (OpenAPI at /openapi.json, documentation at /docs)."""
    import uvicorn

    uvicorn.run(
        "sojourn.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
    )


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
