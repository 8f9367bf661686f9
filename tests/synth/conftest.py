"""One generated data set shared by the synth tests (20,000 persons, about a second)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from sojourn.synth import GenerateResult, generate

AS_OF = dt.date(2025, 9, 30)
PERSONS = 20_000
SEED = 20250930


@pytest.fixture(scope="session")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> GenerateResult:
    out = tmp_path_factory.mktemp("synth") / "data"
    return generate(PERSONS, SEED, AS_OF, out)


def read_truth(result: GenerateResult, name: str) -> pl.DataFrame:
    frame = pl.read_csv(result.out / "truth" / name, infer_schema_length=0)
    return frame.with_columns(pl.col(pl.String).fill_null(""))


@pytest.fixture(scope="session")
def records(dataset: GenerateResult) -> pl.DataFrame:
    return read_truth(dataset, "records.csv").with_columns(pl.col("row").cast(pl.Int64))


@pytest.fixture(scope="session")
def persons(dataset: GenerateResult) -> pl.DataFrame:
    return read_truth(dataset, "persons.csv")


@pytest.fixture(scope="session")
def status(dataset: GenerateResult) -> pl.DataFrame:
    return read_truth(dataset, "status.csv")


@pytest.fixture(scope="session")
def admissions(dataset: GenerateResult) -> pl.DataFrame:
    return read_truth(dataset, "admissions.csv")
