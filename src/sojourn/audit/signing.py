"""Ed25519-signed checkpoints in the C2SP formats: a checkpoint body (origin, tree size,
base64 root) signed as a *signed note* (a blank line, then ``— name base64(key id ‖
signature)``; the key id is the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)).

The private key lives in a PEM file readable by its owner only (created on first use); the
public key is exported beside the checkpoints so that anyone can verify them.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

DASH = "\u2014"
ED25519 = b"\x01"


class NoteError(ValueError):
    """A checkpoint note that is malformed or not signed by the expected key."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def body(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    """The signing key in ``path`` (PEM, PKCS#8), created with mode 0600 if missing."""
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise NoteError(f"{path}: not an Ed25519 private key")
        return key
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    return key


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_public(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise NoteError("not an Ed25519 public key")
    return key


def key_id(name: str, key: Ed25519PublicKey) -> bytes:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + raw).digest()[:4]


def sign(checkpoint: Checkpoint, name: str, key: Ed25519PrivateKey) -> str:
    """The signed note of ``checkpoint``."""
    body = checkpoint.body()
    signature = key.sign(body.encode())
    blob = base64.b64encode(key_id(name, key.public_key()) + signature).decode()
    return f"{body}\n{DASH} {name} {blob}\n"


def _parse_body(body: str) -> Checkpoint:
    lines = body.split("\n")
    if len(lines) < 4 or lines[-1] != "" or not lines[1].isdigit():
        raise NoteError("checkpoint body is not origin, size, root")
    try:
        root = base64.b64decode(lines[2], validate=True)
    except ValueError as exc:
        raise NoteError("checkpoint root is not base64") from exc
    if len(root) != 32 or str(int(lines[1])) != lines[1]:
        raise NoteError("checkpoint root or size malformed")
    return Checkpoint(lines[0], int(lines[1]), root)


def verify_note(note: str, name: str, key: Ed25519PublicKey) -> Checkpoint:
    """The checkpoint of a note signed by ``name`` with ``key``; NoteError otherwise."""
    body, sep, signatures = note.partition("\n\n")
    if not sep or not signatures.endswith("\n"):
        raise NoteError("not a signed note")
    body += "\n"
    expected = key_id(name, key)
    for line in signatures[:-1].split("\n"):
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != DASH or parts[1] != name:
            continue
        try:
            blob = base64.b64decode(parts[2], validate=True)
        except ValueError as exc:
            raise NoteError("signature is not base64") from exc
        if blob[:4] != expected or len(blob) != 68:
            continue
        try:
            key.verify(blob[4:], body.encode())
        except InvalidSignature as exc:
            raise NoteError("bad signature") from exc
        return _parse_body(body)
    raise NoteError(f"no signature by {name!r} with the expected key")
