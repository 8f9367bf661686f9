"""SEVIS student and exchange-visitor records (mapping sevis), written as Parquet with real
Date columns. Status as of the extract date: INITIAL, ACTIVE, COMPLETED, WITHDRAWN (a
DSO-authorized early withdrawal) or TERMINATED (with its reason)."""

from __future__ import annotations

import numpy as np
import polars as pl

from sojourn.synth.common import NEVER, date_series
from sojourn.synth.extracts.base import (
    Ctx,
    Extract,
    FileSpec,
    NoiseBook,
    codes,
    id_strings,
    null_where,
    replace_where,
)
from sojourn.synth.extracts.identity import country, first_seen, passports, sex
from sojourn.synth.extracts.naming import native_full, native_parts, render
from sojourn.synth.params import class_codes

SPEC = FileSpec("sevis_students.parquet", "student", "sevis", "parquet", "sevis_id")
SCHOOLS = (
    "University of California, Los Angeles",
    "New York University",
    "Columbia University",
    "University of Southern California",
    "Northeastern University",
    "Arizona State University",
    "University of Illinois Urbana-Champaign",
    "Boston University",
    "Purdue University",
    "University of Texas at Dallas",
    "Carnegie Mellon University",
    "University of Washington",
    "Texas A&M University",
    "Miami Dade College",
    "Embry-Riddle Aeronautical University",
    "Santa Monica College",
    "University of Michigan",
    "Georgia Institute of Technology",
    "Florida International University",
    "Stevens Institute of Technology",
)
STATUS = ("INITIAL", "ACTIVE", "COMPLETED", "TERMINATED", "WITHDRAWN")
REASONS = ("FAILURE TO ENROLL", "UNAUTHORIZED EMPLOYMENT", "UNAUTHORIZED DROP BELOW FULL COURSE",
           "FAILURE TO MAINTAIN STATUS", "OTHER", "AUTHORIZED EARLY WITHDRAWAL")  # fmt: skip


def _status(ctx: Ctx, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t, a = ctx.trips, ctx.as_of
    start, end = t.prog_start[idx], t.prog_end[idx]
    term = ctx.life.terminated[t.person[idx]]
    left = ctx.life.withdrawn[t.person[idx]]
    code = np.select([start > a, term <= a, left <= a, end <= a], [0, 3, 4, 2], 1)
    when = np.select(
        [code == 0, code == 3, code == 4, code == 2], [t.arr[idx] - 30, term, left, end], start
    )
    return code, when


def _reasons(ctx: Ctx, rows: np.ndarray, code: np.ndarray) -> pl.Series:
    reason = np.where(code == 4, len(REASONS) - 1, ctx.life.term_reason[rows])
    return codes(REASONS, reason, (code == 3) | (code == 4))


def build(ctx: Ctx) -> tuple[Extract, NoiseBook]:
    t = ctx.trips
    idx = np.flatnonzero(t.student)
    rows = t.person[idx]
    nb = NoiseBook(ctx, SPEC.mapping, len(rows))
    names = render(ctx, nb, rows, "title")
    share = float(ctx.params["native_name_share"]["sevis"])
    native = native_full(ctx, rows)
    native = null_where(native, nb.rng.random(len(rows)) >= share)
    ng, nf = native_parts(ctx, rows)
    script = nb.pick("original_script", nf.is_not_null().to_numpy())
    code, when = _status(ctx, idx)
    visa = {"F1": "F-1", "J1": "J-1", "M1": "M-1"}
    klass = [visa.get(k, k) for k in class_codes(ctx.params)]
    cols = {
        "sevis_id": id_strings(len(rows), 10**10, 23, "N", 10),
        "surname": replace_where(names.family, script, nf),
        "given_name": replace_where(names.given, script, ng),
        "name_native": native,
        "birth_date": date_series(nb.swap_dm(ctx.pop.birth[rows], first_seen(ctx)[rows])),
        "gender": sex(ctx, rows),
        "country_of_citizenship": country(ctx, rows, "alpha2"),
        "passport_number": passports(ctx, nb, rows, t.arr[idx]),
        "program_start": date_series(t.prog_start[idx]),
        "program_end": date_series(t.prog_end[idx]),
        "status": codes(STATUS, code),
        "status_change_date": date_series(np.minimum(when, NEVER)),
        "school_name": codes(
            SCHOOLS, (ctx.rng("schools").random(len(rows)) * len(SCHOOLS)).astype(np.int64)
        ),
        "visa_type": codes(klass, t.klass[idx]),
        "termination_reason": _reasons(ctx, rows, code),
    }
    nb.blank(cols, ["passport_number", "gender", "school_name", "birth_date"])
    nb.missing_required(cols, "program_start")
    nb.unknown_code(cols, "status", ["GRADUATED", "ENROLLED", "OPT"])
    return Extract(SPEC, cols, rows, t.prog_start[idx], {}), nb
