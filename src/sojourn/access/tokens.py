"""Access tokens: short-lived JWTs signed by sojourn (HS256, for local users), and tokens
from an agency OpenID Connect provider (RS256/ES256, checked against its key set, issuer and
audience; the role comes from a claim)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
import uuid
from pathlib import Path
from typing import Any

import jwt

from sojourn.access.authz import Principal
from sojourn.settings import Settings, get_settings

ISSUER, AUDIENCE = "sojourn", "sojourn-api"


class TokenError(PermissionError):
    """A token that is missing, expired, forged or not for sojourn."""


def _secret(settings: Settings) -> bytes:
    path: Path = settings.jwt_secret_file or settings.data_dir / "access" / "jwt-secret"
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    key = secrets.token_bytes(32)
    with os.fdopen(fd, "wb") as out:
        out.write(key)
    return key


def sign(message: bytes, settings: Settings | None = None) -> str:
    """An HMAC-SHA256 of ``message`` under the server's token key (hex), for values a client
    must hand back unchanged (the sign-in form's token)."""
    key = _secret(settings or get_settings())
    return hmac.new(key, b"sojourn-sign:" + message, hashlib.sha256).hexdigest()


def issue(who: Principal, settings: Settings | None = None) -> str:
    """A signed access token for ``who``, valid ``access_token_minutes``."""
    s = settings or get_settings()
    now = dt.datetime.now(dt.UTC)
    claims = {"sub": who.username, "role": who.role, "iss": ISSUER, "aud": AUDIENCE,
              "iat": now, "exp": now + dt.timedelta(minutes=s.access_token_minutes),
              "jti": uuid.uuid4().hex}  # fmt: skip
    return jwt.encode(claims, _secret(s), algorithm="HS256")


def verify(token: str, settings: Settings | None = None) -> Principal:
    """The principal of a token sojourn issued; TokenError otherwise."""
    s = settings or get_settings()
    try:
        claims = jwt.decode(token, _secret(s), algorithms=["HS256"], audience=AUDIENCE,
                            issuer=ISSUER, options={"require": ["exp", "sub", "role"]})  # fmt: skip
    except jwt.PyJWTError as exc:
        raise TokenError(f"invalid token: {exc}") from exc
    return Principal(str(claims["sub"]), str(claims["role"]))


def verify_oidc(token: str, jwks: dict[str, Any], settings: Settings | None = None) -> Principal:
    """The principal of a token from the configured identity provider, checked against its
    key set ``jwks`` (fetched from ``SOJOURN_OIDC_JWKS_URL`` by the caller)."""
    s = settings or get_settings()
    if not s.oidc_issuer or not s.oidc_audience:
        raise TokenError("no identity provider is configured (SOJOURN_OIDC_ISSUER, _AUDIENCE)")
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        keys = {k.key_id: k for k in jwt.PyJWKSet.from_dict(jwks).keys}
        if kid not in keys:
            raise TokenError(f"unknown signing key {kid!r}")
        claims = jwt.decode(token, keys[kid], algorithms=["RS256", "ES256"],
                            audience=s.oidc_audience, issuer=s.oidc_issuer,
                            options={"require": ["exp", "sub"]})  # fmt: skip
    except jwt.PyJWTError as exc:
        raise TokenError(f"invalid token: {exc}") from exc
    role = claims.get(s.oidc_role_claim)
    if not isinstance(role, str):
        raise TokenError(f"the token has no {s.oidc_role_claim!r} claim")
    return Principal(str(claims["sub"]), role)
