"""``sojourn audit verify``: recompute the chain and every exported checkpoint, and name the
first event that does not hold.

The database alone can show a broken chain (a changed, deleted or reordered row whose hashes
were not recomputed). The exported copy — signed notes and their leaf hashes, kept on another
system — also catches a rewrite that recomputed every hash, and a log truncated below its last
checkpoint: each event's leaf is compared with the exported leaf, each signed root with the root
recomputed from the events, and consecutive checkpoints are proved consistent (RFC 9162).
The newest signed note (``head.txt``, and a copy a witness kept) must still be covered: a log
cut back to its last checkpoint, or emptied, fails.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Engine, select

from sojourn.audit.checkpoint import HEAD_NAME, KEY_NAME, AuditConfig, head_path, leaves_path
from sojourn.audit.log import GENESIS, row_leaf, rows
from sojourn.audit.merkle import ProofError, consistency_proof, root, verify_consistency
from sojourn.audit.signing import Checkpoint, NoteError, load_public, verify_note
from sojourn.audit.tables import audit_checkpoints, audit_resources


@dataclass
class Report:
    events: int = 0
    checkpoints: int = 0
    problems: list[tuple[int | None, str]] = field(default_factory=list)

    @property
    def first_bad(self) -> int | None:
        seqs = [seq for seq, _ in self.problems if seq is not None]
        return min(seqs) if seqs else None

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, seq: int | None, problem: str) -> None:
        self.problems.append((seq, problem))


def _chain(engine: Engine, report: Report) -> list[bytes]:
    """Each event's leaf recomputed from its content, checking sequence and links."""
    leaves: list[bytes] = []
    prev = GENESIS
    with engine.connect() as conn:
        for row in rows(conn):
            seq = len(leaves) + 1
            if row["seq"] != seq:
                report.add(seq, f"event {seq} is missing (found {row['seq']} next)")
                return leaves
            try:
                leaf = row_leaf(row)
            except (ValueError, TypeError):  # a changed byte broke a JSON column
                report.add(seq, f"event {seq} was changed: its content is malformed")
                leaf = "00" * 32
            if row["prev_hash"] != prev:
                report.add(seq, f"event {seq} does not follow event {seq - 1} (prev_hash)")
            if row["leaf_hash"] != leaf:
                report.add(seq, f"event {seq} was changed: its content does not hash to its leaf")
            leaves.append(bytes.fromhex(leaf))
            prev = str(row["leaf_hash"])
    return leaves


def _key(export_dir: Path, pinned: bytes | None, report: Report) -> Ed25519PublicKey | None:
    """The key that must have signed the checkpoints: the auditor's pinned copy when given
    (the exported ``key.pub`` must then be the same key), else the exported one."""
    try:
        if pinned is not None:
            key = load_public(pinned)
            exported = (export_dir / "key.pub").read_bytes()
            if load_public(exported).public_bytes_raw() != key.public_bytes_raw():
                report.add(None, f"{export_dir / 'key.pub'} is not the pinned public key")
            return key
        return load_public((export_dir / "key.pub").read_bytes())
    except (OSError, NoteError, ValueError) as exc:
        report.add(None, f"no usable public key in {export_dir}: {exc}")
        return None


def _notes(export_dir: Path, report: Report, key: Ed25519PublicKey) -> list[Checkpoint]:
    found = []
    for path in sorted(export_dir.glob("checkpoint-*.note")):
        try:
            found.append(verify_note(path.read_text(encoding="utf-8"), KEY_NAME, key))
        except (OSError, NoteError) as exc:
            report.add(None, f"{path.name}: {exc}")
    return sorted(found, key=lambda checkpoint: checkpoint.size)


def _against_export(
    leaves: list[bytes], notes: list[Checkpoint], export_dir: Path, report: Report
) -> None:
    exported: list[bytes] = []
    previous: Checkpoint | None = None
    for checkpoint in notes:
        try:
            lines = leaves_path(export_dir, checkpoint.size).read_text().split()
            exported += [bytes.fromhex(h) for h in lines]
        except (OSError, ValueError) as exc:
            report.add(None, f"leaves of checkpoint {checkpoint.size}: {exc}")
            return
        if len(exported) != checkpoint.size or root(exported) != checkpoint.root:
            report.add(None, f"exported leaves do not match signed checkpoint {checkpoint.size}")
            return
        _compare(leaves, exported, checkpoint, report)
        if previous is not None:
            _consistent(previous, checkpoint, exported, report)
        previous = checkpoint
        report.checkpoints += 1


def _compare(leaves: list[bytes], exported: list[bytes], cp: Checkpoint, report: Report) -> None:
    if len(leaves) < cp.size:
        report.add(len(leaves) + 1, f"events {len(leaves) + 1}..{cp.size} are missing: the "
                   f"exported checkpoint {cp.size} holds them (truncated log)")  # fmt: skip
    for i, (mine, theirs) in enumerate(zip(leaves, exported, strict=False)):
        if mine != theirs:
            report.add(
                i + 1, f"event {i + 1} differs from the exported copy (checkpoint {cp.size})"
            )
            return
    if len(leaves) >= cp.size and root(leaves[: cp.size]) != cp.root:
        report.add(None, f"the events do not hash to signed checkpoint {cp.size}")


def _consistent(first: Checkpoint, second: Checkpoint, leaves: list[bytes], report: Report) -> None:
    try:
        proof = consistency_proof(first.size, leaves[: second.size])
        verify_consistency(first.size, second.size, first.root, second.root, proof)
    except (ProofError, ValueError) as exc:
        report.add(None, f"checkpoints {first.size} and {second.size} are not consistent: {exc}")


def _stored_checkpoints(engine: Engine, export_dir: Path, report: Report) -> None:
    with engine.connect() as conn:
        stored = conn.execute(select(audit_checkpoints.c.tree_size, audit_checkpoints.c.note))
        for size, note in stored:
            path = export_dir / f"checkpoint-{int(size):012d}.note"
            if not path.exists() or path.read_text(encoding="utf-8") != note:
                report.add(None, f"checkpoint {size} in the database differs from its export")


def _resources(engine: Engine, report: Report) -> None:
    """The index of events by resource (what "who looked at this person" reads) holds each
    event's resources, no more and no fewer: a deleted index row would hide a read."""
    query = select(audit_resources.c.seq, audit_resources.c.resource_id).order_by(
        audit_resources.c.seq, audit_resources.c.resource_id
    )
    with engine.connect() as events, engine.connect() as index:
        indexed = iter(index.execution_options(stream_results=True).execute(query))
        pending = next(indexed, None)
        for row in rows(events):
            seq = int(row["seq"])
            while pending is not None and pending[0] < seq:
                report.add(int(pending[0]), f"the resource index names event {pending[0]}")
                pending = next(indexed, None)
            got = []
            while pending is not None and pending[0] == seq:
                got.append(str(pending[1]))
                pending = next(indexed, None)
            try:
                want = sorted({str(r) for r in json.loads(row["resource_ids"])})
            except (ValueError, TypeError):
                continue  # a changed event: the chain reports it
            if got != want:
                report.add(seq, f"event {seq}'s resources are indexed as {got}, not {want}")
        if pending is not None:
            report.add(int(pending[0]), f"the resource index names event {pending[0]}")


@dataclass(frozen=True)
class _Export:
    """What the export directory (and a witness) hold, read before the events are: a
    checkpoint made while the log is read then covers only events the read finds."""

    key: Ed25519PublicKey | None
    notes: list[Checkpoint]
    heads: list[tuple[str, Checkpoint]]


def _read_export(
    export_dir: Path, pinned: bytes | None, witness: str | None, report: Report
) -> _Export:
    exported = head_path(export_dir)
    texts = [("the witness's head", witness)] if witness is not None else []
    if exported.exists():
        texts.insert(0, (str(exported), exported.read_text(encoding="utf-8")))
    if not texts and not any(export_dir.glob("checkpoint-*.note")):
        return _Export(None, [], [])
    key = _key(export_dir, pinned, report)
    if key is None:
        return _Export(None, [], [])
    heads = []
    for name, text in texts:
        try:
            heads.append((name, verify_note(text, KEY_NAME, key)))
        except NoteError as exc:
            report.add(None, f"{name}: {exc}")
    return _Export(key, _notes(export_dir, report, key), heads)


def _against_heads(leaves: list[bytes], export: _Export, report: Report) -> None:
    """The log holds at least the events each head signs, and they hash to its root: a log
    cut back to (or below) its last checkpoint is caught."""
    newest = export.notes[-1].size if export.notes else 0
    for name, head in export.heads:
        if name.endswith(HEAD_NAME) and head.size > newest:
            report.add(None, f"{name} signs {head.size} events but the newest exported "
                       f"checkpoint is {newest}: checkpoints were removed")  # fmt: skip
        if len(leaves) < head.size:
            report.add(len(leaves) + 1, f"events {len(leaves) + 1}..{head.size} are missing: "
                       f"{name} signs {head.size} events (truncated log)")  # fmt: skip
        elif root(leaves[: head.size]) != head.root:
            report.add(None, f"the events do not hash to {name} ({head.size} events)")


def verify(
    engine: Engine,
    cfg: AuditConfig | None = None,
    public_key: bytes | None = None,
    head: str | None = None,
) -> Report:
    """Check the whole log; the report names the first bad event, if any. ``public_key``
    (PEM): the auditor's own copy of the signing key's public half, so that a forger who
    also replaced the exported ``key.pub`` is caught. ``head``: a signed note a witness
    kept (a copy of ``head.txt``); the log must still hold what it signs."""
    cfg = cfg or AuditConfig.from_settings()
    report = Report()
    export = _read_export(cfg.export_dir, public_key, head, report)
    leaves = _chain(engine, report)
    report.events = len(leaves)
    _against_export(leaves, export.notes, cfg.export_dir, report)
    _against_heads(leaves, export, report)
    _stored_checkpoints(engine, cfg.export_dir, report)
    _resources(engine, report)
    return report
