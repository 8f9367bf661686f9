"""Records of people living in the U.S.: convictions, AR-11 address filings, and the records
in which U.S.-born citizens wrongly surface (court, custody, convictions; GAO-21-487)."""

from __future__ import annotations

import numpy as np

from sojourn.synth.common import NEVER, IntArr, bernoulli, choose, ints, uniform_days
from sojourn.synth.enforcement import citizen_court
from sojourn.synth.life import I485, I589, Life
from sojourn.synth.params import Params
from sojourn.synth.population import CITIZEN, EWI, Population
from sojourn.synth.trips import Trips

# (offense, statute, class code, weight, sentence days lo, hi). Class codes per the mapping:
# AF aggravated felony (INA 101(a)(43)), F felony, M misdemeanor, I infraction (18 U.S.C. 3559).
OFFENSES = (
    ("DRIVING UNDER THE INFLUENCE", "VC 23152(a)", "M", 18, 0, 180),
    ("PETTY THEFT", "PC 484(a)", "M", 12, 0, 90),
    ("DRIVING WITHOUT A LICENSE", "VC 12500(a)", "I", 14, 0, 0),
    ("SPEEDING", "VC 22350", "I", 10, 0, 0),
    ("SIMPLE ASSAULT", "PC 240", "M", 8, 0, 180),
    ("TRESPASS", "PC 602", "M", 5, 0, 30),
    ("POSSESSION OF CONTROLLED SUBSTANCE", "HS 11350", "F", 7, 30, 365),
    ("BURGLARY", "PC 459", "F", 5, 180, 1095),
    ("WIRE FRAUD", "18 USC 1343", "F", 3, 365, 1825),
    ("IDENTITY THEFT", "18 USC 1028", "F", 3, 180, 1095),
    ("DOMESTIC VIOLENCE", "PC 273.5", "F", 5, 90, 730),
    ("ROBBERY", "PC 211", "AF", 3, 730, 2555),
    ("DRUG TRAFFICKING", "21 USC 841(a)", "AF", 3, 1095, 3650),
    ("SEXUAL ABUSE OF A MINOR", "PC 288(a)", "AF", 1, 1095, 5475),
)


def _span(rng: np.random.Generator, start: IntArr, end: IntArr) -> IntArr:
    return ints(start + (rng.random(len(start)) * np.maximum(end - start, 1)).astype(np.int64))


def residence(life: Life, pop: Population, trips: Trips, as_of: int) -> tuple[IntArr, IntArr]:
    """When each person's current stay in the U.S. began and ended (as far as planned)."""
    start = np.full(pop.n, NEVER, dtype=np.int64)
    has = life.last >= 0
    start[has] = trips.arr[life.last[has]]
    ewi = pop.group == EWI
    start[ewi] = life.entry[ewi]
    cit = pop.group == CITIZEN
    window = as_of - int(10 * 365.25)
    start[cit] = np.maximum(pop.birth[cit] + 18 * 365, window)
    return start, np.minimum(life.exit, as_of)


def citizen_records(
    rng: np.random.Generator, life: Life, pop: Population, params: Params, start: IntArr, as_of: int
) -> IntArr:
    """Marks where U.S.-born citizens surface; returns the ones with convictions."""
    spec = params["citizens"]
    cit = np.flatnonzero(pop.group == CITIZEN)
    kind = choose(rng, np.array([spec["conviction"], spec["custody"], spec["court"]]), len(cit))
    court = cit[kind == 2]
    citizen_court(rng, life, court, start[court], as_of)
    held = cit[kind == 1]
    life.book_in[held] = _span(rng, start[held], np.full(len(held), as_of))
    life.release[held] = life.book_in[held] + uniform_days(rng, (1, 60), len(held))
    nat = np.flatnonzero(life.natz < NEVER)
    nat = nat[bernoulli(rng, spec["naturalized_custody"], len(nat))]
    life.book_in[nat] = life.natz[nat] + uniform_days(rng, (30, 1500), len(nat))
    life.release[nat] = life.book_in[nat] + uniform_days(rng, (1, 30), len(nat))
    return ints(cit[kind == 0])


def convictions(
    rng: np.random.Generator,
    life: Life,
    pop: Population,
    params: Params,
    span: tuple[IntArr, IntArr],
    forced: IntArr,
) -> dict[str, IntArr]:
    spec = params["convictions"]
    start, end = span
    long = (end - start) > 365
    rate = np.where(long, spec["resident"], spec["visitor"])
    rate[pop.group == CITIZEN] = 0.0
    rate[forced] = 1.0
    who = np.flatnonzero(bernoulli(rng, rate, pop.n) & (end - start > 60))
    person = np.repeat(who, 1 + rng.poisson(spec["extra"], len(who)))
    when = _span(rng, start[person] + 30, end[person])
    weights = np.array([o[3] for o in OFFENSES], dtype=float)
    offense = choose(rng, weights, len(person))
    lo = np.array([o[4] for o in OFFENSES])[offense]
    hi = np.array([o[5] for o in OFFENSES])[offense]
    sentence = lo + (rng.random(len(person)) * (hi - lo + 1)).astype(np.int64)
    committed = np.maximum(start[person], when - uniform_days(rng, (20, 300), len(person)))
    return {
        "person": person,
        "offense": offense,
        "offense_dt": committed,
        "conviction_dt": when,
        "sentence": sentence,
    }


def addresses(
    rng: np.random.Generator, life: Life, pop: Population, params: Params, end: IntArr
) -> dict[str, IntArr]:
    spec = params["addresses"]
    since = np.minimum.reduce(
        [
            np.where(np.isin(life.app_form, (I485, I589)), life.app_filed, NEVER),
            life.nta_served,
            life.book_in,
            life.lpr,
        ]
    )
    holder = (since < end) & (pop.group != CITIZEN)
    who = np.flatnonzero(holder & bernoulli(rng, spec["holders"], pop.n))
    person = np.repeat(who, 1 + rng.poisson(spec["filings"] - 1, len(who)))
    effective = _span(rng, since[person], end[person])
    submitted = effective + uniform_days(rng, (0, 30), len(person))
    return {
        "person": person,
        "effective": effective,
        "submitted": submitted,
        "address": rng.integers(0, 1 << 30, len(person)),
    }
