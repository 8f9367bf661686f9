"""``sojourn report overstay`` on a resolved generated population."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from sojourn.cli import app
from tests.factory import resolved_population

runner = CliRunner()


def test_overstay_report_in_three_formats(tmp_path: Path) -> None:
    resolved_population(tmp_path, 600)
    args = ["report", "overstay", "--fy", "2025", "--as-of", "2026-10-01"]
    table = runner.invoke(app, args)
    assert table.exit_code == 0, table.output
    assert "FY2025" in table.output and "B1/B2" in table.output
    data = json.loads(runner.invoke(app, [*args, "--format", "json"]).output)
    total = data["total_excluding_canada_mexico"]
    assert total["expected_departures"] > 50
    assert total["overstays"] == total["out_of_country"] + total["in_country"]
    python = runner.invoke(app, [*args, "--format", "json", "--engine", "python"]).output
    assert json.loads(python) == data
    page = runner.invoke(app, [*args, "--format", "html"]).output
    assert page.startswith("<!doctype html>") and page.count("<svg") == 2
    assert "Canada and Mexico" in page and "<script" not in page
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, [*args, "--format", "csv"]).output)))
    assert (
        rows[0]["section"] == "total"
        and int(rows[0]["expected_departures"]) == total["expected_departures"]
    )


def test_departure_report(tmp_path: Path) -> None:
    resolved_population(tmp_path, 400)
    args = ["report", "departures", "--from", "2025-01-01", "--as-of", "2025-09-30"]
    shown = runner.invoke(app, args)
    assert shown.exit_code == 0, shown.output
    assert "confirmed departures" in shown.output and "self-departure intents" in shown.output
    data = json.loads(runner.invoke(app, [*args, "--format", "json"]).output)
    assert sum(data["confirmed_departures"].values()) > 20


def test_report_before_resolving_is_a_clear_error() -> None:
    result = runner.invoke(app, ["report", "overstay", "--fy", "2025"])
    assert result.exit_code != 0 and "sojourn resolve" in str(result.exception)
