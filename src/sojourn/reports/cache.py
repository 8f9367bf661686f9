"""Report figures computed once per snapshot and kept (the dashboard's, issue 18).

The overstay report and the departures of a fiscal year are kept per *resolution snapshot*
and as-of date; the oversight figures per *oversight snapshot*. A snapshot is named by what
changes when the store does: links are append-only (a batch run, a judgement or a real-time
match adds rows), so the latest link id and the latest resolve run name the resolution
snapshot; assessments and decisions are append-only and redress requests are counted with
their decided ones, so those name the oversight snapshot. A new snapshot is a new key: the
figures are computed again and the older snapshot's files are removed.

The figures are JSON files under ``<data_dir>/report-cache/<database>/<kind>/<snapshot>/``
(aggregates only: no record or person id is kept). A file that cannot be read is computed
again; a directory that cannot be written leaves the figures uncached.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from sojourn.reports.overstay import Report, Row
from sojourn.settings import get_settings
from sojourn.status.rulebook import RULES_DIR

#: Bump when the kept figures' shape or their computation changes.
CACHE_VERSION = "1"
log = logging.getLogger(__name__)

RESOLUTION_SQL = (
    "SELECT (SELECT max(id) FROM links), (SELECT count(*) FROM resolve_runs), "
    "(SELECT max(completed_at) FROM resolve_runs)"
)
OVERSIGHT_SQL = (
    "SELECT (SELECT max(id) FROM assessments), (SELECT max(id) FROM decisions), "
    "(SELECT count(*) FROM redress_requests), "
    "(SELECT count(*) FROM redress_requests WHERE decided_at IS NOT NULL)"
)


@dataclass(frozen=True)
class Kept:
    """Figures and where they came from."""

    data: dict[str, Any]
    snapshot: str
    computed_at: str
    cached: bool


@lru_cache(maxsize=1)
def _code() -> str:
    """The code the figures come from: this module's version and the rule book's files."""
    digest = hashlib.sha256(CACHE_VERSION.encode())
    for path in sorted(RULES_DIR.glob("*.yaml")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _name(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:16]


def resolution_snapshot(engine: Engine) -> str:
    """The name of the store's resolution snapshot (what the overstay report reads)."""
    with engine.connect() as conn:
        row = conn.execute(text(RESOLUTION_SQL)).one()
    return _name(_code(), *row)


def oversight_snapshot(engine: Engine) -> str:
    """The name of the oversight snapshot (assessments, decisions, redress)."""
    with engine.connect() as conn:
        row = conn.execute(text(OVERSIGHT_SQL)).one()
    return _name(_code(), *row)


def _root(engine: Engine) -> Path:
    database = _name(engine.url.render_as_string(hide_password=True))
    return get_settings().data_dir / "report-cache" / database


def kept(
    engine: Engine, kind: str, snapshot: str, params: str, compute: Callable[[], dict[str, Any]]
) -> Kept:
    """The figures of ``kind`` for ``snapshot`` and ``params`` (``family@variant``: a new
    variant, such as a later as-of date, replaces the family's older ones): read if kept,
    else computed by ``compute`` and kept (older snapshots of ``kind`` removed)."""
    folder = _root(engine) / kind / snapshot
    path = folder / f"{params}.json"
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        return Kept(saved["data"], snapshot, saved["computed_at"], cached=True)
    except (OSError, ValueError, KeyError, TypeError):
        pass
    data = compute()
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    _keep(folder, path, {"computed_at": at, "data": data})
    return Kept(data, snapshot, at, cached=False)


def _keep(folder: Path, path: Path, body: dict[str, Any]) -> None:
    """Write atomically, then remove the other snapshots of this kind."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(body, out)
        os.replace(temporary, path)
        family = path.name.split("@")[0]
        for older in folder.glob(f"{family}@*.json"):
            if older != path:
                older.unlink(missing_ok=True)
        for other in folder.parent.iterdir():
            if other.is_dir() and other.name != folder.name:
                shutil.rmtree(other, ignore_errors=True)
    except OSError as exc:  # a read-only data directory: the figures are just not kept
        log.warning("report figures not kept in %s: %s", folder, exc)


def _row(row: Row) -> dict[str, Any]:
    return {"key": row.key, "expected": row.expected, "counts": row.counts}


def _unrow(data: dict[str, Any]) -> Row:
    return Row(
        str(data["key"]), int(data["expected"]), {k: int(v) for k, v in data["counts"].items()}
    )


def report_to_json(report: Report) -> dict[str, Any]:
    """The overstay report's counts, enough to make it again (``report_from_json``)."""
    return {
        "fiscal_year": report.fiscal_year,
        "as_of": report.as_of.isoformat(),
        "total": _row(report.total),
        "by_class": [_row(r) for r in report.by_class],
        "by_country": [_row(r) for r in report.by_country],
        "apart": [_row(r) for r in report.apart],
    }


def report_from_json(data: dict[str, Any]) -> Report:
    """The overstay report made again from its kept counts."""
    return Report(
        int(data["fiscal_year"]),
        dt.date.fromisoformat(data["as_of"]),
        _unrow(data["total"]),
        [_unrow(r) for r in data["by_class"]],
        [_unrow(r) for r in data["by_country"]],
        [_unrow(r) for r in data["apart"]],
    )
