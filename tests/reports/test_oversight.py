"""The oversight report on a resolved population with cases worked by hand: assessments by
policy and rule, hard stops, supervisor overrides, redress outcomes, time to decision, and
selection rates per name-origin group (labels from the generator's truth) with intervals."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from sojourn.cases.model import Actor
from sojourn.cases.recompute import recompute
from sojourn.cases.redress import decide_request, file_request, open_review
from sojourn.cases.tables import tasks
from sojourn.cases.workflow import decide
from sojourn.cli import app
from sojourn.records import ingest_file, plan
from sojourn.reports.oversight import oversight, person_groups, wilson
from sojourn.resolve.run import resolve_all
from sojourn.settings import get_settings
from sojourn.synth import generate

AS_OF = dt.date(2025, 9, 30)
SAM, OLIVIA = Actor("sam", "supervisor"), Actor("olivia", "officer")


def test_wilson_intervals() -> None:
    low, high = wilson(0, 10)
    assert low == 0.0 and high == pytest.approx(0.2775, abs=1e-4)
    low, high = wilson(5, 10)
    assert (low, high) == (pytest.approx(0.2366, abs=1e-4), pytest.approx(0.7634, abs=1e-4))


def _work(engine: Engine) -> None:
    """A supervisor approves one proposal and rejects another; a redress is filed and denied."""
    done = recompute(engine, AS_OF, "test")
    query = select(tasks.c.id).where(tasks.c.type == "supervisor_approval").order_by(tasks.c.id)
    with engine.begin() as conn:
        first, second = list(conn.execute(query.limit(2)).scalars())
        decide(conn, first, "approve", "the final order is confirmed", SAM)
        decide(conn, second, "reject", "the overstay ended with a pending appeal", SAM)
        person = next(a.person_id for a in done.assessments if a.facts["in_us"])
        request = file_request(conn, person, "record", "the person", "wrong date", {}, OLIVIA)
        open_review(conn, request, SAM)
        decide_request(conn, request, "denied", "the date matches the I-94", SAM)


@pytest.fixture
def worked(engine: Engine, tmp_path: Path) -> Engine:
    generate(1500, 21, AS_OF, tmp_path / "synth")
    for item in plan([tmp_path / "synth"], None):
        ingest_file(engine, item.path, item.mapping)
    resolve_all(engine)
    _work(engine)
    return engine


def test_the_oversight_report(worked: Engine, tmp_path: Path) -> None:
    labels = person_groups(worked, tmp_path / "synth" / "truth" / "records.csv", "name_origin")
    data = oversight(worked, labels)
    a, d, r = data["assessments"], data["decisions"], data["redress"]
    assert a["persons"] > 1000 and sum(next(iter(a["by_policy"].values())).values()) == a["persons"]
    assert a["hard_stops"]["citizenship"] > 0
    assert d["supervisor_overrides"] == 1 and d["override_rate"] == 0.5
    assert d["time_to_decision"]["supervisor_approval"]["decided"] == 2
    assert r["requests"] == 1 and r["outcomes"] == {"denied": 1}
    sel = data["selection"]
    assert sum(g["persons"] for g in sel["groups"].values()) == sel["persons"]
    for g in sel["groups"].values():
        assert g["ci95"][0] <= g["selection_rate"] <= g["ci95"][1]
    big = [g["selection_rate"] for k, g in sel["groups"].items() if g["persons"] >= 30]
    if len(big) > 1:
        assert sel["difference"] == pytest.approx(max(big) - min(big), abs=1e-4)
    else:
        assert sel["difference"] is None  # too few large groups to compare
    assert "hispanic" in sel["groups"]
    assert "(no label)" not in sel["groups"]


def test_the_oversight_command(
    worked: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOJOURN_DATABASE_URL", worked.url.render_as_string(False))
    if worked.dialect.name == "postgresql":
        with worked.connect() as conn:
            schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
        monkeypatch.setenv("SOJOURN_DATABASE_SCHEMA", schema)
    get_settings.cache_clear()
    runner = CliRunner()
    truth = str(tmp_path / "synth" / "truth" / "records.csv")
    as_json = runner.invoke(app, ["report", "oversight", "--groups", truth, "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.output)["decisions"]["supervisor_overrides"] == 1
    html = runner.invoke(app, ["report", "oversight", "--groups", truth, "--format", "html"])
    assert "<svg" in html.output and "Wilson" in html.output
    csv = runner.invoke(app, ["report", "oversight", "--format", "csv"])
    assert "decisions.override_rate,0.5" in csv.output
