"""The facts the status engine derives from events on one day: the authorized stay of the
last admission, pending applications, departures and their evidence, court orders.

Every fact carries the rule that made it and the records behind it (``Basis``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sojourn.status.events import Event, History
from sojourn.status.rulebook import RuleBook

D = dt.timedelta
STAY_FORMS = ("I-539", "I-129")
PENDING_FORMS = ("I-539", "I-129", "I-485", "I-589")
#: Records that show the person in the country on their date (a manifest departure
#: followed by one of these, before any new arrival, is a conflict, not a departure).
IN_COUNTRY = ("address", "status", "custody", "conviction", "court")
#: Rules that end a stay early for a status violation (not by its own terms).
VIOLATIONS = ("grace.employment_cessation", "grace.f1_termination")


@dataclass(frozen=True)
class Basis:
    """The rule and the records behind a derived fact."""

    rule_id: str
    records: tuple[str, ...]


@dataclass(frozen=True)
class Finding:
    """A status on a day: since when, why (rule), and the records behind it."""

    status: str
    since: dt.date
    reason: str
    basis: Basis


@dataclass(frozen=True)
class Stay:
    """The authorized stay of the last admission as known on a day (``until`` None: no end
    date yet, as for duration of status without a program end)."""

    admission: Event
    until: dt.date | None
    basis: Basis
    extended_by: tuple[Basis, ...] = ()
    #: The end of the stay before any application changed it.
    admitted_until: dt.date | None = None
    #: Timely extension or change requests still pending: a period of stay authorized.
    pending: tuple[Event, ...] = ()
    #: Requests that protect nothing: untimely, or from a visa-waiver entrant (rule, records).
    refused: tuple[Basis, ...] = ()
    #: The I-94 date when a status violation (employment ended, SEVIS terminated) cut the
    #: stay short: unlawful presence waits for it or for a formal finding.
    violated_until: dt.date | None = None
    #: The class an approved change of status gave (None: the admission's class).
    changed_to: str | None = None

    @property
    def paroled(self) -> bool:
        return self.basis.rule_id == "parole"

    @property
    def denied(self) -> bool:
        """Whether the stay ran on only while an application was pending, then denied."""
        return bool(self.extended_by) and self.extended_by[-1].rule_id == "application.denial"


def last_admission(history: History, day: dt.date) -> Event | None:
    arrivals = history.of("arrival", day)
    return arrivals[-1] if arrivals else None


def _student_end(
    history: History, admission: Event, day: dt.date, rules: RuleBook
) -> tuple[dt.date | None, Basis]:
    """End of a duration-of-status stay: program end + grace, or the termination date."""
    ds = Basis("admission.duration_of_status", (admission.record_id,))
    cls = str(admission.get("class_of_admission") or "")
    sevis = history.of("student", day)
    if not sevis:
        return None, ds
    record = sevis[-1]
    status, status_date = record.get("status"), record.day("status_date", day)
    ids = (admission.record_id, record.record_id)
    if status == "terminated" and status_date is not None:
        return status_date, Basis("grace.f1_termination", ids)
    if status == "withdrawn" and status_date is not None:  # a withdrawal the DSO authorized
        rule = rules.rule("grace.f1_withdrawal", status_date)
        if rule is not None and cls in rule.classes:
            return status_date + D(days=int(rule.param("grace_days"))), Basis(rule.id, ids)
        return status_date, ds  # no grace after an M or J program left early
    end = record.day("program_end")
    if status == "completed" and status_date is not None:
        end = status_date
    if end is None:
        return None, ds
    rule_id = {"J": "grace.j1_program_end", "M": "grace.m1_completion"}.get(
        cls[:1], "grace.f1_completion"
    )
    grace = int(rules.require(rule_id, end).param("grace_days"))
    return end + D(days=grace), Basis(rule_id, ids)


def _admitted_until(
    history: History, admission: Event, day: dt.date, rules: RuleBook
) -> tuple[dt.date | None, Basis]:
    cls = admission.get("class_of_admission")
    arrived, admit_until = admission.date, admission.day("admit_until")
    waiver = rules.require("admission.visa_waiver", arrived)
    if cls in waiver.classes:
        cap = arrived + D(days=int(waiver.param("max_stay_days")))
        until = min(admit_until, cap) if admit_until else cap
        return until, Basis(waiver.id, (admission.record_id,))
    if admission.get("duration_of_status") or (admit_until is None and cls in _ds(rules, arrived)):
        return _student_end(history, admission, day, rules)
    if cls in rules.require("parole", arrived).classes:
        return admit_until, Basis("parole", (admission.record_id,))
    return admit_until, Basis("admission.fixed_period", (admission.record_id,))


def protected_until(history: History, day: dt.date) -> tuple[dt.date, Basis] | None:
    """TPS granted (an approved I-821) and still valid on ``day``: its end and basis."""
    for e in reversed(history.of("status", day)):
        decided = e.day("decided_on", day)
        valid = e.day("valid_until")
        granted = e.get("form") == "I-821" and e.get("outcome") == "approved"
        if granted and decided is not None and valid is not None and valid >= day:
            return valid, Basis("tps.designation", (e.record_id,))
    return None


def _ds(rules: RuleBook, on: dt.date) -> frozenset[str]:
    return rules.require("admission.duration_of_status", on).classes


def authorized_stay(
    history: History, day: dt.date, rules: RuleBook, cuts: bool = True
) -> Stay | None:
    """The authorized stay of the last admission on or before ``day``: approved extensions
    and changes (retroactive; an untimely request only once approved, 8 CFR 214.1(c)(4)),
    denials of timely requests (the stay ran to the decision), the end of employment (60
    days' grace) and the termination of parole. A visa-waiver entrant's requests change
    nothing (INA 217(a)(1)). Without ``cuts``, the period of admission alone (the DHS overstay
    report's measure): no end of employment, SEVIS termination or parole termination."""
    admission = last_admission(history, day)
    if admission is None:
        return None
    until, basis = _admitted_until(history, admission, day, rules)
    admitted_until = until
    extended: list[Basis] = []
    waiting: list[Event] = []
    refused: list[Basis] = []
    changed: tuple[str | None, dt.date] = (None, admission.date)  # new class, since
    waiver = (
        admission.get("class_of_admission")
        in rules.require("admission.visa_waiver", admission.date).classes
    )
    for app in applications(history, day, STAY_FORMS, after=admission.date):
        decided = app.day("decided_on", day)
        timely = until is None or app.date <= until
        approved = app.get("outcome") == "approved" and decided is not None
        if waiver or not (timely or approved):
            rule = "admission.visa_waiver" if waiver else "application.untimely"
            refused.append(Basis(rule, (app.record_id,)))
            continue
        if decided is None:
            waiting.append(app)
            continue
        valid = app.day("valid_until")
        if approved and valid is not None:
            until = max(until, valid) if until else valid
            extended.append(Basis("application.approval_retroactive", (app.record_id,)))
            changed = (app.get("new_class") or changed[0], app.date)
        elif (
            app.get("outcome") in ("denied", "withdrawn")
            and until is not None
            and (until < decided)
        ):  # a timely request authorized the stay until it was denied or withdrawn
            until = decided
            extended.append(Basis("application.denial", (app.record_id,)))
    i94 = until
    cls = changed[0] or str(admission.get("class_of_admission") or "")
    if cuts:
        until, cut = cut_short(history, admission, day, until, rules, cls, changed[1])
        extended += cut
    violated = i94 if any(b.rule_id in VIOLATIONS for b in extended) else None
    return Stay(admission, until, basis, tuple(extended), admitted_until, tuple(waiting),
                tuple(refused), violated, changed[0])  # fmt: skip


Ending = tuple[dt.date, Basis]


def _employment_ended(history: History, admission: Event, since: dt.date, day: dt.date,
                      rules: RuleBook, cls: str) -> list[Ending]:  # fmt: skip
    for e in history.of("employment_end", day):
        grace = rules.rule("grace.employment_cessation", e.date)
        if e.date >= since and grace is not None and cls in grace.classes:
            end = e.date + D(days=int(grace.param("grace_days")))
            return [(end, Basis(grace.id, (admission.record_id, e.record_id)))]  # once
    return []


def _sevis_terminated(history: History, admission: Event, day: dt.date, rules: RuleBook,
                      cls: str) -> list[Ending]:  # fmt: skip
    if cls not in rules.require("grace.f1_termination", admission.date).classes:
        return []
    return [(ended, Basis("grace.f1_termination", (admission.record_id, e.record_id)))
            for e in history.of("student", day)
            if e.get("status") == "terminated" and (ended := e.day("status_date", day))
            and ended >= admission.date]  # fmt: skip


def _parole_terminated(history: History, admission: Event, day: dt.date, rules: RuleBook,
                       cls: str) -> list[Ending]:  # fmt: skip
    if cls not in rules.require("parole.termination", admission.date).classes:
        return []
    return [(e.date - D(days=1), Basis("parole.termination", (admission.record_id, e.record_id)))
            for e in history.of("parole_termination", day) if e.date > admission.date]  # fmt: skip


def cut_short(
    history: History,
    admission: Event,
    day: dt.date,
    until: dt.date | None,
    rules: RuleBook,
    cls: str,
    since: dt.date,
) -> tuple[dt.date | None, list[Basis]]:
    """The stay of class ``cls`` ended early by an event on or after ``since`` (the admission,
    or the last approved change or extension, which authorized new employment): 60 days after
    employment ended, or the stay's end if sooner (8 CFR 214.1(l)(2)); a SEVIS termination of
    a student admitted to a date (no grace); the day before a parole termination takes
    effect."""
    ends = [*_employment_ended(history, admission, since, day, rules, cls),
            *(_sevis_terminated(history, admission, day, rules, cls) if until else []),
            *_parole_terminated(history, admission, day, rules, cls)]  # fmt: skip
    cut: list[Basis] = []
    for end, basis in sorted(ends, key=lambda x: x[0]):
        if until is None or end < until:
            until = end
            cut.append(basis)
    return until, cut


def applications(
    history: History, day: dt.date, forms: tuple[str, ...], after: dt.date | None = None
) -> list[Event]:
    """Applications of ``forms`` filed on or before ``day`` (and on or after ``after``)."""
    return [
        e
        for e in history.of("status", day)
        if e.get("form") in forms and (after is None or e.date >= after)
    ]


def pending(history: History, day: dt.date, forms: tuple[str, ...] = PENDING_FORMS) -> list[Event]:
    """Applications filed on or before ``day`` and not decided by then."""
    return [a for a in applications(history, day, forms) if a.day("decided_on", day) is None]


def next_arrival_eve(history: History, day: dt.date, known_on: dt.date) -> dt.date:
    """The last day that still belongs to the stay running on ``day``: the eve of the next
    arrival, or ``known_on`` (records after a new arrival say nothing about the earlier stay)."""
    later = history.next_date("arrival", day)
    return min(known_on, later - dt.timedelta(days=1)) if later else known_on


def departure(
    history: History, day: dt.date, known_on: dt.date | None = None
) -> tuple[Event | None, list[Event]]:
    """The confirmed departure after the last admission (or after the first record, for a
    person never admitted), and the manifest departures contradicted by records of presence
    dated after them (up to ``known_on``, the as-of date: what is known then)."""
    exits = history.of("departure", day)
    if not exits:
        return None, []
    admission = last_admission(history, day)
    start = admission.date if admission else dt.date.min
    horizon = next_arrival_eve(history, day, known_on or day)
    conflicts: list[Event] = []
    for e in reversed(exits):
        if e.date < start:
            break
        if e.get("provenance") == "manifest" and history.any_between(IN_COUNTRY, e.date, horizon):
            conflicts.append(e)
            continue
        return e, conflicts
    return None, conflicts
