"""A log cut at its tail: back to its last checkpoint, or emptied. The export's ``head.txt``
(the newest signed note) and a copy a witness kept catch it, with or without a pinned key,
even when the attacker also controls the export directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Engine

from sojourn.audit.checkpoint import (
    KEY_NAME,
    AuditConfig,
    head_path,
    make_checkpoint,
    note_path,
)
from sojourn.audit.signing import load_or_create_key, load_public, sign, verify_note
from sojourn.audit.verify import verify
from tests.audit.test_log import _fill, _unguarded


@pytest.fixture
def cfg(tmp_path: Path) -> AuditConfig:
    return AuditConfig(tmp_path / "export", tmp_path / "key.pem", "test.audit", 10)


def key(cfg: AuditConfig) -> Ed25519PublicKey:
    return load_public((cfg.export_dir / "key.pub").read_bytes())


def _cut(engine: Engine, after: int) -> None:
    """Delete every event after ``after`` and the checkpoints above it, as the database's
    owner could (triggers off)."""
    _unguarded(engine, "DELETE FROM audit_resources WHERE seq > :n", n=after)
    _unguarded(engine, "DELETE FROM audit_events WHERE seq > :n", n=after)
    _unguarded(engine, "DELETE FROM audit_checkpoints WHERE tree_size > :n", n=after)


def _logged(engine: Engine, cfg: AuditConfig) -> bytes:
    """25 events, checkpoints at 10 and 20 and one over the rest (head 25); the pinned key."""
    _fill(engine, cfg, 25)
    assert make_checkpoint(engine, cfg) is not None
    assert head_path(cfg.export_dir).read_text() == note_path(cfg.export_dir, 25).read_text()
    assert verify(engine, cfg).ok
    return (cfg.export_dir / "key.pub").read_bytes()


@pytest.mark.parametrize("keep", [20, 0])
def test_a_cut_tail_fails_verification(engine: Engine, cfg: AuditConfig, keep: int) -> None:
    pinned = _logged(engine, cfg)
    _cut(engine, keep)
    for key in (None, pinned):
        report = verify(engine, cfg, public_key=key)
        assert not report.ok and report.first_bad == keep + 1, report.problems
        assert any(f"{keep + 1}..25 are missing" in p for _, p in report.problems)


def test_a_witness_head_catches_a_cut_the_export_was_made_to_agree_with(
    engine: Engine, cfg: AuditConfig
) -> None:
    pinned = _logged(engine, cfg)
    witness = head_path(cfg.export_dir).read_text()  # copied elsewhere after the checkpoint
    _cut(engine, 20)
    for path in (note_path(cfg.export_dir, 25), cfg.export_dir / "leaves-000000000025.txt"):
        path.unlink()
    head_path(cfg.export_dir).write_text(note_path(cfg.export_dir, 20).read_text())
    assert verify(engine, cfg).ok  # the export alone now agrees with the cut log
    for key in (None, pinned):
        report = verify(engine, cfg, public_key=key, head=witness)
        assert report.first_bad == 21, report.problems
        assert "the witness's head signs 25 events" in report.problems[0][1]


def test_a_head_beyond_the_exported_checkpoints_is_reported(
    engine: Engine, cfg: AuditConfig
) -> None:
    _logged(engine, cfg)
    _cut(engine, 20)
    note_path(cfg.export_dir, 25).unlink()
    report = verify(engine, cfg)
    assert any("checkpoints were removed" in p for _, p in report.problems)
    assert report.first_bad == 21


def test_a_head_that_differs_from_the_log_is_reported(
    engine: Engine, cfg: AuditConfig, tmp_path: Path
) -> None:
    _logged(engine, cfg)
    _unguarded(engine, "UPDATE audit_events SET actor = 'x' WHERE seq = 25")
    report = verify(engine, cfg, head=head_path(cfg.export_dir).read_text())
    assert any("do not hash to the witness's head" in p for _, p in report.problems)
    signed = verify_note(head_path(cfg.export_dir).read_text(), KEY_NAME, key(cfg))
    other = sign(signed, KEY_NAME, load_or_create_key(tmp_path / "other.pem"))
    forged = verify(engine, cfg, head=other)  # the same head, signed by another key
    assert any("the witness's head:" in p for _, p in forged.problems)
