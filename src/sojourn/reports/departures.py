"""The departure report: confirmed departures by evidence level and week (a departure with
several records counts once, at its strongest evidence: biometric exit, then carrier
manifest, then land-border exchange); self-departure intents, how many were confirmed and how
long confirmation took; manifest departures that later records in the country contradict
(conflicts for review, not departures)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sojourn.status.events import History
from sojourn.status.stay import IN_COUNTRY

LEVELS = ("biometric", "manifest", "land_exchange", "self_departure_verified")


def week_of(day: dt.date) -> str:
    """The ISO week of a day, as 2025-W07."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class DepartureReport:
    start: dt.date
    end: dt.date
    by_week: dict[str, Counter[str]] = field(default_factory=dict)
    intents: int = 0
    confirmed: int = 0
    days_to_confirm: list[int] = field(default_factory=list)
    overdue_intents: int = 0
    conflicts: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        totals: Counter[str] = Counter()
        for counts in self.by_week.values():
            totals.update(counts)
        lag = self.days_to_confirm
        return {
            "period": [self.start.isoformat(), self.end.isoformat()],
            "confirmed_departures": {level: totals[level] for level in LEVELS},
            "by_week": {w: {lv: c[lv] for lv in LEVELS} for w, c in sorted(self.by_week.items())},
            "self_departure_intents": self.intents,
            "intents_confirmed": self.confirmed,
            "median_days_to_confirm": statistics.median(lag) if lag else None,
            "intents_unconfirmed_past_deadline": self.overdue_intents,
            "conflicts": len(self.conflicts),
            "conflict_records": sorted(self.conflicts),
        }


def assembled(
    start: dt.date, end: dt.date, deadline_days: int, weeks: Iterable[tuple[str, str, int]],
    conflicts: Iterable[str], intents: list[tuple[dt.date, dt.date | None]],
) -> DepartureReport:  # fmt: skip
    """The report from what an SQL engine computed (DuckDB and Spark alike): the confirmed
    departures by (ISO week, level), the conflicting manifest departures, and each
    self-departure intent's day with the day it was verified (or None)."""
    report = DepartureReport(start, end)
    for week, level, n in weeks:
        report.by_week.setdefault(week, Counter())[level] += int(n)
    report.conflicts = sorted(conflicts)
    report.intents = len(intents)
    report.days_to_confirm = [(v - i).days for i, v in intents if v is not None]
    report.confirmed = len(report.days_to_confirm)
    report.overdue_intents = sum(v is None and (end - i).days > deadline_days for i, v in intents)
    return report


def _add(report: DepartureReport, day: dt.date, level: str) -> None:
    if report.start <= day <= report.end:
        report.by_week.setdefault(week_of(day), Counter())[level] += 1


def _departures(report: DepartureReport, history: History) -> None:
    strongest: dict[dt.date, str] = {}  # one departure per day, at its strongest evidence
    for e in history.of("departure", report.end):
        level = str(e.get("provenance"))
        if level == "manifest" and history.any_between(IN_COUNTRY, e.date, report.end):
            if report.start <= e.date:
                report.conflicts.append(e.record_id)
            continue
        known = strongest.get(e.date)
        if known is None or LEVELS.index(level) < LEVELS.index(known):
            strongest[e.date] = level
    for day, level in strongest.items():
        _add(report, day, level)


def _self_departures(report: DepartureReport, history: History, deadline_days: int) -> None:
    for e in history.of("self_departure", report.end):
        if e.date < report.start:
            continue
        report.intents += 1
        verified = e.day("verified_departure_on", report.end)
        if verified is not None:
            report.confirmed += 1
            report.days_to_confirm.append((verified - e.date).days)
            _add(report, verified, "self_departure_verified")
        elif (report.end - e.date).days > deadline_days:
            report.overdue_intents += 1


def departure_report(
    histories: Iterable[History], start: dt.date, end: dt.date, deadline_days: int
) -> DepartureReport:
    """Departures dated from ``start`` to ``end`` (the snapshot), over persons' histories."""
    report = DepartureReport(start, end)
    for history in histories:
        _departures(report, history)
        _self_departures(report, history, deadline_days)
    return report
