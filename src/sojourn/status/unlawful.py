"""The 3- and 10-year bars a departure after unlawful presence triggers (the days are
counted in ``accrual``)."""

from __future__ import annotations

import datetime as dt

from sojourn.status.rulebook import RuleBook


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
