"""The entity-resolution commands, end to end on a small generated population."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sojourn.cli import app
from sojourn.resolve import run
from tests.resolve.test_health import flat, write_names_only

runner = CliRunner()
CE, RD = "civil_enforcement", "redress"


@pytest.fixture
def resolved(tmp_path: Path) -> Path:
    """A generated population, ingested and resolved; returns its directory."""
    out = tmp_path / "synth"
    assert runner.invoke(app, ["generate", "--persons", "400", "--out", str(out)]).exit_code == 0
    assert runner.invoke(app, ["ingest", str(out)]).exit_code == 0
    result = runner.invoke(app, ["resolve"], terminal_width=120)
    assert result.exit_code == 0, result.output
    assert "resolve run 1" in result.output and "persons created" in result.output
    assert "persons assessed" in result.output  # assessments and cases follow the run
    # A run that trains shows what the model learned, and the thresholds it chose.
    for shown in ("what each agreement level weighs", "EM sessions", "accept / review thresholds"):
        assert shown in result.output, shown
    return out


def _links(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_resolve_export_explain_and_evaluate(resolved: Path, tmp_path: Path) -> None:
    out = tmp_path / "links.csv"
    exported = runner.invoke(app, ["export", "links", "--out", str(out), "--purpose", CE])
    assert exported.exit_code == 0, exported.output
    rows = _links(out)
    assert rows and all(r["person_id"] for r in rows)
    assert set(rows[0]) == {
        "source", "source_record_id", "record_id", "person_id", "match_probability",
    }  # fmt: skip
    linked = next(r for r in rows if r["match_probability"])
    shown = runner.invoke(
        app, ["explain", linked["record_id"], "--purpose", RD], terminal_width=160
    )
    assert shown.exit_code == 0, shown.output
    for word in ("prior", "birth_date", "weight", "probability", linked["person_id"]):
        assert word in shown.output
    as_json = runner.invoke(
        app, ["explain", linked["record_id"], "--format", "json", "--purpose", RD]
    )
    data = json.loads(as_json.output)
    assert data["person_id"] == linked["person_id"] and data["pair"]["fields"]
    report = runner.invoke(
        app, ["evaluate", "--truth", str(resolved / "truth"), "--format", "json"]
    )
    assert report.exit_code == 0, report.output
    figures = json.loads(report.output)
    assert figures["pairwise"]["f1"] > 0.95
    assert {g["name_origin"] for g in figures["groups"]} >= {"hispanic", "anglo"}
    assert figures["match_latency_ms"]["p99"] > 0


def test_judge_and_retract_from_the_command_line(resolved: Path, tmp_path: Path) -> None:
    out = tmp_path / "links.csv"
    runner.invoke(app, ["export", "links", "--out", str(out), "--purpose", CE])
    rows = _links(out)
    a = rows[0]
    b = next(r for r in rows if r["person_id"] != a["person_id"])
    missing_reason = runner.invoke(app, ["judge", a["record_id"], b["record_id"], "same"])
    assert missing_reason.exit_code != 0
    judged = runner.invoke(
        app,
        ["judge", a["record_id"], b["record_id"], "same", "--actor", "alice", "--reason", "x"],
        terminal_width=120,
    )
    assert judged.exit_code == 0, judged.output
    assert "judgement 1 recorded" in judged.output and "merges" in judged.output
    assert "1 persons assessed" in judged.output  # the merged person (the other has no records)
    runner.invoke(app, ["export", "links", "--out", str(out), "--purpose", CE])
    now = {r["record_id"]: r["person_id"] for r in _links(out)}
    assert now[a["record_id"]] == now[b["record_id"]]
    back = runner.invoke(app, ["retract", "1", "--actor", "bob", "--reason", "wrong pair"])
    assert back.exit_code == 0, back.output
    runner.invoke(app, ["export", "links", "--out", str(out), "--purpose", CE])
    again = {r["record_id"]: r["person_id"] for r in _links(out)}
    assert again[a["record_id"]] != again[b["record_id"]]
    listed = runner.invoke(app, ["reviews", "list", "--purpose", RD])
    assert listed.exit_code == 0 and "open identity reviews" in listed.output


def test_resolve_with_nothing_ingested_says_so() -> None:
    result = runner.invoke(app, ["resolve"])
    assert result.exit_code != 0
    assert "ingest" in str(result.exception)


def test_a_model_that_learned_nothing_exits_1_unless_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, mapping = write_names_only(tmp_path)
    ingested = runner.invoke(app, ["ingest", str(data), "--mapping", str(mapping)])
    assert ingested.exit_code == 0, ingested.output
    trained = run.train_on
    monkeypatch.setattr(run, "train_on", lambda *args: flat(trained(*args)))
    out = tmp_path / "links.csv"
    export = ["export", "links", "--out", str(out), "--purpose", CE]

    refused = runner.invoke(app, ["resolve"], terminal_width=400)
    assert refused.exit_code == 1, refused.output
    assert "degenerate" in refused.output and "name, birth_date" in refused.output
    assert "--allow-degenerate-model" in refused.output
    assert runner.invoke(app, export).exit_code == 0
    assert len(_links(out)) == 340 and not any(r["person_id"] for r in _links(out))

    allowed = runner.invoke(app, ["resolve", "--allow-degenerate-model"], terminal_width=400)
    assert allowed.exit_code == 0, allowed.output
    assert "warning" in allowed.output and "nothing linked" in allowed.output
    assert runner.invoke(app, export).exit_code == 0
    assert all(r["person_id"] for r in _links(out))


def test_resolve_model_shows_the_diagnostics(resolved: Path) -> None:
    shown = runner.invoke(app, ["resolve", "model"], terminal_width=160)
    assert shown.exit_code == 0, shown.output
    for word in ("birth_date", "middle_initial", "weight (bits)", "prior", "estimated by",
                 "dob_name", "converged"):  # fmt: skip
        assert word in shown.output, word
    missing = runner.invoke(app, ["resolve", "model", "nosuchversion"])
    assert missing.exit_code == 1 and "no model" in missing.output
