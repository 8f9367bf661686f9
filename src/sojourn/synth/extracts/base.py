"""Shared context, the per-file noise book and small column helpers for the extracts.

Noise tags (truth/records.csv `noise`, ';'-separated; rates per source in params.yaml `noise`,
as a share of the file's data rows unless noted):
  typo_name         one edit (deletion, transposition, substitution, doubling) in a name.
  transliteration   another real spelling (Mohammed/Muhammad, Zhang/Chang, Aleksandr/
                    Oleksandr), or the second surname dropped or hyphenated (García-López).
  order_swap        given and family names exchanged (weighted towards East Asian names).
  swap_dm           birth date with day and month swapped (a valid but wrong date).
  missing_field     one optional identity/event field left empty.
  original_script   the name fields themselves in the original script (SEVIS, CBP Home).
  renewed_passport  the record carries the person's renewed passport (per person: 8%).
  duplicate_row     an exact copy of the row above it.
  no_board          an APIS manifest row for a traveller who did not board: not a departure.
  bad_date          a required date that cannot be parsed (day 32).
  missing_required  a required field left empty.
  unknown_code      a coded field holding a code the mapping does not know.
The last three make a row invalid: the ingest must quarantine exactly those rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from sojourn.synth.common import (
    NEVER,
    BoolArr,
    FloatArr,
    IntArr,
    date_series,
    scramble,
    stage_rng,
)
from sojourn.synth.countries import Countries
from sojourn.synth.life import Life
from sojourn.synth.names import NameBank
from sojourn.synth.params import Params, noise_rate
from sojourn.synth.population import Population
from sojourn.synth.trips import Trips

NOISE_TAGS = (
    "typo_name",
    "transliteration",
    "order_swap",
    "swap_dm",
    "missing_field",
    "original_script",
    "renewed_passport",
    "duplicate_row",
    "no_board",
    "bad_date",
    "missing_required",
    "unknown_code",
)


@dataclass
class Ctx:
    seed: int
    as_of: int
    params: Params
    pop: Population
    trips: Trips
    trip_exit: IntArr
    life: Life
    countries: Countries
    bank: NameBank
    tables: dict[str, dict[str, IntArr]] = field(default_factory=dict)

    def rng(self, stage: str) -> np.random.Generator:
        return stage_rng(self.seed, stage)


@dataclass(frozen=True)
class FileSpec:
    path: str
    kind: str
    mapping: str
    fmt: str  # csv | jsonl | parquet
    record_id: str
    encoding: str = "utf-8"
    delimiter: str = ","


@dataclass
class Extract:
    spec: FileSpec
    cols: dict[str, pl.Series]
    person: IntArr
    when: IntArr
    tags: dict[str, BoolArr]


class NoiseBook:
    """Draws the rows that carry each defect, at the rate params.yaml gives for the source."""

    def __init__(self, ctx: Ctx, source: str, n: int) -> None:
        self.rng = ctx.rng("noise:" + source)
        self.params = ctx.params
        self.source = source
        self.n = n
        self.tags: dict[str, BoolArr] = {}

    def rate(self, tag: str) -> float:
        return noise_rate(self.params, tag, self.source)

    def pick(
        self, tag: str, eligible: BoolArr | None = None, weight: FloatArr | None = None
    ) -> BoolArr:
        """Rows with the defect: rate x all rows, drawn among the eligible ones."""
        elig = np.ones(self.n, dtype=bool) if eligible is None else eligible
        chosen = np.zeros(self.n, dtype=bool)
        if self.n and elig.any() and self.rate(tag) > 0:
            prob = np.full(self.n, min(1.0, self.rate(tag) / elig.mean()))
            if weight is not None:
                prob = np.minimum(1.0, prob * weight / weight[elig].mean())
            chosen = elig & (self.rng.random(self.n) < prob)
        self.mark(tag, chosen)
        return chosen

    def mark(self, tag: str, mask: BoolArr) -> None:
        prev = self.tags.get(tag)
        self.tags[tag] = mask.copy() if prev is None else prev | mask

    def swap_dm(self, days: IntArr, seen: IntArr | None = None) -> IntArr:
        """Birth dates with day and month swapped where the swap yields another valid date,
        never later than both the true date and ``seen`` (the person's first record: a
        swapped date after it would be a birth after arriving, which ingest rejects)."""
        d = days.astype("datetime64[D]")
        month = (d.astype("datetime64[M]") - d.astype("datetime64[Y]")).astype(np.int64) + 1
        dom = (d - d.astype("datetime64[M]")).astype(np.int64) + 1
        year = d.astype("datetime64[Y]")
        swapped = (year + (np.minimum(dom, 12) - 1).astype("timedelta64[M]")).astype(
            "datetime64[D]"
        ) + (month - 1).astype("timedelta64[D]")
        ok = (dom <= 12) & (dom != month) & (days < NEVER)
        if seen is not None:
            ok &= (swapped.astype(np.int64) <= days) | (swapped.astype(np.int64) < seen)
        sel = self.pick("swap_dm", ok)
        out = days.copy()
        out[sel] = swapped[sel].astype(np.int64)
        return out

    def blank(self, cols: dict[str, pl.Series], names: list[str]) -> None:
        """missing_field: one optional column emptied per chosen row."""
        have = np.zeros(self.n, dtype=bool)
        for name in names:
            have |= cols[name].is_not_null().to_numpy()
        sel = self.pick("missing_field", have)
        which = self.rng.integers(0, len(names), self.n)
        for k, name in enumerate(names):
            cols[name] = null_where(cols[name], sel & (which == k))

    def bad_date(self, cols: dict[str, pl.Series], name: str, days: IntArr, fmt: str) -> None:
        sel = self.pick("bad_date", days < NEVER)
        if sel.any():
            dates = date_series(np.where(sel, days, NEVER))
            if "%H" in fmt:
                dates = dates.cast(pl.Datetime("us"))
            junk = dates.dt.strftime(fmt.replace("%d", "32"))
            cols[name] = replace_where(cols[name], sel, junk)

    def missing_required(self, cols: dict[str, pl.Series], name: str) -> None:
        sel = self.pick("missing_required", cols[name].is_not_null().to_numpy())
        cols[name] = null_where(cols[name], sel)

    def unknown_code(self, cols: dict[str, pl.Series], name: str, junk: list[str]) -> None:
        sel = self.pick("unknown_code")
        values = pl.Series(junk, dtype=pl.String).gather(self.rng.integers(0, len(junk), self.n))
        cols[name] = replace_where(cols[name], sel, values)


def null_where(s: pl.Series, mask: BoolArr) -> pl.Series:
    m = pl.Series(mask)
    return pl.select(pl.when(m).then(None).otherwise(s).alias(s.name)).to_series()


def replace_where(s: pl.Series, mask: BoolArr, other: pl.Series) -> pl.Series:
    m = pl.Series(mask)
    return pl.select(pl.when(m).then(other).otherwise(s).alias(s.name)).to_series()


def codes(
    values: list[str] | tuple[str, ...], idx: IntArr, valid: BoolArr | None = None
) -> pl.Series:
    s = pl.Series(list(values), dtype=pl.String).gather(np.maximum(idx, 0))
    return s if valid is None else null_where(s, ~valid)


def id_strings(n: int, modulus: int, salt: int, prefix: str = "", width: int = 0) -> pl.Series:
    nums = pl.Series(scramble(np.arange(n, dtype=np.int64), modulus, salt)).cast(pl.String)
    padded = nums.str.zfill(width) if width else nums
    return pl.select(pl.concat_str(pl.lit(prefix), padded)).to_series()


def digits(nums: IntArr, width: int, prefix: str = "", sep: str = "") -> pl.Series:
    """Numbers as zero-padded strings, optionally grouped in threes with a separator."""
    s = pl.Series(nums).cast(pl.String).str.zfill(width)
    if sep:
        parts = [s.str.slice(i, 3) for i in range(0, width, 3)]
        s = pl.select(pl.concat_str(parts, separator=sep)).to_series()
    return pl.select(pl.concat_str(pl.lit(prefix), s)).to_series()


def alive(days: IntArr, as_of: int) -> IntArr:
    """Events after the as-of date are not in the extract yet."""
    return np.where(days <= as_of, days, NEVER)
