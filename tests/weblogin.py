"""Signing in to the pages with a test client, as a browser does: fetch the form (which sets
the sign-in cookie and carries its CSRF token), post it back with the token."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

TOKEN = re.compile(r'name="csrf" value="([^"]+)"')


def form_token(page: str) -> str:
    """The CSRF token of the (first) form of a page."""
    found = TOKEN.search(page)
    assert found is not None, "the page has no form token"
    return found[1]


def web_login(client: TestClient, username: str, password: str) -> Any:  # an httpx response
    """Post the sign-in form as a browser would; the response (a redirect to the purpose page
    when it worked, followed by the client)."""
    token = form_token(client.get("/ui/login").text)
    data = {"username": username, "password": password, "csrf": token}
    return client.post("/ui/login", data=data)
