"""Outbound departure records (mapping cbp-apis-out): APIS manifests, biometric exit
confirmations and the Canada land-border exchange, plus no-board manifest rows (travellers
kept on a manifest who never left: not departures in the truth)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from sojourn.synth.common import IntArr, bernoulli, date_series, uniform_days
from sojourn.synth.countries import PROFILES
from sojourn.synth.extracts.base import Ctx, Extract, FileSpec, NoiseBook, codes, id_strings
from sojourn.synth.extracts.identity import birth, country, passports, seconds_of_day, sex
from sojourn.synth.extracts.naming import render
from sojourn.synth.life import SELF_EXIT, TRAVEL
from sojourn.synth.trips import AIR, AIR_MODE, LAND_MODE, LAND_NORTH, PORT_BASE, PORTS, SEA

SPEC = FileSpec("departures_apis.jsonl", "departure", "cbp-apis-out", "jsonl", "record_id")
CARRIERS = (
    "AA",
    "DL",
    "UA",
    "BA",
    "LH",
    "AF",
    "EK",
    "QR",
    "TK",
    "AM",
    "AV",
    "JL",
    "KE",
    "CX",
    "AI",
    "ET",
    "LA",
    "CM",
    "B6",
    "AC",
)
CRUISE = ("CCL", "RCL", "NCL", "MSC")
MANIFEST, BIOMETRIC, LAND = 0, 1, 2
SOURCES = ("APIS", "BIOEXIT", "CBSA")


@dataclass
class Rows:
    person: IntArr
    day: IntArr
    mode: IntArr
    source: IntArr
    no_board: IntArr


def _events(ctx: Ctx) -> tuple[IntArr, IntArr, IntArr, IntArr]:
    """True departures on or before the as-of date: person, day, mode, north-bound flag."""
    t, life = ctx.trips, ctx.life
    ok = (t.dep <= ctx.as_of) & np.isin(ctx.trip_exit, (TRAVEL, SELF_EXIT))
    ewi = np.flatnonzero(
        (life.last < 0) & (life.exit <= ctx.as_of) & np.isin(life.exit_kind, (TRAVEL, SELF_EXIT))
    )
    north = (t.port >= PORT_BASE["north"]) & (t.port < PORT_BASE["south"])
    canada = ctx.countries.profile[ctx.pop.country[t.person]] == PROFILES.index("canada")
    return (
        np.concatenate([t.person[ok], ewi]),
        np.concatenate([t.dep[ok], life.exit[ewi]]),
        np.concatenate([t.mode[ok], np.full(len(ewi), AIR_MODE)]),
        np.concatenate([(north | canada)[ok], np.zeros(len(ewi), dtype=bool)]),
    )


def _recorded(ctx: Ctx, rng: np.random.Generator) -> Rows:
    spec = ctx.params["departures"]
    person, day, mode, north = _events(ctx)
    land = mode == LAND_MODE
    p_land = np.where(north, spec["canada_land_recorded"], spec["mexico_land_recorded"])
    keep = np.where(
        land, bernoulli(rng, p_land, len(day)), ~bernoulli(rng, spec["manifest_missing"], len(day))
    )
    bio = (mode == AIR_MODE) & bernoulli(rng, spec["biometric_air"], len(day))
    src = np.where(land, LAND, MANIFEST)
    parts = [(keep, src), (bio, np.full(len(day), BIOMETRIC))]
    person, day, mode = (np.concatenate([a[m] for m, _ in parts]) for a in (person, day, mode))
    source = np.concatenate([s[m] for m, s in parts])
    return Rows(person, day, mode, source, np.zeros(len(day), dtype=np.int64))


def _no_board(ctx: Ctx, rng: np.random.Generator, recorded: int, rate: float) -> Rows:
    """Manifest rows for travellers who did not board (rebooked later, or never left)."""
    t = ctx.trips
    count = round(recorded * rate / max(1e-9, 1 - rate))
    weight = np.where(t.dep > ctx.as_of, 5.0, 1.0) * (t.mode != LAND_MODE)
    if weight.sum() == 0:
        count, weight = 0, np.ones(max(len(t), 1))
    pick = rng.choice(len(weight), size=count, p=weight / weight.sum())
    gone = t.dep[pick] <= ctx.as_of
    before = np.maximum(t.arr[pick] + 1, t.dep[pick] - uniform_days(rng, (1, 14), count))
    anytime = t.arr[pick] + 1 + (rng.random(count) * np.maximum(ctx.as_of - t.arr[pick], 1))
    day = np.minimum(np.where(gone, before, anytime.astype(np.int64)), ctx.as_of)
    return Rows(
        t.person[pick],
        day,
        t.mode[pick],
        np.zeros(count, dtype=np.int64),
        np.ones(count, dtype=np.int64),
    )


def _ports(rng: np.random.Generator, mode: IntArr) -> pl.Series:
    u = rng.random(len(mode))
    idx = np.select(
        [mode == AIR_MODE, mode == LAND_MODE],
        [
            PORT_BASE["air"] + (u * len(AIR)).astype(np.int64),
            PORT_BASE["north"] + (u * len(LAND_NORTH)).astype(np.int64),
        ],
        PORT_BASE["sea"] + (u * len(SEA)).astype(np.int64),
    )
    return codes(PORTS, idx)


def _carrier(rng: np.random.Generator, mode: IntArr) -> tuple[pl.Series, pl.Series]:
    air = codes(CARRIERS, rng.integers(0, len(CARRIERS), len(mode)))
    sea = codes(CRUISE, rng.integers(0, len(CRUISE), len(mode)))
    m = pl.Series(mode)
    carrier = pl.select(pl.when(m == AIR_MODE).then(air).when(m == 1).then(sea)).to_series()
    num = pl.Series(rng.integers(1, 9999, len(mode))).cast(pl.String)
    flight = pl.select(pl.concat_str(carrier, num)).to_series()
    return carrier, flight


def build(ctx: Ctx) -> tuple[Extract, NoiseBook]:
    rng = ctx.rng("departures")
    rec = _recorded(ctx, rng)
    nb_rows = _no_board(
        ctx,
        rng,
        len(rec.day),
        NoiseBook(ctx, SPEC.mapping, 0).rate("no_board"),
    )
    r = Rows(
        *(
            np.concatenate([getattr(rec, f), getattr(nb_rows, f)])
            for f in ("person", "day", "mode", "source", "no_board")
        )
    )
    nb = NoiseBook(ctx, SPEC.mapping, len(r.person))
    nb.mark("no_board", r.no_board == 1)
    names = render(ctx, nb, r.person, "ascii_upper")
    stamp = date_series(r.day).cast(pl.Datetime("us")) + seconds_of_day(rng, len(r.day))
    fmt = "%Y-%m-%dT%H:%M:%S"
    carrier, flight = _carrier(rng, r.mode)
    given = pl.concat_str([names.given, names.middle], separator=" ", ignore_nulls=True)
    cols = {
        "record_id": id_strings(len(r.day), 10**12, 17, "D", 12),
        "source": codes(SOURCES, r.source),
        "pax.surname": names.family,
        "pax.given_names": pl.select(given.alias("g")).to_series(),
        "pax.birth_date": birth(ctx, nb, r.person, "%Y-%m-%d"),
        "pax.gender": sex(ctx, r.person, ("MALE", "FEMALE", "UNSPECIFIED")),
        "pax.citizenship": country(ctx, r.person, "alpha3"),
        "pax.doc_number": passports(ctx, nb, r.person, r.day),
        "pax.doc_country": country(ctx, r.person, "alpha3"),
        "departure.time": stamp.dt.strftime(fmt),
        "departure.port": _ports(rng, r.mode),
        "departure.mode": codes(("AIR", "SEA", "LAND"), r.mode),
        "departure.carrier": carrier,
        "departure.flight": flight,
    }
    nb.blank(cols, ["pax.gender", "pax.doc_number", "pax.birth_date", "departure.flight"])
    nb.bad_date(cols, "departure.time", r.day, fmt)
    nb.missing_required(cols, "departure.time")
    nb.unknown_code(cols, "source", ["MANUAL", "UNK", "TSA"])
    return Extract(SPEC, cols, r.person, r.day, {}), nb
