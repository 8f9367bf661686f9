"""``sojourn assess`` on Spark: the single-machine assessment (``priority.run``: the status
engine, the facts, the policy) run per partition of persons, its outcomes written back as
``priority.store.save`` writes them.

Spark does: the join of records to their current person (the latest link of each record),
the partitioning by person (each person's records, ordered by record id, in one task), the
assessment of every person by the same Python code as the single-machine path
(``priority.run.group_inputs``, ``priority.assess.assess``, ``priority.store.digest``), and
the comparison of each outcome with the person's latest stored one.

The driver does: read the snapshot from the store (records, links, the latest digests) and
write it as Parquet; load what every task needs, once, and broadcast it (the citizenship
sweep, ``priority.sweep.load_sweep``; the records' corrections; the identity threshold);
then stream the changed assessments from Spark into the ``assessments`` table, a batch at a
time, in one transaction. This module imports PySpark: only the Spark code paths import it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as sf
from sqlalchemy import Engine

from sojourn.priority.tables import assessments
from sojourn.spark.assess_task import RESULT_SCHEMA, Task, assess_batches
from sojourn.store.arrow import fetch_arrow

LATEST_SQL = (
    "SELECT person_id, digest AS known FROM assessments WHERE id IN "
    "(SELECT max(id) FROM assessments GROUP BY person_id)"
)
KNOWN = pa.schema([("person_id", pa.string()), ("known", pa.string())])
BATCH = 5_000


@dataclass
class Summary:
    """What a run found and wrote (as the command line reports it)."""

    persons: int
    priority: Counter[str]
    stops: Counter[str]
    enforcement_ready: int
    written: int


def current_rows(spark: SparkSession, records: DataFrame, links: DataFrame) -> DataFrame:
    """Each linked record with its current person, link method and probability (the latest
    link of the record, as ``priority.run`` reads it), partitioned by person and ordered by
    person and record id within each partition."""
    latest = links.groupBy("record_id").agg(
        sf.max_by("person_id", "id").alias("person_id"),
        sf.max_by("method", "id").alias("method"),
        sf.max_by("match_probability", "id").alias("p"),
    )
    joined = latest.join(records, latest["record_id"] == records["id"]).drop("record_id")
    partitions = int(spark.conf.get("spark.sql.shuffle.partitions") or "4")
    return joined.repartition(partitions, "person_id").sortWithinPartitions("person_id", "id")


def assessed(spark: SparkSession, rows: DataFrame, task: Task) -> DataFrame:
    """Every person's assessment row (``assess_task.RESULT_SCHEMA``), computed per partition
    by the single-machine code."""
    shipped = spark.sparkContext.broadcast(task)

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        return assess_batches(batches, shipped.value)

    return rows.mapInArrow(run, RESULT_SCHEMA)


def summary(results: DataFrame) -> tuple[int, Counter[str], Counter[str], int]:
    """Persons, by priority, hard stops by id, enforcement-ready."""
    by_priority = Counter(
        {r["p"]: int(r["n"]) for r in results.groupBy(
            sf.coalesce("priority", sf.lit("none")).alias("p")).count()
            .withColumnRenamed("count", "n").collect()}
    )  # fmt: skip
    stop_ids = results.select(sf.explode(sf.from_json("stops", "array<string>")).alias("s"))
    stops = Counter({r["s"]: int(r["count"]) for r in stop_ids.groupBy("s").count().collect()})
    ready = results.where("enforcement_ready").count()
    return sum(by_priority.values()), by_priority, stops, ready


def write_changed(engine: Engine, changed: DataFrame, trigger: str) -> int:
    """Insert the changed assessments, streamed from Spark a batch at a time, in one
    transaction (one assessed time for all, as ``priority.store.save``)."""
    at, written, pending = dt.datetime.now(dt.UTC), 0, []
    with engine.begin() as conn:
        for row in changed.toLocalIterator(prefetchPartitions=True):
            pending.append({**row.asDict(), "trigger": trigger, "assessed_at": at})
            if len(pending) >= BATCH:
                conn.execute(assessments.insert(), pending)
                written, pending = written + len(pending), []
        if pending:
            conn.execute(assessments.insert(), pending)
    return written + len(pending)


def assess_spark(
    engine: Engine, as_of: dt.date, policy: str | None = None, store: bool = True,
    trigger: str = "sojourn assess", spark: SparkSession | None = None,
) -> Summary:  # fmt: skip
    """Assess every resolved person on Spark under ``policy`` (id@version; default the active
    one) and, with ``store``, write the assessments whose outcome changed."""
    from sojourn.spark.session import spark_session
    from sojourn.spark.snapshot import snapshot_dir, write_assessment_inputs, write_table

    session = spark or spark_session()
    task = Task.load(engine, as_of, policy)
    with snapshot_dir() as folder:
        records, links = write_assessment_inputs(engine, folder)
        rows = current_rows(
            session, session.read.parquet(str(records)), session.read.parquet(str(links))
        )
        out = str(folder / "assessed")
        assessed(session, rows, task).write.parquet(out)
        results = session.read.parquet(out)
        persons, by_priority, stops, ready = summary(results)
        written = 0
        if store:
            latest = fetch_arrow(engine, LATEST_SQL).cast(KNOWN)
            known = write_table(latest, folder / "known.parquet")
            written = write_changed(engine, _changed(session, results, known), trigger)
    return Summary(persons, by_priority, stops, ready, written)


def _changed(spark: SparkSession, results: DataFrame, known: Path) -> DataFrame:
    """The results whose digest differs from the person's latest stored one (or who has
    none), in person order."""
    latest = spark.read.parquet(str(known))
    return (
        results.join(latest, on="person_id", how="left")
        .where(sf.col("known").isNull() | (sf.col("known") != sf.col("digest")))
        .drop("known")
        .orderBy("person_id")
    )
