"""Many audit events appended at once (the real-time pipeline's batch) chain exactly like
events appended one by one: consecutive sequence numbers, each linked to the one before,
resources indexed, and the whole log verifies."""

from __future__ import annotations

import itertools
from pathlib import Path

from sqlalchemy import Engine, text

from sojourn.audit.checkpoint import AuditConfig
from sojourn.audit.log import AuditEvent, append, append_many, rows
from sojourn.audit.verify import verify


def _event(i: int) -> AuditEvent:
    return AuditEvent("system", "system", "civil_enforcement", "case.task_add", "case",
                      [str(i), f"P{i}", f"P{i}"], ["case"], detail={"n": i})  # fmt: skip


def test_a_batch_chains_like_single_appends(engine: Engine, tmp_path: Path) -> None:
    with engine.begin() as conn:
        assert append(conn, _event(0)) == 1
        assert append_many(conn, [_event(i) for i in range(1, 6)]) == [2, 3, 4, 5, 6]
        assert append_many(conn, []) == []
        assert append(conn, _event(6)) == 7
    with engine.connect() as conn:
        stored = list(rows(conn))
        indexed = conn.execute(text("SELECT count(*) FROM audit_resources")).scalar_one()
    assert [r["seq"] for r in stored] == list(range(1, 8))
    assert all(r["prev_hash"] == p["leaf_hash"] for p, r in itertools.pairwise(stored))
    assert indexed == 14  # two distinct resources each
    cfg = AuditConfig(tmp_path / "export", tmp_path / "key.pem", "test.audit", 100)
    report = verify(engine, cfg)
    assert report.ok, report.problems
    assert report.events == 7
