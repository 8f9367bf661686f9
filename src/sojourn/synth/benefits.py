"""USCIS benefit paths of a last admission: extension / change of status (I-539, I-129),
adjustment (I-485, with an I-765), asylum (I-589, with an I-765), and naturalization of LPRs."""

from __future__ import annotations

import numpy as np

from sojourn.synth.common import NEVER, IntArr, bernoulli, choose, ints, uniform_days
from sojourn.synth.life import APPROVED, DENIED, I129, I485, I539, I589, SELF_GEO, TRAVEL, Life
from sojourn.synth.params import Params, class_codes
from sojourn.synth.trips import ClassTable, Trips


def _outcomes(rng: np.random.Generator, spec: dict[str, float], n: int) -> IntArr:
    p = np.array([spec["approve"], spec["deny"], 1.0 - spec["approve"] - spec["deny"]])
    return choose(rng, p, n)


def _new_class(rng: np.random.Generator, params: Params, k: IntArr) -> IntArr:
    codes = class_codes(params)
    groups = np.array([params["classes"][c]["group"] for c in codes])
    change = params["benefits"]["extension"]["change_class"]
    out = k.copy()
    for group, targets in change.items():
        sel = np.flatnonzero(groups[k] == group)
        u = rng.random(len(sel))
        edge = 0.0
        for code, p in targets.items():
            hit = (u >= edge) & (u < edge + p)
            out[sel[hit]] = codes.index(code)
            edge += p
    return out


def _leave_or_stay(
    rng: np.random.Generator,
    life: Life,
    idx: IntArr,
    end: IntArr,
    stay_p: float | np.ndarray,
    late: IntArr,
) -> None:
    """Stay past `end` (in-country overstay), or leave `late` days after it (<= 0: those who
    leave while the request is pending abandon it, 8 CFR 245.2(a)(4), 214.1(c)(4))."""
    stay = bernoulli(rng, stay_p, len(idx))
    life.unlawful[idx[stay]] = end[stay] + 1
    life.set_exit(idx[~stay], end[~stay] + late[~stay], TRAVEL)


def _before(rng: np.random.Generator, filed: IntArr, end: IntArr) -> IntArr:
    """Days before `end`, uniformly back to the filing date (negative offsets)."""
    return ints(-(rng.random(len(end)) * np.maximum(end - filed, 0)).astype(np.int64))


def extensions(
    rng: np.random.Generator,
    life: Life,
    trips: Trips,
    idx: IntArr,
    params: Params,
    risk: np.ndarray,
) -> None:
    """Timely extension or change of status; `risk` = overstay rate per person in idx."""
    spec = params["benefits"]["extension"]
    ct = ClassTable.build(params)
    arr, a0 = trips.arr[life.last[idx]], life.auth0[idx]
    filed = np.maximum(arr + 1, a0 - uniform_days(rng, spec["filed_before_end"], len(idx)))
    late_filing = bernoulli(rng, spec["untimely"], len(idx))
    filed[late_filing] = a0[late_filing] + uniform_days(
        rng, spec["untimely_after"], int(late_filing.sum())
    )
    decided = filed + uniform_days(rng, spec["processing"], len(idx))
    outcome = _outcomes(rng, spec, len(idx))
    newk = _new_class(rng, params, trips.klass[life.last[idx]])
    worker = ~ct.student[newk] & (ct.admit_hi[newk] >= 365)
    # A visa-waiver entrant cannot extend or change status (INA 217(a)(1)); an untimely request
    # authorizes nothing (8 CFR 214.1(c)(4)): both denied, the stay still ends on a0.
    codes = class_codes(params)
    vwp = np.isin(trips.klass[life.last[idx]], [codes.index("WT"), codes.index("WB")])
    outcome[vwp | late_filing] = DENIED
    base = np.where(vwp | late_filing, a0, np.maximum(a0, decided))
    length = ct.admit_hi[newk] + ct.grace[newk]
    end = np.where(outcome == APPROVED, base + length, base)
    life.app_form[idx] = np.where(worker, I129, I539)
    life.app_filed[idx], life.app_decided[idx], life.app_outcome[idx] = filed, decided, outcome
    life.app_end[idx], life.app_class[idx] = end, newk
    ok = outcome == APPROVED
    frac = rng.random(len(idx))
    on_time = decided + (frac * (end - decided)).astype(np.int64)
    late = np.where(
        ok,
        uniform_days(rng, params["trips"]["late_days"], len(idx)),
        _before(rng, filed, end),
    )
    overstay = bernoulli(rng, risk, len(idx))
    stay_p = np.where(ok, 0.6, params["benefits"]["after_denial_stay"])
    leaving = ok & ~overstay
    life.set_exit(idx[leaving], on_time[leaving], TRAVEL)
    rest = ~leaving
    _leave_or_stay(rng, life, idx[rest], end[rest], stay_p[rest], late[rest])
    gone_first = life.exit[idx] < filed  # an untimely filer is still here when filing
    life.exit[idx[gone_first]] = filed[gone_first] + uniform_days(
        rng, (1, 200), int(gone_first.sum())
    )


def adjustments(
    rng: np.random.Generator, life: Life, trips: Trips, idx: IntArr, params: Params
) -> None:
    spec = params["benefits"]["adjustment"]
    arr, a0 = trips.arr[life.last[idx]], life.auth0[idx]
    filed = arr + uniform_days(rng, spec["filed_after"], len(idx))
    filed = np.maximum(arr + 1, np.minimum(filed, a0 - 1))
    decided = filed + uniform_days(rng, spec["processing"], len(idx))
    outcome = _outcomes(rng, spec, len(idx))
    life.app_form[idx], life.app_filed[idx] = I485, filed
    life.app_decided[idx], life.app_outcome[idx] = decided, outcome
    ok = outcome == APPROVED
    life.lpr[idx[ok]] = decided[ok]
    life.app_end[idx] = np.where(ok, NEVER, np.maximum(a0, decided))
    bad = np.flatnonzero(~ok)
    late = _before(rng, filed[bad], life.app_end[idx[bad]])
    _leave_or_stay(rng, life, idx[bad], life.app_end[idx[bad]], spec["denied_stay"], late)


def asylum(
    rng: np.random.Generator, life: Life, idx: IntArr, start: IntArr, params: Params
) -> None:
    """Affirmative asylum applications stay pending (backlog); some are referred to court."""
    spec = params["benefits"]["asylum"]
    filed = start + uniform_days(rng, spec["filed_after"], len(idx))
    life.app_form[idx], life.app_filed[idx] = I589, filed
    life.app_decided[idx], life.app_outcome[idx] = NEVER, -1
    referred = bernoulli(rng, spec["referred"], len(idx))
    life.nta_served[idx[referred]] = filed[referred] + uniform_days(
        rng, (60, 400), int(referred.sum())
    )


def naturalize(rng: np.random.Generator, life: Life, params: Params) -> None:
    spec = params["benefits"]["naturalization"]
    idx = np.flatnonzero(life.lpr < NEVER)
    spouse = bernoulli(rng, spec["spouse_share"], len(idx))
    years = np.where(spouse, spec["spouse_years"], spec["wait_years"])
    eligible = life.lpr[idx] + (years * 365.25).astype(np.int64)
    when = eligible + uniform_days(rng, spec["after_eligible"], len(idx))
    yes = bernoulli(rng, spec["rate"], len(idx)) & (life.exit_kind[idx] != SELF_GEO)
    life.natz[idx[yes]] = when[yes]


__all__ = ["I129", "I539", "adjustments", "asylum", "extensions", "naturalize"]
