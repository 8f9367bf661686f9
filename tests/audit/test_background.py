"""Checkpoints made in the background as the log grows, from several threads, on SQLite and
PostgreSQL: every block of ``every`` events gets its signed checkpoint, and the log verifies."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import Engine, text

from sojourn.audit.background import Checkpointer
from sojourn.audit.checkpoint import AuditConfig, make_checkpoint
from sojourn.audit.log import AuditEvent, append
from sojourn.audit.verify import verify

EVENT = AuditEvent("ana", "analyst", "criminal_investigation", "person.read", "person", ["P1"])


def _append(engine: Engine, checkpointer: Checkpointer, n: int) -> None:
    for _ in range(n):
        with engine.begin() as conn:
            seq = append(conn, EVENT)
        checkpointer.after(seq)
        checkpointer.join()  # one checkpoint at a time here, so that each block gets one


def _sizes(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        found = conn.execute(text("SELECT tree_size FROM audit_checkpoints ORDER BY tree_size"))
        return [int(x) for x in found.scalars()]


def test_each_block_of_events_gets_its_checkpoint(engine: Engine, tmp_path: Path) -> None:
    cfg = AuditConfig(tmp_path / "export", tmp_path / "key.pem", "test.audit", 4)
    _append(engine, Checkpointer(engine, cfg), 13)
    assert _sizes(engine) == [4, 8, 12]
    assert sorted(p.name for p in (tmp_path / "export").glob("*.note"))[-1].endswith("12.note")
    report = verify(engine, cfg)
    assert report.ok and report.checkpoints == 3, report.problems


def test_threads_appending_together_leave_a_verifiable_log(engine: Engine, tmp_path: Path) -> None:
    cfg = AuditConfig(tmp_path / "export", tmp_path / "key.pem", "test.audit", 5)
    checkpointer = Checkpointer(engine, cfg)

    def work() -> None:
        for _ in range(15):
            with engine.begin() as conn:
                seq = append(conn, EVENT)
            checkpointer.after(seq)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    checkpointer.join()
    sizes = _sizes(engine)
    assert sizes and all(b - a >= 5 for a, b in zip([0, *sizes], sizes, strict=False))
    make_checkpoint(engine, cfg)  # on demand: the rest of the log
    assert _sizes(engine)[-1] == 45
    assert verify(engine, cfg).ok


def test_a_failed_checkpoint_is_caught_up_by_the_next(engine: Engine, tmp_path: Path) -> None:
    blocker = tmp_path / "export"
    blocker.write_text("a file where the export directory should be")
    cfg = AuditConfig(blocker, tmp_path / "key.pem", "test.audit", 3)
    checkpointer = Checkpointer(engine, cfg)
    _append(engine, checkpointer, 4)
    assert _sizes(engine) == []  # the export failed, so nothing was recorded as signed
    blocker.unlink()
    _append(engine, checkpointer, 3)
    assert _sizes(engine) == [6]  # at the next crossing (6), covering events 1..6


def test_the_timer_signs_new_events_and_stops(engine: Engine, tmp_path: Path) -> None:
    cfg = AuditConfig(tmp_path / "export", tmp_path / "key.pem", "test.audit", 1000, 0.05)
    checkpointer = Checkpointer(engine, cfg)
    checkpointer.start_timer()
    try:
        for expected in (2, 3):
            with engine.begin() as conn:
                for _ in range(expected - sum(_sizes(engine)[-1:])):
                    append(conn, EVENT)
            deadline = time.monotonic() + 20
            while _sizes(engine)[-1:] != [expected] and time.monotonic() < deadline:
                time.sleep(0.05)
            assert _sizes(engine)[-1:] == [expected]  # well before 1000 events
    finally:
        checkpointer.stop(10)
    with engine.begin() as conn:
        append(conn, EVENT)
    time.sleep(0.3)
    assert _sizes(engine)[-1] == 3  # stopped: no more checkpoints
    assert (tmp_path / "export" / "head.txt").read_text().split("\n")[1] == "3"
    assert verify(engine, cfg).ok
