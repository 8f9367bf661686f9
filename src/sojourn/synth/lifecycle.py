"""The fate of each person's last admission, and of persons without one.

Paths of a last admission (probabilities per class in params.yaml, overstay scaled per
country): depart on time; depart late (out-of-country overstay); stay (in-country overstay);
extension / change of status; adjustment of status; asylum. Students who overstay are partly
SEVIS-terminated (authorized stay ends at termination, no grace: 8 CFR 214.2(f)(5)(iv)).
Entrants without inspection get an entry date and may apply for asylum.
"""

from __future__ import annotations

import numpy as np

from sojourn.synth import benefits
from sojourn.synth.common import NEVER, IntArr, bernoulli, ints, uniform_days
from sojourn.synth.countries import Countries
from sojourn.synth.life import TRAVEL, Life
from sojourn.synth.params import Params, class_column
from sojourn.synth.population import EWI, Population
from sojourn.synth.trips import Trips, last_trip

DEPART, LATE, STAY, EXTEND, ADJUST, ASYLUM = range(6)


def _paths(
    rng: np.random.Generator, params: Params, k: IntArr, mult: np.ndarray, earlier: IntArr
) -> IntArr:
    """Earlier trips could only end late (out of country); the last trip makes up the
    in-country share so that every admission overstays at the class rate on average."""
    s = class_column(params, "in_country")[k]
    r = np.minimum(class_column(params, "overstay")[k] * mult * (1 + earlier * s), 0.5)
    cols = [
        r * (1 - s),
        r * s,
        class_column(params, "extend")[k],
        class_column(params, "adjust")[k],
        class_column(params, "asylum")[k],
    ]
    probs = np.stack([1.0 - np.sum(cols, axis=0), *cols], axis=1)
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(k))
    return ints(np.minimum((u[:, None] >= cum).sum(axis=1), ASYLUM))


def _terminate_students(
    rng: np.random.Generator, life: Life, trips: Trips, idx: IntArr, share: float
) -> None:
    t = life.last[idx]
    pick = trips.student[t] & bernoulli(rng, share, len(idx))
    t, idx = t[pick], idx[pick]
    span = np.maximum(trips.prog_end[t] - trips.prog_start[t] - 30, 1)
    when = trips.prog_start[t] + 30 + (rng.random(len(t)) * span).astype(np.int64)
    life.terminated[idx] = when
    life.auth0[idx] = when


def _simple_paths(
    rng: np.random.Generator, life: Life, trips: Trips, path: IntArr, who: IntArr, params: Params
) -> None:
    t = life.last[who]
    dep = np.flatnonzero(path == DEPART)
    life.set_exit(who[dep], trips.ontime[t[dep]], TRAVEL)
    over = who[(path == LATE) | (path == STAY)]
    _terminate_students(rng, life, trips, over, params["trips"]["student_termination"])
    late = who[path == LATE]
    days = uniform_days(rng, params["trips"]["late_days"], len(late))
    life.set_exit(late, life.auth0[late] + days, TRAVEL)
    stay = who[path == STAY]
    life.unlawful[stay] = life.auth0[stay] + 1


def _ewi(rng: np.random.Generator, life: Life, pop: Population, params: Params, as_of: int) -> None:
    who = np.flatnonzero(pop.group == EWI)
    start = as_of - int(params["history_years"] * 365.25)
    life.entry[who] = uniform_days(rng, (start, as_of), len(who))
    life.unlawful[who] = life.entry[who]
    applied = who[bernoulli(rng, 0.35, len(who))]
    benefits.asylum(rng, life, applied, life.entry[applied], params)


def make_life(
    rng: np.random.Generator,
    pop: Population,
    trips: Trips,
    params: Params,
    countries: Countries,
    as_of: int,
) -> Life:
    life = Life.empty(pop.n)
    life.last = last_trip(trips, pop.n)
    who = np.flatnonzero(life.last >= 0)
    t = life.last[who]
    life.auth0[who] = trips.auth_end[t]
    mult = countries.overstay_mult[pop.country[who]]
    path = _paths(rng, params, trips.klass[t], mult, trips.seq[t])
    _simple_paths(rng, life, trips, path, who, params)
    ext = np.flatnonzero(path == EXTEND)
    risk = np.minimum(class_column(params, "overstay")[trips.klass[t[ext]]] * mult[ext], 0.5)
    benefits.extensions(rng, life, trips, who[ext], params, risk)
    benefits.adjustments(rng, life, trips, who[path == ADJUST], params)
    asy = who[path == ASYLUM]
    benefits.asylum(rng, life, asy, trips.arr[life.last[asy]], params)
    _ewi(rng, life, pop, params, as_of)
    benefits.naturalize(rng, life, params)
    return life


def sync_departures(life: Life, trips: Trips) -> IntArr:
    """Per trip: the true departure day (last trips take the person's exit); kind per trip."""
    kind = np.where(trips.dep < NEVER, TRAVEL, 0)
    has = np.flatnonzero(life.last >= 0)
    trips.dep[life.last[has]] = life.exit[has]
    kind[life.last[has]] = life.exit_kind[has]
    return np.asarray(kind, dtype=np.int64)
