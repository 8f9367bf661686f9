"""Events that end a stay early, from the sources the law turns on (issue 17): parole assigned
and terminated (90 FR 13611: the effective date is the first day without parole), employment
ended (8 CFR 214.1(l)(2): up to 60 days from the day after, never past the I-94 date) and SEVIS
authorized withdrawals (F-1: 15 days, 8 CFR 214.2(f)(8)(i)) and termination reasons.

They run before enforcement, which reads who stayed past their authorized stay
(``life.unlawful``); the truth applies each event only once it is dated on or before the as-of
date (``truth.authorized_until``)."""

from __future__ import annotations

import numpy as np

from sojourn.synth.common import NEVER, IntArr, bernoulli, choose, day, uniform_days
from sojourn.synth.countries import Countries
from sojourn.synth.life import I589, STAYING, TRAVEL, Life
from sojourn.synth.params import Params, as_date, class_codes
from sojourn.synth.population import TRAVELLER, Population
from sojourn.synth.trips import Trips

NOTICES = ("employer_notice", "petition_withdrawn", "petition_revoked")


def assign_parole(
    rng: np.random.Generator, pop: Population, params: Params, c: Countries, as_of: int
) -> IntArr:
    """A share of some countries' travellers are parolees; returns their arrival day (NEVER
    for everyone else). Only persons born at least a month before the window's start."""
    spec = params["sources"]["parole"]
    first = np.full(pop.n, NEVER, dtype=np.int64)
    lo, hi = (day(as_date(d)) for d in spec["arrivals"])
    hi = min(hi, as_of)
    if lo > hi:
        return first
    code = class_codes(params).index("PAROLE")
    for alpha3, share in spec["countries"].items():
        ok = (pop.group == TRAVELLER) & (pop.country == c.index(alpha3)) & (pop.birth + 30 < lo)
        who = np.flatnonzero(ok)
        pick = who[bernoulli(rng, float(share), len(who))]
        pop.klass[pick] = code
        first[pick] = uniform_days(rng, (lo, hi), len(pick))
    return first


def _leave_or_stay(
    rng: np.random.Generator, life: Life, idx: IntArr, lo: IntArr, last: IntArr, stay_p: float
) -> None:
    """Leave on a day in [lo, last] (the last authorized day), or stay past it."""
    stay = bernoulli(rng, stay_p, len(idx))
    life.set_exit(idx[stay], np.full(int(stay.sum()), NEVER), STAYING)
    life.unlawful[idx[stay]] = last[stay] + 1
    go = ~stay
    span = np.maximum(last[go] - lo[go], 0)
    when = lo[go] + (rng.random(int(go.sum())) * (span + 1)).astype(np.int64)
    life.set_exit(idx[go], when, TRAVEL)
    life.unlawful[idx[go]] = NEVER


def _on_time(life: Life, trips: Trips) -> IntArr:
    """Persons whose last admission ends in an on-time departure with no application."""
    has = life.last >= 0
    t = np.maximum(life.last, 0)
    ok = has & (life.app_form < 0) & (life.exit_kind == TRAVEL) & (life.exit == trips.ontime[t])
    return np.flatnonzero(ok & (life.terminated == NEVER))


def employment_ends(rng: np.random.Generator, life: Life, trips: Trips, params: Params) -> None:
    spec = params["sources"]["employment_end"]
    codes = class_codes(params)
    classes = [codes.index(k) for k in spec["classes"]]
    who = _on_time(life, trips)
    t = life.last[who]
    arr = trips.arr[t]
    who = who[np.isin(trips.klass[t], classes) & (life.exit[who] - arr > 60)]
    who = who[bernoulli(rng, float(spec["share"]), len(who))]
    t, arr = life.last[who], trips.arr[life.last[who]]
    ended = arr + 30 + (rng.random(len(who)) * (life.exit[who] - arr - 30)).astype(np.int64)
    last = np.minimum(ended + int(spec["grace"]), life.auth0[who])
    life.job_end[who] = ended
    life.job_notice[who] = choose(rng, np.array(list(spec["notice"].values()), float), len(who))
    _leave_or_stay(rng, life, who, ended + 1, last, float(spec["stay"]))


def parole_terminations(
    rng: np.random.Generator, life: Life, pop: Population, trips: Trips, params: Params,
    c: Countries, as_of: int,
) -> None:  # fmt: skip
    """CHNV parolees still paroled on the effective date, and a few others one by one."""
    spec = params["sources"]["parole"]
    code = class_codes(params).index("PAROLE")
    has = life.last >= 0
    t = np.maximum(life.last, 0)
    ok = has & (trips.klass[t] == code) & np.isin(life.app_form, (-1, I589))
    who = np.flatnonzero(ok & (life.lpr == NEVER))
    chnv = np.isin(pop.country[who], [c.index(k) for k in spec["chnv"]])
    eff = np.full(len(who), day(as_date(spec["effective"])), dtype=np.int64)
    notice = np.full(len(who), day(as_date(spec["notice"])), dtype=np.int64)
    one = ~chnv & bernoulli(rng, float(spec["individual"]), len(who))
    eff[one] = trips.arr[t[who[one]]] + uniform_days(rng, (60, 600), int(one.sum()))
    notice[one] = eff[one] - uniform_days(rng, (14, 30), int(one.sum()))
    take = (chnv | one) & (eff <= trips.admit_until[t[who]]) & (notice <= as_of)
    who, eff, notice = who[take], eff[take], notice[take]
    life.parole_end[who], life.parole_notice[who] = eff, notice
    here = life.exit[who] >= eff
    _leave_or_stay(rng, life, who[here], notice[here], eff[here] - 1, 1 - float(spec["leave"]))


def sevis_withdrawals(rng: np.random.Generator, life: Life, trips: Trips, params: Params) -> None:
    """F-1 students on time who withdraw with their DSO's authorization; the reasons of the
    terminations (status violations) drawn in lifecycle."""
    spec = params["sources"]["sevis"]
    f1 = class_codes(params).index("F1")
    who = _on_time(life, trips)
    t = life.last[who]
    long = trips.prog_end[t] - trips.prog_start[t] > 60
    who = who[(trips.klass[t] == f1) & long]
    who = who[bernoulli(rng, float(spec["withdrawn"]), len(who))]
    t = life.last[who]
    span = trips.prog_end[t] - trips.prog_start[t] - 30
    when = trips.prog_start[t] + 30 + (rng.random(len(who)) * span).astype(np.int64)
    life.withdrawn[who] = when
    last = np.minimum(when + int(spec["grace"]), life.auth0[who])
    _leave_or_stay(rng, life, who, when + 1, last, float(spec["stay"]))
    term = np.flatnonzero(life.terminated < NEVER)
    weights = np.array(list(spec["reasons"].values()), dtype=float)
    life.term_reason[term] = choose(rng, weights, len(term))


def run(
    rng: np.random.Generator, life: Life, pop: Population, trips: Trips, params: Params,
    c: Countries, as_of: int,
) -> None:  # fmt: skip
    employment_ends(rng, life, trips, params)
    parole_terminations(rng, life, pop, trips, params, c, as_of)
    sevis_withdrawals(rng, life, trips, params)
