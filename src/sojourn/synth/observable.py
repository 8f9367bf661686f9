"""Which persons' true status the records can show.

The truth knows facts no record carries: a departure by land with no exit record, a U.S.
citizen by birth who appears only in court, conviction or custody records (one with a U.S.
passport record is observable: the passport shows the citizenship), and a carrier
manifest row for a traveller who never boarded (``no_board``). A status engine can only be
held to the truth for the other persons: this module names them, for differential tests and
benchmarks.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

EXIT_KINDS = ("departure", "self_departure", "custody")


def observable_persons(data: Path, rows: pl.DataFrame) -> set[str]:
    """Persons whose true status (``truth/status.csv``) is observable from their stored
    records. ``rows``: the stored records with ``source``, ``source_record_id``, ``kind`` and
    ``event_date`` (a date or ISO text)."""
    truth = data / "truth"
    persons = pl.read_csv(truth / "persons.csv", infer_schema=False)
    status = pl.read_csv(truth / "status.csv", infer_schema=False)
    tags = pl.read_csv(truth / "records.csv", infer_schema=False)
    keys = tags.unique(["source", "source_record_id"]).select(
        "source", "source_record_id", "person_id"
    )
    mine = rows.with_columns(pl.col("event_date").cast(pl.Utf8)).join(
        keys, on=["source", "source_record_id"]
    )
    born = set(persons.filter(pl.col("population") == "us_born")["person_id"])
    hidden = born - set(mine.filter(pl.col("kind") == "passport")["person_id"])
    hidden |= set(tags.filter(pl.col("noise").str.contains("no_board"))["person_id"])
    last = (
        mine.filter(pl.col("kind") == "arrival")
        .group_by("person_id")
        .agg(pl.col("event_date").max().alias("arrived"))
    )
    exits = (
        mine.filter(pl.col("kind").is_in(EXIT_KINDS))
        .join(last, on="person_id", how="left")
        .filter(pl.col("arrived").is_null() | (pl.col("event_date") >= pl.col("arrived")))
    )
    departed = set(status.filter(pl.col("status") == "departed")["person_id"])
    hidden |= departed - set(exits["person_id"])
    return set(mine["person_id"]) - hidden
