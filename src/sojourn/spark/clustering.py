"""Clustering in Spark under judgements and existing persons, as on one machine.

The pairs that can join or open a review (at or above ``review``) and the judged-same pairs
are the edges of a graph whose connected components Spark finds (``spark.components``:
large-star / small-star). No join, refusal or review ever crosses two components, so the
single-machine ``cluster`` run on each component alone (``applyInArrow``, on buckets of
whole components: their records with their existing persons, their pairs, and the judgements
between their records) gives exactly the persons and reviews it gives over all records at
once: the chain cut (``CONTRADICTION``), judged-different pairs and two existing persons kept
apart included.
A record in no edge is a person of its own.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as sf

from sojourn.resolve.cluster import CONTRADICTION, JUDGEMENTS_DISAGREE, Clusters, Constraints
from sojourn.resolve.cluster import cluster as cluster_here
from sojourn.spark.components import components
from sojourn.spark.frames import arrow_schema, collect, ddl, from_arrow
from sojourn.spark.scoring import scored_schema
from sojourn.spark.session import kept

_GROUP = pl.Schema(
    {"id_l": pl.Utf8, "id_r": pl.Utf8, "match_probability": pl.Float64, "owner": pl.Utf8}
)
_OUT = pl.Schema(
    {"id_l": pl.Utf8, "id_r": pl.Utf8, "match_probability": pl.Float64, "reason": pl.Utf8}
)
#: ``cluster`` runs once per bucket of whole components (a component's rows all hash to one
#: bucket), not once per component: most components are a handful of records, and a call of
#: the Python worker costs milliseconds. Components are independent, so ``cluster`` over a
#: bucket gives what it gives over each of its components (as over all records on one
#: machine); a bucket holds about 1/BUCKETS of the records in an edge.
BUCKETS = 256
#: The ``reason`` of an output row that is an assignment (``id_l``'s cluster is ``id_r``).
ASSIGNED = "\x00assigned"

Clusterer = Callable[
    [pl.DataFrame, pl.Series, float, float, Constraints], tuple[pl.DataFrame, Clusters]
]


def spark_clusterer(spark: SparkSession, scored: DataFrame) -> Clusterer:
    """A ``run.Clusterer`` over the Spark ``scored`` pairs (the driver's pairs unused)."""

    def clusterer(
        _pairs: pl.DataFrame, ids: pl.Series, accept: float, review: float, rules: Constraints
    ) -> tuple[pl.DataFrame, Clusters]:
        same = spark.createDataFrame([(a, b) for a, b, _ in rules.same], "id_l string, id_r string")
        edges = scored.where(sf.col("match_probability") >= review).select("id_l", "id_r")
        found = components(edges.unionByName(same)).localCheckpoint(storageLevel=kept())
        clusters = _per_component(spark, scored, found, accept, review, rules)
        return _for_links(scored, same, accept), _completed(clusters, ids)

    return clusterer


def _per_component(
    spark: SparkSession,
    scored: DataFrame,
    found: DataFrame,
    accept: float,
    review: float,
    rules: Constraints,
) -> pl.DataFrame:
    """``cluster`` on each component: its output rows (assignments and reviews)."""
    owners = spark.createDataFrame(
        pl.DataFrame(
            {"id": list(rules.owners), "owner": list(rules.owners.values())},
            schema={"id": pl.Utf8, "owner": pl.Utf8},
        ).to_arrow()
    )
    nodes = found.join(owners, on="id", how="left").select(
        "cluster",
        sf.col("id").alias("id_l"),
        sf.lit(None).cast("string").alias("id_r"),
        sf.lit(None).cast("double").alias("match_probability"),
        "owner",
    )
    probability = sf.col("match_probability")
    useful = scored.where((probability >= review) | (probability < CONTRADICTION))
    left = found.select(sf.col("id").alias("id_l"), sf.col("cluster"))
    right = found.select(sf.col("id").alias("id_r"), sf.col("cluster").alias("cluster_r"))
    pairs = (
        useful.select("id_l", "id_r", "match_probability")
        .join(left, on="id_l")
        .join(right, on="id_r")
        .where(sf.col("cluster") == sf.col("cluster_r"))
        .select(
            "cluster",
            "id_l",
            "id_r",
            "match_probability",
            sf.lit(None).cast("string").alias("owner"),
        )
    )
    rows = nodes.unionAll(pairs).withColumn("bucket", sf.pmod(sf.xxhash64("cluster"), BUCKETS))
    run = _component_runner(accept, review, rules)
    out = rows.groupBy("bucket").applyInArrow(run, ddl(_OUT))
    return collect(out, _OUT)


def _component_runner(
    accept: float, review: float, rules: Constraints
) -> Callable[[pa.Table], pa.Table]:
    same, different = rules.same, rules.different
    target = arrow_schema(_OUT)

    def run(table: pa.Table) -> pa.Table:
        frame = from_arrow(table.drop_columns(["cluster", "bucket"]), _GROUP)
        nodes = frame.filter(pl.col("id_r").is_null())
        pairs = frame.filter(pl.col("id_r").is_not_null()).select(
            "id_l", "id_r", "match_probability"
        )
        inside = set(nodes["id_l"].to_list())
        owned = nodes.drop_nulls("owner").select("id_l", "owner").iter_rows()
        mine = Constraints(
            tuple(j for j in same if j[0] in inside and j[1] in inside),
            tuple(j for j in different if j[0] in inside and j[1] in inside),
            dict(owned),
        )
        result = cluster_here(pairs, nodes["id_l"].sort(), accept, review, mine)
        assigned = result.assignments.select(
            pl.col("id").alias("id_l"),
            pl.col("cluster").alias("id_r"),
            pl.lit(None, pl.Float64).alias("match_probability"),
            pl.lit(ASSIGNED).alias("reason"),
        )
        return pl.concat([assigned, result.reviews]).to_arrow().cast(target)

    return run


def _completed(rows: pl.DataFrame, ids: pl.Series) -> Clusters:
    """The clusters of every record (one in no component is its own), the reviews in the
    single-machine order (strongest first, then judgements that disagree)."""
    assigned = rows.filter(pl.col("reason") == ASSIGNED).select(
        pl.col("id_l").alias("id"), pl.col("id_r").alias("cluster")
    )
    everyone = pl.DataFrame({"id": ids}, schema={"id": pl.Utf8})
    assignments = (
        everyone.join(assigned, on="id", how="left")
        .with_columns(pl.coalesce("cluster", "id").alias("cluster"))
        .sort("id")
    )
    reviews = rows.filter(pl.col("reason") != ASSIGNED).sort(
        pl.col("reason") == JUDGEMENTS_DISAGREE,
        "match_probability",
        "id_l",
        "id_r",
        descending=[False, True, False, False],
    )
    return Clusters(assignments, reviews)


def _for_links(scored: DataFrame, same: DataFrame, accept: float) -> pl.DataFrame:
    """The scored pairs links are read from (``links.link_rows``): those at or above
    ``accept`` and the judged-same pairs that were scored (their evidence)."""
    judged = same.select(
        sf.least("id_l", "id_r").alias("id_l"), sf.greatest("id_l", "id_r").alias("id_r")
    )
    strong = scored.where(sf.col("match_probability") >= accept)
    wanted = strong.unionByName(scored.join(judged, on=["id_l", "id_r"], how="left_semi"))
    schema = pl.Schema(
        {c: t for c, t in scored_schema().items() if c not in ("rules", "match_weight")}
    )
    return collect(wanted.select(*schema).distinct(), schema)
