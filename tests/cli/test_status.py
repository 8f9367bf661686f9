"""``sojourn status`` on a resolved generated population."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from sojourn.cli import app
from tests.factory import resolved_population

runner = CliRunner()
CE = "civil_enforcement"


def test_status_of_a_resolved_person(tmp_path: Path) -> None:
    resolved_population(tmp_path, 300)
    links = tmp_path / "links.csv"
    runner.invoke(app, ["export", "links", "--out", str(links), "--purpose", CE])
    with links.open(encoding="utf-8") as handle:
        person = next(r["person_id"] for r in csv.DictReader(handle) if r["source"] == "cbp-i94")
    shown = runner.invoke(app, ["status", person, "--as-of", "2026-10-01", "--purpose", CE])
    assert shown.exit_code == 0, shown.output
    assert "current:" in shown.output and "in_status" in shown.output
    data = json.loads(
        runner.invoke(app, ["status", person, "--format", "json", "--purpose", CE]).output
    )
    assert data["intervals"][0]["citation"] and data["intervals"][0]["records"]
    assert data["current"]["status"] in {"in_status", "departed", "overstay", "pending_application",
                                         "in_proceedings", "lawful_permanent_resident"}  # fmt: skip


def test_status_of_an_unknown_person_is_a_clear_error() -> None:
    result = runner.invoke(app, ["status", "P-nobody", "--purpose", CE])
    assert result.exit_code != 0 and "no person with id P-nobody" in str(result.exception)


def test_rules_lists_the_rules_in_force_with_citations() -> None:
    shown = runner.invoke(app, ["rules", "--on", "2024-06-01", "--format", "json"])
    assert shown.exit_code == 0, shown.output
    rules = {r["id"]: r for r in json.loads(shown.output)}
    assert rules["admission.visa_waiver"]["citation"].startswith("INA 217(a)(1)")
    assert "admission.fixed_period_students" not in rules
    later = runner.invoke(app, ["rules", "--on", "2027-01-01", "--proposed", "--format", "json"])
    statuses = {r["id"]: r["status"] for r in json.loads(later.output)}
    assert statuses["admission.fixed_period_students"] == "proposed"
    table = runner.invoke(app, ["rules", "--on", "2024-06-01"])
    assert table.exit_code == 0 and "admission.visa_waiver" in table.output


def test_the_summary_says_an_overstay_ended_with_a_departure() -> None:
    import datetime as dt

    from sojourn.cli.status import summary_line
    from sojourn.status.engine import timeline
    from sojourn.status.events import make_event

    admitted = make_event("arrival", "a", arrival_date="2024-01-10", class_of_admission="B2",
                          admit_until="2024-07-09", mode="air")  # fmt: skip
    left = make_event("departure", "d", departure_date="2024-07-19", provenance="biometric")
    line = summary_line(timeline([admitted, left], dt.date(2024, 9, 1)))
    assert "overstay 10 days before leaving (out-of-country overstay)" in line
    assert "unlawful presence 10 days" in line
