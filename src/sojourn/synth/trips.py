"""Admissions (I-94 trips): arrival, class, mode, port, authorized stay and planned departure.

Every trip but a person's last one ends in a departure (on time, or late = out-of-country
overstay, after which the person does not return). The last trip's fate is decided in
``lifecycle``; here it gets a provisional on-time departure.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from sojourn.synth.common import NEVER, BoolArr, IntArr, choose_rows, ints, uniform_days
from sojourn.synth.countries import Countries
from sojourn.synth.params import Params, class_codes, class_column, class_range
from sojourn.synth.population import TRAVELLER, Population

MAX_TRIPS = 6
AIR = (
    "NYC",
    "LOS",
    "MIA",
    "SFR",
    "CHI",
    "HOU",
    "WAS",
    "ATL",
    "DAL",
    "NEW",
    "BOS",
    "SEA",
    "ORL",
    "DET",
    "PHI",
)
SEA = ("MIA", "PEV", "NOL", "LOS", "SEA")
LAND_NORTH = ("BUF", "DET", "BLA", "CHM", "PHU")
LAND_SOUTH = ("SYS", "ELP", "LAR", "NOG", "HID", "CXL", "BRO")
PORTS = AIR + SEA + LAND_NORTH + LAND_SOUTH
AIR_MODE, SEA_MODE, LAND_MODE = 0, 1, 2
PORT_BASE = {
    "air": 0,
    "sea": len(AIR),
    "north": len(AIR) + len(SEA),
    "south": len(AIR) + len(SEA) + len(LAND_NORTH),
}


@dataclass
class Trips:
    person: IntArr
    seq: IntArr
    arr: IntArr
    klass: IntArr
    mode: IntArr
    port: IntArr
    admit_until: IntArr
    auth_end: IntArr
    dep: IntArr
    ontime: IntArr
    prog_start: IntArr
    prog_end: IntArr
    student: BoolArr

    def __len__(self) -> int:
        return len(self.person)


@dataclass(frozen=True)
class ClassTable:
    student: BoolArr
    admit_lo: IntArr
    admit_hi: IntArr
    stay_lo: np.ndarray
    stay_hi: np.ndarray
    grace: IntArr
    late_rate: np.ndarray
    trips: np.ndarray

    @staticmethod
    def build(params: Params) -> ClassTable:
        specs = [params["classes"][c] for c in class_codes(params)]
        lo, hi = class_range(params, "admit")
        slo, shi = class_range(params, "stay")
        over, inc = class_column(params, "overstay"), class_column(params, "in_country")
        return ClassTable(
            student=np.array([s["group"] == "student" for s in specs]),
            admit_lo=lo.astype(np.int64),
            admit_hi=hi.astype(np.int64),
            stay_lo=slo,
            stay_hi=shi,
            grace=np.array([int(s.get("grace", 0)) for s in specs]),
            late_rate=over * (1 - inc),
            trips=class_column(params, "trips"),
        )


def _ports(rng: np.random.Generator, mode: IntArr, profile: IntArr) -> IntArr:
    n = len(mode)
    north = np.where(profile == 2, True, np.where(profile == 3, False, rng.random(n) < 0.5))
    base = np.select(
        [mode == AIR_MODE, mode == SEA_MODE, north],
        [PORT_BASE["air"], PORT_BASE["sea"], PORT_BASE["north"]],
        PORT_BASE["south"],
    )
    size = np.select(
        [mode == AIR_MODE, mode == SEA_MODE, north],
        [len(AIR), len(SEA), len(LAND_NORTH)],
        len(LAND_SOUTH),
    )
    return ints(base + (rng.random(n) * size).astype(np.int64))


def _stay(rng: np.random.Generator, ct: ClassTable, k: IntArr, arr: IntArr) -> tuple[IntArr, ...]:
    """Admit-until (NEVER = D/S), authorized end, program dates and on-time departure."""
    n = len(k)
    length = ct.admit_lo[k] + (rng.random(n) * (ct.admit_hi[k] - ct.admit_lo[k] + 1)).astype(int)
    student = ct.student[k]
    p_start = np.where(student, arr + rng.integers(0, 31, n), NEVER)
    p_end = np.where(student, p_start + length, NEVER)
    admit = np.where(student, NEVER, arr + length)
    auth = np.where(student, p_end + ct.grace[k], admit)
    frac = ct.stay_lo[k] + rng.random(n) * (ct.stay_hi[k] - ct.stay_lo[k])
    dep = np.where(
        student,
        p_end + (rng.random(n) * (ct.grace[k] + 1)).astype(int),
        arr + np.maximum(1, (frac * (auth - arr)).astype(np.int64)),
    )
    return admit, auth, p_start, p_end, np.minimum(dep, auth)


def make_trips(
    rng: np.random.Generator,
    pop: Population,
    params: Params,
    c: Countries,
    as_of: int,
    first: IntArr | None = None,
) -> Trips:
    """``first``: a fixed first arrival day per person (parolees' window), NEVER for none."""
    ct = ClassTable.build(params)
    start = as_of - int(params["history_years"] * 365.25)
    who = np.flatnonzero(pop.group == TRAVELLER)
    extra = np.minimum(rng.poisson(ct.trips[pop.klass[who]]), MAX_TRIPS - 1)
    earliest = np.minimum(np.maximum(start, pop.birth[who] + 30), as_of)
    arr = earliest + (rng.random(len(who)) * np.maximum(as_of - earliest, 1)).astype(np.int64)
    if first is not None:
        arr = np.where(first[who] < NEVER, first[who], arr)
    mode_cum = np.cumsum(
        np.array([params["modes"][p] for p in ("vwp", "visa", "canada", "mexico")]), axis=1
    )
    parts: list[dict[str, IntArr]] = []
    alive = np.ones(len(who), dtype=bool)
    for seq in range(MAX_TRIPS):
        act = np.flatnonzero(alive & (seq <= extra) & (arr <= as_of))
        if len(act) == 0:
            break
        person = who[act]
        k = pop.klass[person]
        admit, auth, p_start, p_end, dep = _stay(rng, ct, k, arr[act])
        late = rng.random(len(act)) < ct.late_rate[k] * c.overstay_mult[pop.country[person]]
        ontime = dep
        dep = np.where(late, auth + uniform_days(rng, params["trips"]["late_days"], len(act)), dep)
        profile = c.profile[pop.country[person]]
        mode = choose_rows(rng, mode_cum, profile)
        parts.append(
            {
                "person": person,
                "seq": np.full(len(act), seq),
                "arr": arr[act],
                "klass": k,
                "mode": mode,
                "port": _ports(rng, mode, profile),
                "admit_until": admit,
                "auth_end": auth,
                "dep": dep,
                "ontime": ontime,
                "prog_start": p_start,
                "prog_end": p_end,
            }
        )
        alive[act[late]] = False
        alive[np.setdiff1d(np.arange(len(who)), act)] = False
        arr[act] = dep + uniform_days(rng, params["trips"]["gap_days"], len(act))
    keys = [f.name for f in fields(Trips) if f.name != "student"]
    cols = {k: np.concatenate([np.zeros(0, np.int64), *(p[k] for p in parts)]) for k in keys}
    order = np.lexsort((cols["seq"], cols["person"]))
    cols = {key: v[order] for key, v in cols.items()}
    return Trips(**cols, student=ct.student[cols["klass"]])


def last_trip(trips: Trips, n: int) -> IntArr:
    """Index of each person's last trip (-1 for persons without an admission)."""
    out = np.full(n, -1, dtype=np.int64)
    out[trips.person] = np.arange(len(trips))  # sorted by (person, seq): the last write wins
    return out
