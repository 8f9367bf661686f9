"""``sojourn audit verify|checkpoint|log`` on the configured store."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from sojourn.audit.log import AuditEvent, append
from sojourn.cli import app
from sojourn.store import connect, upgrade

runner = CliRunner()
OA = "oversight_audit"


def test_audit_commands() -> None:
    engine = connect()
    upgrade(engine)
    for person, actor in (("P1", "ana"), ("P2", "ana"), ("P1", "omar")):
        with engine.begin() as conn:
            append(conn, AuditEvent(actor, "analyst", "criminal_investigation", "person.read",
                                    "person", [person], ["identity"]))  # fmt: skip
    made = runner.invoke(app, ["audit", "checkpoint"])
    assert made.exit_code == 0 and "checkpoint 3" in made.output
    shown = runner.invoke(app, ["audit", "verify", "--format", "json"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["events"] == 3
    who = json.loads(
        runner.invoke(
            app, ["audit", "log", "--person", "P1", "--format", "json", "--purpose", OA]
        ).output
    )
    assert [e["actor"] for e in who] == ["omar", "ana"]
    by = json.loads(
        runner.invoke(app, ["audit", "log", "--actor", "ana", "--format", "json"]).output
    )
    assert [e["resource_ids"] for e in by] == [["P2"], ["P1"]]
    table = runner.invoke(app, ["audit", "log", "--person", "P1", "--purpose", OA])
    assert table.exit_code == 0 and "omar" in table.output
