"""Ground truth as of the as-of date A, from the true (planned, censored) events, under the
counting conventions of issue 17 (written from the conventions and the cited law, not from the
status engine, which is tested against it).

Status vocabulary, first matching rule wins (every event dated <= A):
  us_citizen                 born in the U.S.; naturalized; a U.S. passport issued (22 U.S.C.
                             2705); an SSA citizenship indicator A recorded.
  removed                    removed by ICE (custody removal date).
  self_departed              CBP Home departure verified (app geolocation or exit record).
  departed                   left the U.S. (boarded manifest, biometric exit, land exchange or
                             an unrecorded land exit); a no-board manifest row is NOT a departure.
  lawful_permanent_resident  I-485 approved, or relief granted by an immigration judge.
  removal_order_final        final removal order (in absentia at once; otherwise 30 days without
                             appeal; or the alternate order from the day after vd_until).
  voluntary_departure        voluntary departure granted, through vd_until (INA 240B).
  in_proceedings             NTA filed with the court (served only is not enough), no final
                             order, not terminated or dismissed (includes non-final orders).
  in_status                  admitted, authorized stay not ended (``authorized_until``); an
                             I-485 filed meanwhile leaves the status as it is.
  deferred_action            deferred action granted, through min(valid_until, terminated_on-1).
  pending_application        a properly filed I-485 pending (protecting from its filing date,
                             8 CFR 245; USCIS May 6, 2009 memo); a timely I-539/I-129 pending
                             after the stay ended, not by a visa-waiver entrant (INA
                             217(a)(1); 8 CFR 214.1(c)(3)-(4)). An I-589 pending never is: it
                             stops unlawful presence only (INA 212(a)(9)(B)(iii)(II)).
  overstay                   admitted (not paroled), authorized stay ended.
  present_without_admission  entered without inspection, or paroled and the parole ended
                             (parole is no admission, INA 101(a)(13)(B); 8 CFR 212.5(e)(2)(i)).

The authorized stay ends on its last day: the I-94 date or program end + grace; a decision on a
timely extension/change; employment end + 60 days (H-1B, H-1B1, E, L, O-1, TN, capped at the
I-94 date, 8 CFR 214.1(l)(2)); the day before a parole termination takes effect; SEVIS
withdrawal + 15 days (F-1), or the termination day (no grace). Overstay days, unlawful
presence and the 3/10-year bar: ``truth_days``.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from sojourn.synth.common import NEVER, BoolArr, IntArr, date_series
from sojourn.synth.evidence import citizen_since
from sojourn.synth.life import (
    APPROVED,
    DS,
    I129,
    I485,
    I539,
    REMOVED,
    SELF_EXIT,
    SELF_GEO,
    TR,
    TRAVEL,
    VD,
    Life,
)
from sojourn.synth.params import load_params
from sojourn.synth.population import EWI, Population
from sojourn.synth.trips import Trips
from sojourn.synth.truth_days import (
    bars,
    classes_of,
    deferred_last,
    extension_protects,
    overstay_days,
    unlawful_presence_days,
)

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
    "deferred_action",
    "pending_application",
    "overstay",
    "present_without_admission",
)
REASONS = (
    "born in the U.S., naturalized, U.S. passport or SSA citizenship indicator A",
    "removal recorded in custody records",
    "CBP Home departure verified",
    "departed the U.S.",
    "adjusted status or relief granted",
    "final order of removal, not executed",
    "voluntary departure period running",
    "notice to appear filed with the immigration court",
    "within the authorized stay",
    "deferred action in force",
    "application pending that protects (adjustment, timely extension or change of status)",
    "authorized stay ended; no departure, no protecting application",
    "entered without inspection or parole ended; no application or proceedings",
)
#: The status each rule of ``_rules`` gives, in order (the last two: parole ended, and
#: entered without inspection).
RULE_STATUS = (*STATUSES, "present_without_admission")
EMPLOYMENT = ("H1B", "H1B1", "E1", "E2", "E3", "L1", "O1", "TN")


def authorized_until(life: Life, trips: Trips, a: int, admission: bool = False) -> IntArr:
    """Last authorized day of each person's last admission, as known on day a. With
    ``admission``, the period of admission the DHS overstay method measures: a status
    violation (the end of employment) does not shorten it."""
    spec = load_params()["sources"]
    out = life.auth0.copy()
    ext = extension_protects(life, trips)
    ext |= np.isin(life.app_form, (I129, I539)) & (life.app_outcome == APPROVED)
    decided = (ext | (life.app_form == I485)) & (life.app_decided <= a)
    out[decided] = np.where(life.app_end[decided] < NEVER, life.app_end[decided], out[decided])
    job = (life.job_end <= a) & classes_of(trips, life, EMPLOYMENT) & (not admission)
    grace = int(spec["employment_end"]["grace"])
    out = np.where(job, np.minimum(out, life.job_end + grace), out)
    out = np.where(life.parole_notice <= a, np.minimum(out, life.parole_end - 1), out)
    grace = int(spec["sevis"]["grace"])
    out = np.where(life.withdrawn <= a, np.minimum(out, life.withdrawn + grace), out)
    return np.asarray(out, dtype=np.int64)


def pending(life: Life, a: int, forms: tuple[int, ...]) -> BoolArr:
    on = np.isin(life.app_form, forms) & (life.app_filed <= a) & (life.app_decided > a)
    return np.asarray(on)


def _rules(life: Life, pop: Population, trips: Trips, a: int) -> list[tuple[BoolArr, IntArr]]:
    auth = authorized_until(life, trips, a)
    gone = life.exit <= a
    admitted = life.last >= 0
    arr = np.where(admitted, trips.arr[np.maximum(life.last, 0)], NEVER)
    closed = (life.decided <= a) & np.isin(life.decision, (TR, DS))
    cit = citizen_since(life, pop, a)
    adjusting = pending(life, a, (I485,))
    extending = pending(life, a, (I129, I539)) & extension_protects(life, trips) & admitted
    paroled = classes_of(trips, life, ("PAROLE",))
    da_last = deferred_last(life)
    deferred = (life.da_granted <= a) & (a <= da_last)
    da_over = (life.da_granted <= a) & (da_last < a)
    after = np.where(da_over, np.maximum(auth + 1, da_last + 1), auth + 1)
    return [
        (cit <= a, cit),
        (gone & (life.exit_kind == REMOVED), life.exit),
        (gone & np.isin(life.exit_kind, (SELF_GEO, SELF_EXIT)), life.exit),
        (gone & (life.exit_kind == TRAVEL), life.exit),
        (life.lpr <= a, life.lpr),
        (life.final_on <= a, life.final_on),
        ((life.decision == VD) & (life.decided <= a), life.decided),
        ((life.nta_filed <= a) & ~closed, life.nta_filed),
        (admitted & (auth >= a), arr),
        (deferred, life.da_granted),
        (
            adjusting | extending,
            np.where(extending, np.maximum(auth + 1, life.app_filed), life.app_filed),
        ),
        (admitted & ~paroled, after),
        (paroled, auth + 1),  # parole ended: restored to an applicant for admission
        (pop.group == EWI, np.where(da_over, da_last + 1, life.entry)),
    ]


def status_frame(life: Life, pop: Population, trips: Trips, a: int) -> pl.DataFrame:
    status = np.full(pop.n, -1, dtype=np.int64)
    since = np.full(pop.n, NEVER, dtype=np.int64)
    rules = _rules(life, pop, trips, a)
    codes = [STATUSES.index(name) for name in RULE_STATUS]
    for code, (mask, when) in zip(codes, rules, strict=True):
        hit = mask & (status < 0)
        status[hit], since[hit] = code, when[hit]
    if (status < 0).any():
        raise RuntimeError(f"{int((status < 0).sum())} persons match no status rule")
    auth = authorized_until(life, trips, a)
    days = overstay_days(life, pop, trips, a, auth)
    admitted = authorized_until(life, trips, a, admission=True)
    unlawful = unlawful_presence_days(life, pop, trips, a, auth, admitted)
    return pl.DataFrame(
        {
            "person_id": person_ids(pop.ids),
            "status": pl.Series(np.array(STATUSES)[status], dtype=pl.String),
            "since": date_series(since),
            "reason": pl.Series(np.array(REASONS)[status], dtype=pl.String),
            "authorized_until": date_series(np.where(life.last >= 0, auth, NEVER)),
            "overstay_days": pl.Series(days).replace(-1, None),
            "out_of_country_overstay": _out_of_country(life, pop, trips, pop.n, a),
            "unlawful_presence_days": pl.Series(unlawful),
            "bar": pl.Series(bars(life, a, unlawful)).replace(0, None),
        }
    )


def _out_of_country(life: Life, pop: Population, trips: Trips, n: int, a: int) -> pl.Series:
    late = trip_overstay(life, pop, trips, a)[0] == "out_of_country"
    flag = np.zeros(n, dtype=bool)
    flag[trips.person[late]] = True
    return pl.Series(flag)


def trip_overstay(
    life: Life, pop: Population, trips: Trips, a: int
) -> tuple[np.ndarray, IntArr, IntArr]:
    """Per admission: overstay kind (DHS method), authorized end, overstay days. An earlier
    admission's days run from the day after its end through its departure day inclusive; the
    last admission's are counted as the person's (``truth_days``: kept after a departure or a
    grant) but from the end of the period of admission, which a status violation (the end of
    employment) does not shorten."""
    auth = trips.auth_end.copy()
    days = np.where(trips.dep > auth, trips.dep - auth, -1)
    has = life.last >= 0
    last = life.last[has]
    person_auth = authorized_until(life, trips, a, admission=True)
    auth[last] = person_auth[has]
    days[last] = overstay_days(life, pop, trips, a, person_auth)[has]
    gone = trips.dep <= a
    over = days > 0
    kind = np.select(
        [over & gone, over & ~gone, ~gone & (auth >= a)],
        ["out_of_country", "in_country", "not_due"],
        "none",
    )
    return kind, auth, np.where(over, days, -1)


def person_ids(idx: IntArr) -> pl.Series:
    digits = pl.Series("person_id", idx).cast(pl.String).str.zfill(8)
    return pl.select(pl.concat_str(pl.lit("P"), digits).alias("person_id")).to_series()


__all__ = ["STATUSES", "authorized_until", "person_ids", "status_frame", "trip_overstay"]
