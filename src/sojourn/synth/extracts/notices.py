"""Notices that end or pause a stay: employment ended (mapping employer-notices, CSV with US
dates), deferred action grants and terminations (mapping uscis-deferred-action, CSV) and
parole termination notices (mapping parole-terminations, JSONL)."""

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
)
from sojourn.synth.extracts.identity import a_numbers, birth, country, passports
from sojourn.synth.extracts.naming import full_name, render
from sojourn.synth.sources import NOTICES

EMPLOYER = FileSpec(
    "employer_notices.csv", "employment_end", "employer-notices", "csv", "NOTICE_ID"
)
DEFERRED = FileSpec(
    "deferred_action.csv", "deferred_action", "uscis-deferred-action", "csv", "RECEIPT_NUMBER"
)
PAROLE = FileSpec(
    "parole_terminations.jsonl", "parole_termination", "parole-terminations", "jsonl", "notice_id"
)
EMPLOYERS = ("Infosys Ltd", "Tata Consultancy Services", "Amazon.com Services LLC",
             "Google LLC", "Microsoft Corporation", "Cognizant Technology Solutions",
             "Deloitte Consulting LLP", "Apple Inc", "Accenture LLP")  # fmt: skip
NOTICE_CODES = {"employer_notice": "EMPLOYER", "petition_withdrawn": "WITHDRAWN",
                "petition_revoked": "REVOKED"}  # fmt: skip


def employer_notices(ctx: Ctx) -> tuple[Extract, NoiseBook]:
    life = ctx.life
    rows = np.flatnonzero(life.job_end <= ctx.as_of)
    ended = life.job_end[rows]
    nb = NoiseBook(ctx, EMPLOYER.mapping, len(rows))
    names = render(ctx, nb, rows, "title")
    names.family = names.family.str.to_uppercase()
    fmt = "%m/%d/%Y"
    receipt = id_strings(len(rows), 10**10, 83, "WAC", 10)
    cols = {
        "NOTICE_ID": id_strings(len(rows), 10**9, 89, "EN", 9),
        "PETITION_RECEIPT": receipt,
        "BENEFICIARY": full_name(names, "family_comma_given"),
        "BENEFICIARY_DOB": birth(ctx, nb, rows, fmt),
        "COUNTRY": country(ctx, rows, "alpha3"),
        "PASSPORT": passports(ctx, nb, rows, ended),
        "LAST_DAY_WORKED": fmt_days(ended, fmt),
        "NOTICE": codes([NOTICE_CODES[n] for n in NOTICES], life.job_notice[rows]),
        "EMPLOYER": codes(EMPLOYERS, rows % len(EMPLOYERS)),
    }
    nb.blank(cols, ["BENEFICIARY_DOB", "PASSPORT", "EMPLOYER"])
    nb.bad_date(cols, "LAST_DAY_WORKED", ended, fmt)
    nb.missing_required(cols, "LAST_DAY_WORKED")
    nb.unknown_code(cols, "NOTICE", ["LAYOFF", "QUIT", "TERMINATED"])
    return Extract(EMPLOYER, cols, rows, ended, {}), nb


def deferred_action(ctx: Ctx) -> tuple[Extract, NoiseBook]:
    life, a = ctx.life, ctx.as_of
    rows = np.flatnonzero(life.da_granted <= a)
    granted = life.da_granted[rows]
    nb = NoiseBook(ctx, DEFERRED.mapping, len(rows))
    names = render(ctx, nb, rows, "title")
    fmt = "%Y-%m-%d"
    given = pl.concat_str([names.given, names.middle], separator=" ", ignore_nulls=True)
    cols = {
        "RECEIPT_NUMBER": id_strings(len(rows), 10**10, 97, "IOE", 10),
        "A_NUMBER": a_numbers(rows, "plain"),
        "FAMILY_NAME": names.family,
        "GIVEN_NAME": pl.select(given.alias("g")).to_series(),
        "DATE_OF_BIRTH": birth(ctx, nb, rows, fmt),
        "COUNTRY_OF_CITIZENSHIP": country(ctx, rows, "name"),
        "GRANTED_DATE": fmt_days(granted, fmt),
        "VALID_TO": fmt_days(life.da_until[rows], fmt),
        "TERMINATION_EFFECTIVE": fmt_days(alive(life.da_end[rows], a), fmt),
        "PROGRAM": codes(("DACA", "DEFERRED ACTION"), life.da_program[rows]),
    }
    nb.blank(cols, ["DATE_OF_BIRTH", "COUNTRY_OF_CITIZENSHIP"])
    nb.bad_date(cols, "GRANTED_DATE", granted, fmt)
    nb.missing_required(cols, "GRANTED_DATE")
    nb.unknown_code(cols, "PROGRAM", ["DAPA", "TPS", "PAROLE"])
    return Extract(DEFERRED, cols, rows, granted, {}), nb


def parole_terminations(ctx: Ctx) -> tuple[Extract, NoiseBook]:
    life, a = ctx.life, ctx.as_of
    rows = np.flatnonzero(life.parole_notice <= a)
    effective, notice = life.parole_end[rows], life.parole_notice[rows]
    nb = NoiseBook(ctx, PAROLE.mapping, len(rows))
    names = render(ctx, nb, rows, "title")
    fmt = "%Y-%m-%d"
    cols = {
        "notice_id": id_strings(len(rows), 10**10, 101, "PT", 10),
        "a_number": a_numbers(rows, "plain"),
        "passport_number": passports(ctx, nb, rows, notice),
        "name": full_name(names, "given_family"),
        "date_of_birth": birth(ctx, nb, rows, fmt),
        "country": country(ctx, rows, "alpha2"),
        "effective_date": fmt_days(effective, fmt),
        "notice_date": fmt_days(np.where(notice < NEVER, notice, NEVER), fmt),
    }
    nb.blank(cols, ["date_of_birth", "passport_number", "notice_date"])
    nb.bad_date(cols, "effective_date", effective, fmt)
    nb.missing_required(cols, "effective_date")
    return Extract(PAROLE, cols, rows, notice, {}), nb
