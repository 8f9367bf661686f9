"""Notification banners: shown once, and only when the server wrote them."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from fastapi.testclient import TestClient

from sojourn.web.flash import FLASH, done, take


def _app() -> FastAPI:
    app = FastAPI()

    @app.post("/do")
    def do() -> Response:
        return done("/after", "Judgement recorded: same person.")

    @app.get("/after")
    def after(request: Request) -> Response:
        out = PlainTextResponse("")
        out.body = (take(request, out) or "-").encode()
        out.headers["content-length"] = str(len(out.body))
        return out

    return app


def test_a_banner_is_shown_once() -> None:
    client = TestClient(_app())
    first = client.post("/do")
    assert first.text == "Judgement recorded: same person."
    assert client.get("/after").text == "-"


def test_a_forged_banner_is_ignored() -> None:
    client = TestClient(_app())
    client.cookies.set(FLASH, "You%20are%20admin|0000")
    assert client.get("/after").text == "-"
