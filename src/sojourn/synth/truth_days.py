"""Overstay days of each person's current stay, by the counting conventions of issue 17.

Overstay days (the DHS Entry/Exit Overstay Report's notion) are the calendar days of the
current stay (since the last admission) after the authorized stay's last day, through the
departure or removal day inclusive (a day of presence) or the as-of date inclusive, on which the
person was not in a period of stay authorized:
  - a properly filed I-485 pending, from filing through decision (USCIS, May 6, 2009 memo);
  - a timely I-539/I-129 pending, not by a visa-waiver entrant, through its decision
    (INA 212(a)(9)(B)(iv); 8 CFR 214.1(c)(3)-(4));
  - deferred action in force (granted through min(valid_until, terminated_on - 1));
  - a voluntary-departure period (decision through vd_until, INA 240B).
A pending I-589 is no such period. Days accrued are kept (a later grant or departure does not
erase them); none accrue from lawful permanent residence on. A U.S. citizen (any evidence
dated on or before the as-of date), a parolee (parole is no admission, INA 101(a)(13)(B): the
DHS report counts admitted nonimmigrants) and a person with no overstay day have none (-1
here, null in the truth files).

In the generated population a person has at most one application, and deferred action goes
only to persons with no application and no proceedings, so the periods never overlap and
their overlaps with the stay are summed.
"""

from __future__ import annotations

import numpy as np

from sojourn.synth.common import NEVER, BoolArr, IntArr
from sojourn.synth.evidence import citizen_since
from sojourn.synth.life import APPROVED, DENIED, I129, I485, I539, I589, REMOVED, RM, VD, Life
from sojourn.synth.params import class_codes, load_params
from sojourn.synth.population import EWI, Population
from sojourn.synth.trips import Trips

Periods = list[tuple[IntArr, IntArr]]


def classes_of(trips: Trips, life: Life, names: tuple[str, ...]) -> BoolArr:
    """Whether each person's last admission is in one of the named classes."""
    codes = class_codes(load_params())
    wanted = [codes.index(k) for k in names if k in codes]
    k = trips.klass[np.maximum(life.last, 0)]
    return np.asarray((life.last >= 0) & np.isin(k, wanted))


def extension_protects(life: Life, trips: Trips) -> BoolArr:
    """A timely I-539/I-129 (filed on or before the stay's last day) not by a WT/WB entrant."""
    ext = np.isin(life.app_form, (I129, I539)) & (life.app_filed <= life.auth0)
    return np.asarray(ext & ~classes_of(trips, life, ("WT", "WB")))


def deferred_last(life: Life) -> IntArr:
    """Last day of deferred action in force (meaningful where it was granted)."""
    return np.asarray(np.minimum(life.da_until, life.da_end - 1), dtype=np.int64)


def uncovered(lo: IntArr, hi: IntArr, periods: Periods) -> IntArr:
    """Days of [lo, hi] in none of the periods ([first, last] pairs; last < first is empty):
    the periods are clipped to [lo, hi], sorted by start and merged."""
    n = len(lo)
    if not periods:
        return np.asarray(np.maximum(hi - lo + 1, 0), dtype=np.int64)
    starts = np.stack([np.maximum(p_lo, lo) for p_lo, _ in periods], axis=1)
    ends = np.stack([np.minimum(p_hi, hi) for _, p_hi in periods], axis=1)
    empty = ends < starts
    starts, ends = np.where(empty, NEVER, starts), np.where(empty, NEVER - 1, ends)
    order = np.argsort(starts, axis=1, kind="stable")
    starts, ends = np.take_along_axis(starts, order, 1), np.take_along_axis(ends, order, 1)
    covered, reach = np.zeros(n, dtype=np.int64), lo - 1
    for j in range(starts.shape[1]):
        first = np.maximum(starts[:, j], reach + 1)
        covered += np.maximum(ends[:, j] - first + 1, 0)
        reach = np.maximum(reach, ends[:, j])
    return np.asarray(np.maximum(hi - lo + 1, 0) - covered, dtype=np.int64)


def protected(life: Life, trips: Trips, a: int, asylum: bool = False) -> Periods:
    """The periods of stay authorized of each person, as [first, last] day pairs (empty
    periods have last < first); with ``asylum``, an I-589 pending too (it stops unlawful
    presence, not overstay)."""
    none = np.full(len(life.last), NEVER, dtype=np.int64), np.zeros(len(life.last), np.int64)
    ext = np.isin(life.app_form, (I129, I539)) & extension_protects(life, trips)
    app = (life.app_form == I485) | ext | ((life.app_form == I589) & asylum)
    app &= life.app_filed <= a
    vd = (life.decision == VD) & (life.decided <= a)
    da = life.da_granted <= a
    return [
        (np.where(app, life.app_filed, none[0]), np.where(app, life.app_decided, none[1])),
        (np.where(da, life.da_granted, none[0]), np.where(da, deferred_last(life), none[1])),
        (np.where(vd, life.decided, none[0]), np.where(vd, life.vd_until, none[1])),
    ]


def _present_until(life: Life, a: int) -> IntArr:
    """The last day counted: the departure or removal day, the as-of date, or the day before
    lawful permanent residence."""
    return np.asarray(np.minimum.reduce([life.exit, np.full(len(life.exit), a), life.lpr - 1]))


def overstay_days(life: Life, pop: Population, trips: Trips, a: int, auth: IntArr) -> IntArr:
    """Overstay days of each person's current stay (-1: none)."""
    days = uncovered(auth + 1, _present_until(life, a), protected(life, trips, a))
    none = (life.last < 0) | (citizen_since(life, pop, a) <= a) | (days <= 0)
    none |= classes_of(trips, life, ("PAROLE",))  # parole is no admission: no overstay
    return np.asarray(np.where(none, -1, days), dtype=np.int64)


def eighteenth_birthdays(birth: IntArr) -> IntArr:
    """The day each person turns 18 (a Feb 29 birth: Mar 1 in a common year)."""
    d = birth.astype("datetime64[D]")
    year = d.astype("datetime64[Y]")
    month = d.astype("datetime64[M]") - year.astype("datetime64[M]")
    day = d - d.astype("datetime64[M]").astype("datetime64[D]")
    start = (year + np.timedelta64(18, "Y")).astype("datetime64[M]") + month
    return np.asarray((start.astype("datetime64[D]") + day).astype(np.int64), dtype=np.int64)


def _finding(life: Life, a: int) -> IntArr:
    """The day of a formal finding that a duration-of-status stay ended: a USCIS denial or an
    immigration judge's order (NEVER if none yet)."""
    denied = np.isin(life.app_form, (I129, I539, I485)) & (life.app_outcome == DENIED)
    denial = np.where(denied & (life.app_decided <= a), life.app_decided, NEVER)
    ordered = np.isin(life.decision, (RM, VD)) & (life.decided <= a)
    return np.asarray(np.minimum(denial, np.where(ordered, life.decided, NEVER)))


def unlawful_presence_days(
    life: Life, pop: Population, trips: Trips, a: int, auth: IntArr, admitted_to: IntArr
) -> IntArr:
    """Unlawful presence of the current stay (INA 212(a)(9)(B)(ii)-(iv)): from the day after
    the authorized stay (duration of status: after a formal finding; a status violator whose
    stay ended before ``admitted_to``, the end of the period of admission: after that end or a
    formal finding, whichever comes first, AFM 40.9.2(b)(1)(E); without admission: from
    entry), never before the 18th birthday, through the departure or removal day or the as-of
    date, less periods of stay authorized and an I-589 pending; none for a U.S. citizen and
    from lawful permanent residence on."""
    admitted = life.last >= 0
    last = np.maximum(life.last, 0)
    changed = np.isin(life.app_form, (I129, I539)) & (life.app_outcome == APPROVED)
    ds = admitted & (trips.admit_until[last] == NEVER) & ~(changed & (life.app_decided <= a))
    start = np.where(admitted, auth + 1, NEVER)
    finding = _finding(life, a)
    violator = admitted & (auth < admitted_to)
    later = np.minimum(admitted_to, finding) + 1
    start = np.where(violator, np.maximum(auth + 1, later), start)
    start = np.where(ds, np.maximum(auth + 1, finding + 1), start)
    start = np.where(pop.group == EWI, life.entry, start)
    start = np.maximum(start, eighteenth_birthdays(pop.birth))
    days = uncovered(start, _present_until(life, a), protected(life, trips, a, asylum=True))
    none = (start >= NEVER) | (citizen_since(life, pop, a) <= a)
    return np.asarray(np.where(none, 0, days), dtype=np.int64)


def bars(life: Life, a: int, unlawful: IntArr) -> IntArr:
    """The bar a departure or removal from the current stay triggered (INA 212(a)(9)(B)(i)):
    10 (years) after 365 days or more of unlawful presence; 3 after more than 180 and fewer
    than 365, on a voluntary departure before proceedings began (no NTA filed yet); else 0."""
    left = life.exit <= a
    voluntary = (life.exit_kind != REMOVED) & (life.nta_filed > life.exit)
    three = left & voluntary & (unlawful >= 181) & (unlawful < 365)
    return np.asarray(np.select([left & (unlawful >= 365), three], [10, 3], 0), dtype=np.int64)
