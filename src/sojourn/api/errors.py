"""One JSON error shape for every failure: ``{"error": {"code", "message", "request_id"}}``.
Unexpected errors say nothing of their cause to the client (it goes to the server log). Each
refusal (4xx) is audited by ``api.refusals`` with the reason given here."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

log = logging.getLogger("sojourn.api")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class ErrorBody(BaseModel):
    code: str
    message: str
    request_id: str


class ErrorResponse(BaseModel):
    error: ErrorBody


def note_refusal(request: Request, status: int, code: str, message: str) -> None:
    """Keep why a request is refused, for its audit event (``api.refusals``)."""
    request.state.refusal = (status, code, message)


def json_error(request: Request, status: int, code: str, message: str) -> JSONResponse:
    note_refusal(request, status, code, message)
    request_id = getattr(request.state, "request_id", "")
    content = {"error": {"code": code, "message": message, "request_id": request_id}}
    return JSONResponse(status_code=status, content=content)


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> JSONResponse:
        return json_error(request, exc.status, exc.code, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        where = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5]
        )
        return json_error(request, 422, "invalid_request", where or "invalid request")

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        return json_error(request, exc.status_code, "http_error", str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return json_error(request, 500, "internal_error", "an unexpected error occurred")


#: The error responses every guarded route documents.
ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse, "description": text}
    for code, text in (
        (400, "purpose of use missing or unknown"),
        (401, "not authenticated"),
        (403, "not allowed for this role and purpose"),
        (404, "not found"),
        (422, "invalid request"),
        (429, "too many requests"),
    )
}
