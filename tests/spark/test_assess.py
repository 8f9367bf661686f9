"""``sojourn assess --engine spark`` against the single-machine assessment, on SQLite and
PostgreSQL: on a resolved generated population (with a correction and an open identity
review), the Spark path writes exactly the rows the single-machine path writes (every
column but the id and the time), and a second run writes nothing (issue 19, items 2 and 4).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from pyspark.sql import SparkSession
from sqlalchemy import Engine, delete, select, text
from typer.testing import CliRunner

from sojourn.cli import app
from sojourn.priority.run import assess_store
from sojourn.priority.store import save
from sojourn.priority.tables import assessments
from sojourn.records import ingest_file, plan
from sojourn.records.corrections import correct
from sojourn.reports.store import overstay_report
from sojourn.resolve.run import resolve_all
from sojourn.settings import get_settings
from sojourn.spark.assess import assess_spark
from sojourn.spark.report import overstay_report as spark_report
from sojourn.synth import generate
from tests.priority.planted import open_review

AS_OF = dt.date(2025, 9, 30)
COMPARED = ("person_id", "as_of", "policy", "priority", "enforcement_ready", "stops", "digest",
            "body", "trigger")  # fmt: skip


@pytest.fixture
def resolved(engine: Engine, tmp_path: Path) -> Engine:
    generate(600, 23, AS_OF, tmp_path / "synth")
    for item in plan([tmp_path / "synth"], None):
        ingest_file(engine, item.path, item.mapping)
    resolve_all(engine)
    with engine.begin() as conn:
        arrival = conn.execute(text("SELECT min(id) FROM records WHERE kind = 'arrival'"))
        correct(conn, arrival.scalar_one(), "admit_until", "2020-01-01", "test", "tester")
        pair = conn.execute(text("SELECT id FROM records ORDER BY id LIMIT 2")).scalars().all()
    open_review(engine, *pair)
    return engine


def _stored(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(select(assessments).order_by(assessments.c.person_id))
        return [{k: r._mapping[k] for k in COMPARED} for r in rows]


def _use_store(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line's store: ``engine``'s database (and schema)."""
    monkeypatch.setenv("SOJOURN_DATABASE_URL", engine.url.render_as_string(False))
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        monkeypatch.setenv("SOJOURN_DATABASE_SCHEMA", schema)
    get_settings.cache_clear()  # read since the test began: read them again


def test_spark_assessment_writes_what_the_single_machine_writes(
    spark: SparkSession, resolved: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = assess_spark(resolved, AS_OF, spark=spark)
    by_spark = _stored(resolved)
    assert found.written == len(by_spark) == found.persons > 500
    with resolved.begin() as conn:
        conn.execute(delete(assessments))
        single = list(assess_store(resolved, AS_OF))
        assert save(conn, single, "sojourn assess") == len(single)
    assert _stored(resolved) == by_spark
    assert Counter(a.priority or "none" for a in single) == found.priority
    assert Counter(s.id for a in single for s in a.stops) == found.stops
    assert sum(a.enforcement_ready for a in single) == found.enforcement_ready
    assert len(found.priority) >= 2 and found.stops  # the outcomes are varied: it can fail
    assert any(json.loads(r["body"])["rules"] for r in by_spark)
    _use_store(resolved, monkeypatch)  # the command, again: nothing changed, nothing written
    again = CliRunner().invoke(app, ["assess", "--engine", "spark", "--as-of", str(AS_OF),
                                     "--format", "json"])  # fmt: skip
    assert again.exit_code == 0, again.output
    summary = json.loads(again.output)
    assert summary["stored"] == 0 and summary["persons"] == found.persons
    assert summary["priority"] == dict(found.priority)


def test_the_store_report_on_spark_equals_duckdbs(
    spark: SparkSession, resolved: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    early = dt.date(2025, 3, 1)
    found = spark_report(resolved, 2024, early, spark).as_dict()
    assert found == overstay_report(resolved, 2024, early).as_dict()
    _use_store(resolved, monkeypatch)
    args = ["report", "overstay", "--fy", "2025", "--as-of", str(AS_OF), "--format", "json"]
    on_spark = CliRunner().invoke(app, [*args, "--engine", "spark"])
    assert on_spark.exit_code == 0, on_spark.output
    assert json.loads(on_spark.output) == overstay_report(resolved, 2025, AS_OF).as_dict()


def test_the_store_departure_report_on_spark_equals_duckdbs(
    spark: SparkSession, resolved: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sojourn.reports.store import departures
    from sojourn.spark.departures import departure_report

    start = dt.date(2024, 10, 1)
    duck = departures(resolved, start, AS_OF).as_dict()
    assert departure_report(resolved, start, AS_OF, spark).as_dict() == duck
    assert sum(duck["confirmed_departures"].values()) > 0  # type: ignore[attr-defined]
    _use_store(resolved, monkeypatch)
    args = ["report", "departures", "--from", str(start), "--as-of", str(AS_OF), "--format", "json"]
    on_spark = CliRunner().invoke(app, [*args, "--engine", "spark"])
    assert on_spark.exit_code == 0, on_spark.output
    assert json.loads(on_spark.output) == json.loads(json.dumps(duck, default=str))


def test_the_command_rejects_one_person_on_spark() -> None:
    result = CliRunner().invoke(app, ["assess", "P1", "--engine", "spark", "--purpose", "redress"])
    assert result.exit_code == 2
    assert "leave out" in result.output


def test_the_assess_command_starts_without_pyspark() -> None:
    code = (
        "import sys\n"
        "from sojourn.cli import main\n"
        "sys.argv = ['sojourn', 'assess', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('pyspark' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "--engine" in out.stdout
    assert out.stdout.strip().splitlines()[-1] == "False"
