"""Observed noise rates per file stay within sampling tolerance of their parameters."""

from __future__ import annotations

import math

import polars as pl

from sojourn.synth import GenerateResult
from sojourn.synth.extracts.base import NOISE_TAGS
from sojourn.synth.params import load_params, noise_rate

PER_PERSON = ("renewed_passport",)


def test_noise_rates_match_parameters(dataset: GenerateResult, records: pl.DataFrame) -> None:
    params = load_params()
    checked = 0
    for f in dataset.files:
        rows = records.filter(pl.col("file") == f.path)
        n = rows.height
        if n < 1_000:
            continue
        for tag in NOISE_TAGS:
            if tag in PER_PERSON:
                continue
            p = noise_rate(params, tag, f.mapping)
            observed = rows["noise"].str.contains(tag).mean()
            assert isinstance(observed, float)
            tol = 4 * math.sqrt(max(p, 1e-4) * (1 - p) / n) + 0.1 * p
            assert abs(observed - p) <= tol, (f.path, tag, observed, p)
            checked += 1
    assert checked >= 30


def test_noise_tags_are_from_the_documented_list(records: pl.DataFrame) -> None:
    tags = records["noise"].str.split(";").explode().unique().to_list()
    assert set(tags) - {""} <= set(NOISE_TAGS)


def test_renewed_passports_carry_a_new_number(
    dataset: GenerateResult, records: pl.DataFrame
) -> None:
    i94 = pl.read_csv(dataset.out / "arrivals_i94.csv", infer_schema_length=0)
    truth = records.filter(pl.col("file") == "arrivals_i94.csv")
    rows = i94.with_columns(truth["person_id"], truth["noise"])
    rows = rows.filter(pl.col("PASSPORT_NO").is_not_null())
    per = rows.group_by("person_id").agg(
        renewed=pl.col("noise").str.contains("renewed_passport").any(),
        numbers=pl.col("PASSPORT_NO").n_unique(),
    )
    assert per.filter(pl.col("renewed") & (pl.col("numbers") > 1)).height > 0
    assert per.filter(~pl.col("renewed"))["numbers"].max() == 1
