"""The command line on the record: each command that reads or writes person data leaves one
audit event as ``cli:<OS user>`` with its purpose (required for reads: exit 2 without one or
with an unknown one), a command that wrote events ends with a signed checkpoint over them, and
a log cut at its tail fails ``sojourn audit verify`` (with ``--public-key`` and ``--head``)."""

from __future__ import annotations

import csv
import getpass
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from sojourn.audit.checkpoint import AuditConfig, head_path, note_path
from sojourn.cli import app
from sojourn.store import connect, upgrade
from tests.audit.test_log import _unguarded
from tests.factory import resolved_population

runner = CliRunner()
ME = f"cli:{getpass.getuser()}"
CE, RD, OA = "civil_enforcement", "redress", "oversight_audit"
READS = [
    ["status", "P1"],
    ["export", "links", "--out", "links.csv"],
    ["explain", "R1"],
    ["reviews", "list"],
    ["cases", "list"],
    ["cases", "show", "1"],
    ["assess", "P1"],
    ["audit", "log", "--person", "P1"],
]


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args), terminal_width=200)
    assert result.exit_code == 0, result.output
    return result.output


def _last() -> dict[str, Any]:
    with connect().connect() as conn:
        row = conn.execute(text("SELECT * FROM audit_events ORDER BY seq DESC LIMIT 1")).one()
    event = dict(row._mapping)
    event["resource_ids"], event["detail"] = json.loads(row.resource_ids), json.loads(row.detail)
    return event


def _signed_to_the_end() -> None:
    """The newest checkpoint (and head.txt) covers every event."""
    with connect().connect() as conn:
        size = conn.execute(text("SELECT max(seq) FROM audit_events")).scalar_one()
        signed = conn.execute(text("SELECT max(tree_size) FROM audit_checkpoints")).scalar_one()
    assert signed == size
    head = head_path(AuditConfig.from_settings().export_dir).read_text()
    assert head.split("\n")[1] == str(size)


@pytest.mark.parametrize("args", READS, ids=lambda a: " ".join(a[:2]))
def test_a_read_needs_a_known_purpose(args: list[str]) -> None:
    missing = runner.invoke(app, args)
    assert missing.exit_code == 2 and "--purpose" in missing.output, missing.output
    unknown = runner.invoke(app, [*args, "--purpose", "curiosity"])
    assert unknown.exit_code == 2 and "unknown purpose 'curiosity'" in unknown.output


def test_each_command_is_audited_as_the_operator_with_its_purpose(tmp_path: Path) -> None:
    resolved_population(tmp_path, 300)
    with connect().connect() as conn:
        sql = ("SELECT action, purpose, actor, resource_ids, detail FROM audit_events "
               "WHERE action IN ('records.ingest', 'records.resolve') ORDER BY seq")  # fmt: skip
        found = list(conn.execute(text(sql)))
        made = {r.action: r for r in found}
    phases = [(r.action, json.loads(r.detail).get("phase")) for r in found]
    assert phases[0] == ("records.ingest", "started")  # a write leaves a trace before it works
    assert ("records.resolve", "started") in phases and phases[-1][1] == "ended"
    assert made["records.ingest"].purpose == CE and made["records.ingest"].actor == ME
    assert json.loads(made["records.resolve"].resource_ids) == ["run-1"]
    _signed_to_the_end()
    links = tmp_path / "links.csv"
    _run("export", "links", "--out", str(links), "--purpose", CE)
    assert (_last()["action"], _last()["purpose"], _last()["actor"]) == ("links.export", CE, ME)
    rows = list(csv.DictReader(links.open(encoding="utf-8")))
    person, record_id = rows[0]["person_id"], rows[0]["record_id"]
    other = next(r for r in rows if r["person_id"] != person)
    checks: list[tuple[list[str], str, str, str | None]] = [
        (["status", person, "--purpose", CE], "person.status", CE, person),
        (["explain", record_id, "--purpose", RD], "record.explain", RD, record_id),
        (["reviews", "list", "--purpose", RD], "review.list", RD, None),
        (["assess", person, "--as-of", "2026-10-01", "--purpose", CE], "person.assess", CE, person),
        (["assess", "--as-of", "2026-10-01"], "person.assess", CE, None),
        (["cases", "sync", "--as-of", "2026-10-01", "--purpose", OA], "case.sync", OA, None),
        (["cases", "list", "--purpose", OA], "case.list", OA, None),
        (["judge", record_id, other["record_id"], "different", "--actor", "ana", "--reason",
          "two people", "--purpose", RD], "judgement.add", RD, other["record_id"]),
        (["retract", "1", "--actor", "ana", "--reason", "too soon"], "judgement.retract", CE,
         record_id),
        (["audit", "log", "--person", person, "--purpose", OA], "audit.read", OA, person),
    ]  # fmt: skip
    for args, action, purpose, named in checks:
        _run(*args)
        event = _last()
        assert (event["action"], event["purpose"], event["actor"]) == (action, purpose, ME), args
        assert event["role"] == "administrator" and event["decision"] == "allow"
        assert named is None or named in event["resource_ids"], (args, event)
        _signed_to_the_end()  # each command that wrote events ends with a checkpoint
    people = json.loads(_run("audit", "log", "--person", person, "--purpose", OA, "--format",
                             "json"))  # fmt: skip
    assert {"person.status", "person.assess", "audit.read"} <= {e["action"] for e in people}


def _cut(after: int) -> None:
    engine = connect()
    _unguarded(engine, "DELETE FROM audit_resources WHERE seq > :n", n=after)
    _unguarded(engine, "DELETE FROM audit_events WHERE seq > :n", n=after)
    _unguarded(engine, "DELETE FROM audit_checkpoints WHERE tree_size > :n", n=after)


def test_a_cut_tail_fails_verify(tmp_path: Path) -> None:
    upgrade(connect())
    for n in range(3):  # three commands, one event and one checkpoint each
        _run("audit", "log", "--person", f"P{n}", "--purpose", OA)
    export = AuditConfig.from_settings().export_dir
    pinned, witness = tmp_path / "key.pub", tmp_path / "head.txt"
    shutil.copy(export / "key.pub", pinned)
    shutil.copy(head_path(export), witness)  # the witness keeps the head
    assert runner.invoke(app, ["audit", "verify", "--head", str(witness)]).exit_code == 0
    _cut(2)  # back to the last checkpoint but one
    for extra in ([], ["--public-key", str(pinned)]):
        cut = runner.invoke(app, ["audit", "verify", *extra], terminal_width=200)
        assert cut.exit_code == 1 and "3..3 are missing" in cut.output, cut.output
    # the attacker also owns the export directory: the newest checkpoint goes, head.txt rolls back
    note_path(export, 3).unlink()
    (export / "leaves-000000000003.txt").unlink()
    head_path(export).write_text(note_path(export, 2).read_text())
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0  # the export agrees now
    for extra in ([], ["--public-key", str(pinned)]):
        kept = runner.invoke(app, ["audit", "verify", "--head", str(witness), *extra])
        assert kept.exit_code == 1 and "witness's head signs 3 events" in kept.output
    _cut(0)  # everything
    emptied = runner.invoke(app, ["audit", "verify", "--format", "json"])
    assert emptied.exit_code == 1 and json.loads(emptied.output)["first_bad_event"] == 1
