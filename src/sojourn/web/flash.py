"""Notification banners after a change (GOV.UK's "success" banner): the page that made the
change redirects with a short message in a signed, HttpOnly cookie; the next page shows it
once and clears it. A cookie that does not verify is ignored."""

from __future__ import annotations

import hmac
from urllib.parse import quote, unquote

from fastapi import Request, Response
from fastapi.responses import RedirectResponse

from sojourn.access.tokens import sign

FLASH = "sojourn_flash"


def _seal(message: str) -> str:
    text = quote(message[:300])
    return f"{text}|{sign(b'flash:' + text.encode())[:32]}"


def done(url: str, message: str) -> RedirectResponse:
    """Back to ``url`` (303) with ``message`` shown there in a success banner."""
    out = RedirectResponse(url, status_code=303)
    out.set_cookie(FLASH, _seal(message), max_age=120, httponly=True, samesite="strict")
    return out


def take(request: Request, response: Response | None = None) -> str | None:
    """The message waiting for this page, if any (cleared on ``response``)."""
    sealed = request.cookies.get(FLASH)
    if not sealed or "|" not in sealed:
        return None
    text, mac = sealed.rsplit("|", 1)
    if response is not None:
        response.delete_cookie(FLASH)
    if not hmac.compare_digest(sign(b"flash:" + text.encode())[:32], mac):
        return None
    return unquote(text)
