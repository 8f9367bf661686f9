"""What a resolution run wrote, as frames to compare between two stores (the equivalence of
the Spark and single-machine paths: tests/spark/test_resolve.py, bench/spark.py).

Every row of the run's tables, without what differs between two runs by nature: the clock
(``linked_at``, ``created_at``, ``at``, ``started_at``, ``completed_at``, ``trained_at``)
and the row numbers of tables whose rows carry no other identity.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine, Table, select

from sojourn.resolve.tables import links, models, person_events, persons, reviews, runs

#: Columns left out of the comparison: when a row was written, and surrogate row numbers.
IGNORED = frozenset(
    {"id", "linked_at", "created_at", "at", "started_at", "completed_at", "trained_at", "body"}
)
TABLES: tuple[Table, ...] = (links, persons, person_events, reviews, runs, models)
#: Tables whose ``id`` means something (the person id, the run id): kept.
KEPT_IDS = frozenset({"persons", "resolve_runs"})


def written(engine: Engine) -> dict[str, pl.DataFrame]:
    """Each table's rows (the ``IGNORED`` columns left out), sorted by every column."""
    frames: dict[str, pl.DataFrame] = {}
    with engine.connect() as conn:
        for table in TABLES:
            columns = [
                c
                for c in table.columns
                if c.name not in IGNORED or (c.name == "id" and table.name in KEPT_IDS)
            ]
            rows = conn.execute(select(*columns)).all()
            frame = pl.DataFrame(
                [tuple(r) for r in rows],
                schema=[c.name for c in columns],
                orient="row",
                infer_schema_length=None,
            )
            frames[table.name] = frame.sort(frame.columns, nulls_last=True)
    return frames


def differences(a: dict[str, pl.DataFrame], b: dict[str, pl.DataFrame]) -> list[str]:
    """What differs between two ``written`` results, one line per table that differs."""
    found = []
    for name, left in a.items():
        right = b[name]
        if left.height != right.height:
            found.append(f"{name}: {left.height:,} rows against {right.height:,}")
        elif not left.equals(right):
            only = left.join(right, on=left.columns, how="anti", nulls_equal=True)
            found.append(
                f"{name}: {only.height:,} of {left.height:,} rows differ, e.g. {only.head(3)}"
            )
    return found
