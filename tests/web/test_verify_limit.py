"""Whole-log verification from the audit page is limited per user (it takes seconds): the
next one within the hour is refused with a 429 page in plain words and verifies nothing (a
429 is not audited, as everywhere: a flood must not flood the log)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from sojourn.access.users import add_user
from sojourn.api.app import create_app
from sojourn.settings import get_settings
from tests.weblogin import form_token, web_login

PASSWORD = "a long enough passphrase"


def test_verification_on_request_is_limited_per_user(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOJOURN_VERIFY_RATE_PER_HOUR", "2")
    get_settings.cache_clear()
    add_user(engine, "pat", "privacy_officer", PASSWORD, by="test")
    client = TestClient(create_app(engine))
    chooser = web_login(client, "pat", PASSWORD)
    chosen = {"purpose": "oversight_audit", "csrf": form_token(chooser.text)}
    client.post("/ui/purpose", data=chosen)
    token = form_token(client.get("/ui/audit").text)
    for _ in range(2):
        assert client.post("/ui/audit/verify", data={"csrf": token}).status_code == 200
    refused = client.post("/ui/audit/verify", data={"csrf": token})
    assert refused.status_code == 429 and "Too many requests" in refused.text
    with engine.connect() as conn:
        kept = conn.execute(text(
            "SELECT count(*) FROM audit_events WHERE detail LIKE '%verification%'"
            " AND decision = 'allow'")).scalar_one()  # fmt: skip
    assert kept == 2  # the refused one verified nothing
