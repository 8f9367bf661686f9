"""Login throttling by user *and* client, so that no stranger can lock an account.

Three limits, each counted from ``login_attempts`` (``source`` is the client address):

* per (user, client): after ``login_max_failures`` failures since the last success from that
  client for that user (within a day), each further attempt from there waits for a back-off
  that doubles with each failure (``login_backoff_seconds`` × 2ⁿ, at most the window). A
  stranger guessing from their client slows only themselves.
* per client: ``login_client_max_failures`` failures from one client within the window (any
  user names, as a password spray tries) refuse that client for the rest of the window.
* per user: ``login_user_max_failures`` failures for one user within the window (guesses from
  many clients) refuse that user from every client they have never signed in from. The owner's
  own clients are not refused.

A refused attempt checks no password and is not counted (it is audited). Counting is atomic:
an attempt is written (as a failure) and committed *before* the counts are read, and settled
once the password is checked; of two concurrent attempts the later sees the earlier, so a
burst of parallel guesses cannot slip through on one count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, delete, func, insert, select, update

from sojourn.access.tables import login_attempts
from sojourn.settings import get_settings

#: How long failures from one client for one user are remembered for the back-off.
MEMORY = dt.timedelta(days=1)
A = login_attempts.c


@dataclass(frozen=True)
class Limits:
    free: int
    backoff: dt.timedelta
    window: dt.timedelta
    per_client: int
    per_user: int

    @classmethod
    def current(cls) -> Limits:
        s = get_settings()
        return cls(s.login_max_failures, dt.timedelta(seconds=s.login_backoff_seconds),
                   dt.timedelta(minutes=s.login_window_minutes), s.login_client_max_failures,
                   s.login_user_max_failures)  # fmt: skip

    def wait(self, failures: int) -> dt.timedelta:
        """The back-off after ``failures`` failures of one user from one client."""
        if failures < self.free:
            return dt.timedelta(0)
        doublings = min(failures - self.free, 20)
        return min(self.backoff * (1 << doublings), self.window)


def reserve(conn: Connection, username: str, client: str, at: dt.datetime) -> int:
    """Write the attempt as a failure until it is settled; its id. Commit before counting."""
    row = insert(login_attempts).values(username=username, at=at, succeeded=False, source=client)
    return int(conn.execute(row.returning(A.id)).scalar_one())


def settle(conn: Connection, attempt: int, ok: bool) -> None:
    conn.execute(update(login_attempts).where(A.id == attempt).values(succeeded=ok))


def release(conn: Connection, attempt: int) -> None:
    """Forget a refused attempt: it checked no password, so it is no failure."""
    conn.execute(delete(login_attempts).where(A.id == attempt))


def refusal(
    conn: Connection, username: str, client: str, attempt: int, now: dt.datetime, limits: Limits
) -> str | None:
    """Why this attempt is refused before its password is checked, or None."""
    others = A.id != attempt
    since_ok = _last(conn, (A.username == username) & (A.source == client) & A.succeeded)
    floor = max(now - MEMORY, since_ok) if since_ok else now - MEMORY
    count, last = conn.execute(select(func.count(), func.max(A.at)).where(
        A.username == username, A.source == client, ~A.succeeded, A.at > floor, others,
    )).one()  # fmt: skip
    wait = limits.wait(int(count))
    if last is not None and _aware(last) + wait > now:
        seconds = int((_aware(last) + wait - now).total_seconds()) + 1
        return f"too many failed logins: try again in {seconds} seconds"
    recent = A.at > now - limits.window
    from_client = _count(conn, (A.source == client) & ~A.succeeded & recent & others)
    if from_client >= limits.per_client:
        return "too many failed logins from this address: try again later"
    for_user = _count(conn, (A.username == username) & ~A.succeeded & recent & others)
    if for_user >= limits.per_user and since_ok is None:
        return "too many failed logins for this user: try again later from a known address"
    return None


def _count(conn: Connection, where: object) -> int:
    return int(conn.execute(select(func.count()).where(where)).scalar_one())  # type: ignore[arg-type]


def _last(conn: Connection, where: object) -> dt.datetime | None:
    found = conn.execute(select(func.max(A.at)).where(where)).scalar()  # type: ignore[arg-type]
    return _aware(found) if found is not None else None


def _aware(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
