"""The overstay report, by the method of the DHS Entry/Exit Overstay Report (8 U.S.C. 1376).

Scope: nonimmigrant admissions at air and sea ports (land admissions are left out: land exits
are not recorded everywhere); transit (C), permanent residents and parolees are not
nonimmigrant admissions in scope. The unit is the admission (an overstay *event*), not the
person. Expected departures: in-scope admissions whose authorized stay ended in the fiscal year
(October 1 to September 30). Rates: overstays over expected departures, overall and suspected
in-country; by class of admission (B1/B2, visa waiver, F, M and J separately, other) and by
country of nationality, with Canada and Mexico shown apart from the totals, as DHS does. The
snapshot date is stated: a later snapshot shrinks the in-country count as late departures and
applications arrive.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sojourn.reports.admissions import Outcome

CLASS_GROUPS = {
    "B1": "B1/B2", "B2": "B1/B2", "WT": "visa waiver", "WB": "visa waiver",
    "F1": "F", "F2": "F", "M1": "M", "M2": "M", "J1": "J", "J2": "J",
}  # fmt: skip
OUT_OF_SCOPE = frozenset({"C1", "LPR", "PAROLE"})
IN_SCOPE_MODES = frozenset({"air", "sea"})
APART = ("CAN", "MEX")
COUNTS = ("on_time", "out_of_country", "in_country", "covered", "left_date_unknown", "not_due")


def fiscal_year(year: int) -> tuple[dt.date, dt.date]:
    """Fiscal year ``year``: October 1 of the year before to September 30."""
    return dt.date(year - 1, 10, 1), dt.date(year, 9, 30)


@dataclass
class Row:
    """Counts of expected departures by outcome for one group."""

    key: str
    expected: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))

    def add(self, outcome: str, n: int = 1) -> None:
        self.expected += n
        self.counts[outcome] += n

    @property
    def overstays(self) -> int:
        return self.counts["out_of_country"] + self.counts["in_country"]

    def rate(self, part: int) -> float:
        return part / self.expected if self.expected else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "group": self.key,
            "expected_departures": self.expected,
            **self.counts,
            "overstays": self.overstays,
            "overstay_rate": round(self.rate(self.overstays), 6),
            "in_country_rate": round(self.rate(self.counts["in_country"]), 6),
        }


@dataclass
class Report:
    fiscal_year: int
    as_of: dt.date
    total: Row
    by_class: list[Row]
    by_country: list[Row]
    apart: list[Row]

    def as_dict(self) -> dict[str, object]:
        start, end = fiscal_year(self.fiscal_year)
        return {
            "fiscal_year": self.fiscal_year,
            "period": [start.isoformat(), end.isoformat()],
            "snapshot": self.as_of.isoformat(),
            "method": "DHS Entry/Exit Overstay Report: air and sea nonimmigrant admissions "
            "whose authorized stay ended in the fiscal year; Canada and Mexico apart",
            "total_excluding_canada_mexico": self.total.as_dict(),
            "by_class_of_admission": [r.as_dict() for r in self.by_class],
            "by_country": [r.as_dict() for r in self.by_country],
            "canada_mexico": [r.as_dict() for r in self.apart],
        }


def in_scope(outcome: Outcome, year: int) -> bool:
    """An air or sea nonimmigrant admission whose stay ended in fiscal year ``year``."""
    start, end = fiscal_year(year)
    until = outcome.authorized_until
    return (
        outcome.mode in IN_SCOPE_MODES
        and outcome.class_of_admission not in OUT_OF_SCOPE
        and until is not None
        and start <= until <= end
    )


def build_report(
    outcomes: Iterable[tuple[Outcome, str | None]], year: int, as_of: dt.date
) -> Report:
    """The report from each admission's outcome and the person's nationality."""
    counts = (
        (country or "unknown", CLASS_GROUPS.get(o.class_of_admission, "other"), o.outcome, 1)
        for o, country in outcomes
        if in_scope(o, year)
    )
    return tally(counts, year, as_of)


def tally(counts: Iterable[tuple[str, str, str, int]], year: int, as_of: dt.date) -> Report:
    """The report from counts of in-scope admissions by (country, class group, outcome)."""
    total = Row("all countries except Canada and Mexico")
    classes: dict[str, Row] = {}
    countries: dict[str, Row] = {}
    apart: dict[str, Row] = {c: Row(c) for c in APART}
    for country, group, outcome, n in counts:
        if country in apart:
            apart[country].add(outcome, n)
            continue
        total.add(outcome, n)
        classes.setdefault(group, Row(group)).add(outcome, n)
        countries.setdefault(country, Row(country)).add(outcome, n)
    order = ["B1/B2", "visa waiver", "F", "M", "J", "other"]
    by_class = [classes[g] for g in order if g in classes]
    by_country = sorted(countries.values(), key=lambda r: (-r.expected, r.key))
    return Report(year, as_of, total, by_class, by_country, list(apart.values()))
