"""Every source kind ingested from its own format (the generator's extracts), on both engines:
exactly the rows the generator made malformed are quarantined, and nothing else."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from sojourn.records import KINDS, ingest_file, plan, quarantined, source_counts
from sojourn.records.kinds import IDENTITY_ONLY_KINDS
from sojourn.synth import generate

MALFORMED = {"bad_date", "missing_required", "unknown_code"}


@pytest.fixture(scope="module")
def extracts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    generate(4_000, 11, dt.date(2025, 9, 30), out)  # every source has rows at this size
    return out


def _malformed_rows(extracts: Path) -> set[tuple[str, int]]:
    with (extracts / "truth" / "records.csv").open(encoding="utf-8") as handle:
        return {
            (row["file"], int(row["row"]))
            for row in csv.DictReader(handle)
            if MALFORMED & set(row["noise"].split(";"))
        }


def test_every_extract_ingests_and_only_malformed_rows_are_quarantined(
    engine: Engine, extracts: Path
) -> None:
    planned = plan([extracts], None)
    # every kind with events; the generator writes no bare person list
    assert {p.mapping.kind for p in planned} == set(KINDS) - IDENTITY_ONLY_KINDS
    for item in planned:
        result = ingest_file(engine, item.path, item.mapping)
        assert result.rows == item.rows, item.path.name
        assert result.accepted + result.quarantined == result.rows
    got = {(Path(q.file).name, q.row) for q in quarantined(engine, limit=None)}
    assert got == _malformed_rows(extracts)
    assert all(c.records > 0 for c in source_counts(engine))


def test_every_stored_record_is_dated(engine: Engine, extracts: Path) -> None:
    for item in plan([extracts], None):
        ingest_file(engine, item.path, item.mapping)
    with engine.connect() as conn:
        dates = [r[0] for r in conn.execute(text("SELECT DISTINCT event_date FROM records"))]
    parsed = [d if isinstance(d, dt.date) else dt.date.fromisoformat(d) for d in dates]
    assert min(parsed) >= dt.date(1950, 1, 1)
    assert max(parsed) <= dt.date(2026, 9, 30)  # an initial SEVIS record may start later


def test_reingesting_the_directory_is_a_no_op(engine: Engine, extracts: Path) -> None:
    first = [ingest_file(engine, p.path, p.mapping) for p in plan([extracts], None)]
    again = [ingest_file(engine, p.path, p.mapping) for p in plan([extracts], None)]
    assert all(r.skipped for r in again) and not any(r.skipped for r in first)
    assert [r.batch_id for r in again] == [r.batch_id for r in first]


def test_every_record_belongs_to_a_complete_batch(engine: Engine, extracts: Path) -> None:
    for item in plan([extracts], None):
        ingest_file(engine, item.path, item.mapping)
    orphans = text(
        "SELECT count(*) FROM records r LEFT JOIN batches b ON b.id = r.batch_id "
        "WHERE b.id IS NULL OR b.state <> 'complete'"
    )
    with engine.connect() as conn:
        assert conn.execute(orphans).scalar() == 0
