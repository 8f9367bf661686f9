"""sojourn on an external set, as a new user would run it: each source written as CSV with
its mapping file, ``ingest`` into a fresh SQLite store, ``resolve`` (train + link + cluster),
and the current links read back (bench/er_external.py)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Engine

from external_sets import ExternalSet
from sojourn.records import ingest_file, load_mapping
from sojourn.resolve.health import DegenerateModelError
from sojourn.resolve.run import resolve_all
from sojourn.resolve.store import current_links
from sojourn.settings import get_settings
from sojourn.store import make_engine, upgrade


@dataclass(frozen=True)
class SojournResult:
    assignments: pl.DataFrame  # key, cluster (records not stored or not linked are absent)
    seconds: float  # ingest + resolve
    ingest_seconds: float
    quarantined: int
    refused: str | None  # the DegenerateModelError message when resolve refused the model
    warnings: tuple[str, ...]
    reviews: int  # identity reviews opened (pairs between review and accept)


def write(dataset: ExternalSet, directory: Path) -> list[tuple[Path, Path]]:
    """Each source as ``NAME.csv`` and ``NAME.yaml`` in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    files = []
    for source in dataset.sources:
        csv, mapping = directory / f"{source.name}.csv", directory / f"{source.name}.yaml"
        source.rows.write_csv(csv)
        mapping.write_text(source.mapping, encoding="utf-8")
        files.append((csv, mapping))
    return files


def _engine(directory: Path) -> Engine:
    """A fresh store in ``directory``, made the configured one (SOJOURN_DATA_DIR and
    SOJOURN_DATABASE_URL) for this set."""
    url = f"sqlite:///{directory / 'sojourn.db'}"
    os.environ["SOJOURN_DATA_DIR"] = str(directory)
    os.environ["SOJOURN_DATABASE_URL"] = url
    get_settings.cache_clear()
    engine = make_engine(url)
    upgrade(engine)
    return engine


def _assignments(engine: Engine) -> pl.DataFrame:
    with engine.connect() as conn:
        query = "SELECT id, source || ':' || source_record_id AS key FROM records"
        records = pl.read_database(query, conn)
        links = current_links(conn)
    if links.is_empty():
        return pl.DataFrame(schema={"key": pl.Utf8, "cluster": pl.Utf8})
    joined = records.join(links, left_on="id", right_on="record_id")
    return joined.select("key", pl.col("person_id").cast(pl.Utf8).alias("cluster"))


def _resolve(engine: Engine, dataset: ExternalSet, link_only: bool) -> Any:
    """``sojourn resolve``; with ``link_only`` on a two-source link set, ``sojourn resolve
    --link-only A B`` (one-to-one), where this sojourn has it."""
    if not (link_only and dataset.link):
        return resolve_all(engine)
    from sojourn.resolve.linkonly import LinkOnly  # type: ignore[import-not-found,unused-ignore]

    a, b = (source.name for source in dataset.sources)
    return resolve_all(engine, scope=LinkOnly(a, b))  # type: ignore[call-arg,unused-ignore]


def run_sojourn(dataset: ExternalSet, directory: Path, link_only: bool = False) -> SojournResult:
    """Ingest and resolve ``dataset`` in a new store under ``directory``."""
    files = write(dataset, directory / "input")
    engine = _engine(directory / "store")
    start = time.perf_counter()
    quarantined = 0
    for csv, mapping in files:
        quarantined += ingest_file(engine, csv, load_mapping(mapping)).quarantined
    ingest_seconds = time.perf_counter() - start
    refused, warnings, reviews = None, (), 0
    try:
        summary = _resolve(engine, dataset, link_only)
        warnings, reviews = summary.warnings, summary.counts.get("reviews_opened", 0)
    except DegenerateModelError as error:
        refused = str(error)
    seconds = time.perf_counter() - start
    assignments = _assignments(engine)
    engine.dispose()
    return SojournResult(
        assignments, seconds, ingest_seconds, quarantined, refused, warnings, reviews
    )
