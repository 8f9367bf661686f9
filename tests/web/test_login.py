"""The sign-in form carries a CSRF token (a nonce in an HttpOnly cookie, its signature in the
form): a post without it, with another browser's, or with a forged one is refused (403,
audited) and checks no password; the form's own token signs in. Throttled sign-ins are
refused from the stranger's client only."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, text

from sojourn.access.tables import login_attempts
from sojourn.access.users import add_user
from sojourn.api.app import create_app
from tests.weblogin import form_token, web_login

PASSWORD = "a long enough passphrase"


def _attempts(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(login_attempts)).scalar_one())


def test_a_sign_in_without_the_forms_token_is_refused(engine: Engine) -> None:
    add_user(engine, "ana", "analyst", PASSWORD, by="test")
    client = TestClient(create_app(engine), follow_redirects=False)
    other = TestClient(create_app(engine), follow_redirects=False)
    theirs = form_token(other.get("/ui/login").text)
    ours = form_token(client.get("/ui/login").text)
    assert theirs != ours
    for token in (None, "", theirs, "0" * 40, ours[:-1] + "x"):
        data = {"username": "ana", "password": PASSWORD}
        if token is not None:
            data["csrf"] = token
        refused = client.post("/ui/login", data=data)
        assert refused.status_code == 403 and "sojourn_session" not in refused.cookies
        assert "expired" in refused.text
    assert _attempts(engine) == 0
    with engine.connect() as conn:
        audited = conn.execute(text(
            "SELECT count(*) FROM audit_events"
            " WHERE decision = 'deny' AND detail LIKE '%/ui/login%'"
        )).scalar_one()  # fmt: skip
    assert audited == 5
    signed_in = client.post("/ui/login", data={"username": "ana", "password": PASSWORD,
                                                "csrf": ours})  # fmt: skip
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/ui/purpose"
    assert "sojourn_session" in signed_in.cookies and _attempts(engine) == 1


def test_a_stranger_is_throttled_and_the_owner_signs_in(engine: Engine) -> None:
    add_user(engine, "ana", "analyst", PASSWORD, by="test")
    stranger = TestClient(create_app(engine), client=("203.0.113.66", 5000))
    for n in range(12):
        page = web_login(stranger, "ana", f"guess number {n}")
        assert page.status_code == 401
        expected = "Unknown user or wrong password." if n < 5 else "Too many failed logins"
        assert expected in page.text
    owner = TestClient(create_app(engine), client=("10.0.0.7", 5000))
    assert web_login(owner, "ana", PASSWORD).url.path == "/ui/purpose"


def test_a_failed_sign_in_keeps_the_user_name_and_asks_for_the_password(engine: Engine) -> None:
    add_user(engine, "ana", "analyst", PASSWORD, by="test")
    client = TestClient(create_app(engine), follow_redirects=False)
    token = form_token(client.get("/ui/login").text)
    failed = client.post("/ui/login", data={"username": "ana<b>", "password": "wrong",
                                            "csrf": token})  # fmt: skip
    assert failed.status_code == 401
    assert 'value="ana&lt;b&gt;"' in failed.text  # kept, escaped
    assert 'type="password" autocomplete="current-password" autofocus' in failed.text
    assert 'id="password-error"' in failed.text  # the error beside the password
    assert "sojourn_session" not in failed.cookies
