"""The dashboard's figures, each computed once per snapshot and kept (``reports.cache``):
the overstay report and the departures of a fiscal year as of a date, and the oversight
figures (what the prioritization did and what humans did with it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from sojourn.reports.cache import (
    Kept,
    kept,
    oversight_snapshot,
    report_from_json,
    report_to_json,
    resolution_snapshot,
)
from sojourn.reports.overstay import Report
from sojourn.reports.store import overstay_and_departures


def last_complete_year(day: dt.date) -> int:
    """The last fiscal year (October 1 to September 30) that had ended by ``day``."""
    return day.year if day.month >= 10 else day.year - 1


@dataclass(frozen=True)
class StoreFigures:
    """The overstay report and the departure figures (``DepartureReport.as_dict`` without
    the conflicting records' ids), with the snapshot they were computed for."""

    report: Report
    moves: dict[str, Any]
    kept: Kept


def store_figures(
    engine: Engine, year: int, as_of: dt.date, stale_ok: bool = False
) -> StoreFigures:
    """The figures of fiscal ``year`` as of ``as_of``: kept ones if this resolution snapshot
    has them, else computed now (one read of the store) and kept; with ``stale_ok``, an
    earlier snapshot's while this one's are computed (``cache.kept``)."""

    def compute() -> dict[str, Any]:
        report, moves = overstay_and_departures(engine, year, as_of, dt.date(year - 1, 10, 1))
        departures = moves.as_dict()
        departures.pop("conflict_records", None)  # ids: never on disk, never on the page
        return {"overstay": report_to_json(report), "departures": departures}

    snapshot = resolution_snapshot(engine)
    params = f"FY{year}@{as_of.isoformat()}"
    got = kept(engine, "overstay", snapshot, params, compute, stale_ok)
    return StoreFigures(report_from_json(got.data["overstay"]), got.data["departures"], got)


def oversight_figures(engine: Engine, stale_ok: bool = False) -> Kept:
    """The oversight figures (``oversight.oversight`` without group labels), kept per
    oversight snapshot (``stale_ok``: as ``store_figures``)."""

    def compute() -> dict[str, Any]:
        from sojourn.reports.oversight import oversight  # Fairlearn: seconds, only if needed

        return oversight(engine)

    return kept(engine, "oversight", oversight_snapshot(engine), "all", compute, stale_ok)


def warm(engine: Engine, as_of: dt.date) -> None:
    """Compute and keep the figures the dashboard opens on (the last fiscal year complete on
    ``as_of``, and the oversight figures), so that its first view answers at once."""
    store_figures(engine, last_complete_year(as_of), as_of)
    oversight_figures(engine)
