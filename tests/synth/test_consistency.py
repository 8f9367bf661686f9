"""The truth agrees with what the extracts show where the records are unambiguous."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from sojourn.synth import GenerateResult, generate


def _with_truth(frame: pl.DataFrame, records: pl.DataFrame, path: str) -> pl.DataFrame:
    truth = records.filter(pl.col("file") == path)
    return frame.with_columns(truth["person_id"], truth["noise"])


def _status_of(frame: pl.DataFrame, status: pl.DataFrame) -> pl.DataFrame:
    return frame.join(status.select("person_id", "status"), on="person_id")


def test_removed_and_self_departed(
    dataset: GenerateResult, records: pl.DataFrame, status: pl.DataFrame
) -> None:
    custody = _with_truth(
        pl.read_parquet(dataset.out / "custody.parquet"), records, "custody.parquet"
    )
    removed = set(status.filter(pl.col("status") == "removed")["person_id"])
    with_removal = set(custody.filter(pl.col("removal").is_not_null())["person_id"])
    assert removed and removed <= with_removal
    home = _with_truth(pl.read_ndjson(dataset.out / "cbp_home.jsonl"), records, "cbp_home.jsonl")
    left = set(status.filter(pl.col("status") == "self_departed")["person_id"])
    assert left <= set(home.filter(pl.col("verified_departure_date").is_not_null())["person_id"])


def test_court_records(
    dataset: GenerateResult, records: pl.DataFrame, status: pl.DataFrame
) -> None:
    eoir = pl.read_csv(
        dataset.out / "eoir_cases.csv", encoding="windows-1252", infer_schema_length=0
    )
    eoir = _status_of(_with_truth(eoir, records, "eoir_cases.csv"), status)
    clean = eoir.filter(~pl.col("noise").str.contains("unknown_code|bad_date|missing_req"))
    never_filed = clean.filter(pl.col("NTA_FILED").is_null())
    assert never_filed.height > 0
    assert (never_filed["status"] != "in_proceedings").all()
    final = clean.filter((pl.col("DECISION") == "RM") & (pl.col("FINAL") == "Y"))
    assert final.height > 0
    # us_citizen: a traveller ordered removed who is a U.S. citizen (a passport or an SSA
    # indicator A shows it), as GAO-21-487 found happens
    ordered = ["removal_order_final", "removed", "self_departed", "us_citizen"]
    assert final["status"].is_in(ordered).all()
    assert (final["status"] != "us_citizen").mean() > 0.9
    relief = clean.filter(pl.col("DECISION") == "RL")
    assert relief["status"].is_in(["lawful_permanent_resident", "us_citizen"]).all()


def test_naturalized_are_citizens(
    dataset: GenerateResult, records: pl.DataFrame, status: pl.DataFrame
) -> None:
    n400 = pl.read_csv(dataset.out / "naturalizations.csv", infer_schema_length=0)
    n400 = _status_of(_with_truth(n400, records, "naturalizations.csv"), status)
    assert n400.height > 0 and (n400["status"] == "us_citizen").all()


def test_tiny_populations(tmp_path: Path) -> None:
    for n in (0, 1):
        result = generate(n, 1, dt.date(2025, 9, 30), tmp_path / str(n))
        assert result.persons == n
        assert (tmp_path / str(n) / "manifest.json").exists()
