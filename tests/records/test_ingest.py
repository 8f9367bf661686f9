"""Ingest on both engines: good rows kept, bad rows quarantined with reasons, idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from sojourn.records import builtin_mapping, ingest_file, quarantined, versions
from sojourn.records.rows import SourceFileError
from sojourn.records.tables import batches, records
from tests.factory import I94_HEADER, i94_row, write_csv, write_i94

I94 = builtin_mapping("cbp-i94")


def _count(engine: Engine, table: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_good_rows_become_records(engine: Engine, tmp_path: Path) -> None:
    path = write_i94(tmp_path / "a.csv", [i94_row("1"), i94_row("2", family="Garcia Lopez")])
    result = ingest_file(engine, path, I94)
    assert (result.rows, result.records_new, result.quarantined) == (2, 2, 0)
    [record] = versions(engine, "cbp-i94", "2")
    assert record.identity.family_name == "Garcia Lopez"
    assert record.identity.birth_date == "1985-03-12"
    assert record.identity.nationality == "JOR"
    assert record.event["class_of_admission"] == "B2"
    assert record.event["mode"] == "air"
    assert record.event["duration_of_status"] is False
    assert record.raw["LAST_NAME"] == "Garcia Lopez"
    assert (record.provenance.file, record.provenance.row) == (str(path), 3)
    assert record.provenance.batch_id == result.batch_id


def test_duration_of_status_is_read_from_the_admit_until_column(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_i94(tmp_path / "a.csv", [i94_row("1", COA="F1", ADMIT_UNTIL="D/S")])
    ingest_file(engine, path, I94)
    [record] = versions(engine, "cbp-i94", "1")
    assert record.event["duration_of_status"] is True
    assert record.event["admit_until"] is None


QUARANTINE_CASES = [
    ({"DOB": "19851332"}, "DOB", "birth_date: '19851332' is not a calendar date"),
    ({"ARR_DT": "2024-01-05"}, "ARR_DT", "does not match the date format %Y%m%d"),
    ({"ARR_DT": ""}, "ARR_DT", "arrival_date: required but the value is empty"),
    ({"COA": "ZZ9"}, "COA", "unknown code 'ZZ9' for class_of_admission"),
    ({"MODE": "Q"}, "MODE", "unknown code 'Q' for mode"),
    ({"CTZ": "Atlantis"}, "CTZ", "unknown country code 'Atlantis'"),
    ({"ADMNUM": ""}, "ADMNUM", "the source record id is empty"),
    (
        {"LAST_NAME": " ", "FIRST_NAME": "", "PASSPORT_NO": ""},
        "family_name/given_name",
        "the row has no name and no identifier",
    ),
]


def test_a_row_without_a_name_is_kept_when_an_identifier_says_who(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_i94(tmp_path / "a.csv", [i94_row("1", LAST_NAME="", FIRST_NAME="")])
    result = ingest_file(engine, path, I94)
    assert (result.records_new, result.quarantined) == (1, 0)


@pytest.mark.parametrize(("overrides", "field", "reason"), QUARANTINE_CASES)
def test_malformed_values_go_to_quarantine(
    engine: Engine, tmp_path: Path, overrides: dict[str, str], field: str, reason: str
) -> None:
    path = write_i94(tmp_path / "a.csv", [i94_row("1"), i94_row("2", **overrides), i94_row("3")])
    result = ingest_file(engine, path, I94)
    assert (result.records_new, result.quarantined) == (2, 1)
    [bad] = quarantined(engine)
    assert (bad.file, bad.row, bad.field) == (str(path), 3, field)
    assert reason in bad.reason
    assert bad.raw.decode() == ",".join(i94_row("2", **overrides))


def test_wrong_column_count_and_undecodable_bytes(engine: Engine, tmp_path: Path) -> None:
    path = write_i94(tmp_path / "a.csv", [i94_row("1")])
    with path.open("ab") as handle:
        handle.write(b"2,Short,row\n")
        handle.write(
            ",".join(i94_row("3", family="Bad\udcff")).encode("utf-8", "surrogateescape") + b"\n"
        )
        handle.write(",".join(i94_row("4")).encode() + b"\n")
    result = ingest_file(engine, path, I94)
    assert (result.rows, result.records_new, result.quarantined) == (4, 2, 2)
    short, undecodable = quarantined(engine)
    assert (short.row, short.field) == (3, "(row)")
    assert "the row has 3 fields but the header has 14" in short.reason
    assert undecodable.row == 4
    assert "not valid in the file's declared encoding" in undecodable.reason
    assert b"Bad\xff" in undecodable.raw


def test_reingest_is_a_no_op(engine: Engine, tmp_path: Path) -> None:
    path = write_i94(tmp_path / "a.csv", [i94_row("1"), i94_row("2", DOB="x")])
    first = ingest_file(engine, path, I94)
    second = ingest_file(engine, path, I94)
    assert second.skipped and not first.skipped
    assert second.batch_id == first.batch_id
    assert (_count(engine, records), _count(engine, batches)) == (1, 1)
    assert len(quarantined(engine)) == 1


def test_a_changed_row_becomes_a_new_version(engine: Engine, tmp_path: Path) -> None:
    ingest_file(engine, write_i94(tmp_path / "a.csv", [i94_row("1"), i94_row("2")]), I94)
    changed = write_i94(tmp_path / "b.csv", [i94_row("1"), i94_row("2", PORT="MIA")])
    result = ingest_file(engine, changed, I94)
    assert (result.records_new, result.records_existing) == (1, 1)
    old, new = versions(engine, "cbp-i94", "2")
    assert (old.event["port"], new.event["port"]) == ("JFK", "MIA")
    assert old.id != new.id
    assert _count(engine, records) == 3


def test_duplicate_rows_are_stored_once(engine: Engine, tmp_path: Path) -> None:
    path = write_i94(tmp_path / "a.csv", [i94_row("1"), i94_row("1"), i94_row("2")])
    result = ingest_file(engine, path, I94)
    assert (result.records_new, result.records_existing) == (2, 1)


def test_a_file_missing_a_mapped_column_is_refused_whole(engine: Engine, tmp_path: Path) -> None:
    header = [c for c in I94_HEADER if c != "COA"]
    path = write_csv(tmp_path / "a.csv", header, [])
    with pytest.raises(SourceFileError, match="COA"):
        ingest_file(engine, path, I94)
    assert _count(engine, batches) == 0


def test_an_empty_file_is_refused(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(SourceFileError, match="empty"):
        ingest_file(engine, path, I94)


def test_reading_in_a_child_process_gives_the_same_records(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sojourn.settings import Settings

    rows = [i94_row(str(n), family=f"F{n}") for n in range(2_500)] + [i94_row("x", DOB="bad")]
    path = write_i94(tmp_path / "a.csv", rows)
    parallel = Settings(ingest_parallel_min_bytes=0, ingest_chunk_rows=1_000)
    seen: list[int] = []
    result = ingest_file(engine, path, I94, lambda _p, done, _t: seen.append(done), parallel)
    assert (result.records_new, result.quarantined) == (2_500, 1)
    assert seen and seen[-1] == path.stat().st_size
    assert [q.row for q in quarantined(engine)] == [2_502]


def test_an_error_in_the_child_process_reaches_the_caller(engine: Engine, tmp_path: Path) -> None:
    from sojourn.settings import Settings

    path = write_csv(tmp_path / "a.csv", ["ADMNUM"], [["1"]])
    with pytest.raises(SourceFileError, match="LAST_NAME"):
        ingest_file(engine, path, I94, settings=Settings(ingest_parallel_min_bytes=0))
    assert _count(engine, batches) == 0


def test_a_row_changed_and_changed_back_ends_on_its_latest_value(
    engine: Engine, tmp_path: Path
) -> None:
    for day, coa in enumerate(["B2", "F1", "B2"], 1):
        path = write_i94(tmp_path / f"day{day}.csv", [i94_row("1", COA=coa), i94_row(str(day + 1))])
        ingest_file(engine, path, I94)
    history = versions(engine, "cbp-i94", "1")
    assert [r.event["class_of_admission"] for r in history] == ["F1", "B2"]


def test_every_accepted_row_leads_to_its_record(engine: Engine, tmp_path: Path) -> None:
    from sqlalchemy import text

    ingest_file(engine, write_i94(tmp_path / "a.csv", [i94_row("1"), i94_row("2")]), I94)
    rows = [i94_row("1"), i94_row("1"), i94_row("3"), i94_row("4", DOB="bad")]
    result = ingest_file(engine, write_i94(tmp_path / "b.csv", rows), I94)
    with engine.connect() as conn:
        stored = conn.execute(
            text("SELECT row FROM records WHERE batch_id = :b"), {"b": result.batch_id}
        ).scalars()
        seen = conn.execute(
            text("SELECT row, record_id FROM sightings WHERE batch_id = :b ORDER BY row"),
            {"b": result.batch_id},
        ).all()
    assert sorted(stored) == [4]
    assert [r[0] for r in seen] == [2, 3]
    assert {r[1] for r in seen} == {versions(engine, "cbp-i94", "1")[0].id}
    assert result.accepted == 3
