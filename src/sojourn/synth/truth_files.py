"""Writes truth/persons.csv, truth/status.csv and truth/admissions.csv."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from sojourn.synth.common import NEVER, date_series, scramble
from sojourn.synth.evidence import citizen_since
from sojourn.synth.extracts.base import Ctx, codes, null_where
from sojourn.synth.extracts.naming import native_full
from sojourn.synth.life import REMOVED, SELF_EXIT, SELF_GEO, TRAVEL
from sojourn.synth.names import origin_names, styled
from sojourn.synth.params import class_codes
from sojourn.synth.population import SEX_CODES
from sojourn.synth.trips import PORTS
from sojourn.synth.truth import person_ids, status_frame, trip_overstay

GROUPS = ("admitted", "us_born", "without_inspection")
EXIT_KINDS = {
    TRAVEL: "departure",
    REMOVED: "removal",
    SELF_GEO: "self_departure",
    SELF_EXIT: "self_departure",
}


def admission_numbers(n: int) -> pl.Series:
    """The ADMNUM of each trip (same scheme as the I-94 extract, in trip order)."""
    return (
        pl.Series(scramble(np.arange(n, dtype=np.int64), 10**11, 94)).cast(pl.String).str.zfill(11)
    )


def persons(ctx: Ctx) -> pl.DataFrame:
    pop, life = ctx.pop, ctx.life
    table = styled("title")
    rows = pop.ids
    second = null_where(table.gather(np.maximum(pop.family2, 0)), pop.family2 < 0)
    family = pl.concat_str([table.gather(pop.family), second], separator=" ", ignore_nulls=True)
    citizen = citizen_since(life, pop, ctx.as_of) <= ctx.as_of
    return pl.DataFrame(
        {
            "person_id": person_ids(rows),
            "population": codes(GROUPS, pop.group),
            "name_origin": codes(origin_names(), pop.origin),
            "given_name": table.gather(pop.given),
            "middle_name": null_where(table.gather(np.maximum(pop.middle, 0)), pop.middle < 0),
            "family_name": pl.select(family.alias("f")).to_series(),
            "native_name": native_full(ctx, rows),
            "birth_date": date_series(pop.birth),
            "sex": codes(SEX_CODES, pop.sex),
            "nationality": ctx.countries.codes("alpha3").gather(pop.country),
            "us_citizen": pl.Series(citizen),
            "first_class": codes(class_codes(ctx.params), pop.klass, pop.klass >= 0),
        }
    )


def admissions(ctx: Ctx) -> pl.DataFrame:
    t, a = ctx.trips, ctx.as_of
    kind, auth, days = trip_overstay(ctx.life, ctx.pop, t, a)
    gone = t.dep <= a
    exit_kind = np.array([EXIT_KINDS.get(int(k), "") for k in range(5)])[ctx.trip_exit]
    return pl.DataFrame(
        {
            "admission_number": admission_numbers(len(t)),
            "person_id": person_ids(t.person),
            "arrival_date": date_series(t.arr),
            "class_of_admission": codes(class_codes(ctx.params), t.klass),
            "mode": codes(("air", "sea", "land"), t.mode),
            "port": codes(PORTS, t.port),
            "duration_of_status": pl.Series(t.admit_until == NEVER),
            "authorized_until": date_series(auth),
            "departure_date": date_series(np.where(gone, t.dep, NEVER)),
            "departure_kind": null_where(pl.Series(exit_kind), ~gone),
            "overstay": pl.Series(kind, dtype=pl.String),
            "overstay_days": pl.Series(days).replace(-1, None),
        }
    )


def write_truth(ctx: Ctx, out: Path, records: list[pl.DataFrame]) -> None:
    truth = out / "truth"
    truth.mkdir(parents=True, exist_ok=True)
    pl.concat(records).write_csv(truth / "records.csv")
    persons(ctx).write_csv(truth / "persons.csv")
    status_frame(ctx.life, ctx.pop, ctx.trips, ctx.as_of).write_csv(truth / "status.csv")
    admissions(ctx).write_csv(truth / "admissions.csv")
