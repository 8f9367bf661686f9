"""CBP Home self-departure submissions (mapping cbp-home): intent to depart, and a verified
departure by app geolocation (GEO) or a CBP exit record (EXIT). Intent alone is no departure."""

from __future__ import annotations

import numpy as np

from sojourn.synth.common import fmt_days
from sojourn.synth.extracts.base import (
    Ctx,
    Extract,
    FileSpec,
    NoiseBook,
    alive,
    codes,
    id_strings,
    null_where,
    replace_where,
)
from sojourn.synth.extracts.identity import a_numbers, birth, country, passports
from sojourn.synth.extracts.justice import holders
from sojourn.synth.extracts.naming import full_name, native_full, render
from sojourn.synth.life import SELF_EXIT
from sojourn.synth.population import EWI

SPEC = FileSpec("cbp_home.jsonl", "self_departure", "cbp-home", "jsonl", "submission_id")


def build(ctx: Ctx) -> tuple[Extract, NoiseBook]:
    life, a = ctx.life, ctx.as_of
    rows = np.flatnonzero(life.intent <= a)
    rng = ctx.rng("cbp-home")
    nb = NoiseBook(ctx, SPEC.mapping, len(rows))
    names = render(ctx, nb, rows, "title")
    native = native_full(ctx, rows)
    script = nb.pick("original_script", native.is_not_null().to_numpy())
    share = float(ctx.params["native_name_share"]["cbp-home"])
    shown = null_where(native, (rng.random(len(rows)) >= share) & ~script)
    verified = alive(life.verified[rows], a)
    method = (life.exit_kind[rows] == SELF_EXIT).astype(np.int64)
    no_passport = (ctx.pop.group[rows] == EWI) & (rng.random(len(rows)) < 0.5)
    passport = null_where(passports(ctx, nb, rows, life.intent[rows]), no_passport)
    nb.tags["renewed_passport"] &= ~no_passport
    fmt = "%Y-%m-%d"
    cols = {
        "submission_id": id_strings(len(rows), 10**10, 67, "CBPH", 10),
        "full_name": replace_where(full_name(names, "given_family"), script, native),
        "native_name": shown,
        "date_of_birth": birth(ctx, nb, rows, fmt),
        "passport_number": passport,
        "a_number": null_where(a_numbers(rows, "plain"), ~holders(ctx, rows)),
        "intent_date": fmt_days(life.intent[rows], fmt),
        "verified_departure_date": fmt_days(verified, fmt),
        "verification": codes(("GEO", "EXIT"), method, verified <= a),
        "destination": country(ctx, rows, "alpha2"),
    }
    nb.blank(cols, ["date_of_birth", "passport_number", "destination"])
    nb.bad_date(cols, "intent_date", life.intent[rows], fmt)
    nb.missing_required(cols, "intent_date")
    nb.unknown_code(cols, "verification", ["SELF", "PHOTO", "PORT"])
    return Extract(SPEC, cols, rows, life.intent[rows], {}), nb
