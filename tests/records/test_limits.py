"""Input limits: a value over its field's length limit, or a row over the size limit, sends
its row to quarantine with a reason naming the field (nothing of the row is stored, the rest
of the file ingests), by the file reader and the stream alike; resolution is
unaffected."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select

from sojourn.records import builtin_mapping, ingest_file, quarantined
from sojourn.records.kinds import FieldType
from sojourn.records.limits import BY_TYPE, RECORD_ID_CHARS, ROW_BYTES
from sojourn.records.rows import RowError
from sojourn.records.streamed import map_rows
from sojourn.records.tables import quarantine, records
from sojourn.resolve.run import resolve_all
from tests.factory import I94_HEADER, i94_row, write_i94

I94 = builtin_mapping("cbp-i94")
TEN_MB = 10 * 1024 * 1024


def test_a_10_mb_family_name_is_quarantined_and_resolve_is_unaffected(
    engine: Engine, tmp_path: Path
) -> None:
    rows = [i94_row(str(n), family="X" * TEN_MB) for n in range(3)]
    rows += [i94_row("10"), i94_row("11", family="Nguyen", PASSPORT_NO="P999")]
    path = write_i94(tmp_path / "a.csv", rows)
    result = ingest_file(engine, path, I94)
    assert (result.records_new, result.quarantined) == (2, 3)
    found = quarantined(engine, limit=None)
    assert {(q.row, q.field) for q in found} == {(2, "LAST_NAME"), (3, "LAST_NAME"),
                                                 (4, "LAST_NAME")}  # fmt: skip
    assert found[0].reason == "family_name: the value is 10,485,760 characters; the limit is 200"
    with engine.connect() as conn:
        longest = conn.execute(select(func.max(func.length(records.c.family_name)))).scalar()
        kept = conn.execute(select(func.max(func.length(quarantine.c.raw)))).scalar()
    assert longest == len("Nguyen") and kept is not None and kept <= ROW_BYTES
    summary = resolve_all(engine)
    assert (summary.records, summary.persons) == (2, 2)


def test_a_value_at_the_limit_is_stored_and_one_more_is_not(engine: Engine, tmp_path: Path) -> None:
    limit = BY_TYPE[FieldType.IDENTIFIER]
    path = write_i94(tmp_path / "a.csv", [
        i94_row("1", PASSPORT_NO="P" * limit), i94_row("2", PASSPORT_NO="P" * (limit + 1)),
        i94_row("9" * (RECORD_ID_CHARS + 1)),
    ])  # fmt: skip
    result = ingest_file(engine, path, I94)
    assert (result.records_new, result.quarantined) == (1, 2)
    reasons = {q.field: q.reason for q in quarantined(engine, limit=None)}
    assert reasons == {
        "PASSPORT_NO": f"passport_number: the value is {limit + 1} characters; the limit is 64",
        "ADMNUM": "the source record id is too long: the value is 129 characters; the limit is 128",
    }


def test_an_oversized_row_is_quarantined_whole(engine: Engine, tmp_path: Path) -> None:
    lines = [",".join([*I94_HEADER, "NOTES"])]
    lines += [",".join([*i94_row(str(n)), "n" * (ROW_BYTES if n == 1 else 10)]) for n in (1, 2)]
    path = tmp_path / "wide.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = ingest_file(engine, path, I94)
    assert (result.records_new, result.quarantined) == (1, 1)
    (bad,) = quarantined(engine, limit=None)
    assert bad.field == "(row)" and bad.reason.startswith("the row is 65,")
    assert bad.reason.endswith("bytes; the limit is 65,536")


def test_the_stream_applies_the_same_limits() -> None:
    mapping = builtin_mapping("cbp-apis-out")
    row = {"record_id": "r1", "source": "APIS", "pax": {"surname": "H" * 201},
           "departure": {"time": "2024-01-05T10:00:00"}}  # fmt: skip
    (mapped,) = map_rows(mapping, [(7, row)])
    assert isinstance(mapped, RowError)
    assert (mapped.row, mapped.field) == (7, "pax.surname")
    assert mapped.reason == "family_name: the value is 201 characters; the limit is 200"
