"""Links: each record's person, with the evidence that put it there.

A record's link names the record it matched best inside its person (``via_record_id``): a
judged ``same`` pair first, else its strongest accepted pair; its probability; the method
(``judgement``, ``model``, or ``single`` for a person of one record) and the model version.
A run writes a new link only for a record that is new, changed person, or was linked by
another model version or method; otherwise the current link stands.
"""

from __future__ import annotations

import polars as pl

from sojourn.resolve.cluster import Clusters, Constraints
from sojourn.resolve.compare import COMPARISONS
from sojourn.resolve.identity import Identities
from sojourn.resolve.model import Model
from sojourn.resolve.store import LINK_SCHEMA


def _edges(scored: pl.DataFrame, constraints: Constraints, accept: float) -> pl.DataFrame:
    """Accepted and judged-same pairs, in both directions: record, via, probability,
    judgement id, rank (judgements first)."""
    strong = scored.filter(pl.col("match_probability") >= accept).select(
        "id_l",
        "id_r",
        "match_probability",
        pl.lit(None, dtype=pl.Int64).alias("judgement_id"),
    )
    judged = pl.DataFrame(
        [(a, b, None, j) for a, b, j in constraints.same],
        schema={
            "id_l": pl.Utf8,
            "id_r": pl.Utf8,
            "match_probability": pl.Float64,
            "judgement_id": pl.Int64,
        },
        orient="row",
    )
    both = pl.concat([judged, strong])
    flipped = both.select(
        pl.col("id_r").alias("id_l"), pl.col("id_l").alias("id_r"), "match_probability",
        "judgement_id",
    )  # fmt: skip
    return pl.concat([both, flipped]).rename({"id_l": "record_id", "id_r": "via_record_id"})


def link_rows(
    scored: pl.DataFrame,
    clusters: Clusters,
    identities: Identities,
    constraints: Constraints,
    old: pl.DataFrame,
    model: Model,
    accept: float,
) -> pl.DataFrame:
    """The links this run must write (LINK_SCHEMA columns and ``evidence``)."""
    person = pl.DataFrame(
        {"cluster": list(identities.persons), "person_id": list(identities.persons.values())},
        schema={"cluster": pl.Utf8, "person_id": pl.Utf8},
    )
    members = clusters.assignments.join(person, on="cluster").select(
        pl.col("id").alias("record_id"), "cluster", "person_id"
    )
    other = members.select(pl.col("record_id").alias("via_record_id"), pl.col("cluster").alias("c"))
    best = (
        _edges(scored, constraints, accept)
        .join(members.select("record_id", "cluster"), on="record_id")
        .join(other, on="via_record_id")
        .filter(pl.col("cluster") == pl.col("c"))
        .sort(
            pl.col("judgement_id").is_null(),
            pl.col("match_probability"),
            "via_record_id",
            descending=[False, True, False],
            nulls_last=True,
        )
        .unique("record_id", keep="first")
        .select("record_id", "via_record_id", "match_probability", "judgement_id")
    )
    method = (
        pl.when(pl.col("judgement_id").is_not_null())
        .then(pl.lit("judgement"))
        .when(pl.col("via_record_id").is_not_null())
        .then(pl.lit("model"))
        .otherwise(pl.lit("single"))
    )
    rows = (
        members.join(best, on="record_id", how="left")
        .with_columns(method.alias("method"), pl.lit(model.version).alias("model_version"))
        .select(list(LINK_SCHEMA))
        .cast(LINK_SCHEMA)  # type: ignore[arg-type]
    )
    unchanged = old.select("record_id", "person_id", "method", "model_version")
    changed = rows.join(
        unchanged, on=["record_id", "person_id", "method", "model_version"], how="anti"
    )
    return _with_evidence(changed, scored).sort("record_id")


def _with_evidence(rows: pl.DataFrame, scored: pl.DataFrame) -> pl.DataFrame:
    """Each link's ``evidence``: the comparison vector of the record and its via record, as
    the run scored it (JSON), so an explanation shows exactly what the run used."""
    vectors = scored.select(
        "id_l",
        "id_r",
        pl.struct([*COMPARISONS, "name_value"]).struct.json_encode().alias("evidence"),
    )
    low = pl.min_horizontal("record_id", "via_record_id").alias("id_l")
    high = pl.max_horizontal("record_id", "via_record_id").alias("id_r")
    return (
        rows.with_columns(low, high)
        .join(vectors, on=["id_l", "id_r"], how="left")
        .drop("id_l", "id_r")
    )
