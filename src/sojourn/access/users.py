"""Local users: Argon2id password hashes, roles, disabling (never deleting), and login with
throttling by user and client (throttle.py). Every attempt is recorded and audited."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, bindparam, insert, select, update

from sojourn.access.authz import Principal
from sojourn.access.model import ROLES
from sojourn.access.tables import users
from sojourn.access.throttle import Limits, refusal, release, reserve, settle
from sojourn.audit.log import AuditEvent, append

HASHER = PasswordHasher()  # Argon2id with the library's RFC 9106 low-memory defaults
MIN_PASSWORD = 12


class UserError(ValueError):
    """A user that cannot be added, found or changed."""


class LoginError(PermissionError):
    """A login refused: unknown user, wrong password, disabled, or throttled."""


@dataclass(frozen=True)
class User:
    username: str
    role: str
    active: bool
    created_at: dt.datetime

    def principal(self) -> Principal:
        return Principal(self.username, self.role, self.active)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def add_user(engine: Engine, username: str, role: str, password: str, by: str) -> User:
    """A new local user with an Argon2id password hash."""
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"a password needs at least {MIN_PASSWORD} characters")
    with engine.begin() as conn:
        if conn.execute(select(users.c.username).where(users.c.username == username)).first():
            raise UserError(f"user {username!r} exists")
        now = _now()
        digest = HASHER.hash(password)
        conn.execute(insert(users).values(username=username, role=role, active=True,
                     password_hash=digest, created_at=now, created_by=by))  # fmt: skip
        append(conn, _admin_event(by, "user.add", username, ["username", "role", "password"]))
    return User(username, role, True, now)


def _admin_event(by: str, action: str, username: str, fields: list[str]) -> AuditEvent:
    return AuditEvent(actor=by, role="administrator", purpose="administration", action=action,
                      resource_type="user", resource_ids=[username], fields=fields)  # fmt: skip


def _user(row: object) -> User:
    m = row._mapping  # type: ignore[attr-defined]
    created = m["created_at"]
    if created.tzinfo is None:
        created = created.replace(tzinfo=dt.UTC)
    return User(m["username"], m["role"], bool(m["active"]), created)


def list_users(conn: Connection) -> list[User]:
    return [_user(r) for r in conn.execute(select(users).order_by(users.c.username))]


USER = select(users).where(users.c.username == bindparam("username"))


def get_user(conn: Connection, username: str) -> User | None:
    row = conn.execute(USER, {"username": username}).first()
    return _user(row) if row else None


def disable_user(engine: Engine, username: str, by: str, reason: str) -> None:
    """Disable a user (kept, with who disabled them, when and why)."""
    if not reason.strip():
        raise UserError("disabling a user needs a reason")
    with engine.begin() as conn:
        done = conn.execute(update(users).where(users.c.username == username, users.c.active)
                            .values(active=False, disabled_at=_now(), disabled_by=by,
                                    disabled_reason=reason))  # fmt: skip
        if done.rowcount == 0:
            raise UserError(f"no active user {username!r}")
        append(conn, _admin_event(by, "user.disable", username, ["active", "disabled_reason"]))


def login(
    engine: Engine, username: str, password: str, source: str = "cli", channel: str = "api"
) -> User:
    """The user, if the password is right, the user active and the attempt not throttled
    (throttle.py: by user and client address ``source``, never a lock anyone can set)."""
    now, client, limits = _now(), source[:64], Limits.current()
    with engine.begin() as conn:
        attempt = reserve(conn, username, client, now)
    with engine.begin() as conn:
        why = refusal(conn, username, client, attempt, now, limits)
        if why is not None:
            release(conn, attempt)
            _audit(conn, username, False, client, {"channel": channel, "throttled": why})
    if why is not None:
        raise LoginError(why)
    with engine.connect() as conn:
        row = conn.execute(USER, {"username": username}).first()
    ok = _password_ok(row._mapping["password_hash"] if row else None, password)
    user = _user(row) if row is not None and ok else None
    with engine.begin() as conn:
        settle(conn, attempt, user is not None and user.active)
        _audit(conn, username, user is not None and user.active, client, {"channel": channel})
    if user is None:
        raise LoginError("unknown user or wrong password")
    if not user.active:
        raise LoginError("this user is disabled")
    return user


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to verify against when the user is unknown, so that an unknown name takes as
    long to refuse as a wrong password (no user enumeration by timing)."""
    return HASHER.hash(secrets.token_hex(16))


def _password_ok(stored: str | None, password: str) -> bool:
    if not stored:
        _password_ok(_dummy_hash(), password)
        return False
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _audit(conn: Connection, username: str, ok: bool, client: str, detail: dict[str, str]) -> None:
    event = AuditEvent(
        actor=username,
        role="-",
        purpose="authentication",
        action="auth.login",
        resource_type="user",
        resource_ids=[username],
        decision="allow" if ok else "deny",
        detail={"source": client, **detail},
    )
    append(conn, event)
