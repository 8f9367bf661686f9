"""Identity columns shared by several extracts: passports, sex, countries, birth dates."""

from __future__ import annotations

import numpy as np
import polars as pl

from sojourn.synth.common import NEVER, IntArr, fmt_days
from sojourn.synth.extracts.base import Ctx, NoiseBook, codes
from sojourn.synth.population import EWI, SEX_CODES, passport_numbers


def passports(ctx: Ctx, nb: NoiseBook, rows: IntArr, when: IntArr) -> pl.Series:
    """Passport number valid on the event day; a renewed passport is tagged renewed_passport."""
    renewed = when >= ctx.pop.renew[rows]
    nb.mark("renewed_passport", renewed)
    num = passport_numbers(rows, renewed.astype(np.int64))
    letter = pl.Series([chr(65 + i) for i in range(26)]).gather(num % 26)
    body = pl.Series(num // 26 % 100_000_000).cast(pl.String).str.zfill(8)
    return pl.select(pl.concat_str(letter, body)).to_series()


def sex(ctx: Ctx, rows: IntArr, labels: tuple[str, ...] = SEX_CODES) -> pl.Series:
    return codes(labels, ctx.pop.sex[rows])


def country(ctx: Ctx, rows: IntArr, style: str) -> pl.Series:
    return ctx.countries.codes(style).gather(ctx.pop.country[rows])


def first_seen(ctx: Ctx) -> IntArr:
    """The earliest day a record of each person can bear (a SEVIS record's status date is up
    to 30 days before arrival); NEVER for persons with no arrival or entry."""
    out = np.where(ctx.pop.group == EWI, ctx.life.entry, NEVER)
    first = ctx.trips.seq == 0
    out[ctx.trips.person[first]] = ctx.trips.arr[first] - 31
    return np.asarray(out, dtype=np.int64)


def birth(ctx: Ctx, nb: NoiseBook, rows: IntArr, fmt: str) -> pl.Series:
    return fmt_days(nb.swap_dm(ctx.pop.birth[rows], first_seen(ctx)[rows]), fmt)


def seconds_of_day(rng: np.random.Generator, n: int) -> pl.Series:
    secs = rng.integers(5 * 3600, 23 * 3600, n).astype(np.int64) * 1_000_000
    return pl.Series(secs).cast(pl.Duration("us"))


def a_numbers(rows: IntArr, style: str) -> pl.Series:
    """A-numbers: "A123456789" (plain), "A-123-456-789" (dashed) or "123456789" (digits)."""
    from sojourn.synth.extracts.base import digits
    from sojourn.synth.population import a_numbers as numbers

    nums = numbers(rows)
    if style == "dashed":
        return digits(nums, 9, "A-", "-")
    return digits(nums, 9, "" if style == "digits" else "A")
