"""Ground truth as of the as-of date, derived from the true (planned, censored) events.

Status vocabulary, first matching rule wins (A = as-of date, every event dated <= A):
  us_citizen                 born in the U.S., or naturalized on or before A.
  removed                    removed by ICE (custody removal date) on or before A.
  self_departed              CBP Home departure verified (app geolocation or exit record).
  departed                   left the U.S. (boarded manifest, biometric exit, land exchange or
                             an unrecorded land exit); a no-board manifest row is NOT a departure.
  lawful_permanent_resident  I-485 approved, or relief granted by an immigration judge.
  removal_order_final        final removal order (in absentia at once; otherwise 30 days without
                             appeal; or the alternate order after voluntary departure expired).
  voluntary_departure        voluntary departure granted and its period not yet over.
  in_proceedings             NTA filed with the court (served only is not enough), no final
                             order, not terminated or dismissed (includes non-final orders).
  in_status                  admitted, authorized stay (incl. approved extensions; students:
                             program end + grace, or SEVIS termination) not yet ended.
  pending_application        an I-539/I-129/I-485/I-589 is pending and nothing above applies
                             (for admitted persons: their authorized stay has ended).
  overstay                   admitted, authorized stay ended, no departure, no pending
                             application (a denial ends the stay on the decision date).
  present_without_admission  entered without inspection, nothing of the above.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from sojourn.synth.common import NEVER, BoolArr, IntArr, date_series
from sojourn.synth.life import (
    DS,
    I129,
    I485,
    I539,
    I589,
    REMOVED,
    SELF_EXIT,
    SELF_GEO,
    TR,
    TRAVEL,
    VD,
    Life,
)
from sojourn.synth.population import CITIZEN, EWI, Population
from sojourn.synth.trips import Trips

STATUSES = (
    "us_citizen",
    "removed",
    "self_departed",
    "departed",
    "lawful_permanent_resident",
    "removal_order_final",
    "voluntary_departure",
    "in_proceedings",
    "in_status",
    "pending_application",
    "overstay",
    "present_without_admission",
)
REASONS = (
    "born in the U.S. or naturalized",
    "removal recorded in custody records",
    "CBP Home departure verified",
    "departed the U.S.",
    "adjusted status or relief granted",
    "final order of removal, not executed",
    "voluntary departure period running",
    "notice to appear filed with the immigration court",
    "within the authorized stay",
    "application pending (extension, change or adjustment of status, or asylum)",
    "authorized stay ended; no departure, no pending application",
    "entered without inspection; no application or proceedings",
)
IN_COUNTRY_OVER = ("overstay", "in_proceedings", "removal_order_final", "voluntary_departure")


def authorized_until(life: Life, a: int) -> IntArr:
    """End of the authorized stay of each person's last admission, as known on day a."""
    out = life.auth0.copy()
    decided = np.isin(life.app_form, (I129, I539, I485)) & (life.app_decided <= a)
    out[decided] = np.where(life.app_end[decided] < NEVER, life.app_end[decided], out[decided])
    return out


def pending(life: Life, a: int) -> BoolArr:
    forms = np.isin(life.app_form, (I129, I539, I485, I589))
    return np.asarray(forms & (life.app_filed <= a) & (life.app_decided > a))


def _rules(life: Life, pop: Population, trips: Trips, a: int) -> list[tuple[BoolArr, IntArr]]:
    auth = authorized_until(life, a)
    gone = life.exit <= a
    admitted = life.last >= 0
    arr = np.where(admitted, trips.arr[np.maximum(life.last, 0)], NEVER)
    closed = (life.decided <= a) & np.isin(life.decision, (TR, DS))
    born = pop.group == CITIZEN
    return [
        (born | (life.natz <= a), np.where(born, pop.birth, life.natz)),
        (gone & (life.exit_kind == REMOVED), life.exit),
        (gone & np.isin(life.exit_kind, (SELF_GEO, SELF_EXIT)), life.exit),
        (gone & (life.exit_kind == TRAVEL), life.exit),
        (life.lpr <= a, life.lpr),
        (life.final_on <= a, life.final_on),
        ((life.decision == VD) & (life.decided <= a), life.decided),
        ((life.nta_filed <= a) & ~closed, life.nta_filed),
        (admitted & (auth >= a), arr),
        (
            pending(life, a),
            np.where(admitted, np.maximum(auth + 1, life.app_filed), life.app_filed),
        ),
        (admitted, auth + 1),
        (pop.group == EWI, life.entry),
    ]


def status_frame(life: Life, pop: Population, trips: Trips, a: int) -> pl.DataFrame:
    status = np.full(pop.n, -1, dtype=np.int64)
    since = np.full(pop.n, NEVER, dtype=np.int64)
    for code, (mask, when) in enumerate(_rules(life, pop, trips, a)):
        hit = mask & (status < 0)
        status[hit], since[hit] = code, when[hit]
    if (status < 0).any():
        raise RuntimeError(f"{int((status < 0).sum())} persons match no status rule")
    auth = authorized_until(life, a)
    names = np.array(STATUSES)[status]
    over = np.isin(names, IN_COUNTRY_OVER) & (life.last >= 0) & (auth < a) & ~pending(life, a)
    days = np.where(over, a - auth, -1)
    return pl.DataFrame(
        {
            "person_id": person_ids(pop.ids),
            "status": pl.Series(names, dtype=pl.String),
            "since": date_series(since),
            "reason": pl.Series(np.array(REASONS)[status], dtype=pl.String),
            "authorized_until": date_series(np.where(life.last >= 0, auth, NEVER)),
            "overstay_days": pl.Series(days).replace(-1, None),
            "out_of_country_overstay": _out_of_country(life, trips, pop.n, a),
        }
    )


def _out_of_country(life: Life, trips: Trips, n: int, a: int) -> pl.Series:
    late = trip_overstay(life, trips, a)[0] == "out_of_country"
    flag = np.zeros(n, dtype=bool)
    flag[trips.person[late]] = True
    return pl.Series(flag)


def trip_overstay(life: Life, trips: Trips, a: int) -> tuple[np.ndarray, IntArr, IntArr]:
    """Per admission: overstay kind (DHS method), authorized end, overstay days."""
    auth = trips.auth_end.copy()
    is_last = np.zeros(len(trips), dtype=bool)
    has = life.last >= 0
    is_last[life.last[has]] = True
    person_auth = authorized_until(life, a)
    auth[is_last] = person_auth[trips.person[is_last]]
    gone = trips.dep <= a
    covered = (life.lpr <= a) | (life.natz <= a) | pending(life, a)
    covered_t = covered[trips.person] & is_last
    late = gone & (trips.dep > auth)
    stuck = ~gone & (auth < a) & ~covered_t
    kind = np.select(
        [late, stuck, gone | covered_t, auth >= a],
        ["out_of_country", "in_country", "none", "not_due"],
        "none",
    )
    days = np.select([late, stuck], [trips.dep - auth, a - auth], -1)
    return kind, auth, days


def person_ids(idx: IntArr) -> pl.Series:
    digits = pl.Series("person_id", idx).cast(pl.String).str.zfill(8)
    return pl.select(pl.concat_str(pl.lit("P"), digits).alias("person_id")).to_series()


__all__ = ["STATUSES", "person_ids", "status_frame", "trip_overstay"]
