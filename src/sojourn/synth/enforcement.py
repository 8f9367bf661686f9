"""Notices to appear, immigration-court outcomes, custody and removal, and CBP Home
self-departure, for persons in the U.S. past their authorized stay or without admission."""

from __future__ import annotations

import numpy as np

from sojourn.synth.common import NEVER, IntArr, bernoulli, choose, day, uniform_days
from sojourn.synth.life import REMOVED, RL, RM, SELF_EXIT, SELF_GEO, TR, TRAVEL, VD, Life
from sojourn.synth.params import Params, as_date
from sojourn.synth.population import CITIZEN, EWI, TRAVELLER, Population


def _serve(rng: np.random.Generator, life: Life, pop: Population, spec: Params) -> None:
    over = np.flatnonzero((life.unlawful < NEVER) & (pop.group == TRAVELLER) & (life.exit == NEVER))
    over = over[bernoulli(rng, spec["nta"]["overstay"], len(over))]
    when = life.unlawful[over] + uniform_days(rng, spec["served_after"]["overstay"], len(over))
    life.nta_served[over] = np.minimum(life.nta_served[over], when)
    ewi = np.flatnonzero(pop.group == EWI)
    ewi = ewi[bernoulli(rng, spec["nta"]["ewi"], len(ewi))]
    when = life.entry[ewi] + uniform_days(rng, spec["served_after"]["ewi"], len(ewi))
    life.nta_served[ewi] = np.minimum(life.nta_served[ewi], when)


def _removal_orders(rng: np.random.Generator, life: Life, idx: IntArr, spec: Params) -> None:
    absent = bernoulli(rng, spec["in_absentia"], len(idx))
    life.absentia[idx[absent]] = 1
    life.final_on[idx[absent]] = life.decided[idx[absent]]
    rest = idx[~absent]
    appeal = bernoulli(rng, spec["appeal"], len(rest))
    life.appeal[rest[appeal]] = life.decided[rest[appeal]] + uniform_days(
        rng, (5, spec["appeal_window"]), int(appeal.sum())
    )
    # An appeal may be filed up to the 30th day (8 CFR 1003.38(b)): final the day after.
    life.final_on[rest[~appeal]] = life.decided[rest[~appeal]] + spec["appeal_window"] + 1


def _voluntary(rng: np.random.Generator, life: Life, idx: IntArr, spec: Params) -> None:
    life.vd_until[idx] = life.decided[idx] + spec["vd_days"]
    go = bernoulli(rng, spec["vd_departs"], len(idx))
    leave = life.decided[idx[go]] + uniform_days(rng, (5, spec["vd_days"]), int(go.sum()))
    life.set_exit(idx[go], leave, TRAVEL)
    life.final_on[idx[~go]] = life.vd_until[idx[~go]] + 1


def court(rng: np.random.Generator, life: Life, pop: Population, params: Params) -> None:
    spec = params["court"]
    _serve(rng, life, pop, spec)
    served = np.flatnonzero(life.nta_served < NEVER)
    filed = served[bernoulli(rng, spec["filed"], len(served))]
    life.nta_filed[filed] = life.nta_served[filed] + uniform_days(
        rng, spec["filed_after"], len(filed)
    )
    life.hearing[filed] = life.nta_filed[filed] + uniform_days(
        rng, spec["hearing_after"], len(filed)
    )
    done = filed[bernoulli(rng, spec["decided"], len(filed))]
    probs = np.array(list(spec["decisions"].values()), dtype=float)
    life.decision[done] = choose(rng, probs, len(done))
    life.decision[done[pop.group[done] == CITIZEN]] = TR
    life.decided[done] = life.hearing[done]
    _removal_orders(rng, life, done[life.decision[done] == RM], spec)
    _voluntary(rng, life, done[life.decision[done] == VD], spec)
    relief = done[life.decision[done] == RL]
    life.lpr[relief] = np.minimum(life.lpr[relief], life.decided[relief])


def custody(rng: np.random.Generator, life: Life, pop: Population, params: Params) -> None:
    spec = params["custody"]
    final = np.flatnonzero((life.final_on < NEVER) & (life.exit == NEVER))
    final = final[bernoulli(rng, spec["after_final"], len(final))]
    life.book_in[final] = life.final_on[final] + uniform_days(
        rng, spec["book_in_after"], len(final)
    )
    gone = bernoulli(rng, spec["removed"], len(final))
    when = life.book_in[final] + uniform_days(rng, spec["removal_after"], len(final))
    life.removal[final[gone]] = when[gone]
    life.set_exit(final[gone], when[gone], REMOVED)
    life.release[final[~gone]] = when[~gone]
    early = np.flatnonzero((life.nta_filed < NEVER) & (life.book_in == NEVER))
    early = early[bernoulli(rng, spec["before_order"], len(early))]
    life.book_in[early] = life.nta_filed[early] + uniform_days(rng, (0, 200), len(early))
    border = np.flatnonzero((pop.group == EWI) & (life.book_in == NEVER))
    border = border[bernoulli(rng, spec["ewi_border"], len(border))]
    life.book_in[border] = life.entry[border]
    rel = np.concatenate([early, border])
    life.release[rel] = life.book_in[rel] + uniform_days(rng, spec["release_after"], len(rel))


def cbp_home(rng: np.random.Generator, life: Life, pop: Population, params: Params) -> None:
    spec = params["cbp_home"]
    launch = day(as_date(spec["launch"]))
    cand = np.flatnonzero(
        (life.unlawful < NEVER)
        & (life.lpr == NEVER)
        & (pop.group != CITIZEN)
        & (life.exit > launch)
    )
    cand = cand[bernoulli(rng, spec["rate"], len(cand))]
    intent = np.maximum(launch, life.unlawful[cand]) + uniform_days(rng, (0, 200), len(cand))
    ok = intent < np.minimum(life.exit[cand], life.book_in[cand])
    cand, intent = cand[ok], intent[ok]
    life.intent[cand] = intent
    when = intent + uniform_days(rng, spec["verify_after"], len(cand))
    done = bernoulli(rng, spec["verified"], len(cand))
    done &= when < np.minimum(life.exit[cand], life.book_in[cand])
    idx, when = cand[done], when[done]
    geo = bernoulli(rng, spec["geolocation"], len(idx))
    life.verified[idx] = when
    life.set_exit(idx[geo], when[geo], SELF_GEO)
    life.set_exit(idx[~geo], when[~geo], SELF_EXIT)


def citizen_court(
    rng: np.random.Generator, life: Life, idx: IntArr, start: IntArr, as_of: int
) -> None:
    """U.S.-born citizens wrongly served with a notice to appear."""
    span = np.maximum(as_of - start, 1)
    life.nta_served[idx] = start + (rng.random(len(idx)) * span).astype(np.int64)


def run(rng: np.random.Generator, life: Life, pop: Population, params: Params) -> None:
    court(rng, life, pop, params)
    custody(rng, life, pop, params)
    cbp_home(rng, life, pop, params)
