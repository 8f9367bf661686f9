"""A person's standing on one day apart from proceedings and departures: citizenship (from
naturalization, a U.S. passport, an SSA citizenship code A), permanent residence, and the
stay — in status, deferred action, an application that authorizes the stay while pending, or
an overstay. A pending application protects only where the law says so (docs/status.md):
never a visa-waiver entrant's extension, never an untimely request, and an asylum
application stops unlawful presence without authorizing the stay."""

from __future__ import annotations

import datetime as dt

from sojourn.status.accrual import deferred_span
from sojourn.status.events import Event, History
from sojourn.status.stay import Basis, Finding, Stay, pending, protected_until

D = dt.timedelta
#: Citizenship evidence: kind -> (rule, the field value that makes it evidence, or None).
CITIZENSHIP: dict[str, tuple[str, tuple[str, str] | None]] = {
    "naturalization": ("citizenship.naturalization", None),
    "passport": ("citizenship.us_passport", None),
    "numident": ("citizenship.ssa_indicator", ("citizenship_code", "A")),
}
_REASON = {
    "naturalization": "naturalized",
    "passport": "U.S. passport issued",
    "numident": "SSA records a U.S. citizen",
}


def citizen(history: History, day: dt.date) -> Finding | None:
    """The first evidence of U.S. citizenship dated on or before ``day``."""
    found: list[Event] = []
    for kind, (_rule, condition) in CITIZENSHIP.items():
        found += [e for e in history.of(kind, day)
                  if condition is None or e.get(condition[0]) == condition[1]]  # fmt: skip
    if not found:
        return None
    first = min(found)
    basis = Basis(CITIZENSHIP[first.kind][0], (first.record_id,))
    return Finding("us_citizen", first.date, _REASON[first.kind], basis)


def permanent_resident(history: History, day: dt.date) -> Finding | None:
    """Admitted as an immigrant, or adjusted to permanent residence, on or before ``day``."""
    arrivals = history.of("arrival", day)
    if arrivals and arrivals[-1].get("class_of_admission") == "LPR":
        basis = Basis("admission.immigrant", (arrivals[-1].record_id,))
        return Finding("lawful_permanent_resident", arrivals[-1].date, "admitted as an immigrant",
                       basis)  # fmt: skip
    for e in history.of("status", day):
        decided = e.day("decided_on", day)
        if decided is not None and e.get("form") == "I-485" and e.get("outcome") == "approved":
            basis = Basis("application.adjustment_approved", (e.record_id,))
            return Finding("lawful_permanent_resident", decided, "adjusted status", basis)
    return None


def deferred(history: History, day: dt.date) -> Finding | None:
    """Deferred action in force on ``day``."""
    for e in reversed(history.of("deferred_action", day)):
        first, last = deferred_span(e.date, e.day("valid_until"), e.day("terminated_on", day), day)
        if first <= day <= last:
            basis = Basis("deferred_action", (e.record_id,))
            return Finding("deferred_action", first, "deferred action in force", basis)
    return None


def _ran_on_pending(stay: Stay, day: dt.date) -> bool:
    """A day after the admitted stay that was authorized only because a timely application
    was pending (it was denied later)."""
    end, until = stay.admitted_until, stay.until
    return stay.denied and end is not None and until is not None and end < day <= until


def _waiting(history: History, day: dt.date, stay: Stay | None) -> list[Event]:
    """Applications that authorize the stay while pending: a timely extension or change
    (not a visa-waiver entrant's), or a properly filed adjustment."""
    timely = [a for a in stay.pending if a.date <= day] if stay else []
    return sorted(timely + pending(history, day, ("I-485",)))


def _pending_finding(waiting: list[Event], stay: Stay | None) -> Finding:
    first = waiting[0]
    since = max(first.date, stay.until + D(days=1)) if stay and stay.until else first.date
    rule = ("application.adjustment_pending" if first.get("form") == "I-485"
            else "application.extension_or_change_pending")  # fmt: skip
    return Finding("pending_application", since, "application pending",
                   Basis(rule, (first.record_id,)))  # fmt: skip


def _overstay(history: History, day: dt.date, stay: Stay) -> Finding:
    """Past the stay: the rule says why nothing pending protects it, where something is. An
    asylum application reads like any overstay but for its rule and record, so a caller who
    may not see asylum claims (8 CFR 208.6) is shown a plain overstay (api/projection.py).
    Parole is not an admission: once it ends, the person is present without admission."""
    assert stay.until is not None
    since = stay.until + D(days=1)
    records = (*stay.basis.records, *(b.records[-1] for b in stay.extended_by))
    asylum = tuple(a.record_id for a in pending(history, day, ("I-589",)))[:1]
    if stay.paroled:
        ended = stay.extended_by[-1] if stay.extended_by else stay.basis
        return Finding("present_without_admission", since, "parole ended",
                       Basis(ended.rule_id, (*ended.records, *asylum)))  # fmt: skip
    if asylum:
        basis = Basis("application.asylum_pending", asylum)  # as an adjustment cites its own
        return Finding("overstay", since, "authorized stay ended; no departure", basis)
    if stay.refused:
        reason = "authorized stay ended; the request pending protects nothing"
        return Finding("overstay", since, reason, stay.refused[-1])
    basis = Basis("unlawful_presence.accrual", records)
    return Finding("overstay", since, "authorized stay ended; no departure", basis)


def stay_finding(history: History, day: dt.date, stay: Stay | None) -> Finding | None:
    """The standing from the stay on ``day``, or None (no admission and nothing pending)."""
    tps = protected_until(history, day)
    if tps is not None and (stay is None or stay.until is None or stay.until < day):
        return Finding("in_status", day, "temporary protected status granted", tps[1])
    if stay is not None and _ran_on_pending(stay, day):
        assert stay.admitted_until is not None
        basis = Basis("application.extension_or_change_pending", stay.extended_by[-1].records)
        since = stay.admitted_until + D(days=1)
        return Finding("pending_application", since, "application pending", basis)
    if stay is not None and (stay.until is None or stay.until >= day):
        basis = stay.extended_by[-1] if stay.extended_by else stay.basis
        return Finding("in_status", stay.admission.date, "within the authorized stay", basis)
    waiting = _waiting(history, day, stay)
    return (
        deferred(history, day)
        or (_pending_finding(waiting, stay) if waiting else None)
        or (_overstay(history, day, stay) if stay is not None and stay.until else None)
    )
