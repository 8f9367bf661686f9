"""Parquet snapshots of the store for the Spark paths of assessment and reports.

The driver reads the store as Arrow (``store.arrow.fetch_arrow``: ADBC for PostgreSQL), as
the single-machine paths do, and writes it as Parquet files Spark reads in parallel: the
same snapshot for both engines. In local mode the files are on this machine (under
``SOJOURN_SPARK_LOCAL_DIR``, else the system's temporary directory); on a cluster the folder
must be one every executor can read (a shared file system or an object store).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Engine

from sojourn.reports.snapshot import NotResolvedError, store_events
from sojourn.settings import get_settings
from sojourn.store.arrow import fetch_arrow

#: The assessment's inputs: each record's fields the status engine and the facts read, and
#: every link (the latest of each record is its current person), as ``priority.run`` reads
#: them.
RECORDS_SQL = (
    "SELECT id, kind, event_date, event, birth_date, nationality, passport_country FROM records"
)
LINKS_SQL = "SELECT id, record_id, person_id, method, match_probability FROM links"
ROW_GROUP = 200_000


@contextmanager
def snapshot_dir() -> Iterator[Path]:
    """A temporary folder for one run's snapshot, removed afterwards."""
    base = get_settings().spark_local_dir
    with tempfile.TemporaryDirectory(prefix="sojourn-snapshot-", dir=base) as name:
        yield Path(name)


def write_table(table: pa.Table, path: Path) -> Path:
    pq.write_table(table, path, row_group_size=ROW_GROUP)
    return path


def write_events(engine: Engine, folder: Path) -> Path:
    """The overstay report's snapshot (``reports.snapshot.store_events``) as Parquet."""
    return write_table(store_events(engine), folder / "events.parquet")


def write_assessment_inputs(engine: Engine, folder: Path) -> tuple[Path, Path]:
    """The assessment's snapshot: records and links as Parquet."""
    links = fetch_arrow(engine, LINKS_SQL)
    if links.num_rows == 0:
        raise NotResolvedError("no person yet: run `sojourn resolve` first")
    records = fetch_arrow(engine, RECORDS_SQL)
    return write_table(records, folder / "records.parquet"), write_table(
        links, folder / "links.parquet"
    )
