"""Persons: group (traveller, U.S.-born citizen, entered without inspection), nationality,
naming tradition, sex, birth date, names, class of admission and document numbers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sojourn.synth.common import NEVER, IntArr, choose, choose_rows, scramble, uniform_days
from sojourn.synth.countries import Countries, class_cum
from sojourn.synth.names import NameBank, Origin, zipf_weights
from sojourn.synth.params import Params, class_codes

TRAVELLER, CITIZEN, EWI = 0, 1, 2
SEX_CODES = ("M", "F", "X")
# Age (years) by class group: mean, sd, min, max.
AGES = {
    "visitor": (40, 15, 0, 85),
    "student": (23, 3, 17, 35),
    "worker": (35, 8, 22, 65),
    "citizen": (34, 11, 18, 70),
    "ewi": (29, 9, 15, 65),
}


@dataclass
class Population:
    n: int
    group: IntArr
    country: IntArr
    origin: IntArr
    sex: IntArr
    birth: IntArr
    given: IntArr
    middle: IntArr
    family: IntArr
    family2: IntArr
    klass: IntArr
    renew: IntArr

    @property
    def ids(self) -> IntArr:
        return np.arange(self.n, dtype=np.int64)


def _groups(rng: np.random.Generator, n: int, params: Params) -> IntArr:
    pop = params["population"]
    p = np.array(
        [
            1.0 - pop["born_citizen_share"] - pop["ewi_share"],
            pop["born_citizen_share"],
            pop["ewi_share"],
        ]
    )
    return choose(rng, p, n)


def _countries(rng: np.random.Generator, group: IntArr, params: Params, c: Countries) -> IntArr:
    out = choose(rng, c.share, len(group))
    ewi = params["population"]["ewi_countries"]
    ewi_idx = np.array([c.index(k) for k in ewi])
    sel = group == EWI
    out[sel] = ewi_idx[choose(rng, np.array(list(ewi.values()), dtype=float), int(sel.sum()))]
    out[group == CITIZEN] = c.index("USA")
    return out


def _origins(
    rng: np.random.Generator,
    group: IntArr,
    country: IntArr,
    c: Countries,
    bank: NameBank,
    params: Params,
) -> IntArr:
    origin = c.origin[country].copy()
    cit = params["population"]["citizen_origins"]
    idx = np.array([bank.origin(k).index for k in cit])
    sel = group == CITIZEN
    origin[sel] = idx[choose(rng, np.array(list(cit.values()), dtype=float), int(sel.sum()))]
    return origin


def _pick(rng: np.random.Generator, pool: IntArr, size: int) -> IntArr:
    return pool[choose(rng, zipf_weights(len(pool)), size)]


def _middle(rng: np.random.Generator, o: Origin, sex_pool: str, given: IntArr) -> IntArr:
    n = len(given)
    out = np.full(n, -1, dtype=np.int64)
    has = rng.random(n) < o.middle_rate
    if o.middle_from == "family":
        pool = o.pools["family"]
    elif o.middle_from == "given":
        pool = o.pools[sex_pool]
    else:
        pool = o.pools.get("middle_" + sex_pool, np.zeros(0, dtype=np.int64))
    if len(pool):
        out[has] = _pick(rng, pool, int(has.sum()))
    return out


def _names(rng: np.random.Generator, pop: Population, bank: NameBank) -> None:
    for o in bank.origins:
        for sex in (0, 1, 2):
            sel = np.flatnonzero((pop.origin == o.index) & (pop.sex == sex))
            pool = "female" if sex == 1 or (sex == 2 and rng.random() < 0.5) else "male"
            pop.given[sel] = _pick(rng, o.pools[pool], len(sel))
            pop.middle[sel] = _middle(rng, o, pool, pop.given[sel])
            fam = o.pools["family_f" if sex == 1 else "family"]
            pop.family[sel] = _pick(rng, fam, len(sel))
            two = rng.random(len(sel)) < o.double_surname
            pop.family2[sel[two]] = _pick(rng, o.pools["family"], int(two.sum()))


def _ages(rng: np.random.Generator, pop: Population, params: Params, as_of: int) -> None:
    codes = class_codes(params)
    groups = np.array([params["classes"][k]["group"] for k in codes])
    label = np.where(pop.klass >= 0, groups[np.maximum(pop.klass, 0)], "visitor")
    label[pop.group == CITIZEN] = "citizen"
    label[pop.group == EWI] = "ewi"
    for name, (mean, sd, lo, hi) in AGES.items():
        sel = np.flatnonzero(label == name)
        years = np.clip(rng.normal(mean, sd, len(sel)), lo, hi)
        pop.birth[sel] = as_of - (years * 365.25).astype(np.int64) - rng.integers(60, 425, len(sel))


def make_population(
    rng: np.random.Generator,
    n: int,
    params: Params,
    countries: Countries,
    bank: NameBank,
    as_of: int,
) -> Population:
    group = _groups(rng, n, params)
    country = _countries(rng, group, params, countries)
    origin = _origins(rng, group, country, countries, bank, params)
    sex_p = np.array(list(params["population"]["sex"].values()), dtype=float)
    klass = choose_rows(rng, class_cum(params, countries), country)
    klass[group != TRAVELLER] = -1

    def blank() -> IntArr:
        return np.full(n, -1, dtype=np.int64)

    pop = Population(
        n,
        group,
        country,
        origin,
        choose(rng, sex_p, n),
        np.zeros(n, np.int64),
        blank(),
        blank(),
        blank(),
        blank(),
        klass,
        np.full(n, NEVER, np.int64),
    )
    _names(rng, pop, bank)
    _ages(rng, pop, params, as_of)
    start = as_of - int(params["history_years"] * 365.25)
    renew = (rng.random(n) < params["population"]["passport_renewal"]) & (group == TRAVELLER)
    pop.renew[renew] = uniform_days(rng, (start, as_of), int(renew.sum()))
    return pop


def a_numbers(person: IntArr) -> IntArr:
    """A-number digits (9 digits, "A" prefix added by the source)."""
    return 200_000_000 + scramble(person, 100_000_000, 11)


def passport_numbers(person: IntArr, renewed: IntArr) -> IntArr:
    """Passport serial as an integer; renewed passports get a different serial."""
    return scramble(person * 2 + renewed, 2_600_000_000, 5)
