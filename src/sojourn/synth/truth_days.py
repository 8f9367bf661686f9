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
from sojourn.synth.life import I129, I485, I539, VD, Life
from sojourn.synth.params import class_codes, load_params
from sojourn.synth.population import Population
from sojourn.synth.trips import Trips


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


def _overlap(lo: IntArr, hi: IntArr, p_lo: IntArr, p_hi: IntArr) -> IntArr:
    """Days of [p_lo, p_hi] inside [lo, hi] (0 when either is empty)."""
    return np.asarray(np.maximum(np.minimum(hi, p_hi) - np.maximum(lo, p_lo) + 1, 0))


def protected(life: Life, trips: Trips, a: int) -> list[tuple[IntArr, IntArr]]:
    """The periods of stay authorized of each person, as [first, last] day pairs (empty
    periods have last < first)."""
    none = np.full(len(life.last), NEVER, dtype=np.int64), np.zeros(len(life.last), np.int64)
    ext = np.isin(life.app_form, (I129, I539)) & extension_protects(life, trips)
    app = (life.app_form == I485) | ext
    app &= life.app_filed <= a
    vd = (life.decision == VD) & (life.decided <= a)
    da = life.da_granted <= a
    return [
        (np.where(app, life.app_filed, none[0]), np.where(app, life.app_decided, none[1])),
        (np.where(da, life.da_granted, none[0]), np.where(da, deferred_last(life), none[1])),
        (np.where(vd, life.decided, none[0]), np.where(vd, life.vd_until, none[1])),
    ]


def overstay_days(life: Life, pop: Population, trips: Trips, a: int, auth: IntArr) -> IntArr:
    """Overstay days of each person's current stay (-1: none)."""
    lo = auth + 1
    hi = np.minimum.reduce([life.exit, np.full(len(auth), a), life.lpr - 1])
    days = np.maximum(hi - lo + 1, 0)
    for p_lo, p_hi in protected(life, trips, a):
        days = days - _overlap(lo, hi, p_lo, p_hi)
    none = (life.last < 0) | (citizen_since(life, pop, a) <= a) | (days <= 0)
    none |= classes_of(trips, life, ("PAROLE",))  # parole is no admission: no overstay
    return np.asarray(np.where(none, -1, days), dtype=np.int64)
