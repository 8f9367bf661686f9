"""EOIR immigration-court cases (mapping eoir-cases), written in Windows-1252. A row exists
once a notice to appear is served; NTA_FILED stays empty when DHS never filed it."""

from __future__ import annotations

import numpy as np
import polars as pl

from sojourn.synth.common import NEVER, fmt_days
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
from sojourn.synth.extracts.identity import a_numbers, birth, country
from sojourn.synth.extracts.naming import render
from sojourn.synth.life import DECISIONS, DS, RL, TR, VD
from sojourn.synth.population import CITIZEN, EWI

SPEC = FileSpec("eoir_cases.csv", "court", "eoir-cases", "csv", "CASE_ID", encoding="cp1252")
FMT = "%d-%b-%Y"
OVERSTAY_CHARGE, EWI_CHARGE = "INA 237(a)(1)(B)", "INA 212(a)(6)(A)(i)"


def _finality(ctx: Ctx, rows: np.ndarray) -> pl.Series:
    life, a = ctx.life, ctx.as_of
    has = life.decided[rows] <= a
    other = np.isin(life.decision[rows], (RL, TR, DS)) & (life.decided[rows] + 30 <= a)
    final = (life.final_on[rows] <= a) | other
    return codes(("N", "Y"), final.astype(np.int64), has)


def _nationality(ctx: Ctx, rows: np.ndarray) -> pl.Series:
    """Citizens are recorded with a presumed foreign nationality, or none."""
    nat = country(ctx, rows, "NAME")
    cit = ctx.pop.group[rows] == CITIZEN
    guess = pl.Series(["MEXICO"] * len(rows), dtype=pl.String)
    coin = ctx.rng("eoir-nat").random(len(rows)) < 0.5
    nat = pl.select(pl.when(pl.Series(cit & coin)).then(guess).otherwise(nat)).to_series()
    return null_where(nat, cit & ~coin)


def build(ctx: Ctx) -> tuple[Extract, NoiseBook]:
    life, a = ctx.life, ctx.as_of
    rows = np.flatnonzero(life.nta_served <= a)
    nb = NoiseBook(ctx, SPEC.mapping, len(rows))
    names = render(ctx, nb, rows, "cp1252_upper")
    decided = alive(life.decided[rows], a)
    has = decided < NEVER
    filed = alive(life.nta_filed[rows], a)
    ewi = np.isin(ctx.pop.group[rows], (EWI, CITIZEN))
    vd = np.where((life.decision[rows] == VD) & has, life.vd_until[rows], NEVER)
    cols = {
        "CASE_ID": id_strings(len(rows), 10**9, 31, width=9),
        "ALIEN_NBR": a_numbers(rows, "dashed"),
        "LNAME": names.family,
        "FNAME": names.given,
        "DOB": birth(ctx, nb, rows, FMT),
        "NAT": _nationality(ctx, rows),
        "NTA_SERVED": fmt_days(life.nta_served[rows], FMT),
        "NTA_FILED": fmt_days(filed, FMT),
        "HEARING_DATE": fmt_days(np.where(filed < NEVER, life.hearing[rows], NEVER), FMT),
        "DECISION": codes(DECISIONS, life.decision[rows], has),
        "DECISION_DATE": fmt_days(decided, FMT),
        "ABSENTIA": codes(("N", "Y"), life.absentia[rows], has),
        "FINAL": _finality(ctx, rows),
        "APPEAL_DATE": fmt_days(alive(life.appeal[rows], a), FMT),
        "VD_DATE": fmt_days(vd, FMT),
        "CHARGE": codes((OVERSTAY_CHARGE, EWI_CHARGE), ewi.astype(np.int64)),
    }
    nb.blank(cols, ["DOB", "NAT", "HEARING_DATE"])
    nb.bad_date(cols, "NTA_SERVED", life.nta_served[rows], FMT)
    nb.missing_required(cols, "NTA_SERVED")
    nb.unknown_code(cols, "DECISION", ["XX", "AD", "CO"])
    return Extract(SPEC, cols, rows, life.nta_served[rows], {}), nb
