"""Report figures computed once per snapshot and kept (the dashboard's, issue 18).

The overstay report and the departures of a fiscal year are kept per *resolution snapshot*
and as-of date; the oversight figures per *oversight snapshot*. A snapshot is named by what
changes when the store does: links are append-only (a batch run, a judgement or a real-time
match adds rows), so the latest link id and the latest resolve run name the resolution
snapshot; assessments and decisions are append-only and redress requests are counted with
their decided ones, so those name the oversight snapshot. A new snapshot is a new key: the
figures are computed again and the older snapshot's files are removed.

Figures that may be a little old (``stale_ok``: the dashboard's) are answered at once from the
newest snapshot kept while the current one is computed on a thread, so that a store that
changes all the time (a judgement, a real-time match) never makes a viewer wait; the page says
which snapshot it shows. The figures of the current snapshot replace them when ready.

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
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
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
    #: Figures of an earlier snapshot, shown while the current one's are computed.
    stale: bool = False
    #: Why the current snapshot's figures could not be computed (the last try), if so.
    failed: str | None = None


_computing: set[Path] = set()
_failed: dict[Path, str] = {}
_computing_lock = threading.Lock()


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
    engine: Engine, kind: str, snapshot: str, params: str, compute: Callable[[], dict[str, Any]],
    stale_ok: bool = False,
) -> Kept:  # fmt: skip
    """The figures of ``kind`` for ``snapshot`` and ``params`` (``family@variant``: a new
    variant, such as a later as-of date, replaces the family's older ones): read if kept,
    else computed by ``compute`` and kept (older snapshots of ``kind`` removed). With
    ``stale_ok``, an earlier snapshot's figures are answered while this one's are computed on
    a thread."""
    folder = _root(engine) / kind / snapshot
    path = folder / f"{params}.json"
    found = _read(path, snapshot)
    if found is not None:
        return found
    if stale_ok:
        for older in sorted(folder.parent.glob(f"*/{params}.json"), key=_age, reverse=True):
            earlier = _read(older, older.parent.name)
            if earlier is not None:
                _in_background(folder, path, compute)
                return replace(earlier, stale=True, failed=_failed.get(path))
    return _compute(folder, path, compute, snapshot)


def _age(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _read(path: Path, snapshot: str) -> Kept | None:
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        return Kept(saved["data"], snapshot, saved["computed_at"], cached=True)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _compute(
    folder: Path, path: Path, compute: Callable[[], dict[str, Any]], snapshot: str
) -> Kept:
    data = compute()
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    _keep(folder, path, {"computed_at": at, "data": data})
    return Kept(data, snapshot, at, cached=False)


def _in_background(folder: Path, path: Path, compute: Callable[[], dict[str, Any]]) -> None:
    """Compute and keep ``path``'s figures on a thread (once at a time per file)."""
    with _computing_lock:
        if path in _computing:
            return
        _computing.add(path)

    def run() -> None:
        try:
            _compute(folder, path, compute, folder.name)
            _failed.pop(path, None)
        except Exception as exc:  # logged and shown with the earlier figures; tried again
            log.exception("report figures for %s could not be computed", path)
            _failed[path] = f"{type(exc).__name__}: {exc}"[:300]
        finally:
            with _computing_lock:
                _computing.discard(path)

    threading.Thread(target=run, name=f"report-cache {folder.name}", daemon=True).start()


def wait_for_background(seconds: float = 60) -> None:
    """Until no figures are being computed on a thread (for tests and benchmarks)."""
    for thread in [t for t in threading.enumerate() if t.name.startswith("report-cache ")]:
        thread.join(seconds)


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
