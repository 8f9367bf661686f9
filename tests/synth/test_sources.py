"""The sources the law turns on (issue 17) in the generated population, and the truth under
the counting conventions: citizens shown by a passport or SSA indicator A, employment ends,
deferred action, parole terminations and SEVIS withdrawals and terminations."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from sojourn.synth import GenerateResult
from tests.synth.conftest import AS_OF

MALFORMED = "bad_date|missing_required|unknown_code"


def _rows(dataset: GenerateResult, records: pl.DataFrame, path: str) -> pl.DataFrame:
    """An extract's well-formed rows (not duplicated) with their true person."""
    file = dataset.out / path
    if path.endswith(".jsonl"):
        lines = file.read_text("utf-8").splitlines()
        flat = [{k: v for k, v in json.loads(line).items() if not isinstance(v, dict)}
                for line in lines]  # fmt: skip
        frame = pl.DataFrame(flat, infer_schema_length=None).cast(pl.String)
    else:
        frame = pl.read_csv(file, infer_schema_length=0)
    truth = records.filter(pl.col("file") == path).select("person_id", "noise")
    frame = pl.concat([frame, truth], how="horizontal")
    bad = pl.col("noise").str.contains(MALFORMED) | pl.col("noise").str.contains("duplicate")
    return frame.filter(~bad)


def _day(column: str, fmt: str = "%Y-%m-%d") -> pl.Expr:
    return pl.col(column).str.to_date(fmt)


@pytest.fixture(scope="module")
def truth(status: pl.DataFrame, admissions: pl.DataFrame) -> pl.DataFrame:
    last = admissions.group_by("person_id").agg(pl.all().sort_by("arrival_date").last())
    return status.join(last.select("person_id", "class_of_admission"), on="person_id", how="left")


def test_every_new_extract_has_rows(dataset: GenerateResult) -> None:
    rows = {f.kind: f.rows for f in dataset.files}
    for kind in ("passport", "numident", "employment_end", "deferred_action",
                 "parole_termination"):  # fmt: skip
        assert rows[kind] > 10, kind


def test_passport_and_indicator_a_holders_are_citizens(
    dataset: GenerateResult, records: pl.DataFrame, truth: pl.DataFrame, persons: pl.DataFrame
) -> None:
    books = _rows(dataset, records, "passports.csv")
    numident = _rows(dataset, records, "numident.jsonl")
    a = numident.filter(pl.col("csi") == "1")
    holders = pl.concat([books["person_id"], a["person_id"]]).unique()
    shown = truth.filter(pl.col("person_id").is_in(holders.implode()))
    assert (shown["status"] == "us_citizen").all()
    assert (shown["overstay_days"] == "").all()
    # the citizens a status engine once showed as overstays: an I-94 on a foreign passport,
    # not naturalized, their only citizenship evidence a passport or an SSA indicator A
    admitted = persons.filter(pl.col("population") == "admitted")["person_id"]
    natz = records.filter(pl.col("file") == "naturalizations.csv")["person_id"]
    only = shown.filter(pl.col("person_id").is_in(admitted.implode()))
    only = only.filter(~pl.col("person_id").is_in(natz.implode()))
    assert only.height >= 10
    assert set(numident["csi"].unique()) >= {"1", "2", "3"}


def test_employment_end_grace_is_capped_at_the_i94_date(
    dataset: GenerateResult, records: pl.DataFrame, truth: pl.DataFrame, admissions: pl.DataFrame
) -> None:
    notices = _rows(dataset, records, "employer_notices.csv")
    ended = notices.select("person_id", _day("LAST_DAY_WORKED", "%m/%d/%Y").alias("ended"))
    i94 = pl.read_csv(dataset.out / "arrivals_i94.csv", infer_schema_length=0)
    number = pl.col("admission_number").sort_by("arrival_date").last()
    last = admissions.group_by("person_id").agg(number)
    i94_until = pl.col("ADMIT_UNTIL").str.to_date("%Y%m%d", strict=False).alias("i94")
    until = last.join(i94.select(pl.col("ADMNUM").alias("admission_number"), i94_until),
                      on="admission_number")  # fmt: skip
    got = ended.join(truth, on="person_id").join(until, on="person_id")
    assert got.height >= 10
    assert set(got["class_of_admission"]) <= {"H1B", "L1", "TN", "E2", "O1"}
    expected = pl.min_horizontal(pl.col("ended") + pl.duration(days=60), pl.col("i94"))
    assert got.select((_day("authorized_until") == expected).all()).item()
    # a status violator: overstay days from the end of the grace, unlawful presence only from
    # the day after the I-94 date (AFM 40.9.2(b)(1)(E)); the DHS method measures the I-94 date
    own = ["arrivals_i94.csv", "departures_apis.jsonl", "employer_notices.csv", "numident.jsonl"]
    busy = records.filter(~pl.col("file").is_in(own))["person_id"].unique()
    over = got.filter((pl.col("status") == "overstay") & (pl.col("i94") < AS_OF))
    over = over.filter(~pl.col("person_id").is_in(busy.implode()))
    assert over.height > 0
    unlawful = pl.col("unlawful_presence_days").cast(pl.Int64)
    assert over.select((unlawful <= (pl.lit(AS_OF) - pl.col("i94")).dt.total_days()).all()).item()
    days = (pl.lit(AS_OF) - _day("authorized_until")).dt.total_days()
    assert over.select((pl.col("overstay_days").cast(pl.Int64) == days).all()).item()
    measured = admissions.join(until, on="admission_number").filter(
        pl.col("person_id").is_in(notices["person_id"].implode())
    )
    assert measured.select((_day("authorized_until") == pl.col("i94")).all()).item()


def test_deferred_action_stops_overstay_accrual(
    dataset: GenerateResult, records: pl.DataFrame, truth: pl.DataFrame
) -> None:
    grants = _rows(dataset, records, "deferred_action.csv").join(truth, on="person_id")
    last = pl.min_horizontal(_day("VALID_TO"),
                             _day("TERMINATION_EFFECTIVE") - pl.duration(days=1))  # fmt: skip
    grants = grants.with_columns(_day("GRANTED_DATE").alias("granted"), last.alias("last"))
    on = grants.filter(pl.col("last") >= AS_OF)
    assert on.height > 0
    assert set(on["status"]) <= {"deferred_action", "us_citizen"}
    admitted = on.filter(
        (pl.col("status") == "deferred_action")
        & (pl.col("authorized_until") != "")
        & (pl.col("class_of_admission") != "PAROLE")  # parole is no admission: no overstay
    )
    assert admitted.height > 0
    before = (pl.col("granted") - _day("authorized_until")).dt.total_days() - 1
    days = pl.when(before > 0).then(before.cast(pl.String)).otherwise(pl.lit(""))
    assert admitted.select((pl.col("overstay_days") == days).all()).item()


def test_parole_termination_ends_parole_the_day_before(
    dataset: GenerateResult, records: pl.DataFrame, truth: pl.DataFrame
) -> None:
    notices = _rows(dataset, records, "parole_terminations.jsonl").join(truth, on="person_id")
    assert notices.height >= 10
    assert (notices["class_of_admission"] == "PAROLE").all()
    day_before = _day("effective_date") - pl.duration(days=1)
    assert notices.select((_day("authorized_until") <= day_before).all()).item()
    ended = notices.filter(_day("effective_date") <= AS_OF)
    assert (ended["overstay_days"] == "").all()  # parole is no admission
    assert "overstay" not in set(ended["status"]) and "in_status" not in set(ended["status"])


def test_sevis_withdrawal_grace_and_termination_without_grace(
    dataset: GenerateResult, records: pl.DataFrame, truth: pl.DataFrame
) -> None:
    sevis = pl.read_parquet(dataset.out / "sevis_students.parquet")
    tags = records.filter(pl.col("file") == "sevis_students.parquet").select("person_id", "noise")
    sevis = pl.concat([sevis, tags], how="horizontal").join(truth, on="person_id")
    until = _day("authorized_until")
    left = sevis.filter(pl.col("status") == "WITHDRAWN")
    assert left.height > 0 and (left["termination_reason"] == "AUTHORIZED EARLY WITHDRAWAL").all()
    grace = pl.col("status_change_date") + pl.duration(days=15)
    assert left.select((until == grace).all()).item()
    ended = sevis.filter(pl.col("status") == "TERMINATED")
    assert ended.height > 0 and ended["termination_reason"].is_not_null().all()
    assert ended.select((until == pl.col("status_change_date")).all()).item()


def test_a_late_departure_keeps_its_overstay_days(
    truth: pl.DataFrame, admissions: pl.DataFrame
) -> None:
    late = truth.filter((pl.col("status") == "departed") & (pl.col("overstay_days") != ""))
    assert late.height > 0 and late["out_of_country_overstay"].eq("true").all()
    trips = admissions.filter(pl.col("overstay") == "out_of_country")
    # the departure day is a day of presence: days = departure - last authorized day
    span = (_day("departure_date") - _day("authorized_until")).dt.total_days()
    assert trips.select((span >= pl.col("overstay_days").cast(pl.Int64)).all()).item()
    assert trips.select((span == pl.col("overstay_days").cast(pl.Int64)).mean()).item() > 0.9
    assert dt.date.fromisoformat(truth["since"].max()) <= AS_OF


@pytest.fixture(scope="module")
def plain(truth: pl.DataFrame, records: pl.DataFrame, persons: pl.DataFrame) -> pl.DataFrame:
    """Admitted persons whose only records are arrivals, departures and SEVIS records (no
    application, proceedings or other event), with their birth date."""
    own = ["arrivals_i94.csv", "departures_apis.jsonl", "sevis_students.parquet"]
    other = records.filter(~pl.col("file").is_in(own))
    born = persons.select("person_id", "population", _day("birth_date").alias("born"))
    out = truth.join(born, on="person_id").filter(pl.col("population") == "admitted")
    return out.filter(~pl.col("person_id").is_in(other["person_id"].unique().implode()))


def test_unlawful_presence_of_adult_overstays_equals_their_overstay(plain: pl.DataFrame) -> None:
    adult = _day("authorized_until") >= pl.col("born").dt.offset_by("18y")
    visitors = plain.filter(
        (pl.col("status") == "overstay") & adult
        & ~pl.col("class_of_admission").is_in(["F1", "J1", "M1", "PAROLE"])
    )  # fmt: skip
    assert visitors.height > 20
    assert (visitors["unlawful_presence_days"] == visitors["overstay_days"]).all()


def test_duration_of_status_accrues_no_unlawful_presence_without_a_finding(
    plain: pl.DataFrame,
) -> None:
    students = plain.filter(pl.col("class_of_admission").is_in(["F1", "J1", "M1"]))
    overstayed = students.filter(pl.col("overstay_days") != "")
    assert overstayed.height > 10
    assert (students["unlawful_presence_days"] == "0").all()


def test_minors_accrue_no_unlawful_presence(truth: pl.DataFrame, persons: pl.DataFrame) -> None:
    young = persons.filter(_day("birth_date").dt.offset_by("18y") > AS_OF)["person_id"]
    minors = truth.filter(pl.col("person_id").is_in(young.implode()))
    assert minors.filter(pl.col("overstay_days") != "").height > 0
    assert (minors["unlawful_presence_days"] == "0").all()


def test_bars_follow_the_unlawful_presence_of_the_stay(truth: pl.DataFrame) -> None:
    up = pl.col("unlawful_presence_days").cast(pl.Int64)
    left = truth.filter(pl.col("status").is_in(["departed", "removed", "self_departed"]))
    ten, three = left.filter(pl.col("bar") == "10"), left.filter(pl.col("bar") == "3")
    assert ten.height > 0 and three.height > 0
    assert (
        ten.select((up >= 365).all()).item() and three.select(up.is_between(181, 364).all()).item()
    )
    assert left.filter(up >= 365).select((pl.col("bar") == "10").all()).item()
    assert (
        truth.filter(~pl.col("status").is_in(["departed", "removed", "self_departed"]))["bar"]
        .eq("")
        .all()
    )
