"""The dashboard's figures are computed once per snapshot and kept, on SQLite and PostgreSQL:
the same figures as the reports computed directly; read back while the store is unchanged;
computed again (and the old snapshot's files removed) after a new link or assessment."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select

from sojourn.priority.tables import assessments
from sojourn.records import ingest_file, plan
from sojourn.reports import dashboard
from sojourn.reports.cache import report_from_json, report_to_json, wait_for_background
from sojourn.reports.dashboard import last_complete_year, oversight_figures, store_figures
from sojourn.reports.oversight import oversight
from sojourn.reports.store import departures, overstay_report
from sojourn.resolve.run import resolve_all
from sojourn.resolve.tables import links
from sojourn.settings import get_settings
from sojourn.synth import generate

AS_OF = dt.date(2025, 9, 30)


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report-cache")
    generate(400, 7, AS_OF, out)
    return out


@pytest.fixture
def resolved(engine: Engine, population: Path) -> Engine:
    for item in plan([population], None):
        ingest_file(engine, item.path, item.mapping)
    resolve_all(engine)
    return engine


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the computations of the overstay and departure figures."""
    made: list[int] = []
    real = dashboard.overstay_and_departures  # type: ignore[attr-defined]

    def counted(*args: Any) -> Any:
        made.append(args[1])
        return real(*args)

    monkeypatch.setattr(dashboard, "overstay_and_departures", counted)
    return made


def _cache() -> Path:
    return get_settings().data_dir / "report-cache"


def _repeat_last_link(engine: Engine) -> None:
    """A new link that keeps the record with its person (a new snapshot, same figures)."""
    with engine.begin() as conn:
        last = conn.execute(select(links).order_by(links.c.id.desc()).limit(1)).one()._asdict()
        conn.execute(insert(links).values({k: v for k, v in last.items() if k != "id"}))


def test_figures_are_kept_per_snapshot(resolved: Engine, calls: list[int]) -> None:
    first = store_figures(resolved, 2025, AS_OF)
    assert not first.kept.cached and calls == [2025]
    direct = overstay_report(resolved, 2025, AS_OF).as_dict()
    assert first.report.as_dict() == direct
    moves = departures(resolved, dt.date(2024, 10, 1), AS_OF).as_dict()
    moves.pop("conflict_records")
    assert first.moves == json.loads(json.dumps(moves))  # as kept: JSON
    again = store_figures(resolved, 2025, AS_OF)
    assert again.kept.cached and calls == [2025] and again.report.as_dict() == direct
    assert again.kept.snapshot == first.kept.snapshot
    assert not store_figures(resolved, 2024, AS_OF).kept.cached and calls == [2025, 2024]
    assert store_figures(resolved, 2024, AS_OF).kept.cached and calls == [2025, 2024]
    kept_files = list(_cache().rglob("*.json"))
    assert len(kept_files) == 2
    assert all("conflict_records" not in f.read_text() for f in kept_files)

    _repeat_last_link(resolved)
    after = store_figures(resolved, 2025, AS_OF)
    assert not after.kept.cached and after.kept.snapshot != first.kept.snapshot
    assert calls == [2025, 2024, 2025] and after.report.as_dict() == direct
    assert [f.parent.name for f in _cache().rglob("*.json")] == [after.kept.snapshot]


def test_a_viewer_gets_the_earlier_snapshot_while_the_new_one_is_computed(
    resolved: Engine, calls: list[int]
) -> None:
    assert not store_figures(resolved, 2025, AS_OF, stale_ok=True).kept.cached  # none kept yet
    first = store_figures(resolved, 2025, AS_OF)
    _repeat_last_link(resolved)  # the store changed: a new snapshot
    meanwhile = store_figures(resolved, 2025, AS_OF, stale_ok=True)
    assert meanwhile.kept.stale and meanwhile.kept.snapshot == first.kept.snapshot
    assert meanwhile.report.as_dict() == first.report.as_dict()
    wait_for_background()
    assert calls == [2025, 2025]  # computed once more, on a thread
    now = store_figures(resolved, 2025, AS_OF, stale_ok=True)
    assert now.kept.cached and not now.kept.stale and now.kept.snapshot != first.kept.snapshot
    assert [f.parent.name for f in _cache().rglob("*.json")] == [now.kept.snapshot]
    assert calls == [2025, 2025]
    _repeat_last_link(resolved)
    assert not store_figures(resolved, 2025, AS_OF).kept.stale  # not asked for: computed now
    assert calls == [2025, 2025, 2025]


def test_a_failed_computation_is_said_with_the_earlier_figures(
    resolved: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_figures(resolved, 2025, AS_OF)
    _repeat_last_link(resolved)

    def broken(*args: Any) -> Any:
        raise RuntimeError("the store went away")

    monkeypatch.setattr(dashboard, "overstay_and_departures", broken)
    first = store_figures(resolved, 2025, AS_OF, stale_ok=True)
    assert first.kept.stale
    wait_for_background()
    again = store_figures(resolved, 2025, AS_OF, stale_ok=True)
    assert again.kept.stale and again.kept.failed == "RuntimeError: the store went away"
    wait_for_background()
    monkeypatch.undo()
    store_figures(resolved, 2025, AS_OF, stale_ok=True)  # tries again, and now succeeds
    wait_for_background()
    now = store_figures(resolved, 2025, AS_OF, stale_ok=True)
    assert now.kept.cached and not now.kept.stale and now.kept.failed is None


def test_the_as_of_date_is_part_of_the_key(resolved: Engine, calls: list[int]) -> None:
    store_figures(resolved, 2025, AS_OF)
    later = store_figures(resolved, 2025, AS_OF + dt.timedelta(days=30))
    assert not later.kept.cached and len(calls) == 2
    assert later.report.as_of == AS_OF + dt.timedelta(days=30)
    assert [f.name for f in _cache().rglob("*.json")] == [f"FY2025@{later.report.as_of}.json"]


def test_oversight_figures_are_kept_until_an_assessment_is_added(resolved: Engine) -> None:
    first = oversight_figures(resolved)
    assert not first.cached and first.data == oversight(resolved)
    assert oversight_figures(resolved).cached
    row = {"person_id": "P1", "as_of": AS_OF.isoformat(), "policy": "test@1", "priority": None,
           "enforcement_ready": False, "stops": "[]", "digest": "0" * 64, "trigger": "test",
           "body": json.dumps({"rules": [], "facts": {}}),
           "assessed_at": dt.datetime(2025, 9, 30, tzinfo=dt.UTC)}  # fmt: skip
    with resolved.begin() as conn:
        conn.execute(insert(assessments).values(row))
    after = oversight_figures(resolved)
    assert not after.cached and after.data["assessments"]["persons"] == 1


def test_an_unwritable_data_dir_still_gives_the_figures(
    resolved: Engine, calls: list[int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("SOJOURN_DATA_DIR", str(blocker))
    get_settings.cache_clear()
    assert not store_figures(resolved, 2025, AS_OF).kept.cached
    assert not store_figures(resolved, 2025, AS_OF).kept.cached and len(calls) == 2


def test_a_damaged_file_is_computed_again(resolved: Engine, calls: list[int]) -> None:
    store_figures(resolved, 2025, AS_OF)
    (kept,) = _cache().rglob("*.json")
    kept.write_text("{not json")
    assert not store_figures(resolved, 2025, AS_OF).kept.cached and len(calls) == 2
    assert store_figures(resolved, 2025, AS_OF).kept.cached


def test_the_report_survives_its_json(resolved: Engine) -> None:
    report = overstay_report(resolved, 2025, AS_OF)
    assert report_from_json(json.loads(json.dumps(report_to_json(report)))) == report


@pytest.mark.parametrize(
    ("day", "year"),
    [(dt.date(2026, 12, 7), 2026), (dt.date(2026, 10, 1), 2026), (dt.date(2026, 9, 30), 2025)],
)
def test_the_last_complete_fiscal_year(day: dt.date, year: int) -> None:
    assert last_complete_year(day) == year


def test_warming_keeps_what_the_dashboard_opens_on(resolved: Engine, calls: list[int]) -> None:
    dashboard.warm(resolved, AS_OF)
    assert calls == [last_complete_year(AS_OF)]
    assert store_figures(resolved, last_complete_year(AS_OF), AS_OF).kept.cached
    assert oversight_figures(resolved).cached and calls == [last_complete_year(AS_OF)]
