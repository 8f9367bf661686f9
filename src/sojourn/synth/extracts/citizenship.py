"""Citizenship and work-authorization evidence: U.S. passport issuances (Department of State,
mapping dos-passports, CSV) and SSA Numident citizenship indicators (mapping ssa-numident,
nested JSONL; ``csi`` 1-5 = A-D, U)."""

from __future__ import annotations

import numpy as np
import polars as pl

from sojourn.synth.common import IntArr, date_series, fmt_days, scramble
from sojourn.synth.extracts.base import Ctx, Extract, FileSpec, NoiseBook, codes, id_strings
from sojourn.synth.extracts.identity import birth, country, sex
from sojourn.synth.extracts.naming import render
from sojourn.synth.population import CITIZEN

PASSPORTS = FileSpec("passports.csv", "passport", "dos-passports", "csv", "PPT_NO")
NUMIDENT = FileSpec("numident.jsonl", "numident", "ssa-numident", "jsonl", "record_id")
FMT = "%Y-%m-%d"


def birth_places(ctx: Ctx, rows: IntArr) -> pl.Series:
    """The country of birth (upper-case English name): the U.S. for the U.S.-born."""
    abroad = country(ctx, rows, "NAME")
    born = pl.Series(ctx.pop.group[rows] == CITIZEN)
    home = pl.lit("UNITED STATES")
    return pl.select(pl.when(born).then(home).otherwise(abroad).alias("pob")).to_series()


def _given(names: pl.Series, middle: pl.Series) -> pl.Series:
    joined = pl.concat_str([names, middle], separator=" ", ignore_nulls=True)
    return pl.select(joined.alias("g")).to_series()


def passports(ctx: Ctx) -> tuple[Extract, NoiseBook]:
    life = ctx.life
    rows = np.flatnonzero(life.passport <= ctx.as_of)
    issued = life.passport[rows]
    nb = NoiseBook(ctx, PASSPORTS.mapping, len(rows))
    names = render(ctx, nb, rows, "ascii_upper")
    card = ctx.rng("passport-card").random(len(rows)) < ctx.params["sources"]["passports"]["card"]
    years = int(ctx.params["sources"]["passports"]["valid_years"])
    expires = date_series(issued).dt.offset_by(f"{years}y").dt.offset_by("-1d")
    cols = {
        "PPT_NO": id_strings(len(rows), 10**9, 71, width=9),
        "SURNAME": names.family,
        "GIVEN_NAMES": _given(names.given, names.middle),
        "DOB": birth(ctx, nb, rows, FMT),
        "POB": birth_places(ctx, rows),
        "SEX": sex(ctx, rows),
        "ISSUE_DATE": fmt_days(issued, FMT),
        "EXPIRATION_DATE": expires.dt.strftime(FMT),
        "DOC_TYPE": codes(("PB", "PC"), card.astype(np.int64)),
    }
    nb.blank(cols, ["DOB", "POB", "SEX", "EXPIRATION_DATE"])
    nb.bad_date(cols, "ISSUE_DATE", issued, FMT)
    nb.missing_required(cols, "ISSUE_DATE")
    nb.unknown_code(cols, "DOC_TYPE", ["PP", "EMERGENCY", "X"])
    return Extract(PASSPORTS, cols, rows, issued, {}), nb


def ssns(rows: IntArr) -> pl.Series:
    """Social Security numbers: area 001-665, group 01-99, serial 0001-9999 (never valid
    persons' numbers: these are synthetic)."""
    n = scramble(rows, 665 * 99 * 9999, 73)
    area = pl.Series(1 + n % 665).cast(pl.String).str.zfill(3)
    group = pl.Series(1 + n // 665 % 99).cast(pl.String).str.zfill(2)
    serial = pl.Series(1 + n // (665 * 99) % 9999).cast(pl.String).str.zfill(4)
    return pl.select(pl.concat_str([area, group, serial], separator="-")).to_series()


def numident(ctx: Ctx) -> tuple[Extract, NoiseBook]:
    life = ctx.life
    rows = np.flatnonzero((life.numident <= ctx.as_of) & (life.csi >= 0))
    when = life.numident[rows]
    nb = NoiseBook(ctx, NUMIDENT.mapping, len(rows))
    names = render(ctx, nb, rows, "ascii_upper")
    cols = {
        "record_id": id_strings(len(rows), 10**10, 79, "NUM", 10),
        "ssn": ssns(rows),
        "name.first": names.given,
        "name.middle": names.middle,
        "name.last": names.family,
        "dob": birth(ctx, nb, rows, FMT),
        "birth_place": birth_places(ctx, rows),
        "sex": sex(ctx, rows),
        "csi_date": fmt_days(when, FMT),
        "csi": codes(("1", "2", "3", "4", "5"), life.csi[rows]),
    }
    nb.blank(cols, ["dob", "birth_place", "sex"])
    nb.bad_date(cols, "csi_date", when, FMT)
    nb.missing_required(cols, "csi_date")
    nb.unknown_code(cols, "csi", ["0", "7", "Z"])
    return Extract(NUMIDENT, cols, rows, when, {}), nb
