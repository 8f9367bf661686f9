"""Hand-made persons for the priority tests: events → status timeline → facts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sojourn.priority.assess import Assessment, assess
from sojourn.priority.facts import Facts, PersonInput, derive
from sojourn.priority.policy import shipped
from sojourn.status.engine import timeline
from sojourn.status.events import Event, make_event

AS_OF = dt.date(2025, 9, 30)
POLICY_2014 = "enforcement-priorities-2014@2014-11-20"
POLICY_2021 = "civil-enforcement-guidelines-2021@2021-09-30"
POLICY_2025 = "final-orders-and-overstays-2025@2025-01-20"


def arrival(on: str = "2019-03-01", until: str = "2019-09-01", cls: str = "B2") -> Event:
    return make_event("arrival", "arr", arrival_date=on, class_of_admission=cls,
                      admit_until=until, mode="air")  # fmt: skip


def address(on: str = "2019-11-15", rid: str = "ar11") -> Event:
    """An AR-11 address filing: places the person in the U.S. on ``on``."""
    return make_event("address", rid, effective_on=on)


def conviction(rid: str, on: str, offense: str, cls: str, sentence: int = 0) -> Event:
    return make_event("conviction", rid, conviction_date=on, offense=offense,
                      classification=cls, sentence_days=sentence)  # fmt: skip


def order(decided: str, final: bool = True, rid: str = "court", **kw: Any) -> Event:
    return make_event("court", rid, nta_served_on="2020-01-10", nta_filed_on="2020-02-01",
                      order="removal", order_date=decided,
                      finality="final" if final else "non_final", **kw)  # fmt: skip


def facts(
    events: list[Event],
    as_of: dt.date = AS_OF,
    birth: dt.date | None = dt.date(1985, 5, 5),
    confidence: dict[str, float] | None = None,
    **statements: Any,
) -> Facts:
    t = timeline(events, as_of, birth)
    said = {k: (v, ("statement",)) for k, v in statements.items()}
    return derive(PersonInput("P1", events, birth, t, confidence or {}, (), said))


def run(policy: str, events: list[Event], threshold: float = 0.9, **kw: Any) -> Assessment:
    return assess(shipped()[policy], facts(events, **kw), "P1", AS_OF, threshold)
