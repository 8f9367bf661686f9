"""Shared by the benchmarks: the machine's description, and a generated population ingested
into a database (a SQLite file, or any store's URL)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from sqlalchemy import Engine

from sojourn.records import ingest_file, plan
from sojourn.store import make_engine, upgrade
from sojourn.synth import generate


def machine() -> str:
    """Cores, memory and load of this machine."""
    memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{os.cpu_count()} CPUs, {memory:.0f} GiB memory, load average {load}"


def ingested(data: Path, database: Path | str, persons: int, seed: int = 1) -> Engine:
    """An engine on ``database`` (a SQLite file, or a URL) holding the population in ``data``
    (generated first, as of 2025-09-30, when ``data`` has none)."""
    if not (data / "manifest.json").exists():
        generate(persons, seed, dt.date(2025, 9, 30), data)
    engine = make_engine(database if isinstance(database, str) else f"sqlite:///{database}")
    upgrade(engine)
    for item in plan([data], None):
        ingest_file(engine, item.path, item.mapping)
    return engine
