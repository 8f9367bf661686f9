"""Regressions for malformed input found in review: each is quarantined (or read) the same
way on both engines and by both the vectorized and the line-by-line readers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sojourn.records import builtin_mapping, ingest_file, load_mapping, quarantined, versions
from sojourn.records.mapping import MappingError
from sojourn.settings import Settings
from tests.factory import i94_row, write_i94, write_jsonl, write_parquet

I94 = builtin_mapping("cbp-i94")
SMALL_CHUNKS = Settings(ingest_chunk_rows=1_000)


def test_many_broken_quotes_are_each_quarantined(engine: Engine, tmp_path: Path) -> None:
    path = write_i94(tmp_path / "a.csv", [])
    with path.open("a", encoding="utf-8") as handle:
        for n in range(3_000):
            name = '"Bubba" Smith' if n % 3 == 0 else "Ok"  # written raw: not valid CSV
            handle.write(",".join(i94_row(str(n), family=name)) + "\n")
    result = ingest_file(engine, path, I94, settings=SMALL_CHUNKS)
    assert (result.records_new, result.quarantined) == (2_000, 1_000)
    assert all("not valid CSV" in q.reason for q in quarantined(engine, limit=5))


def _departure(record_id: object, flight: object) -> dict[str, object]:
    return {"record_id": record_id, "source": "APIS", "pax": {"surname": "Haddad"},
            "departure": {"time": "2024-01-05T10:00:00", "flight": flight}}  # fmt: skip


@pytest.mark.parametrize("flight", [2.0, 1e16, True, ["UA", 1], {"no": 1}, "UA1"])
def test_a_json_line_gets_one_id_whichever_reader_reads_it(
    engine: Engine, tmp_path: Path, flight: object
) -> None:
    mapping = builtin_mapping("cbp-apis-out")
    clean = write_jsonl(tmp_path / "clean.jsonl", [_departure("r1", flight)])
    broken = write_jsonl(tmp_path / "broken.jsonl", [_departure("r1", flight)])
    with broken.open("a", encoding="utf-8") as handle:
        handle.write("not json\n")
    first = ingest_file(engine, clean, mapping)
    second = ingest_file(engine, broken, mapping)
    assert first.records_new == 1
    assert (second.records_new, second.records_existing, second.quarantined) == (0, 1, 1)


def test_the_kind_date_cannot_be_made_optional(engine: Engine, tmp_path: Path) -> None:
    text = I94.path.read_text().replace(
        "arrival_date: {column: ARR_DT, required: true}",
        "arrival_date: {column: ARR_DT, required: false}",
    )
    (tmp_path / "m.yaml").write_text(text)
    mapping = load_mapping(tmp_path / "m.yaml")
    path = write_i94(tmp_path / "a.csv", [i94_row("1"), i94_row("2", ARR_DT="")])
    assert ingest_file(engine, path, mapping).quarantined == 1


def test_nul_characters_are_quarantined_on_both_engines(engine: Engine, tmp_path: Path) -> None:
    path = write_i94(tmp_path / "a.csv", [i94_row("1"), i94_row("2", family="Had\x00dad")])
    result = ingest_file(engine, path, I94)
    assert (result.records_new, result.quarantined) == (1, 1)
    assert "NUL" in quarantined(engine)[0].reason


@pytest.mark.parametrize("value", ["2024015", "202415", "2024115"])
def test_unseparated_dates_need_two_digit_months_and_days(
    engine: Engine, tmp_path: Path, value: str
) -> None:
    path = write_i94(tmp_path / "a.csv", [i94_row("1", ARR_DT=value)])
    assert ingest_file(engine, path, I94).quarantined == 1


def test_an_empty_admit_until_is_empty_not_malformed(engine: Engine, tmp_path: Path) -> None:
    path = write_i94(tmp_path / "a.csv", [i94_row("1", ADMIT_UNTIL="")])
    assert ingest_file(engine, path, I94).records_new == 1
    assert versions(engine, "cbp-i94", "1")[0].event["admit_until"] is None


def test_joined_address_skips_empty_parts(engine: Engine, tmp_path: Path) -> None:
    base = {"confirmation": "c", "name": {"last": "Kim"}, "effective": "2024-01-05"}
    good = {"street": "1 Main", "city": "", "state": "TX"}
    empty = {"street": "N/A", "city": " ", "state": ""}
    path = write_jsonl(
        tmp_path / "a.jsonl",
        [
            {**base, "confirmation": "1", "new_address": good},
            {**base, "confirmation": "2", "new_address": empty},
        ],
    )
    result = ingest_file(engine, path, builtin_mapping("uscis-ar11"))
    assert (result.records_new, result.quarantined) == (1, 1)
    assert versions(engine, "uscis-ar11", "1")[0].identity.address == "1 Main, TX"


def test_typed_parquet_dates_keep_the_year_range(engine: Engine, tmp_path: Path) -> None:
    path = write_parquet(tmp_path / "c.parquet", {
        "booking_id": ["1", "2"], "a_number": [None, None], "last_name": ["Kim", "Lee"],
        "first_name": [None, None], "dob": [None, None], "sex": [None, None],
        "citizenship": [None, None], "book_in": [dt.datetime(2024, 1, 5), dt.datetime(1800, 1, 5)],
        "release": [None, None], "removal": [None, None], "facility": [None, None],
        "photo": [b"\x00\x01", b"\xff"],
    })  # fmt: skip
    result = ingest_file(engine, path, builtin_mapping("ice-custody"))
    assert (result.records_new, result.quarantined) == (1, 1)
    assert "year outside" in quarantined(engine)[0].reason


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ('date_format: "%Y%m%d"', 'date_format: "%m%d"'),
        ('date_format: "%Y%m%d"', 'date_format: "%Q"'),
        ("encoding: utf-8", "encoding: utf-9"),
        ('delimiter: ","', 'delimiter: "||"'),
        ("{A: air, S: sea, L: land}", "{A: airplane}"),
        ("  port: PORT", "  port: 5"),
    ],
)
def test_mapping_mistakes_are_caught_when_loading(
    tmp_path: Path, change: str, message: str
) -> None:
    text = I94.path.read_text()
    assert change in text
    (tmp_path / "m.yaml").write_text(text.replace(change, message))
    with pytest.raises(MappingError, match=r"m\.yaml"):
        load_mapping(tmp_path / "m.yaml")


@pytest.mark.parametrize(
    ("name", "alpha3"), [("RUSSIA", "RUS"), ("Burma", "MMR"), ("UK", "GBR"), ("Kosovo", "XKX")]
)
def test_common_country_names_resolve(name: str, alpha3: str) -> None:
    from sojourn.records.codes import country_lookup

    assert country_lookup()[name.upper()] == alpha3


def test_a_manifest_entry_without_a_path_is_a_clear_error(tmp_path: Path) -> None:
    from sojourn.records import ManifestError, plan

    (tmp_path / "manifest.json").write_text('{"files": [{"mapping": "cbp-i94"}]}')
    with pytest.raises(ManifestError, match="lacks 'path'"):
        plan([tmp_path], None)


@pytest.mark.parametrize(
    ("number", "ok"), [("A-012-345-678", True), ("A１２３４５６７８", False), ("A000000000", False)]
)
def test_a_numbers_are_ascii_digits_not_all_zero(
    engine: Engine, tmp_path: Path, number: str, ok: bool
) -> None:
    from tests.factory import write_csv

    header = ["CERT_NO", "A_NUMBER", "FAMILY_NAME", "GIVEN_NAME", "BIRTH_DATE",
              "COUNTRY_OF_BIRTH", "NATURALIZED_DATE", "OFFICE"]  # fmt: skip
    row = ["C1", number, "Kim", "", "", "", "2020-01-02", ""]
    path = write_csv(tmp_path / "n.csv", header, [row])
    result = ingest_file(engine, path, builtin_mapping("uscis-n400"))
    assert result.records_new == (1 if ok else 0)
