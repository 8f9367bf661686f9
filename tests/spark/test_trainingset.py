"""What training reads, from Spark (``spark.trainingset``): the same ids, counts, draws and
patterns as from the features and vectors in this process, and so the same model."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from pyspark.sql import DataFrame, SparkSession

from sojourn.records import ingest_file, plan
from sojourn.resolve.blocking import candidate_pairs
from sojourn.resolve.compare import compare_pairs
from sojourn.resolve.features import features, load_records
from sojourn.resolve.generic import find as find_generic
from sojourn.resolve.generic import neutralise
from sojourn.resolve.training import train_on
from sojourn.resolve.trainingset import InMemory, drawn, patterns
from sojourn.spark.features import feature_schema
from sojourn.spark.frames import arrow_schema
from sojourn.spark.scoring import vector_schema
from sojourn.spark.trainingset import SparkRecords, sorted_ids, spark_patterns
from sojourn.store import make_engine, upgrade
from sojourn.synth import generate


@pytest.fixture(scope="module")
def feats(tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    """The features of 1,000 generated persons' records, sorted by id (the Spark run's
    order)."""
    out: Path = tmp_path_factory.mktemp("synth1000")
    generate(1_000, 8, dt.date(2025, 9, 30), out)
    engine = make_engine(f"sqlite:///{out / 'db.sqlite'}")
    upgrade(engine)
    for item in plan([out], None):
        ingest_file(engine, item.path, item.mapping)
    found = features(load_records(engine))
    engine.dispose()
    return neutralise(found, find_generic(found)).sort("id")


def _spark(spark: SparkSession, frame: pl.DataFrame, schema: pl.Schema) -> DataFrame:
    return spark.createDataFrame(frame.select(list(schema)).to_arrow().cast(arrow_schema(schema)))


def _rows(frame: pl.DataFrame) -> list[tuple[object, ...]]:
    return sorted(tuple(tuple(v) if isinstance(v, list) else v for v in r) for r in frame.rows())


def test_spark_records_give_what_the_features_frame_gives(
    spark: SparkSession, feats: pl.DataFrame
) -> None:
    local = InMemory(feats)
    kept = _spark(spark, feats, feature_schema())
    remote = SparkRecords(kept, sorted_ids(kept))
    assert remote.ids.equals(local.ids) and remote.height == local.height
    for columns in (["ssn", "sevis_id", "fbi_number"], ["postcode"], ["name_sorted"]):
        assert remote.having(columns).equals(local.having(columns))
        assert remote.present(columns) == local.present(columns)
    wanted = feats["id"].sample(300, seed=2)
    assert remote.rows(wanted).equals(local.rows(wanted).select(remote.rows(wanted).columns))
    assert drawn(remote, 500, 7).equals(drawn(local, 500, 7).select(drawn(remote, 500, 7).columns))
    names, expected = remote.names(), local.names()
    assert names.total == expected.total > 1_000
    assert _rows(names.words) == _rows(expected.words)
    assert _rows(names.repeated) == _rows(expected.repeated) != []


def test_patterns_counted_in_spark_train_the_same_model(
    spark: SparkSession, feats: pl.DataFrame
) -> None:
    vectors = compare_pairs(candidate_pairs(feats).pairs, feats)
    counted = spark_patterns(_spark(spark, vectors, vector_schema()))
    assert _rows(counted) == _rows(patterns(vectors))
    kept = _spark(spark, feats, feature_schema())
    remote = train_on(counted, SparkRecords(kept, sorted_ids(kept)))
    expected = train_on(vectors, feats)
    for field in ("m", "u", "prior", "name_tf", "household_u", "diagnostics"):
        assert getattr(remote, field) == getattr(expected, field), field
