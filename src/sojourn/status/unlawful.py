"""Unlawful-presence days of the last stay: the days after the authorized stay ended, none
while under 18, none for a duration-of-status admission until a formal finding (a denial or
an immigration judge's order), none while an asylum application is pending or TPS is
granted."""

from __future__ import annotations

import datetime as dt

from sojourn.status.events import History
from sojourn.status.rulebook import RuleBook
from sojourn.status.stay import applications, authorized_stay

D = dt.timedelta


def _adult_from(birth_date: dt.date | None, years: int) -> dt.date:
    if birth_date is None:
        return dt.date.min
    try:
        return birth_date.replace(year=birth_date.year + years)
    except ValueError:  # born on Feb 29: the birthday is Mar 1 in a common year
        return dt.date(birth_date.year + years, 3, 1)


def _finding(history: History, day: dt.date, since: dt.date) -> dt.date | None:
    """The first formal finding in the stay that began on ``since``: a denied application
    or an immigration judge's order of removal or voluntary departure."""
    denied = [e.day("decided_on", day) for e in history.of("status", day)
              if e.get("outcome") == "denied"]  # fmt: skip
    orders = [e.day("order_date", day) for e in history.of("court", day)
              if e.get("order") in ("removal", "voluntary_departure")]  # fmt: skip
    dates = [d for d in denied + orders if d is not None and d >= since]
    return min(dates) if dates else None


def unlawful_presence(
    history: History,
    as_of: dt.date,
    until: dt.date | None,
    birth_date: dt.date | None,
    rules: RuleBook,
    left_on: dt.date | None = None,
) -> int:
    """Days of unlawful presence accrued in the last stay up to ``as_of``, or up to the day
    before ``left_on`` when the person has left (departed, removed)."""
    stay = authorized_stay(history, as_of, rules)
    if stay is None or until is None or until >= as_of:
        return 0
    start = max(until + D(days=1), _adult_from(birth_date, int(
        rules.require("unlawful_presence.minor", as_of).param("age_years"))))  # fmt: skip
    if stay.basis.rule_id.startswith(("admission.duration_of_status", "grace.")):
        finding = _finding(history, as_of, stay.admission.date)
        if finding is None:
            return 0
        start = max(start, finding + D(days=1))
    last = as_of if left_on is None else min(as_of, left_on - D(days=1))
    days = max((last - start).days + 1, 0)
    for low, high in _protected(history, as_of):
        overlap = (min(high, last) - max(low, start)).days + 1
        days -= max(overlap, 0)
    return max(days, 0)


def _protected(history: History, as_of: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Periods without accrual, merged: asylum pending (filed to decided), TPS granted
    (decided to valid until, INA 244(f)(4))."""
    spans: list[tuple[dt.date, dt.date]] = []
    for a in applications(history, as_of, ("I-589",)):
        spans.append((a.date, a.day("decided_on", as_of) or as_of))
    for a in applications(history, as_of, ("I-821",)):
        decided, valid = a.day("decided_on", as_of), a.day("valid_until")
        if a.get("outcome") == "approved" and decided and valid:
            spans.append((decided, valid))
    merged: list[tuple[dt.date, dt.date]] = []
    for low, high in sorted(spans):
        if merged and low <= merged[-1][1] + D(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def bar(
    days: int, left_on: dt.date | None, rules: RuleBook, voluntary_before_proceedings: bool
) -> str | None:
    """The bar a departure after ``days`` of unlawful presence triggers, if any. The 3-year
    bar needs a voluntary departure before proceedings began (INA 212(a)(9)(B)(i)(I)); the
    10-year bar follows any departure or removal."""
    if left_on is None:
        return None
    for rule_id in ("bar.ten_year", "bar.three_year"):
        if rule_id == "bar.three_year" and not voluntary_before_proceedings:
            continue
        rule = rules.require(rule_id, left_on)
        if days >= int(rule.param("min_days")):
            years = int(rule.param("bar_years"))
            ends = (
                left_on.replace(year=left_on.year + years)
                if not (left_on.month == 2 and left_on.day == 29)
                else dt.date(left_on.year + years, 3, 1)
            )
            return f"{years}-year bar until {ends.isoformat()} ({rule.citation})"
    return None
