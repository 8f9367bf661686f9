"""The audit log on SQLite and PostgreSQL: append, checkpoints, and every kind of tampering
found by ``verify`` (a changed byte, a rewrite with recomputed hashes, a deleted, reordered or
truncated event), the append-only triggers, and a crash between the audit write and commit."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from sojourn.audit.checkpoint import AuditConfig, checkpoint_if_due, make_checkpoint
from sojourn.audit.log import AuditEvent, append, row_leaf, rows
from sojourn.audit.verify import verify
from sojourn.store import make_engine


def _event(i: int) -> AuditEvent:
    return AuditEvent(actor=f"user{i % 3}", role="analyst", purpose="criminal_investigation",
                      action="person.read", resource_type="person", resource_ids=[f"P{i:04d}"],
                      fields=["identity", "travel"], policy_ids=["analyst-read"],
                      request_id=f"r{i}")  # fmt: skip


@pytest.fixture
def cfg(tmp_path: Path) -> AuditConfig:
    return AuditConfig(tmp_path / "export", tmp_path / "key.pem", "test.audit", 10)


def _fill(engine: Engine, cfg: AuditConfig, n: int = 25) -> None:
    for i in range(n):
        with engine.begin() as conn:
            append(conn, _event(i))
        checkpoint_if_due(engine, cfg)


def _unguarded(engine: Engine, sql: str, **params: object) -> None:
    """Run ``sql`` as an attacker with the database owner's rights (triggers off)."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            for verb in ("update", "delete"):
                for table in ("audit_events", "audit_resources", "audit_checkpoints"):
                    conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{verb}"))
        conn.execute(text(sql), params)


def _rehash_from(engine: Engine, seq: int) -> None:
    """Recompute every hash from ``seq`` on, as a careful attacker would."""
    with engine.connect() as conn:
        found = list(rows(conn))
    prev = found[seq - 2]["leaf_hash"] if seq > 1 else "0" * 64
    for row in found[seq - 1 :]:
        row["prev_hash"] = prev
        prev = row["leaf_hash"] = row_leaf(row)
        _unguarded(engine, "UPDATE audit_events SET prev_hash = :p, leaf_hash = :l WHERE seq = :s",
                   p=row["prev_hash"], l=row["leaf_hash"], s=row["seq"])  # fmt: skip


def test_a_clean_log_verifies_with_its_checkpoints(engine: Engine, cfg: AuditConfig) -> None:
    _fill(engine, cfg)
    report = verify(engine, cfg)
    assert report.ok, report.problems
    assert (report.events, report.checkpoints) == (25, 2)
    assert make_checkpoint(engine, cfg) is not None and verify(engine, cfg).checkpoints == 3
    assert make_checkpoint(engine, cfg) is None  # nothing new


def test_the_database_refuses_updates_and_deletes(engine: Engine, cfg: AuditConfig) -> None:
    _fill(engine, cfg, 12)  # one checkpoint: every table has a row
    for sql in ("UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events",
                "DELETE FROM audit_checkpoints"):  # fmt: skip
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(sql))


@pytest.mark.parametrize("column", ["actor", "purpose", "resource_ids", "at", "decision"])
@pytest.mark.parametrize("seq", [3, 12, 25])
def test_a_changed_byte_is_found_with_or_without_rehashing(
    engine: Engine, cfg: AuditConfig, column: str, seq: int
) -> None:
    _fill(engine, cfg)
    with engine.connect() as conn:
        value = str(next(r for r in rows(conn) if r["seq"] == seq)[column])
    mid = len(value) // 2
    changed = value[:mid] + chr(ord(value[mid]) ^ 1) + value[mid + 1 :]
    _unguarded(engine, f"UPDATE audit_events SET {column} = :v WHERE seq = :s", v=changed, s=seq)
    assert verify(engine, cfg).first_bad == seq
    _rehash_from(engine, seq)
    report = verify(engine, cfg)
    if seq <= 20:  # below the last checkpoint: the exported copy names it
        assert report.first_bad == seq, report.problems
    elif column == "resource_ids":  # the resource index still names the old resources
        assert report.first_bad == seq and "indexed as" in report.problems[0][1]
    else:  # after the last checkpoint nothing outside the database knows it yet
        assert report.ok


def test_deleted_reordered_and_truncated_events_are_found(engine: Engine, cfg: AuditConfig) -> None:
    _fill(engine, cfg)
    _unguarded(engine, "DELETE FROM audit_resources WHERE seq >= 15")
    _unguarded(engine, "DELETE FROM audit_events WHERE seq >= 15")
    report = verify(engine, cfg)
    assert report.first_bad == 15 and "truncated" in report.problems[0][1]
    _unguarded(engine, "DELETE FROM audit_resources WHERE seq = 7")
    _unguarded(engine, "DELETE FROM audit_events WHERE seq = 7")
    assert verify(engine, cfg).first_bad == 7


def test_swapped_events_are_found(engine: Engine, cfg: AuditConfig) -> None:
    _fill(engine, cfg)
    with engine.connect() as conn:
        found = {r["seq"]: r for r in rows(conn)}
    for seq, other in ((5, 9), (9, 5)):
        _unguarded(engine, "UPDATE audit_events SET actor = :a, request_id = :r, "
                   "resource_ids = :i WHERE seq = :s", a=found[other]["actor"],
                   r=found[other]["request_id"], i=found[other]["resource_ids"], s=seq)  # fmt: skip
    assert verify(engine, cfg).first_bad == 5
    _rehash_from(engine, 5)
    assert verify(engine, cfg).first_bad == 5


def test_a_forged_or_altered_export_is_reported(engine: Engine, cfg: AuditConfig) -> None:
    _fill(engine, cfg, 12)
    note = next(cfg.export_dir.glob("checkpoint-*.note"))
    note.write_text(note.read_text().replace("\n10\n", "\n11\n"))
    assert any("bad signature" in p for _, p in verify(engine, cfg).problems)
    leaves = next(cfg.export_dir.glob("leaves-*.txt"))
    note.unlink()
    make_checkpoint(engine, cfg)
    leaves.write_text(leaves.read_text().replace("a", "b", 1))
    assert not verify(engine, cfg).ok


def test_a_pinned_key_catches_a_forger_who_replaced_the_export(
    engine: Engine, cfg: AuditConfig, tmp_path: Path
) -> None:
    _fill(engine, cfg, 12)
    pinned = (cfg.export_dir / "key.pub").read_bytes()  # the auditor's own copy
    _unguarded(engine, "UPDATE audit_events SET actor = 'nobody' WHERE seq = 3")
    _rehash_from(engine, 3)
    forged = AuditConfig(cfg.export_dir, tmp_path / "forger.pem", cfg.origin, cfg.every)
    for old in [*cfg.export_dir.glob("*.note"), *cfg.export_dir.glob("*.txt")]:
        old.unlink()
    _unguarded(engine, "DELETE FROM audit_checkpoints")
    make_checkpoint(engine, forged)  # a new key signs the rewritten log; key.pub replaced
    assert verify(engine, cfg).ok  # trusting the exported key, the forgery holds
    report = verify(engine, cfg, public_key=pinned)
    assert not report.ok
    assert any("not the pinned public key" in p for _, p in report.problems)
    assert any("signature" in p or "key" in p for _, p in report.problems)


def _append_then_die(url: str, schema: str | None) -> None:
    engine = make_engine(url, schema)
    with engine.begin() as conn:
        append(conn, AuditEvent("crash", "analyst", "statistics", "person.read", "person", ["P1"]))
        os.kill(os.getpid(), signal.SIGKILL)  # before the commit


def test_a_crash_between_audit_write_and_commit_leaves_a_verifiable_chain(
    engine: Engine, cfg: AuditConfig, db: tuple[str, str | None]
) -> None:
    _fill(engine, cfg, 4)
    process = multiprocessing.get_context("spawn").Process(target=_append_then_die, args=db)
    process.start()
    process.join(60)
    assert process.exitcode == -signal.SIGKILL
    report = verify(engine, cfg)
    assert report.ok and report.events == 4
    with engine.begin() as conn:
        assert append(conn, _event(99)) == 5
    assert verify(engine, cfg).ok
    with engine.connect() as conn:
        assert json.loads(list(rows(conn))[-1]["resource_ids"]) == ["P0099"]


def test_a_change_that_breaks_the_json_is_named_not_a_crash(
    engine: Engine, cfg: AuditConfig
) -> None:
    _fill(engine, cfg, 5)
    _unguarded(engine, "UPDATE audit_events SET resource_ids = '[\"P00' WHERE seq = 4")
    report = verify(engine, cfg)
    assert report.first_bad == 4 and "malformed" in report.problems[0][1]


def test_concurrent_appends_keep_one_gap_free_chain(engine: Engine, cfg: AuditConfig) -> None:
    import threading

    errors: list[BaseException] = []

    def work(worker: int) -> None:
        for i in range(25):
            try:
                with engine.begin() as conn:
                    append(conn, _event(worker * 100 + i))
            except BaseException as exc:  # collected for the assertion below
                errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = verify(engine, cfg)
    assert report.ok and report.events == 100


def test_checkpointers_take_turns(engine: Engine, cfg: AuditConfig) -> None:
    import threading

    from sojourn.audit import checkpoint

    _fill(engine, AuditConfig(cfg.export_dir, cfg.key_file, cfg.origin, 1000), 7)
    made: list[object] = []
    with engine.begin() as conn:
        checkpoint._lock(conn)  # another checkpointer is exporting
        other = threading.Thread(target=lambda: made.append(make_checkpoint(engine, cfg)))
        other.start()
        other.join(0.5)
        assert other.is_alive()  # it waits rather than export from the same previous
    other.join(30)
    assert len(made) == 1 and made[0] is not None
    report = verify(engine, cfg)
    assert report.ok, report.problems


def test_a_hidden_read_is_caught_in_the_resource_index(engine: Engine, cfg: AuditConfig) -> None:
    _fill(engine, cfg)
    _unguarded(engine, "DELETE FROM audit_resources WHERE seq = 7")  # "who looked": not them
    report = verify(engine, cfg)
    assert report.first_bad == 7 and "indexed as [], not ['P0006']" in report.problems[0][1]
