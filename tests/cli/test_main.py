"""The command line: commands listed, thin over the API, errors as one clear line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from sojourn.cli import app
from tests.factory import i94_row, write_i94

runner = CliRunner()


def test_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("generate", "ingest", "quarantine", "sources", "demo", "db"):
        assert command in result.output


def test_generate_then_ingest_twice(tmp_path: Path) -> None:
    out = tmp_path / "synth"
    generated = runner.invoke(app, ["generate", "--persons", "400", "--out", str(out)])
    assert generated.exit_code == 0, generated.output
    files = len(json.loads((out / "manifest.json").read_text())["files"])
    assert files == 15  # one extract per source kind with events
    first = runner.invoke(app, ["ingest", str(out)])
    assert first.exit_code == 0, first.output
    assert f"{files} files" in first.output and "ingested" in first.output
    second = runner.invoke(app, ["ingest", str(out)])
    assert second.output.count("skipped") == files
    sources = runner.invoke(app, ["sources"])
    assert "cbp-i94" in sources.output and "uscis-n400" in sources.output


def test_quarantine_list_shows_file_row_field_reason(tmp_path: Path) -> None:
    path = write_i94(tmp_path / "arrivals.csv", [i94_row("1"), i94_row("2", COA="ZZ9")])
    assert runner.invoke(app, ["ingest", str(path), "--mapping", "cbp-i94"]).exit_code == 0
    listed = runner.invoke(app, ["quarantine", "list"], terminal_width=200)
    assert "arrivals.csv" in listed.output
    assert "COA" in listed.output and "unknown code 'ZZ9'" in listed.output


def test_ingest_counts_and_lists_values_made_missing(tmp_path: Path) -> None:
    """A person list with an unusable birth date: kept, counted as noted, listed with why."""
    header = "id,family_name,given_name,middle_name,birth_date,sex,nationality,listed_on"
    (tmp_path / "list.csv").write_text(f"{header}\n1,Kim,Na,,1990-13-01,F,KOR,\n")
    command = ["ingest", str(tmp_path / "list.csv"), "--mapping", "person-list"]
    ingested = runner.invoke(app, command, terminal_width=200)
    assert ingested.exit_code == 0, ingested.output
    assert "noted" in ingested.output
    listed = runner.invoke(app, ["quarantine", "notes"], terminal_width=200)
    assert "list.csv" in listed.output and "birth_date" in listed.output
    assert "1990-13-01" in listed.output


def test_demo_runs_end_to_end() -> None:
    result = runner.invoke(app, ["demo", "--persons", "300", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "ingest summary" in result.output and "quarantined rows" in result.output
    assert "resolve run 1" in result.output and "pairwise precision" in result.output
    assert "current:" in result.output and "FY2026" in result.output
    assert "prioritization and cases" in result.output and "persons assessed" in result.output
    assert "demo users (one per role)" in result.output and "sojourn-demo-" in result.output


def _sojourn(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "sojourn.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, env=os.environ, check=False)


def test_errors_are_one_line_without_a_traceback(tmp_path: Path) -> None:
    missing = _sojourn("ingest", str(tmp_path / "nope.csv"), "--mapping", "cbp-i94")
    assert missing.returncode == 2
    assert missing.stderr.strip().startswith("error:")
    assert "no such file" in missing.stderr
    assert "Traceback" not in missing.stderr and len(missing.stderr.strip().splitlines()) == 1
    bad_mapping = _sojourn("ingest", str(tmp_path), "--mapping", "nope")
    assert "no manifest.json" in bad_mapping.stderr and bad_mapping.returncode == 2
