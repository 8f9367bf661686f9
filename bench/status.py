"""Benchmark of the status engine and the reports (issue 4).

Generates N persons (default 20,000), ingests them into a temporary SQLite database, groups
the records by their true person (truth/records.csv), computes each person's status as of the
generator's date and compares it with truth/status.csv; resolves the records and compares
again; compares the overstay report's rates with the truth (bench/report_truth.py); times one
person with 50 events; and times the overstay report over 10,000,000 admissions
(bench/overstay_scale.py). Prints figures, asserts nothing.

    .venv/bin/python bench/status.py [--persons N] [--data DIR] [--admissions N (0: skip)]
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl
from sqlalchemy import Engine, select

import overstay_scale
import report_truth
from population import ingested, machine
from sojourn.records.tables import records
from sojourn.resolve.run import resolve_all
from sojourn.resolve.store import current_links
from sojourn.status.engine import GONE, Timeline, timeline
from sojourn.status.events import Event, event_from_record, make_event
from sojourn.synth.observable import observable_persons


def _events_by_person(engine: Engine, data: Path) -> dict[str, list[Event]]:
    columns = (records.c.id, records.c.kind, records.c.event_date, records.c.event,
               records.c.source, records.c.source_record_id)  # fmt: skip
    with engine.connect() as conn:
        rows = conn.execute(select(*columns)).all()
    truth = pl.read_csv(data / "truth" / "records.csv", infer_schema=False)
    key = {
        (s, r): p
        for s, r, p in truth.unique(["source", "source_record_id"])
        .select("source", "source_record_id", "person_id")
        .iter_rows()
    }
    by: dict[str, list[Event]] = collections.defaultdict(list)
    for row in rows:
        person = key.get((row.source, row.source_record_id))
        if person is not None:
            by[person].append(event_from_record(dict(row._mapping)))
    return by


def _births(data: Path) -> dict[str, dt.date | None]:
    persons = pl.read_csv(data / "truth" / "persons.csv", infer_schema=False)
    return {
        p: dt.date.fromisoformat(b) if b else None
        for p, b in persons.select("person_id", "birth_date").iter_rows()
    }


def _observable(engine: Engine, data: Path) -> set[str]:
    columns = (records.c.source, records.c.source_record_id, records.c.kind, records.c.event_date)
    with engine.connect() as conn:
        rows = conn.execute(select(*columns)).all()
    schema = {
        "source": pl.Utf8,
        "source_record_id": pl.Utf8,
        "kind": pl.Utf8,
        "event_date": pl.Date,
    }
    return observable_persons(data, pl.DataFrame(rows, schema=schema, orient="row"))


def _compare(data: Path, by: dict[str, list[Event]], as_of: dt.date, observable: set[str]) -> None:
    truth = pl.read_csv(data / "truth" / "status.csv", infer_schema=False)
    expected = dict(truth.select("person_id", "status").iter_rows())
    births = _births(data)
    start = time.perf_counter()
    got, results = {}, {}
    for person, events in by.items():
        result = results[person] = timeline(events, as_of, births.get(person))
        got[person] = result.current.status if result.current else "none"
    seconds = time.perf_counter() - start
    pairs = collections.Counter((expected[p], got[p]) for p in got)
    agree = sum(v for (a, b), v in pairs.items() if a == b)
    print(f"persons {len(got):,}: status equal to the truth for {agree / len(got):.2%}")
    seen = [p for p in got if p in observable]
    equal = sum(got[p] == expected[p] for p in seen)
    print(
        f"  observable from their records: {len(seen):,} persons, equal for {equal:,} "
        f"({equal / max(len(seen), 1):.3%})"
    )
    print(f"  {seconds / len(got) * 1000:.3f} ms per person ({seconds:.1f} s in all)")
    _days(truth, results, [p for p in seen if got[p] == expected[p]])
    print("  differences (truth → engine):")
    for (a, b), v in pairs.most_common():
        if a != b:
            print(f"    {a:<26} → {b:<26} {v:>6,}")


def _days(truth: pl.DataFrame, results: dict[str, Timeline], persons: list[str]) -> None:
    """Day counts and bars against the truth (written from the same conventions, separately
    from the engine), for the observable persons whose status agrees."""
    rows = {r["person_id"]: r for r in truth.iter_rows(named=True)}

    def bar(text: str | None) -> str:
        return (text or "").split("-year")[0]

    checks = {
        "overstay days (in the U.S.)": lambda r, t: (
            r["overstay_days"] in (None, "") or int(r["overstay_days"]) == (t.overstay_days or 0)
        ),
        "out-of-country overstay": lambda r, t: (
            (r["out_of_country_overstay"] == "true")
            == bool(t.current and t.current.status in GONE and t.overstay_days)
        ),
        "unlawful-presence days": lambda r, t: (
            int(r["unlawful_presence_days"] or 0) == t.unlawful_presence_days
        ),
        "3- or 10-year bar": lambda r, t: bar(r["bar"]) == bar(t.bar),
    }
    for name, check in checks.items():
        wrong = [p for p in persons if not check(rows[p], results[p])]
        equal = len(persons) - len(wrong)
        by = collections.Counter(rows[p]["status"] for p in wrong).most_common(3)
        where = ", ".join(f"{s} {n}" for s, n in by)
        share = f"{equal / max(len(persons), 1):.3%}"
        print(f"  {name}: equal for {equal:,} of {len(persons):,} ({share})"
              + (f"; differ: {where}" if wrong else ""))  # fmt: skip
        if os.environ.get("SHOW_DIFF"):
            for q in wrong[:8]:
                print("    ", rows[q], results[q].overstay_days, results[q].unlawful_presence_days,
                      results[q].bar)  # fmt: skip


def _resolved(engine: Engine, data: Path, as_of: dt.date) -> None:
    """Status with records grouped by the resolved persons: each true person is compared
    through the resolved person holding most of their records."""
    resolve_all(engine)
    truth = pl.read_csv(data / "truth" / "status.csv", infer_schema=False)
    expected = dict(truth.select("person_id", "status").iter_rows())
    columns = (records.c.id, records.c.kind, records.c.event_date, records.c.event,
               records.c.source, records.c.source_record_id)  # fmt: skip
    with engine.connect() as conn:
        owner = dict(current_links(conn).select("record_id", "person_id").iter_rows())
        rows = conn.execute(select(*columns)).all()
    keys = pl.read_csv(data / "truth" / "records.csv", infer_schema=False).unique(
        ["source", "source_record_id"]
    )
    true_of = {
        (s, r): p for s, r, p in keys.select("source", "source_record_id", "person_id").iter_rows()
    }
    by: dict[str, list[Event]] = collections.defaultdict(list)
    share: collections.Counter[tuple[str, str]] = collections.Counter()
    for row in rows:
        person, true_id = owner.get(row.id), true_of.get((row.source, row.source_record_id))
        if person is None or true_id is None:
            continue
        by[person].append(event_from_record(dict(row._mapping)))
        share[(true_id, person)] += 1
    main: dict[str, str] = {}
    for (true_id, person), _n in share.most_common():
        main.setdefault(true_id, person)
    status = {p: timeline(events, as_of) for p, events in by.items()}
    equal = sum(
        (status[p].current.status if status[p].current else "none") == expected[t]  # type: ignore[union-attr]
        for t, p in main.items()
    )
    print(
        f"resolved persons: status equal to the truth for {equal / len(main):.2%} of "
        f"{len(main):,} true persons (all persons, observable or not)"
    )


def _fifty_events() -> list[Event]:
    events = []
    day = dt.date(2010, 1, 1)
    for i in range(25):
        until = day + dt.timedelta(days=90)
        events.append(make_event("arrival", f"a{i}", arrival_date=day, class_of_admission="B2",
                                 admit_until=until, mode="air"))  # fmt: skip
        left = day + dt.timedelta(days=30)
        events.append(make_event("departure", f"d{i}", departure_date=left, provenance="biometric"))
        day = left + dt.timedelta(days=120)
    return events


def _one_person() -> None:
    events = _fifty_events()
    for _ in range(300):  # warm up (the CPU's clock and the caches)
        timeline(events, dt.date(2025, 1, 1))
    times = []
    for _ in range(1000):
        start = time.perf_counter_ns()
        timeline(events, dt.date(2025, 1, 1))
        times.append(time.perf_counter_ns() - start)
    low, p50, p99 = np.percentile(np.array(times) / 1e6, [0, 50, 99])
    print(
        f"one person with {len(events)} events: p50 {p50:.2f} ms, p99 {p99:.2f} ms "
        f"(fastest {low:.2f} ms: this machine's speed varies by up to 2x over minutes)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--admissions", type=int, default=10_000_000)
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory(prefix="sojourn-status-") as tmp:
        data = args.data or Path(tmp) / "data"
        engine = ingested(data, Path(tmp) / "bench.db", args.persons, seed=3)
        as_of = dt.date.fromisoformat(json.loads((data / "manifest.json").read_text())["as_of"])
        _compare(data, _events_by_person(engine, data), as_of, _observable(engine, data))
        _resolved(engine, data, as_of)
        report_truth.compare(engine, data, as_of)
        _one_person()
    if args.admissions:
        overstay_scale.run(args.admissions, 20_000)


if __name__ == "__main__":
    main()
