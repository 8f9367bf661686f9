"""CBP I-94 admission records (mapping cbp-i94): one row per admission."""

from __future__ import annotations

import numpy as np
import polars as pl

from sojourn.synth.common import NEVER, fmt_days
from sojourn.synth.extracts.base import Ctx, Extract, FileSpec, NoiseBook, codes, id_strings
from sojourn.synth.extracts.identity import birth, country, passports, sex
from sojourn.synth.extracts.naming import render
from sojourn.synth.params import class_codes
from sojourn.synth.trips import PORTS

SPEC = FileSpec("arrivals_i94.csv", "arrival", "cbp-i94", "csv", "ADMNUM")
FMT = "%Y%m%d"


def build(ctx: Ctx) -> tuple[Extract, NoiseBook]:
    t = ctx.trips
    rows = t.person
    nb = NoiseBook(ctx, SPEC.mapping, len(rows))
    names = render(ctx, nb, rows, "ascii_upper")
    admit = fmt_days(t.admit_until, FMT)
    ds = np.asarray(t.admit_until == NEVER)
    cols = {
        "ADMNUM": id_strings(len(rows), 10**11, 94, width=11),
        "LAST_NAME": names.family,
        "FIRST_NAME": names.given,
        "MIDDLE_NAME": names.middle,
        "DOB": birth(ctx, nb, rows, FMT),
        "SEX": sex(ctx, rows),
        "CTZ": country(ctx, rows, "alpha3"),
        "PASSPORT_NO": passports(ctx, nb, rows, t.arr),
        "PASSPORT_CNTRY": country(ctx, rows, "alpha3"),
        "ARR_DT": fmt_days(t.arr, FMT),
        "PORT": codes(PORTS, t.port),
        "MODE": codes(("A", "S", "L"), t.mode),
        "COA": codes(class_codes(ctx.params), t.klass),
        "ADMIT_UNTIL": admit.set(pl.Series(ds), "D/S"),
    }
    nb.blank(cols, ["SEX", "PASSPORT_CNTRY", "PORT", "DOB", "PASSPORT_NO"])
    nb.bad_date(cols, "ARR_DT", t.arr, FMT)
    nb.missing_required(cols, "ARR_DT")
    nb.unknown_code(cols, "MODE", ["X", "T", "Q"])
    return Extract(SPEC, cols, rows, t.arr, {}), nb
