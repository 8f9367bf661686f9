"""Overstay and unlawful-presence days of the current stay, counted as the law counts them
(docs/status.md, "Counting conventions"): calendar days, inclusive at both ends; the day after
the authorized stay's last day is the first day out of status; the as-of date and the day of a
departure or removal are days of presence.

Overstay days are the days of the stay past its end that no *period of stay authorized*
covers: a timely extension or change pending, an adjustment pending, deferred action, TPS, a
voluntary-departure period. They are kept once accrued (a later grant or a departure does not
erase them). Unlawful presence leaves out those periods and also a pending asylum application,
the days before the 18th birthday and, for duration of status, the days before a formal
finding (INA 212(a)(9)(B)(ii)–(iv)); after a status violation that cut a stay short (the end of
employment, a SEVIS termination), unlawful presence waits for the I-94 date or a formal finding,
whichever comes first (INS memo HQADN 70/21.1.24-P, Mar 3, 2000; AFM 40.9.2(b)(1)(E)).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sojourn.status.events import History
from sojourn.status.rulebook import RuleBook
from sojourn.status.stay import IN_COUNTRY, Stay, applications

D = dt.timedelta
Span = tuple[dt.date, dt.date]  # first and last day, inclusive
#: Benefits whose pending period is a period of stay authorized once properly filed.
ADJUSTMENT = ("I-485",)
#: The charge of presence without admission or parole (INA 212(a)(6)(A)(i)).
EWI_CHARGE = "212(a)(6)(A)"


@dataclass(frozen=True)
class Accrual:
    overstay_days: int | None  # None: never past the authorized stay in this stay
    unlawful_presence_days: int


def adult_from(birth_date: dt.date | None, years: int) -> dt.date:
    """The ``years``-th birthday (a Feb 29 birthday falls on Mar 1 in a common year)."""
    if birth_date is None:
        return dt.date.min
    try:
        return birth_date.replace(year=birth_date.year + years)
    except ValueError:
        return dt.date(birth_date.year + years, 3, 1)


def _decided_or(e_decided: dt.date | None, as_of: dt.date) -> dt.date:
    return e_decided if e_decided is not None else as_of


def authorized_spans(history: History, as_of: dt.date, stay: Stay | None) -> list[Span]:
    """Periods of stay authorized within the stay (each cited by its rule in the rule book:
    application.extension_or_change_pending, application.adjustment_pending, deferred_action,
    tps.designation, voluntary_departure.end_of_proceedings)."""
    spans = [(a.date, as_of) for a in stay.pending] if stay else []
    for a in applications(history, as_of, ADJUSTMENT):
        spans.append((a.date, _decided_or(a.day("decided_on", as_of), as_of)))
    for a in applications(history, as_of, ("I-821",)):
        decided, valid = a.day("decided_on", as_of), a.day("valid_until")
        if a.get("outcome") == "approved" and decided and valid:
            spans.append((decided, valid))
    for e in history.of("deferred_action", as_of):
        spans.append(deferred_span(e.date, e.day("valid_until"), e.day("terminated_on", as_of),
                                   as_of))  # fmt: skip
    for e in history.of("court", as_of):
        ordered, until = e.day("order_date", as_of), e.day("vd_until")
        if e.get("order") == "voluntary_departure" and ordered and until:
            spans.append((ordered, until))
    return spans


def deferred_span(
    granted: dt.date, valid: dt.date | None, terminated: dt.date | None, as_of: dt.date
) -> Span:
    """Deferred action in force: from the grant through its last valid day, or through the
    day before its termination takes effect."""
    last = valid if valid is not None else as_of
    if terminated is not None:
        last = min(last, terminated - D(days=1))
    return granted, last


def asylum_spans(history: History, as_of: dt.date) -> list[Span]:
    """A bona fide asylum application pending: filing date through decision date."""
    return [(a.date, _decided_or(a.day("decided_on", as_of), as_of))
            for a in applications(history, as_of, ("I-589",))]  # fmt: skip


def count(first: dt.date, last: dt.date, minus: Iterable[Span]) -> int:
    """Days from ``first`` through ``last`` (inclusive) outside every span of ``minus``."""
    if last < first:
        return 0
    days = (last - first).days + 1
    for low, high in _merged(minus):
        overlap = (min(high, last) - max(low, first)).days + 1
        days -= max(overlap, 0)
    return days


def _merged(spans: Iterable[Span]) -> list[Span]:
    merged: list[Span] = []
    for low, high in sorted(s for s in spans if s[0] <= s[1]):
        if merged and low <= merged[-1][1] + D(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def _finding(history: History, as_of: dt.date, since: dt.date) -> dt.date | None:
    """The first formal finding in the stay that began on ``since``: a denied application
    or an immigration judge's order of removal or voluntary departure."""
    denied = [e.day("decided_on", as_of) for e in history.of("status", as_of)
              if e.get("outcome") == "denied"]  # fmt: skip
    orders = [e.day("order_date", as_of) for e in history.of("court", as_of)
              if e.get("order") in ("removal", "voluntary_departure")]  # fmt: skip
    dates = [d for d in denied + orders if d is not None and d >= since]
    return min(dates) if dates else None


def accrual(
    history: History,
    as_of: dt.date,
    stay: Stay | None,
    rules: RuleBook,
    birth_date: dt.date | None = None,
    last_present: dt.date | None = None,
) -> Accrual:
    """The stay's overstay and unlawful-presence days through ``last_present`` (the as-of
    date; the day of departure or removal; the eve of a change to permanent residence or
    citizenship)."""
    last = min(as_of, last_present) if last_present is not None else as_of
    age = int(rules.require("unlawful_presence.minor", as_of).param("age_years"))
    if stay is None:
        return Accrual(None, _unadmitted(history, as_of, adult_from(birth_date, age), last))
    if stay.until is None:
        return Accrual(None, 0)
    first = stay.until + D(days=1)
    authorized = authorized_spans(history, as_of, stay)
    over = count(first, last, authorized)
    start = max(first, adult_from(birth_date, age))
    finding = _finding(history, as_of, stay.admission.date)
    after = finding + D(days=1) if finding else dt.date.max
    if stay.basis.rule_id.startswith(("admission.duration_of_status", "grace.")) and (
        stay.changed_to is None
        or stay.changed_to in rules.require("admission.duration_of_status", as_of).classes
    ):  # duration of status, unless a change of status gave a class admitted to a date
        start = max(start, after)
    elif stay.violated_until is not None:  # a status violation: the I-94 date or a finding
        start = max(start, min(stay.violated_until + D(days=1), after))
    unlawful = count(start, last, [*authorized, *asylum_spans(history, as_of)]) if (
        start <= last) else 0  # fmt: skip
    # Parole is not an admission (INA 212(d)(5)(A)): once it ends the person is present
    # without admission or parole, accruing unlawful presence, but overstays no admission.
    return Accrual(None if stay.paroled else (over or None), unlawful)


def _unadmitted(history: History, as_of: dt.date, adult: dt.date, last: dt.date) -> int:
    """Unlawful presence of a person charged with presence without admission or parole (INA
    212(a)(6)(A)(i); 212(a)(9)(B)(ii)): from the first record that places them in the country
    (a lower bound: the law counts from the entry, which no record shows), less the days not
    counted. Without such a charge nothing is counted: an arrival record can be missing."""
    seen = [e.date for e in history.upto(as_of) if e.kind in (*IN_COUNTRY, "student")]
    charged = any(EWI_CHARGE in str(e.get("charge")) for e in history.of("court", as_of))
    if not seen or not charged:  # no admission on record is not evidence of none
        return 0
    minus = [*authorized_spans(history, as_of, None), *asylum_spans(history, as_of)]
    return count(max(min(seen), adult), last, minus)
