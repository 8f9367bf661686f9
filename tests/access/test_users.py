"""Local users on SQLite and PostgreSQL: Argon2id hashes, roles, disabling with a reason,
login and its throttling, every attempt recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, func, insert, select

from sojourn.access.tables import login_attempts, users
from sojourn.access.users import (
    HASHER,
    LoginError,
    UserError,
    add_user,
    disable_user,
    get_user,
    list_users,
    login,
)

PASSWORD = "correct horse battery"


def test_users_are_added_with_argon2id_hashes_and_listed(engine: Engine) -> None:
    add_user(engine, "ana", "analyst", PASSWORD, by="admin")
    add_user(engine, "omar", "officer", PASSWORD, by="admin")
    with engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalars().all()
        assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in stored)
        assert [(u.username, u.role, u.active) for u in list_users(conn)] == [
            ("ana", "analyst", True), ("omar", "officer", True),
        ]  # fmt: skip
    for args, message in (
        (("bob", "janitor", PASSWORD), "unknown role"),
        (("bob", "analyst", "short"), "at least 12"),
        (("ana", "analyst", PASSWORD), "exists"),
    ):
        with pytest.raises(UserError, match=message):
            add_user(engine, *args, by="admin")


def test_login_and_disabled_users(engine: Engine) -> None:
    add_user(engine, "ana", "analyst", PASSWORD, by="admin")
    assert login(engine, "ana", PASSWORD).principal().role == "analyst"
    with pytest.raises(LoginError, match="wrong password"):
        login(engine, "ana", "not the password")
    with pytest.raises(LoginError, match="wrong password"):
        login(engine, "nobody", PASSWORD)
    with pytest.raises(UserError, match="reason"):
        disable_user(engine, "ana", by="admin", reason=" ")
    disable_user(engine, "ana", by="admin", reason="left the agency")
    with pytest.raises(LoginError, match="disabled"):
        login(engine, "ana", PASSWORD)
    with engine.connect() as conn:
        user = get_user(conn, "ana")
        assert user is not None and not user.active
        assert conn.execute(select(func.count()).select_from(login_attempts)).scalar() == 4


def test_login_throttling(engine: Engine) -> None:
    add_user(engine, "ana", "analyst", PASSWORD, by="admin")
    old = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    with engine.begin() as conn:  # failures outside the window do not count
        conn.execute(insert(login_attempts), [
            {"username": "ana", "at": old, "succeeded": False, "source": "x"} for _ in range(9)
        ])  # fmt: skip
    for _ in range(4):
        with pytest.raises(LoginError, match="wrong password"):
            login(engine, "ana", "guess guess guess")
    login(engine, "ana", PASSWORD)  # a success starts the count again
    for _ in range(5):
        with pytest.raises(LoginError, match="wrong password"):
            login(engine, "ana", "guess guess guess")
    with pytest.raises(LoginError, match="too many failed logins"):
        login(engine, "ana", PASSWORD)


def test_an_unknown_name_takes_as_long_as_a_wrong_password(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No user enumeration by timing: both verify an Argon2id hash (counted, not timed)."""
    add_user(engine, "ana", "analyst", "a long enough passphrase", by="test")
    calls: list[str] = []

    class Counting:
        def hash(self, password: str) -> str:
            return HASHER.hash(password)

        def verify(self, stored: str, password: str) -> bool:
            calls.append(stored[:9])
            return HASHER.verify(stored, password)

    monkeypatch.setattr("sojourn.access.users.HASHER", Counting())
    for name in ("ana", "nobody"):
        with pytest.raises(LoginError):
            login(engine, name, "wrong passphrase")
    assert len(calls) == 2 and all(c.startswith("$argon2id") for c in calls)
