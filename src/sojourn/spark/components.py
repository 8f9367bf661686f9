"""Connected components in Spark: large-star / small-star (Kiveris et al., "Connected
Components in MapReduce and Beyond", SoCC 2014).

The contract of :func:`sojourn.resolve.cluster.components`, on DataFrames: every id (of the
edges, and of ``ids`` when given) gets the smallest id of its connected component, isolated
ids themselves. Ids compare as Spark compares the column (strings: UTF-8 bytes, which is
code-point order, as Python compares ``str``).

The edges are kept as ``(hi, lo)`` with ``hi > lo`` (self-loops and duplicates dropped).
Each round is two steps that keep the components and shrink the graph towards stars:

- *large star*: each node ``u`` links every larger neighbour to ``m(u)``, the smallest of
  ``u`` and its neighbours;
- *small star*: each node ``u`` links itself and every smaller neighbour to the smallest of
  those.

The rounds stop when the graph is a forest of stars: no node has two smaller neighbours and
no node has both a smaller and a larger one. Each star is then one component whose centre,
its only smaller node, is the component's smallest id. The paper proves O(log² n) rounds;
random graphs, chains and stars take a handful. Each round's edges are checkpointed locally
(``localCheckpoint``), so the plan does not grow with the rounds. This module imports
PySpark: only the Spark code paths import it.
"""

from __future__ import annotations

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as sf

from sojourn.spark.session import kept

#: A guard, far above need: random graphs of 600 ids take 6 rounds, a chain of 400 ids 9.
MAX_ROUNDS = 200


class NotConvergedError(RuntimeError):
    """The rounds did not reach a forest of stars within ``MAX_ROUNDS``."""


def components(edges: DataFrame, ids: DataFrame | None = None) -> DataFrame:
    """``id``, ``cluster``: each id of ``edges`` (columns ``id_l``, ``id_r``) and of ``ids``
    (column ``id``), with the smallest id of its connected component."""
    graph = _oriented(edges)
    for _ in range(MAX_ROUNDS):
        graph = _small_star(_large_star(graph)).localCheckpoint(storageLevel=kept())
        if _is_star_forest(graph):
            break
    else:
        raise NotConvergedError(f"no forest of stars after {MAX_ROUNDS} rounds")
    nodes = edges.select(sf.col("id_l").alias("id")).union(edges.select(sf.col("id_r")))
    if ids is not None:
        nodes = nodes.union(ids.select("id"))
    leaves = graph.select(sf.col("hi").alias("id"), sf.col("lo").alias("cluster"))
    return (
        nodes.distinct()
        .join(leaves, on="id", how="left")
        .select("id", sf.coalesce("cluster", "id").alias("cluster"))
    )


def _oriented(edges: DataFrame) -> DataFrame:
    """``(hi, lo)``, ``hi > lo``: each undirected edge once, self-loops dropped."""
    return (
        edges.where(sf.col("id_l") != sf.col("id_r"))
        .select(
            sf.greatest("id_l", "id_r").alias("hi"),
            sf.least("id_l", "id_r").alias("lo"),
        )
        .distinct()
    )


def _large_star(graph: DataFrame) -> DataFrame:
    """Every ``(v, m(u))`` for each edge ``(v, u)``, ``v > u``: ``m(u)`` the smallest of
    ``u`` and all its neighbours (one shuffle by ``u``, a window, no join)."""
    both = graph.select(sf.col("lo").alias("u"), sf.col("hi").alias("v")).union(
        graph.select(sf.col("hi").alias("u"), sf.col("lo").alias("v"))
    )
    smallest = sf.least("u", sf.min("v").over(Window.partitionBy("u")))
    return (
        both.withColumn("m", smallest)
        .where(sf.col("v") > sf.col("u"))
        .select(sf.col("v").alias("hi"), sf.col("m").alias("lo"))
        .distinct()
    )


def _small_star(graph: DataFrame) -> DataFrame:
    """For each node ``u`` with smaller neighbours, ``u`` and each of them linked to the
    smallest of them (the smallest itself left out)."""
    linked = graph.withColumn("m", sf.min("lo").over(Window.partitionBy("hi")))
    neighbours = linked.where(sf.col("lo") != sf.col("m")).select(
        sf.col("lo").alias("hi"), sf.col("m").alias("lo")
    )
    return neighbours.union(linked.select("hi", sf.col("m").alias("lo"))).distinct()


def _is_star_forest(graph: DataFrame) -> bool:
    """No node with two smaller neighbours, none with both a smaller and a larger one."""
    roles = graph.select(
        sf.col("hi").alias("node"), sf.lit(1).alias("smaller"), sf.lit(0).alias("larger")
    ).union(graph.select(sf.col("lo"), sf.lit(0), sf.lit(1)))
    counts = roles.groupBy("node").agg(
        sf.sum("smaller").alias("smaller"), sf.max("larger").alias("larger")
    )
    smaller, larger = sf.col("smaller"), sf.col("larger")
    return counts.where((smaller > 1) | ((smaller == 1) & (larger == 1))).isEmpty()
