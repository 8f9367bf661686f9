"""USCIS extracts: benefit requests (uscis-benefits), AR-11 address changes (uscis-ar11,
nested JSONL) and naturalization certificates (uscis-n400)."""

from __future__ import annotations

import numpy as np
import polars as pl

from sojourn.synth.common import NEVER, IntArr, fmt_days, uniform_days
from sojourn.synth.extracts.base import (
    Ctx,
    Extract,
    FileSpec,
    NoiseBook,
    alive,
    codes,
    id_strings,
)
from sojourn.synth.extracts.identity import a_numbers, birth, country
from sojourn.synth.extracts.naming import full_name, render
from sojourn.synth.life import APPROVED, FORMS, I485, I589, I765
from sojourn.synth.params import class_codes

BENEFITS = FileSpec("uscis_benefits.csv", "status", "uscis-benefits", "csv", "RECEIPT_NUMBER")
AR11 = FileSpec("ar11_addresses.jsonl", "address", "uscis-ar11", "jsonl", "confirmation")
N400 = FileSpec("naturalizations.csv", "naturalization", "uscis-n400", "csv", "CERT_NO")
OUTCOMES = ("APPROVED", "DENIED", "WITHDRAWN", "PENDING")
CENTERS = ("EAC", "WAC", "LIN", "SRC", "IOE", "MSC")
OFFICES = (
    "Los Angeles",
    "New York City",
    "Houston",
    "Miami",
    "Chicago",
    "Newark",
    "San Francisco",
    "Dallas",
    "Atlanta",
    "Seattle",
    "Boston",
    "Phoenix",
)
CITIES = (
    ("Los Angeles", "CA", "900"),
    ("Houston", "TX", "770"),
    ("Miami", "FL", "331"),
    ("New York", "NY", "100"),
    ("Chicago", "IL", "606"),
    ("Newark", "NJ", "071"),
    ("Phoenix", "AZ", "850"),
    ("Atlanta", "GA", "303"),
    ("Seattle", "WA", "981"),
    ("Boston", "MA", "021"),
    ("Dallas", "TX", "752"),
    ("San Jose", "CA", "951"),
    ("Orlando", "FL", "328"),
    ("Queens", "NY", "113"),
    ("Denver", "CO", "802"),
)
STREETS = (
    "Main St",
    "Oak Ave",
    "Maple Dr",
    "Cedar Ln",
    "Washington Blvd",
    "Elm St",
    "Park Ave",
    "Lincoln Rd",
    "Sunset Blvd",
    "Broadway",
    "Pine St",
    "Lake Shore Dr",
)


def _applications(ctx: Ctx) -> dict[str, IntArr]:
    """Main applications plus the I-765 filed with an I-485 or after an I-589."""
    life, rng = ctx.life, ctx.rng("ead")
    main = np.flatnonzero(life.app_form >= 0)
    ead = main[np.isin(life.app_form[main], (I485, I589))]
    e_filed = life.app_filed[ead] + np.where(life.app_form[ead] == I589, 150, 0)
    e_decided = e_filed + uniform_days(rng, ctx.params["benefits"]["ead"]["processing"], len(ead))
    valid = e_decided + int(ctx.params["benefits"]["ead"]["valid_days"])
    return {
        "person": np.concatenate([main, ead]),
        "form": np.concatenate([life.app_form[main], np.full(len(ead), I765)]),
        "filed": np.concatenate([life.app_filed[main], e_filed]),
        "decided": np.concatenate([life.app_decided[main], e_decided]),
        "outcome": np.concatenate([life.app_outcome[main], np.full(len(ead), APPROVED)]),
        "valid": np.concatenate([life.app_end[main], valid]),
        "klass": np.concatenate([life.app_class[main], np.full(len(ead), -1)]),
    }


def benefits(ctx: Ctx) -> tuple[Extract, NoiseBook]:
    app = _applications(ctx)
    keep = np.flatnonzero(app["filed"] <= ctx.as_of)
    app = {k: v[keep] for k, v in app.items()}
    rows, form = app["person"], app["form"]
    nb = NoiseBook(ctx, BENEFITS.mapping, len(rows))
    names = render(ctx, nb, rows, "title")
    names.family = names.family.str.to_uppercase()
    decided = alive(app["decided"], ctx.as_of)
    status = np.where(decided < NEVER, np.maximum(app["outcome"], 0), 3)
    approved = (status == APPROVED) & np.isin(form, (0, 1, I765))
    requested = codes(
        [*class_codes(ctx.params), "LPR"],
        np.where(form == I485, len(class_codes(ctx.params)), app["klass"]),
        (app["klass"] >= 0) | (form == I485),
    )
    anum = a_numbers(rows, "plain")
    fmt = "%m/%d/%Y"
    rid = id_strings(len(rows), 10**10, 53, width=10)
    cols = {
        "RECEIPT_NUMBER": pl.select(
            pl.concat_str(codes(CENTERS, rows % len(CENTERS)), rid)
        ).to_series(),
        "A_NUMBER": pl.select(pl.when(pl.Series(form >= I485)).then(anum)).to_series(),
        "APPLICANT_NAME": full_name(names, "family_comma_given"),
        "DATE_OF_BIRTH": birth(ctx, nb, rows, fmt),
        "COUNTRY_OF_BIRTH": country(ctx, rows, "name"),
        "FORM_TYPE": codes(FORMS, form),
        "RECEIPT_DATE": fmt_days(app["filed"], fmt),
        "DECISION_DATE": fmt_days(decided, fmt),
        "CASE_STATUS": codes(OUTCOMES, status),
        "REQUESTED_CLASS": requested,
        "VALID_TO": fmt_days(np.where(approved, app["valid"], NEVER), fmt),
    }
    nb.blank(cols, ["DATE_OF_BIRTH", "COUNTRY_OF_BIRTH", "A_NUMBER"])
    nb.bad_date(cols, "RECEIPT_DATE", app["filed"], fmt)
    nb.missing_required(cols, "RECEIPT_DATE")
    nb.unknown_code(cols, "CASE_STATUS", ["RFE", "TRANSFERRED", "UNKNOWN"])
    return Extract(BENEFITS, cols, rows, app["filed"], {}), nb


def _address(addr: IntArr) -> dict[str, pl.Series]:
    city = addr % len(CITIES)
    number = pl.Series(100 + addr // 16 % 9000).cast(pl.String)
    street = codes(STREETS, addr // 200_000 % len(STREETS))
    zip5 = pl.Series(addr // 7 % 100).cast(pl.String).str.zfill(2)
    return {
        "new_address.street": pl.select(pl.concat_str([number, street], separator=" ")).to_series(),
        "new_address.city": codes([c[0] for c in CITIES], city),
        "new_address.state": codes([c[1] for c in CITIES], city),
        "new_address.zip": pl.select(
            pl.concat_str(codes([c[2] for c in CITIES], city), zip5)
        ).to_series(),
    }


def ar11(ctx: Ctx) -> tuple[Extract, NoiseBook]:
    tab = ctx.tables["addresses"]
    keep = np.flatnonzero(tab["submitted"] <= ctx.as_of)
    rows = tab["person"][keep]
    nb = NoiseBook(ctx, AR11.mapping, len(rows))
    names = render(ctx, nb, rows, "title")
    fmt = "%Y-%m-%d"
    cols = {
        "confirmation": id_strings(len(rows), 10**10, 59, "AR11-", 10),
        "a_number": a_numbers(rows, "digits"),
        "name.first": names.given,
        "name.last": names.family,
        "dob": birth(ctx, nb, rows, "%Y/%m/%d"),
        **_address(tab["address"][keep]),
        "effective": fmt_days(tab["effective"][keep], fmt),
        "submitted": fmt_days(tab["submitted"][keep], fmt),
    }
    nb.blank(cols, ["dob", "a_number", "new_address.zip"])
    nb.bad_date(cols, "effective", tab["effective"][keep], fmt)
    nb.missing_required(cols, "effective")
    return Extract(AR11, cols, rows, tab["submitted"][keep], {}), nb


def naturalizations(ctx: Ctx) -> tuple[Extract, NoiseBook]:
    life = ctx.life
    rows = np.flatnonzero(life.natz <= ctx.as_of)
    nb = NoiseBook(ctx, N400.mapping, len(rows))
    names = render(ctx, nb, rows, "title")
    fmt = "%Y-%m-%d"
    cols = {
        "A_NUMBER": a_numbers(rows, "plain"),
        "FAMILY_NAME": names.family,
        "GIVEN_NAME": pl.select(
            pl.concat_str([names.given, names.middle], separator=" ", ignore_nulls=True)
        ).to_series(),
        "BIRTH_DATE": birth(ctx, nb, rows, fmt),
        "COUNTRY_OF_BIRTH": country(ctx, rows, "name"),
        "CERT_NO": id_strings(len(rows), 10**8, 61, width=8),
        "NATURALIZED_DATE": fmt_days(life.natz[rows], fmt),
        "OFFICE": codes(OFFICES, rows % len(OFFICES)),
    }
    nb.blank(cols, ["BIRTH_DATE", "COUNTRY_OF_BIRTH", "OFFICE"])
    nb.bad_date(cols, "NATURALIZED_DATE", life.natz[rows], fmt)
    nb.missing_required(cols, "NATURALIZED_DATE")
    return Extract(N400, cols, rows, life.natz[rows], {}), nb
