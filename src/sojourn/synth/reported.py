"""What the overstay report should say of each true admission, given what was recorded.

``truth/admissions.csv`` gives each admission's real outcome. The DHS method can only count
what the records show: a departure with no exit record (no manifest row, a land exit to
Mexico) looks like a suspected in-country overstay, or, when the person arrived again later,
like a departure on an unknown date. This module applies exactly that to the truth, from the
stored departure records of each true person, so that the report computed over resolved
persons can be held to it (and the gap to the real rate shown apart). An admission whose
arrival record is not stored (quarantined as bad input) is not one the report can count.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

#: A departure the report counts: a ``departure`` record (manifest, biometric, land
#: exchange) of the person on the day they left, not a manifest row for a no-board.
DEPARTURE_KIND = "departure"


def _recorded_exits(data: Path, rows: pl.DataFrame) -> pl.DataFrame:
    """Each true person's recorded departure days (not no-board manifest rows)."""
    tags = pl.read_csv(data / "truth" / "records.csv", infer_schema=False)
    keys = tags.filter(~pl.col("noise").fill_null("").str.contains("no_board")).unique(
        ["source", "source_record_id"]
    )
    return (
        rows.filter(pl.col("kind") == DEPARTURE_KIND)
        .with_columns(pl.col("event_date").cast(pl.Utf8).alias("seen_leaving"))
        .join(
            keys.select("source", "source_record_id", "person_id"),
            on=["source", "source_record_id"],
        )
        .select("person_id", "seen_leaving")
        .unique()
        .sort("person_id", "seen_leaving")
    )


def _visible(adm: pl.DataFrame, exits: pl.DataFrame, day: str) -> pl.DataFrame:
    """Each stored admission's window (to the eve of the next stored arrival, or ``day``) and
    the last recorded departure in it: what the DHS method can see."""
    adm = adm.sort("person_id", "arrival_date").with_columns(
        pl.col("arrival_date").shift(-1).over("person_id").alias("next_arrival")
    )
    window_end = pl.coalesce(pl.col("next_arrival"), pl.lit("9999-12-31"))
    seen = (
        adm.select("admission_number", "person_id", "arrival_date", "next_arrival")
        .join(exits, on="person_id")
        .filter(
            (pl.col("seen_leaving") >= pl.col("arrival_date"))
            & (pl.col("seen_leaving") < window_end)
            & (pl.col("seen_leaving") <= day)
        )
        .group_by("admission_number")
        .agg(pl.col("seen_leaving").max())
    )
    return adm.join(seen, on="admission_number", how="left")


def reported_outcomes(data: Path, rows: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """Each true admission whose arrival record is stored, with ``reported``: on_time,
    out_of_country, in_country, covered, left_date_unknown or not_due, as the DHS method
    would count it from the true authorized stay and the recorded arrivals and departures.
    ``rows``: stored records with ``source``, ``source_record_id``, ``kind``, ``event_date``."""
    day = as_of.isoformat()
    stored = rows.filter(pl.col("kind") == "arrival")["source_record_id"]
    adm = pl.read_csv(data / "truth" / "admissions.csv", infer_schema=False).filter(
        (pl.col("arrival_date") <= day) & pl.col("admission_number").is_in(stored.implode())
    )
    adm = _visible(adm, _recorded_exits(data, rows), day)
    seen, until = pl.col("seen_leaving"), pl.col("authorized_until")
    late_but_true = (pl.col("departure_date") == seen) & (pl.col("overstay") == "none")
    reported = (
        pl.when(pl.col("overstay") == "not_due")
        .then(pl.lit("not_due"))
        .when(seen.is_not_null())
        .then(
            pl.when((seen > until) & ~late_but_true)
            .then(pl.lit("out_of_country"))
            .otherwise(pl.lit("on_time"))
        )
        .when(pl.col("next_arrival").is_not_null())
        .then(pl.lit("left_date_unknown"))
        .when(until >= day)
        .then(pl.lit("not_due"))
        .when((pl.col("overstay") == "none") & pl.col("departure_date").is_null())
        .then(pl.lit("covered"))
        .otherwise(pl.lit("in_country"))
    )
    return adm.with_columns(reported.alias("reported"))
