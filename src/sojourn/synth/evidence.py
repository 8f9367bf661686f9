"""Deferred action grants, and the evidence of citizenship and of work authorization that the
Department of State and SSA hold: U.S. passports (22 U.S.C. 2705) and Numident citizenship
indicators (A = U.S. citizen; B, C = legal alien allowed / not allowed to work).

Runs after enforcement: deferred action goes to persons no enforcement touched; passports go to
U.S.-born and naturalized citizens, and to travellers who are in fact U.S. citizens (born
abroad to a U.S. citizen, INA 301) and show it only by a U.S. passport or an SSA indicator A
after an arrival on a foreign passport — the citizen a status engine must not call an overstay.
"""

from __future__ import annotations

import numpy as np

from sojourn.synth.common import NEVER, IntArr, bernoulli, day, uniform_days
from sojourn.synth.life import CSI_A, CSI_B, CSI_C, Life
from sojourn.synth.params import Params, as_date, class_codes
from sojourn.synth.population import CITIZEN, EWI, TRAVELLER, Population
from sojourn.synth.trips import Trips

DACA, OTHER = 0, 1


def _untouched(life: Life) -> np.ndarray:
    """In the U.S., no application, no enforcement, no CBP Home, not an LPR."""
    return np.asarray(
        (life.exit == NEVER) & (life.app_form < 0) & (life.nta_served == NEVER)
        & (life.book_in == NEVER) & (life.intent == NEVER) & (life.lpr == NEVER)
    )  # fmt: skip


def deferred_action(
    rng: np.random.Generator, life: Life, pop: Population, params: Params, as_of: int
) -> None:
    spec = params["sources"]["deferred_action"]
    free = _untouched(life)
    ewi = np.flatnonzero(free & (pop.group == EWI))
    ewi = ewi[bernoulli(rng, float(spec["ewi"]), len(ewi))]
    over = np.flatnonzero(free & (pop.group == TRAVELLER) & (life.unlawful < NEVER))
    over = over[bernoulli(rng, float(spec["overstays"]), len(over))]
    start = np.concatenate(
        [np.maximum(life.entry[ewi], day(as_date(spec["daca_from"]))), life.unlawful[over]]
    )
    who = np.concatenate([ewi, over])
    # the current grant (renewed every two years: DACA renewals), some months after the start
    recent = as_of - uniform_days(rng, (0, 1100), len(who))
    granted = np.maximum(start + uniform_days(rng, (30, 400), len(who)), recent)
    keep = granted <= as_of
    who, granted = who[keep], granted[keep]
    life.da_granted[who] = granted
    life.da_until[who] = granted + int(spec["valid_days"]) - 1
    life.da_program[who] = np.where(np.isin(who, ewi), DACA, OTHER)
    ended = bernoulli(rng, float(spec["terminated"]), len(who))
    life.da_end[who[ended]] = granted[ended] + uniform_days(rng, (60, 700), int(ended.sum()))


def _acquired(rng: np.random.Generator, life: Life, trips: Trips, spec: Params, a: int) -> None:
    """Travellers who are U.S. citizens, shown by a passport or an SSA indicator A only."""
    has = (life.last >= 0) & (life.natz == NEVER)
    stuck = has & (life.unlawful < NEVER) & (life.exit > a)
    p = np.where(stuck, float(spec["overstays"]), float(spec["travellers"]))
    who = np.flatnonzero(has & bernoulli(rng, p, len(has)))
    arr = trips.arr[life.last[who]]
    when = arr + 1 + (rng.random(len(who)) * np.maximum(a - arr, 0)).astype(np.int64)
    when = np.minimum(when, a)
    book = bernoulli(rng, float(spec["passport"]), len(who))
    life.passport[who[book]] = when[book]
    life.numident[who[~book]], life.csi[who[~book]] = when[~book], CSI_A


def passports(
    rng: np.random.Generator, life: Life, pop: Population, params: Params, a: int
) -> None:
    spec = params["sources"]["passports"]
    born = np.flatnonzero((pop.group == CITIZEN) & bernoulli(rng, float(spec["us_born"]), pop.n))
    lo = np.maximum(pop.birth[born] + 16 * 365, a - 3650)
    life.passport[born] = lo + (rng.random(len(born)) * np.maximum(a - lo, 0)).astype(np.int64)
    natz = np.flatnonzero((life.natz < NEVER) & bernoulli(rng, float(spec["naturalized"]), pop.n))
    life.passport[natz] = life.natz[natz] + uniform_days(rng, spec["after"], len(natz))


def numident(
    rng: np.random.Generator, life: Life, pop: Population, trips: Trips, params: Params
) -> None:
    spec = params["sources"]["numident"]
    codes = class_codes(params)
    group = np.array([params["classes"][k]["group"] for k in codes])
    has = life.last >= 0
    k = trips.klass[np.maximum(life.last, 0)]
    arr = trips.arr[np.maximum(life.last, 0)]
    for label, code, share in (("worker", CSI_B, "workers"), ("student", CSI_C, "students")):
        who = np.flatnonzero(has & (group[k] == label) & bernoulli(rng, spec[share], pop.n))
        life.numident[who] = arr[who] + uniform_days(rng, spec["after"], len(who))
        life.csi[who] = code
    lpr = np.flatnonzero((life.lpr < NEVER) & bernoulli(rng, float(spec["lpr"]), pop.n))
    life.numident[lpr] = life.lpr[lpr] + uniform_days(rng, spec["after"], len(lpr))
    life.csi[lpr] = CSI_B
    natz = np.flatnonzero((life.natz < NEVER) & bernoulli(rng, spec["naturalized"], pop.n))
    life.numident[natz] = life.natz[natz] + uniform_days(rng, spec["after"], len(natz))
    life.csi[natz] = CSI_A


def run(
    rng: np.random.Generator, life: Life, pop: Population, trips: Trips, params: Params, a: int
) -> None:
    deferred_action(rng, life, pop, params, a)
    passports(rng, life, pop, params, a)
    numident(rng, life, pop, trips, params)
    _acquired(rng, life, trips, params["sources"]["acquired"], a)


def citizen_since(life: Life, pop: Population, a: int) -> IntArr:
    """The day each person's U.S. citizenship is shown (birth, naturalization, a passport, an
    SSA indicator A), as known on day a; NEVER if not."""
    out = np.where(pop.group == CITIZEN, pop.birth, NEVER)
    out = np.minimum(out, np.where(life.natz <= a, life.natz, NEVER))
    out = np.minimum(out, np.where(life.passport <= a, life.passport, NEVER))
    shown = (life.numident <= a) & (life.csi == CSI_A)
    return np.asarray(np.minimum(out, np.where(shown, life.numident, NEVER)), dtype=np.int64)
