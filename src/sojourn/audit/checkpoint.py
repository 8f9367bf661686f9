"""Signed Merkle checkpoints of the audit log, exported to a separate directory.

A checkpoint is the RFC 9162 root over the leaf hashes of events 1..N, signed as a C2SP
signed note. Each one is exported with the leaf hashes it adds (``leaves-N.txt``), so that the
exported copy alone can name an event that was changed, deleted or reordered in the database,
and with the public key that verifies it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, func, select, text

from sojourn.audit.log import LOCK_KEY, now, size
from sojourn.audit.merkle import root
from sojourn.audit.signing import Checkpoint, load_or_create_key, public_pem, sign
from sojourn.audit.tables import audit_checkpoints, audit_events
from sojourn.settings import Settings, get_settings

KEY_NAME = "sojourn-audit"
HEAD_NAME = "head.txt"


@dataclass(frozen=True)
class AuditConfig:
    export_dir: Path
    key_file: Path
    origin: str
    every: int
    seconds: float = 300.0

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> AuditConfig:
        s = settings or get_settings()
        return cls(
            s.audit_export_dir or s.data_dir / "audit-export",
            s.audit_key_file or s.data_dir / "audit" / "signing-key.pem",
            s.audit_origin,
            s.audit_checkpoint_every,
            s.audit_checkpoint_seconds,
        )


def note_path(export_dir: Path, size: int) -> Path:
    return export_dir / f"checkpoint-{size:012d}.note"


def leaves_path(export_dir: Path, size: int) -> Path:
    return export_dir / f"leaves-{size:012d}.txt"


def head_path(export_dir: Path) -> Path:
    """The newest signed note, overwritten by each checkpoint: what a witness copies away."""
    return export_dir / HEAD_NAME


def _write(path: Path, data: str | bytes) -> None:
    """Write a file whole or not at all (a temporary file renamed into place)."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data.encode() if isinstance(data, str) else data)
    os.replace(tmp, path)


def last_checkpoint(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(audit_checkpoints.c.tree_size), 0)))
               .scalar_one())  # fmt: skip


def _leaves(conn: Connection) -> list[str]:
    query = select(audit_events.c.leaf_hash).order_by(audit_events.c.seq)
    return [str(h) for h in conn.execute(query).scalars()]


def make_checkpoint(engine: Engine, cfg: AuditConfig | None = None) -> Checkpoint | None:
    """Sign and export a checkpoint over every event so far (None if there is nothing new)."""
    cfg = cfg or AuditConfig.from_settings()
    key = load_or_create_key(cfg.key_file)
    with engine.begin() as conn:
        _lock(conn)  # one checkpointer at a time: both would export from the same previous
        previous = last_checkpoint(conn)
        leaves = _leaves(conn)
        if len(leaves) <= previous:
            return None
        checkpoint = Checkpoint(cfg.origin, len(leaves), root([bytes.fromhex(h) for h in leaves]))
        note = sign(checkpoint, KEY_NAME, key)
        conn.execute(audit_checkpoints.insert(), {"tree_size": len(leaves),
                     "root": checkpoint.root.hex(), "note": note, "created_at": now()})  # fmt: skip
        cfg.export_dir.mkdir(parents=True, exist_ok=True)  # then the files, before the commit
        _write(cfg.export_dir / "key.pub", public_pem(key.public_key()))
        _write(
            leaves_path(cfg.export_dir, len(leaves)), "".join(f"{h}\n" for h in leaves[previous:])
        )
        _write(note_path(cfg.export_dir, len(leaves)), note)
        _write(head_path(cfg.export_dir), note)
    return checkpoint


def _lock(conn: Connection) -> None:
    """The checkpointers' lock until the transaction ends (PostgreSQL: an advisory lock of
    their own, so appends go on; SQLite: the database write lock)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY + 1})
    else:
        conn.execute(text("UPDATE audit_checkpoints SET tree_size = tree_size WHERE 0"))


def checkpoint_if_due(engine: Engine, cfg: AuditConfig | None = None) -> Checkpoint | None:
    """A checkpoint when ``every`` events have been written since the last one."""
    cfg = cfg or AuditConfig.from_settings()
    with engine.connect() as conn:
        due = size(conn) - last_checkpoint(conn) >= cfg.every
    return make_checkpoint(engine, cfg) if due else None


def checkpoint_if_new(engine: Engine, cfg: AuditConfig | None = None) -> Checkpoint | None:
    """A checkpoint when any event was written since the last one (on the server's timer, and
    when a command that wrote events ends); cheap when there is none."""
    with engine.connect() as conn:
        new = size(conn) > last_checkpoint(conn)
    return make_checkpoint(engine, cfg) if new else None
