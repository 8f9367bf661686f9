"""Ground truth: coverage of every row, status vocabulary and rules, overstay rates, U.S.
citizens in enforcement records, no-board manifests, original-script names."""

from __future__ import annotations

import json

import polars as pl

from sojourn.synth import GenerateResult
from sojourn.synth.truth import STATUSES
from tests.synth.conftest import AS_OF

STUDENTS = ("F1", "J1", "M1")
NON_LATIN = r"[\u0400-\u04FF\u0600-\u06FF\u3040-\u30FF\u4E00-\u9FFF\uAC00-\uD7AF]"


def test_records_cover_every_row(dataset: GenerateResult, records: pl.DataFrame) -> None:
    manifest = json.loads((dataset.out / "manifest.json").read_text())
    for entry in manifest["files"]:
        rows = records.filter(pl.col("file") == entry["path"])
        assert rows.height == entry["rows"]
        first = 2 if entry["path"].endswith(".csv") else 1
        assert rows["row"].to_list() == list(range(first, first + entry["rows"]))
        assert (rows["source"] == entry["mapping"]).all()
    assert records["person_id"].str.contains(r"^P\d{8}$").all()


def test_record_ids_match_the_files(dataset: GenerateResult, records: pl.DataFrame) -> None:
    i94 = pl.read_csv(dataset.out / "arrivals_i94.csv", infer_schema_length=0)
    truth = records.filter(pl.col("file") == "arrivals_i94.csv")
    assert truth["source_record_id"].to_list() == i94["ADMNUM"].to_list()
    apis = pl.read_ndjson(dataset.out / "departures_apis.jsonl")
    truth = records.filter(pl.col("file") == "departures_apis.jsonl")
    assert truth["source_record_id"].to_list() == apis["record_id"].to_list()


def test_duplicates_are_exact_copies(dataset: GenerateResult, records: pl.DataFrame) -> None:
    lines = (dataset.out / "arrivals_i94.csv").read_text().splitlines()
    dups = records.filter(
        (pl.col("file") == "arrivals_i94.csv") & pl.col("noise").str.contains("duplicate_row")
    )
    assert dups.height > 0
    for row in dups["row"].to_list():
        assert lines[row - 1] == lines[row - 2]


def test_status_vocabulary_and_dates(status: pl.DataFrame, persons: pl.DataFrame) -> None:
    assert status.height == persons.height
    assert set(status["status"].unique()) <= set(STATUSES)
    assert {
        "departed",
        "in_status",
        "overstay",
        "us_citizen",
        "in_proceedings",
        "lawful_permanent_resident",
        "pending_application",
    } <= set(status["status"])
    assert (status["since"] <= AS_OF.isoformat()).all()
    assert (status["since"] != "").all()
    over = status.filter(pl.col("status") == "overstay")
    assert (over["authorized_until"] < AS_OF.isoformat()).all()
    assert (over["overstay_days"].cast(pl.Int64) > 0).all()


def test_citizens_are_us_citizens(status: pl.DataFrame, persons: pl.DataFrame) -> None:
    born = persons.filter(pl.col("population") == "us_born")["person_id"]
    assert born.len() > 0
    assert (
        status.filter(pl.col("person_id").is_in(born.implode()))["status"] == "us_citizen"
    ).all()
    assert (persons.filter(pl.col("population") == "us_born")["nationality"] == "USA").all()


def test_overstay_rates_are_plausible(admissions: pl.DataFrame) -> None:
    due = admissions.filter(pl.col("overstay") != "not_due")
    over = pl.col("overstay").is_in(["in_country", "out_of_country"])
    overall = due.select(over.mean()).item()
    students = due.filter(pl.col("class_of_admission").is_in(STUDENTS)).select(over.mean())
    visitors = due.filter(pl.col("class_of_admission").is_in(["WT", "WB"])).select(over.mean())
    assert 0.008 < overall < 0.02  # DHS FY2016-FY2024: 1.15%-1.47% total
    assert 0.035 < students.item() < 0.09  # FY2016 F/M/J: 5.48% total
    assert visitors.item() < 0.012  # VWP: ~0.6%


def test_us_citizens_appear_in_enforcement_records(
    records: pl.DataFrame, persons: pl.DataFrame
) -> None:
    citizens = persons.filter(pl.col("us_citizen") == "true")["person_id"].implode()
    found = records.filter(pl.col("person_id").is_in(citizens))
    for source in ("eoir-cases", "state-convictions", "ice-custody"):
        assert (found["source"] == source).any(), source
    born = persons.filter(pl.col("population") == "us_born")["person_id"].implode()
    assert (
        records.filter(pl.col("person_id").is_in(born))["source"]
        .is_in(["cbp-i94", "cbp-apis-out"])
        .sum()
        == 0
    )


def test_no_board_rows_are_not_departures(
    dataset: GenerateResult, records: pl.DataFrame, admissions: pl.DataFrame, status: pl.DataFrame
) -> None:
    apis = pl.read_ndjson(dataset.out / "departures_apis.jsonl")
    truth = records.filter(pl.col("file") == "departures_apis.jsonl")
    rows = apis.with_columns(
        truth["person_id"],
        truth["noise"],
        day=pl.col("departure").struct.field("time").str.slice(0, 10),
    )
    no_board = rows.filter(pl.col("noise").str.contains("no_board"))
    assert no_board.height > 0
    assert (no_board["source"] == "APIS").all()
    departed = admissions.select("person_id", day=pl.col("departure_date"))
    assert no_board.join(departed, on=["person_id", "day"]).height == 0
    stayed = no_board.join(status, on="person_id").filter(pl.col("status") != "departed")
    assert stayed.height > 0  # some look departed in the manifests but never left


def test_original_script_names(
    dataset: GenerateResult, persons: pl.DataFrame, records: pl.DataFrame
) -> None:
    sevis = pl.read_parquet(dataset.out / "sevis_students.parquet")
    assert sevis["name_native"].drop_nulls().str.contains(NON_LATIN).sum() > 50
    assert persons["native_name"].str.contains(NON_LATIN).sum() > 100
    tagged = records.filter(pl.col("noise").str.contains("original_script"))
    assert tagged.height > 0
    script_rows = sevis.with_row_index("i").filter(
        pl.col("i").is_in(
            (tagged.filter(pl.col("file") == "sevis_students.parquet")["row"] - 1).implode()
        )
    )
    assert script_rows["surname"].str.contains(r"[^\x00-\x7F]").all()  # Vietnamese: diacritics


def test_transliteration_variants(
    dataset: GenerateResult, records: pl.DataFrame, persons: pl.DataFrame
) -> None:
    eoir = pl.read_csv(
        dataset.out / "eoir_cases.csv", encoding="windows-1252", infer_schema_length=0
    )
    assert eoir.height > 100
    i94 = pl.read_csv(dataset.out / "arrivals_i94.csv", infer_schema_length=0)
    given = set(i94["FIRST_NAME"].drop_nulls().to_list())
    assert {"MOHAMMED", "MUHAMMAD"} <= given or {"ALEKSANDR", "OLEKSANDR"} <= given
