"""Access tokens: local HS256 tokens (round trip, expiry, forgery) and tokens from an OpenID
Connect provider checked against its key set, issuer, audience and role claim."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from sojourn.access.authz import Principal
from sojourn.access.tokens import AUDIENCE, ISSUER, TokenError, issue, verify, verify_oidc
from sojourn.settings import Settings


def test_local_tokens_round_trip_and_refuse_forgeries(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path)
    token = issue(Principal("ana", "analyst"), s)
    assert verify(token, s) == Principal("ana", "analyst")
    assert (tmp_path / "access" / "jwt-secret").stat().st_mode & 0o077 == 0
    with pytest.raises(TokenError):
        verify(token, Settings(data_dir=tmp_path / "other"))  # another key
    head, body, sig = token.split(".")
    with pytest.raises(TokenError):
        verify(f"{head}.{body}.{sig[:-2]}AA", s)
    past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    key = (tmp_path / "access" / "jwt-secret").read_bytes()
    expired = jwt.encode({"sub": "ana", "role": "analyst", "iss": ISSUER, "aud": AUDIENCE,
                          "exp": past}, key, algorithm="HS256")  # fmt: skip
    with pytest.raises(TokenError, match="expired"):
        verify(expired, s)


def test_identity_provider_tokens(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path, oidc_issuer="https://idp.example.gov",
                 oidc_audience="sojourn")  # fmt: skip
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    jwks = {"keys": [{**jwk, "kid": "k1", "alg": "RS256", "use": "sig"}]}
    exp = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)

    def token(**claims: object) -> str:
        body = {"sub": "ana@agency", "iss": "https://idp.example.gov", "aud": "sojourn",
                "exp": exp, "sojourn_role": "analyst", **claims}  # fmt: skip
        return jwt.encode(body, private, algorithm="RS256", headers={"kid": "k1"})

    assert verify_oidc(token(), jwks, s) == Principal("ana@agency", "analyst")
    cases = (
        (token(aud="other"), "(?i)audience"),
        (token(iss="https://evil"), "(?i)issuer"),
        (token(sojourn_role=None), "sojourn_role"),
    )
    for bad, message in cases:
        with pytest.raises(TokenError, match=message):
            verify_oidc(bad, jwks, s)
    other = jwt.encode({"sub": "x"}, private, algorithm="RS256", headers={"kid": "k2"})
    with pytest.raises(TokenError, match="unknown signing key"):
        verify_oidc(other, jwks, s)
    with pytest.raises(TokenError, match="no identity provider"):
        verify_oidc(token(), jwks, Settings(data_dir=tmp_path))
