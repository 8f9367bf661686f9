"""``sojourn resolve --engine spark``: the batch run with its heavy stages in Spark.

The same stages as ``resolve.run.resolve_all`` and the same code in each: the records are
read from the store into a Parquet snapshot; features per partition, the generic values
counted in Spark; blocking as Spark joins; comparison vectors and scores per partition;
clustering by connected components in Spark, then ``cluster`` per component; stable ids,
links and the write in one transaction by the single-machine code (``run.link_and_write``).

On the driver (docs/scale.md): every record's id; what training and the health check read
(``spark.trainingset``: the vectors counted by pattern, the names counted, the features of the
records training draws, at most a number set by configuration); the match probabilities (the
thresholds), the clusters and the accepted pairs (ids, links), and the write. A link-only
run (``--link-only``) and resuming an interrupted run are single-machine only.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from pyspark.sql import DataFrame, SparkSession
from sqlalchemy import Engine

from sojourn.resolve.model import Model
from sojourn.resolve.run import (
    Clock,
    Job,
    NothingToResolveError,
    Progress,
    RunSummary,
    link_and_write,
    model_for,
    nothing_linked,
)
from sojourn.resolve.thresholds import choose
from sojourn.settings import get_settings
from sojourn.spark.blocking import candidate_pairs
from sojourn.spark.clustering import spark_clusterer
from sojourn.spark.features import find_generic, neutralise, spark_features
from sojourn.spark.frames import collect
from sojourn.spark.io import read_snapshot, snapshot
from sojourn.spark.scoring import scored_schema, spark_scores, spark_vectors
from sojourn.spark.session import kept, spark_session
from sojourn.spark.trainingset import SparkRecords, sorted_ids, spark_patterns


@dataclass(frozen=True)
class _Compared:
    records: SparkRecords
    vectors: DataFrame
    generic: dict[str, list[str]]


def resolve_spark(
    engine: Engine,
    accept: float | None = None,
    review: float | None = None,
    progress: Progress | None = None,
    allow_degenerate: bool = False,
    spark: SparkSession | None = None,
) -> RunSummary:
    """``resolve_all`` (every stored record) with Spark doing the heavy stages; the same
    arguments, the same result (``spark``: the session, else ``spark_session()``)."""
    settings = get_settings()
    accept = settings.resolve_accept if accept is None else accept
    review = settings.resolve_review if review is None else review
    clock = Clock(progress)
    started = dt.datetime.now(dt.UTC)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="spark-snapshot-", dir=settings.data_dir) as tmp:
        compared = _compare(engine, spark, Path(tmp), clock)
        session = spark or spark_session(settings)
        model, trained, warnings = _model(engine, compared, clock, allow_degenerate)
        clock.stage("score")
        scored = _kept(spark_scores(compared.vectors, model))
        compared.vectors.unpersist()  # the scores carry the vectors: one copy kept, not two
        probabilities = collect(scored, pl.Schema({"match_probability": pl.Float64}))
        chosen = choose(probabilities, accept, review)
        job = Job(
            "batch",
            compared.records.ids.to_frame(),
            pl.DataFrame(schema=scored_schema()),
            model,
            trained,
            chosen.accept,
            chosen.review,
            clusterer=spark_clusterer(session, scored),
        )
        summary = link_and_write(engine, clock, job, started)
        scored.unpersist()
    warnings += nothing_linked(probabilities["match_probability"], chosen.accept)
    return RunSummary(
        summary.run_id,
        summary.model_version,
        summary.trained,
        summary.records,
        summary.persons,
        summary.counts,
        summary.seconds,
        warnings=tuple(warnings),
        accept=chosen.accept,
        review=chosen.review,
        thresholds_by=chosen.chosen_by,
        pairs=probabilities.height,
    )


def _compare(
    engine: Engine, spark: SparkSession | None, directory: Path, clock: Clock
) -> _Compared:
    """Records → features (generic values read as missing) → candidate pairs → vectors,
    each stage materialised, so its time is its own. Spark starts (``spark_session``, when
    no ``spark`` is given) only once there are records."""
    clock.stage("load records")
    count = snapshot(engine, directory)
    if count == 0:
        raise NothingToResolveError("no records to resolve: run `sojourn ingest` first")
    records = read_snapshot(spark or spark_session(), directory)
    clock.stage("features")
    raw = spark_features(records).persist(kept())
    generic = find_generic(raw, count)
    feats = _kept(neutralise(raw, generic))
    raw.unpersist()
    ids = sorted_ids(feats)
    clock.stage("blocking")
    pairs = _kept(candidate_pairs(feats))
    clock.stage("compare")
    vectors = _kept(spark_vectors(pairs, feats))
    pairs.unpersist()  # the vectors are kept without their lineage: the pairs are done
    return _Compared(SparkRecords(feats, ids), vectors, generic)


def _kept(frame: DataFrame) -> DataFrame:
    """``frame`` computed now and kept (``SOJOURN_SPARK_STORAGE``) without its lineage. A frame
    merely persisted loses its cache when a frame it was computed from is unpersisted, and is
    then computed again at each use (the features: about 30 s for 100,000 records each time)."""
    return frame.localCheckpoint(eager=True, storageLevel=kept())


def _model(
    engine: Engine, compared: _Compared, clock: Clock, allow_degenerate: bool
) -> tuple[Model, bool, list[str]]:
    """``run.model_for`` given what it reads: the vectors counted by pattern (training and
    the health check sum over pairs, nothing else) and the records as ``SparkRecords``."""
    counted = spark_patterns(compared.vectors)
    return model_for(engine, counted, compared.records, clock, allow_degenerate, compared.generic)
