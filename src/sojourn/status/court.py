"""Removal proceedings on one day: the notice to appear filed (served alone is not enough),
orders and when they become final, voluntary departure, relief, termination."""

from __future__ import annotations

import datetime as dt

from sojourn.status.events import Event, History
from sojourn.status.rulebook import RuleBook
from sojourn.status.stay import Basis, Finding

D = dt.timedelta


def court_finding(history: History, day: dt.date, rules: RuleBook) -> Finding | None:
    """The proceedings status on ``day`` from the latest court record, or None."""
    cases = history.of("court", day)
    if not cases:
        return None
    case = cases[-1]
    ids = (case.record_id,)
    order, ordered = case.get("order"), case.day("order_date", day)
    if order == "relief_granted" and ordered:
        basis = Basis("order.relief_granted", ids)
        return Finding("lawful_permanent_resident", ordered, "relief granted", basis)
    if order in ("termination", "dismissal") and ordered:
        return None
    if order == "removal" and ordered:
        found = _removal(case, ordered, day, rules)
        if found is not None:
            return found
    if order == "voluntary_departure" and ordered:
        return _voluntary(case, ordered, day)
    filed = case.day("nta_filed_on", day)
    if filed is None:
        return None
    return Finding(
        "in_proceedings", filed, "notice to appear filed", Basis("proceedings.nta_filed", ids)
    )


def _removal(case: Event, ordered: dt.date, day: dt.date, rules: RuleBook) -> Finding | None:
    ids = (case.record_id,)
    if case.get("in_absentia"):
        basis = Basis("order.final_in_absentia", ids)
        return Finding(
            "removal_order_final", ordered, "final order of removal (in absentia)", basis
        )
    window = int(rules.require("order.final_no_appeal", ordered).param("appeal_days"))
    appealed = case.day("appeal_filed_on", day)
    if appealed is not None and appealed <= ordered + D(days=window):
        basis = Basis("order.appeal_pending", ids)
        return Finding("in_proceedings", appealed, "order under appeal: not final", basis)
    final_on = ordered + D(days=window + 1)
    if day >= final_on:
        basis = Basis("order.final_no_appeal", ids)
        return Finding("removal_order_final", final_on, "final order of removal: no appeal", basis)
    basis = Basis("order.appeal_pending", ids)
    return Finding("in_proceedings", ordered, "order not yet final: appeal period running", basis)


def _voluntary(case: Event, ordered: dt.date, day: dt.date) -> Finding:
    ids = (case.record_id,)
    until = case.day("vd_until")
    if until is None or day <= until:
        basis = Basis("voluntary_departure.end_of_proceedings", ids)
        return Finding("voluntary_departure", ordered, "voluntary departure period running", basis)
    basis = Basis("order.alternate_after_voluntary_departure", ids)
    return Finding(
        "removal_order_final",
        until + D(days=1),
        "voluntary departure overstayed: alternate order final",
        basis,
    )
