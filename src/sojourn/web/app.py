"""The pages, mounted on the API's app: the same access control, audit and database. ``/``
leads to the pages; the static assets (htmx, pinned and vendored; the style sheet) are served
from ``/static``. A failure on a page is a page in plain words, not JSON."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from sojourn.api.errors import ApiError, json_error, note_refusal
from sojourn.web import (
    pages_alerts,
    pages_audit,
    pages_auth,
    pages_board,
    pages_cases,
    pages_dash,
    pages_decide,
    pages_person,
    pages_redress,
    pages_reviews,
)
from sojourn.web.render import HERE, page
from sojourn.web.security import PURPOSE, LoginRequiredError, PageError, PurposeRequiredError
from sojourn.web.start import back_to

HEADINGS = {400: "That did not work", 403: "Not allowed", 404: "Not found", 409: "Not done",
            429: "Too many requests: wait a little"}  # fmt: skip


def _page_error(request: Request, status: int, message: str) -> Response:
    note_refusal(request, status, "page_error", message)  # audited (api.refusals)
    heading = HEADINGS.get(status, "Something went wrong")
    request_id = getattr(request.state, "request_id", "")
    back = back_to(request, request.cookies.get(PURPOSE))
    return page(request, "error.html", status, heading=heading, message=message,
                request_id=request_id, back=back)  # fmt: skip


def install(app: FastAPI) -> None:
    """Add the pages, their assets and their error pages to ``app``."""
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (pages_auth, pages_person, pages_reviews, pages_board, pages_cases,
                   pages_redress, pages_decide, pages_dash, pages_audit, pages_alerts):  # fmt: skip
        app.include_router(module.router)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/ui/", status_code=303)

    @app.exception_handler(LoginRequiredError)
    async def _login(request: Request, exc: LoginRequiredError) -> Response:
        note_refusal(request, 401, "login_required", "no valid session")
        return RedirectResponse("/ui/login", status_code=303)

    @app.exception_handler(PurposeRequiredError)
    async def _purpose(request: Request, exc: PurposeRequiredError) -> Response:
        note_refusal(request, 400, "purpose_required", "no purpose of use chosen")
        return RedirectResponse("/ui/purpose", status_code=303)

    @app.exception_handler(PageError)
    async def _page(request: Request, exc: PageError) -> Response:
        return _page_error(request, exc.status, exc.message)

    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> Response:
        if request.url.path.startswith("/ui"):
            return _page_error(request, exc.status, exc.message)
        return json_error(request, exc.status, exc.code, exc.message)

    previous = app.exception_handlers[RequestValidationError]

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith("/ui"):
            return _page_error(request, 400, "Some of what was sent is not valid: check it.")
        return await previous(request, exc)  # type: ignore[misc,no-any-return]
