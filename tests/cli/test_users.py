"""``sojourn users add|list|disable``, each change in the audit log."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from sojourn.cli import app

runner = CliRunner()


def test_users_commands() -> None:
    added = runner.invoke(app, ["users", "add", "ana", "--role", "analyst"],
                          input="a long passphrase\na long passphrase\n")  # fmt: skip
    assert added.exit_code == 0, added.output
    bad = runner.invoke(app, ["users", "add", "bob", "--role", "janitor",
                              "--password", "a long passphrase"])  # fmt: skip
    assert bad.exit_code != 0 and "unknown role" in str(bad.exception)
    disabled = runner.invoke(app, ["users", "disable", "ana", "--reason", "left"])
    assert disabled.exit_code == 0, disabled.output
    listed = json.loads(runner.invoke(app, ["users", "list", "--format", "json"]).output)
    assert [(u["username"], u["role"], u["active"]) for u in listed] == [("ana", "analyst", False)]
    log = json.loads(runner.invoke(app, ["audit", "log", "--format", "json"]).output)
    assert [e["action"] for e in log] == ["user.disable", "user.add"]
    assert log[0]["actor"].startswith("cli:") and log[0]["resource_ids"] == ["ana"]
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0
