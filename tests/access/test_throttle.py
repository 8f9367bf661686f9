"""Login throttling by user and client (SQLite and PostgreSQL): a stranger guessing from
their client slows only themselves, with a back-off that doubles; the owner signs in from
their own client all along. One client trying many names is refused; many clients guessing
one name are refused unless the user has signed in from there before. Concurrent guesses
are counted atomically."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from sqlalchemy import Engine, func, select, text

from sojourn.access.tables import login_attempts
from sojourn.access.users import HASHER, LoginError, add_user, login
from sojourn.settings import get_settings

PASSWORD = "correct horse battery"
OWNER, STRANGER = "10.0.0.7", "203.0.113.66"


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    ticking = Clock()
    monkeypatch.setattr("sojourn.access.users._now", ticking)
    return ticking


def _settings(monkeypatch: pytest.MonkeyPatch, **values: int) -> None:
    for name, value in values.items():
        monkeypatch.setenv(f"SOJOURN_{name.upper()}", str(value))
    get_settings.cache_clear()


def _fails(engine: Engine, client: str, user: str = "ana", password: str = "guess guess") -> str:
    with pytest.raises(LoginError) as refused:
        login(engine, user, password, source=client)
    return str(refused.value)


def _count(engine: Engine, client: str) -> int:
    query = select(func.count()).where(login_attempts.c.source == client)
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def test_a_stranger_failing_50_times_does_not_lock_the_owner_out(
    engine: Engine, clock: Clock
) -> None:
    add_user(engine, "ana", "analyst", PASSWORD, by="admin")
    reasons = [_fails(engine, STRANGER) for _ in range(50)]
    assert reasons[:5] == ["unknown user or wrong password"] * 5
    assert all(r.startswith("too many failed logins: try again in") for r in reasons[5:])
    assert _count(engine, STRANGER) == 5  # a refused attempt checks no password, counts not
    assert login(engine, "ana", PASSWORD, source=OWNER).username == "ana"
    assert "try again" in _fails(engine, STRANGER, password=PASSWORD)  # even the right one
    with engine.connect() as conn:
        throttled = conn.execute(text(
            "SELECT count(*) FROM audit_events WHERE action = 'auth.login' AND decision = 'deny'"
            " AND detail LIKE '%throttled%'"
        )).scalar_one()  # fmt: skip
    assert throttled == 46


def test_the_back_off_doubles_and_a_success_resets_it(engine: Engine, clock: Clock) -> None:
    add_user(engine, "ana", "analyst", PASSWORD, by="admin")
    for _ in range(5):
        _fails(engine, STRANGER)
    assert _fails(engine, STRANGER) == "too many failed logins: try again in 16 seconds"
    clock.advance(16)
    assert _fails(engine, STRANGER) == "unknown user or wrong password"  # the sixth
    clock.advance(29)
    assert _fails(engine, STRANGER) == "too many failed logins: try again in 2 seconds"
    clock.advance(2)
    assert _fails(engine, STRANGER) == "unknown user or wrong password"  # the seventh
    clock.advance(61)
    login(engine, "ana", PASSWORD, source=STRANGER)  # (it was the owner after all)
    for _ in range(5):
        assert _fails(engine, STRANGER) == "unknown user or wrong password"


def test_one_client_trying_many_names_is_refused(
    engine: Engine, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _settings(monkeypatch, login_client_max_failures=8)
    add_user(engine, "ana", "analyst", PASSWORD, by="admin")
    for n in range(8):
        assert _fails(engine, STRANGER, f"user{n}") == "unknown user or wrong password"
    refused = "too many failed logins from this address: try again later"
    assert _fails(engine, STRANGER, "ana", PASSWORD) == refused
    assert login(engine, "ana", PASSWORD, source=OWNER).username == "ana"
    clock.advance(15 * 60 + 1)
    assert login(engine, "ana", PASSWORD, source=STRANGER).username == "ana"


def test_many_clients_guessing_one_name_spare_the_owners_clients(
    engine: Engine, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _settings(monkeypatch, login_user_max_failures=6)
    add_user(engine, "ana", "analyst", PASSWORD, by="admin")
    login(engine, "ana", PASSWORD, source=OWNER)
    for n in range(6):
        _fails(engine, f"198.51.100.{n}")
    refused = "too many failed logins for this user: try again later from a known address"
    assert _fails(engine, "198.51.100.99", password=PASSWORD) == refused
    assert login(engine, "ana", PASSWORD, source=OWNER).username == "ana"


def test_concurrent_failures_are_each_counted(
    engine: Engine, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one free failure, two guesses at once: at most one checks its password."""
    _settings(monkeypatch, login_max_failures=1)
    add_user(engine, "ana", "analyst", PASSWORD, by="admin")
    checked: list[str] = []

    class Slow:
        def verify(self, stored: str, password: str) -> bool:
            checked.append(password)
            time.sleep(0.3)  # both requests are in flight at once
            return HASHER.verify(stored, password)

    monkeypatch.setattr("sojourn.access.users.HASHER", Slow())
    start = threading.Barrier(2)

    def guess() -> None:
        start.wait()
        _fails(engine, STRANGER)

    threads = [threading.Thread(target=guess) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(checked) <= 1 and _count(engine, STRANGER) == len(checked)
