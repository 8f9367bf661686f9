"""State/federal conviction records (mapping state-convictions, ';'-separated CSV) and ICE
custody records (mapping ice-custody, Parquet with timestamp columns)."""

from __future__ import annotations

import numpy as np
import polars as pl

from sojourn.synth.common import NEVER, date_series, fmt_days, scramble
from sojourn.synth.extracts.base import (
    Ctx,
    Extract,
    FileSpec,
    NoiseBook,
    alive,
    codes,
    id_strings,
    null_where,
)
from sojourn.synth.extracts.identity import a_numbers, birth, country, sex
from sojourn.synth.extracts.naming import full_name, render
from sojourn.synth.population import CITIZEN
from sojourn.synth.residents import OFFENSES

CONVICTIONS = FileSpec(
    "convictions.csv", "conviction", "state-convictions", "csv", "RECORD_ID", delimiter=";"
)
CUSTODY = FileSpec("custody.parquet", "custody", "ice-custody", "parquet", "booking_id")
STATES = ("CA", "TX", "FL", "NY", "IL", "NJ", "AZ", "GA", "WA", "MA")
FACILITIES = (
    "Adelanto ICE Processing Center",
    "Stewart Detention Center",
    "South Texas ICE Processing Center",
    "Otay Mesa Detention Center",
    "Krome North Service Processing Center",
    "Elizabeth Contract Detention Facility",
    "Northwest ICE Processing Center",
    "Port Isabel Service Processing Center",
    "LaSalle ICE Processing Center",
    "Broadview Service Staging",
)


def fbi_numbers(rows: np.ndarray) -> pl.Series:
    num = scramble(rows, 10**9, 41)
    letters = pl.Series([chr(65 + i) for i in range(26)])
    first = letters.gather(num % 26)
    second = letters.gather(num // 26 % 26)
    body = pl.Series(num % 1_000_000).cast(pl.String).str.zfill(6)
    tail = pl.Series(num // 676 % 10).cast(pl.String)
    return pl.select(pl.concat_str(body, first, second, tail)).to_series()


def holders(ctx: Ctx, rows: np.ndarray) -> np.ndarray:
    """Persons known to USCIS/ICE/EOIR by A-number as of the extract date."""
    life, a = ctx.life, ctx.as_of
    return np.asarray(
        (life.app_filed[rows] <= a)
        | (life.nta_served[rows] <= a)
        | (life.book_in[rows] <= a)
        | (life.lpr[rows] <= a)
    )


def convictions(ctx: Ctx) -> tuple[Extract, NoiseBook]:
    tab = ctx.tables["convictions"]
    keep = np.flatnonzero(tab["conviction_dt"] <= ctx.as_of)
    rows, off = tab["person"][keep], tab["offense"][keep]
    nb = NoiseBook(ctx, CONVICTIONS.mapping, len(rows))
    names = render(ctx, nb, rows, "ascii")
    anum = null_where(
        a_numbers(rows, "plain"),
        ~holders(ctx, rows) | (ctx.rng("conv-anum").random(len(rows)) < 0.5),
    )
    state = codes(STATES, scramble(rows, len(STATES), 3))
    rid = id_strings(len(rows), 10**9, 43, "-", 9)
    fmt = "%d.%m.%Y"
    cols = {
        "RECORD_ID": pl.select(pl.concat_str(state, rid)).to_series(),
        "FBI_NO": fbi_numbers(rows),
        "A_NUMBER": anum,
        "NAME": full_name(names, "given_family"),
        "DOB": birth(ctx, nb, rows, fmt),
        "SEX": sex(ctx, rows),
        "OFFENSE": codes([o[0] for o in OFFENSES], off),
        "STATUTE": codes([o[1] for o in OFFENSES], off),
        "OFFENSE_DT": fmt_days(tab["offense_dt"][keep], fmt),
        "CONVICTION_DT": fmt_days(tab["conviction_dt"][keep], fmt),
        "SENTENCE_DAYS": pl.Series(tab["sentence"][keep]).cast(pl.String),
        "CLASS": codes([o[2] for o in OFFENSES], off),
    }
    nb.blank(cols, ["FBI_NO", "DOB", "SEX", "STATUTE", "OFFENSE_DT"])
    nb.bad_date(cols, "CONVICTION_DT", tab["conviction_dt"][keep], fmt)
    nb.missing_required(cols, "OFFENSE")
    nb.unknown_code(cols, "CLASS", ["X", "P", "FEL", "MISD"])
    return Extract(CONVICTIONS, cols, rows, tab["conviction_dt"][keep], {}), nb


def _stamp(days: np.ndarray, rng: np.random.Generator) -> pl.Series:
    secs = pl.Series(rng.integers(0, 86_400, len(days)) * 1_000_000).cast(pl.Duration("us"))
    return date_series(days).cast(pl.Datetime("us")) + secs


def custody(ctx: Ctx) -> tuple[Extract, NoiseBook]:
    life, a = ctx.life, ctx.as_of
    rows = np.flatnonzero(life.book_in <= a)
    rng = ctx.rng("custody-extract")
    nb = NoiseBook(ctx, CUSTODY.mapping, len(rows))
    names = render(ctx, nb, rows, "ascii_upper")
    cit = ctx.pop.group[rows] == CITIZEN
    nat = country(ctx, rows, "name")
    wrong = pl.Series(["Mexico"] * len(rows), dtype=pl.String)
    nat = pl.select(
        pl.when(pl.Series(cit & (rng.random(len(rows)) < 0.4))).then(wrong).otherwise(nat)
    ).to_series()
    cols = {
        "booking_id": id_strings(len(rows), 10**10, 47, "B", 10),
        "a_number": null_where(a_numbers(rows, "plain"), cit & (rng.random(len(rows)) < 0.5)),
        "last_name": names.family,
        "first_name": names.given,
        "dob": birth(ctx, nb, rows, "%m/%d/%Y"),
        "sex": sex(ctx, rows),
        "citizenship": nat,
        "book_in": _stamp(life.book_in[rows], rng),
        "release": _stamp(alive(life.release[rows], a), rng),
        "removal": _stamp(alive(life.removal[rows], a), rng),
        "facility": codes(FACILITIES, rng.integers(0, len(FACILITIES), len(rows))),
    }
    nb.blank(cols, ["dob", "sex", "citizenship", "facility"])
    nb.missing_required(cols, "book_in")
    nb.unknown_code(cols, "sex", ["U", "N", "0"])
    return Extract(CUSTODY, cols, rows, np.minimum(life.book_in[rows], NEVER), {}), nb
