"""The status engine: a pure function from a person's events and an as-of date to a
timeline of statuses, each with the rule, its citation and the records behind it.

On each day the first matching status wins, in this order (the vocabulary of
docs/status.md): U.S. citizen; removed; self-departed; departed; lawful permanent resident;
final removal order; voluntary departure; in proceedings; in status; deferred action; pending
application; overstay; present without admission. The timeline evaluates that on every day
something can change (an event's dates, the end of a stay, an appeal window, a voluntary
departure period) and joins equal neighbours into intervals. The day counts are ``accrual``'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from sojourn.status.accrual import accrual
from sojourn.status.court import court_finding
from sojourn.status.events import Event, History, sorted_events
from sojourn.status.presence import default_presence
from sojourn.status.rulebook import RuleBook, default_rules
from sojourn.status.standing import citizen, permanent_resident, stay_finding
from sojourn.status.stay import (
    Basis,
    Finding,
    authorized_stay,
    departure,
    last_admission,
    pending,
)
from sojourn.status.unlawful import bar

D = dt.timedelta


@dataclass(frozen=True)
class Interval:
    start: dt.date
    end: dt.date | None  # the last day; None: still so on the as-of date
    status: str
    reason: str
    rule_id: str
    citation: str
    records: tuple[str, ...]


@dataclass(frozen=True)
class Timeline:
    as_of: dt.date
    intervals: tuple[Interval, ...]
    current: Interval | None
    authorized_until: dt.date | None
    overstay_days: int | None
    unlawful_presence_days: int
    flags: tuple[str, ...] = field(default_factory=tuple)
    #: The 3- or 10-year bar a departure after unlawful presence triggered, if any.
    bar: str | None = None
    #: An overstay in the U.S. on the as-of date with no relief pending: whether a record
    #: places the person here is the question (status/presence.py).
    presence_in_question: bool = False


GONE = ("departed", "removed", "self_departed")
#: Statuses that end a stay's accrual without a departure.
SETTLED = ("us_citizen", "lawful_permanent_resident")
#: Relief applications: pending, they bar removal (and hold the case for legal review).
RELIEF = ("I-589", "I-485")
#: Date fields that end a period (admit_until, valid_until, vd_until, program_end): the status
#: can change only the day after them. Other dates (decisions, orders, exits) change it that day.
UNTIL_SUFFIXES = ("_until", "_end")


def _gone(history: History, day: dt.date, known_on: dt.date) -> Finding | None:
    exits = history.of("custody", day) + history.of("self_departure", day)
    admitted = last_admission(history, day) if exits else None
    since = admitted.date if admitted else dt.date.min
    for e in reversed(sorted(exits)):
        if e.date < since:  # an exit before the last admission ended an earlier stay
            break
        removed = e.day("removed_on", day) if e.kind == "custody" else None
        if removed is not None:
            basis = Basis("removal.executed", (e.record_id,))
            return Finding("removed", removed, "removal recorded", basis)
        verified = e.day("verified_departure_on", day) if e.kind == "self_departure" else None
        if verified is not None:
            basis = Basis("departure.self_departure_verified", (e.record_id,))
            return Finding("self_departed", verified, "CBP Home departure verified", basis)
    left, _conflicts = departure(history, day, known_on)
    if left is None:
        return None
    rule = {"biometric": "departure.biometric_exit", "land_exchange": "departure.land_exchange"}
    basis = Basis(
        rule.get(str(left.get("provenance")), "departure.carrier_manifest"), (left.record_id,)
    )
    return Finding("departed", left.date, "departed the U.S.", basis)


def status_on(
    history: History, day: dt.date, rules: RuleBook, known_on: dt.date | None = None
) -> Finding | None:
    """The status on ``day`` (first matching rule wins), from the events dated on or before
    it; records known by ``known_on`` (default: ``day``) can contradict a departure."""
    found = (
        citizen(history, day)
        or _gone(history, day, max(known_on or day, day))
        or permanent_resident(history, day)
        or court_finding(history, day, rules)
        or stay_finding(history, day, authorized_stay(history, day, rules))
    )
    known = history.upto(day)
    if found is None and known:
        asylum = pending(history, day, ("I-589",))[:1]  # stops unlawful presence only
        rule = "application.asylum_pending" if asylum else "unlawful_presence.accrual"
        basis = Basis(rule, tuple(a.record_id for a in asylum) or (known[0].record_id,))
        return Finding("present_without_admission", known[0].date, "no admission recorded", basis)
    return found


def _proceedings_before(history: History, day: dt.date) -> bool:
    """Whether a notice to appear was filed with the court before ``day``."""
    return any(e.day("nta_filed_on", day) for e in history.of("court", day))


def _change_days(
    history: History, as_of: dt.date, rules: RuleBook
) -> tuple[list[dt.date], set[dt.date]]:
    """The days on which the status can change, and which of them are *event days* (a
    record's date, a decision, an order, an exit, the day an appeal window closes); the others
    are the day after a period ends (an admit-until, a validity, each admission's stay)."""
    events: set[dt.date] = set()
    ends: set[dt.date] = set()
    window = D(days=int(rules.require("order.final_no_appeal", as_of).param("appeal_days")) + 1)
    for e in history.events:
        events.add(e.date)
        for name, value in e.fields.items():
            if not isinstance(value, dt.date) or value == e.date:
                continue
            ends.add(value + D(days=1))  # the day after an end date
            if not name.endswith(UNTIL_SUFFIXES):  # a decision or an act: that day too
                events.add(value)
        ordered = e.day("order_date") if e.kind == "court" else None
        if ordered is not None:
            events.add(ordered + window)
    arrivals = [e.date for e in history.of("arrival", as_of)]
    following: list[dt.date | None] = [*arrivals[1:], None] if arrivals else []
    for start, nxt in zip(arrivals, following, strict=True):
        last_day = min(as_of, nxt - D(days=1)) if nxt else as_of
        stay = authorized_stay(history, max(start, last_day), rules)
        if stay is not None and stay.until is not None:
            ends.add(stay.until + D(days=1))
    return sorted(d for d in events | ends if d <= as_of), events


def _statuses(
    history: History, as_of: dt.date, rules: RuleBook
) -> Iterator[tuple[dt.date, Finding]]:
    """The status on each change day. A person who has left stays so until an event day (an
    arrival, a record of presence, a naturalization): the end of an old stay changes nothing,
    so those days are not evaluated again."""
    days, event_days = _change_days(history, as_of, rules)
    gone = False
    for day in days:
        if gone and day not in event_days:
            continue
        found = status_on(history, day, rules, as_of)
        gone = found is not None and found.status in GONE
        if found is not None:
            yield day, found


def timeline(
    events: list[Event], as_of: dt.date, birth_date: dt.date | None = None,
    rules: RuleBook | None = None,
) -> Timeline:  # fmt: skip
    """The person's statuses up to ``as_of``."""
    book = rules or default_rules()
    known = History(sorted_events(events, as_of))
    intervals: list[Interval] = []
    for day, found in _statuses(known, as_of, book):
        if intervals and (intervals[-1].status, intervals[-1].rule_id) == (
            found.status,
            found.basis.rule_id,
        ):
            continue
        if intervals:
            last = intervals[-1]
            intervals[-1] = Interval(
                last.start,
                day - D(days=1),
                last.status,
                last.reason,
                last.rule_id,
                last.citation,
                last.records,
            )
        rule = book.require(found.basis.rule_id, day)
        intervals.append(
            Interval(
                day, None, found.status, found.reason, rule.id, rule.citation, found.basis.records
            )
        )
    stay = authorized_stay(known, as_of, book)
    current = intervals[-1] if intervals else None
    until = stay.until if stay else None
    gone = current.start if current and current.status in GONE else None
    settled = current.start if current and current.status in SETTLED else None
    last_present = gone or (settled - D(days=1) if settled else None)
    counted = accrual(known, as_of, stay, book, birth_date, last_present)
    until = None if settled else until  # a citizen's or resident's stay has no end date
    over, days = counted.overstay_days, counted.unlawful_presence_days
    if current is not None and current.status == "us_citizen":
        over, days = None, 0  # no unlawful presence is reported for a citizen
    voluntary = bool(current and current.status in ("departed", "self_departed") and gone
                     and not _proceedings_before(known, gone))  # fmt: skip
    barred = bar(days, gone, book, voluntary)
    _, conflicts = departure(known, as_of)
    flags = tuple(
        f"departure record {c.record_id} contradicted by later records in the country"
        for c in conflicts
    )
    # an overstay in the U.S. now, with no relief application pending (an applicant who left
    # would abandon it, 8 CFR 208.8(a), 245.2(a)(4)(ii)): a record must place them here
    questioned = over is not None and last_present is None and not pending(known, as_of, RELIEF)
    if questioned and stay is not None and until is not None:
        checked = default_presence().verify(known.events, stay.admission, until, as_of)
        flags += (checked.flag(until),) if checked.unverified else ()
    return Timeline(as_of, tuple(intervals), current, until, over, days, flags, barred,
                    questioned)  # fmt: skip
