"""Each admission's outcome by the DHS Entry/Exit Overstay Report method, from a person's
events and the same stay rules as the status engine.

An admission is *expected to depart* on the last day of its authorized stay (after approved
extensions; a timely request that was denied ends it on the decision date). It then either
departed on time (or while a timely application was pending), departed late (an
**out-of-country overstay**), is still in the country with
no departure and no pending or approved application (a **suspected in-country overstay**), is
covered by an application (a timely extension, change or adjustment: not an overstay), or is
not yet due on the snapshot date. Only confirmed departures count (``status.stay.departure``).
The stay is the period of admission, as in the DHS method: a status violation that ends it
early (the end of employment, a SEVIS termination) is not an overstay of the admission. A
visa-waiver entrant's extension or change protects nothing (INA 217(a)(1)), so it covers
nothing; a person shown to be a U.S. citizen (naturalized, a U.S. passport, SSA indicator A,
by the admission's last day) is no overstay: covered, as an approved adjustment is, or on
time if they left.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sojourn.status.events import Event, History
from sojourn.status.rulebook import RuleBook
from sojourn.status.standing import citizen
from sojourn.status.stay import STAY_FORMS, Stay, authorized_stay, departure

D = dt.timedelta
COVERING_FORMS = ("I-539", "I-129", "I-485", "I-589")


@dataclass(frozen=True)
class Outcome:
    """One admission, as the report sees it on the snapshot date."""

    record_id: str
    arrival_date: dt.date
    class_of_admission: str
    mode: str | None
    authorized_until: dt.date | None
    departure_date: dt.date | None
    #: on_time, out_of_country, in_country, covered, not_due, left_date_unknown (a later
    #: arrival shows the person left, no record says when), no_end (duration of status
    #: without a program end date)
    outcome: str
    overstay_days: int | None


def _covered(history: History, stay: Stay, until: dt.date, day: dt.date, rules: RuleBook) -> bool:
    """A timely application of this stay (filed after the arrival, by the end of the stay)
    pending on ``day`` (not a visa-waiver entrant's extension or change), or an adjustment of
    status approved: not an overstay."""
    arrived, cls = stay.admission.date, stay.admission.get("class_of_admission")
    waiver = cls in rules.require("admission.visa_waiver", arrived).classes
    for e in history.of("status", day):
        if e.get("form") not in COVERING_FORMS or not arrived <= e.date <= until:
            continue
        if waiver and e.get("form") in STAY_FORMS:
            continue  # INA 217(a)(1): a visa-waiver entrant cannot extend or change status
        decided = e.day("decided_on", day)
        if decided is None or (e.get("form") == "I-485" and e.get("outcome") == "approved"):
            return True
    return False


def _outcome(history: History, admission: Event, last_day: dt.date, as_of: dt.date,
             rules: RuleBook) -> Outcome:  # fmt: skip
    stay = authorized_stay(history, last_day, rules, cuts=False)  # the period of admission
    until = stay.until if stay else None
    left, _ = departure(history, last_day, as_of)
    gone = left.date if left is not None else None
    base = (admission.record_id, admission.date, str(admission.get("class_of_admission")),
            admission.get("mode"), until, gone)  # fmt: skip
    if stay is None or until is None:
        return Outcome(*base, "no_end", None)
    shown = citizen(history, last_day) is not None  # a U.S. citizen is no overstay
    if gone is not None:
        late = (gone - until).days
        if late > 0 and (shown or _covered(history, stay, until, gone, rules)):
            late = 0  # a citizen, or left while a timely application kept the stay authorized
        return Outcome(*base, "out_of_country" if late > 0 else "on_time", max(late, 0) or None)
    if last_day < as_of:  # a later arrival: they left, but no record says when
        return Outcome(*base, "left_date_unknown", None)
    if until >= as_of:
        return Outcome(*base, "not_due", None)
    if shown or _covered(history, stay, until, last_day, rules):
        return Outcome(*base, "covered", None)
    return Outcome(*base, "in_country", (as_of - until).days)


def admission_outcomes(history: History, as_of: dt.date, rules: RuleBook) -> list[Outcome]:
    """The outcome of every admission of one person as of the snapshot date ``as_of``: each
    admission is judged on the events up to the day before the next one (or ``as_of``)."""
    arrivals = history.of("arrival", as_of)
    outcomes = []
    for i, admission in enumerate(arrivals):
        nxt = arrivals[i + 1].date if i + 1 < len(arrivals) else None
        last_day = min(as_of, nxt - D(days=1)) if nxt else as_of
        outcomes.append(_outcome(history, admission, max(last_day, admission.date), as_of, rules))
    return outcomes
