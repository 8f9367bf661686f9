"""Shared helpers: day arithmetic, seeded generators, unique identifiers, uniform draws."""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import polars as pl

IntArr = npt.NDArray[np.int64]
BoolArr = npt.NDArray[np.bool_]
FloatArr = npt.NDArray[np.float64]

NEVER = 1_000_000
"""Day number used for "no such event" (far future); every real event is below it."""

EPOCH = dt.date(1970, 1, 1)


def day(d: dt.date) -> int:
    """Days since 1970-01-01."""
    return (d - EPOCH).days


def stage_rng(seed: int, stage: str) -> np.random.Generator:
    """An independent, deterministic generator per (seed, stage)."""
    seq = np.random.SeedSequence([seed & 0xFFFFFFFF, zlib.crc32(stage.encode())])
    return np.random.Generator(np.random.PCG64(seq))


def ints(values: object) -> IntArr:
    """Any integer-valued array as int64."""
    return np.asarray(values, dtype=np.int64)


def uniform_days(rng: np.random.Generator, span: Sequence[float], size: int) -> IntArr:
    """Integer days uniform in the inclusive range span = [lo, hi]."""
    lo, hi = span
    return ints(rng.integers(int(lo), int(hi) + 1, size=size))


def bernoulli(rng: np.random.Generator, p: float | FloatArr, size: int) -> BoolArr:
    return rng.random(size) < p


def choose(rng: np.random.Generator, probs: FloatArr, size: int) -> IntArr:
    """Indices drawn from a probability vector (need not sum to one)."""
    cum = np.cumsum(probs / probs.sum())
    idx = np.searchsorted(cum, rng.random(size), side="right")
    return np.minimum(idx, len(probs) - 1).astype(np.int64)


def choose_rows(rng: np.random.Generator, cum: FloatArr, row: IntArr) -> IntArr:
    """Per-row categorical draw from row-wise cumulative probabilities cum[row]."""
    u = rng.random(len(row))
    picks = (u[:, None] >= cum[row]).sum(axis=1)
    return ints(np.minimum(picks, cum.shape[1] - 1))


def scramble(i: IntArr, modulus: int, salt: int) -> IntArr:
    """A bijection of [0, modulus): unique, random-looking identifiers from counters."""
    mult = (48271 * 1_000_003 + 2 * (salt % 1000)) | 1
    while np.gcd(mult, modulus) != 1:
        mult += 2
    return (i.astype(np.int64) * (mult % modulus) + salt * 7919) % modulus


def date_series(days: IntArr, name: str = "") -> pl.Series:
    """Day numbers to a polars Date series; NEVER becomes null."""
    s = pl.Series(name, days.astype(np.int32))
    return pl.select(
        pl.when(s < NEVER).then(s).otherwise(None).cast(pl.Date).alias(name)
    ).to_series()


def fmt_days(days: IntArr, fmt: str, name: str = "") -> pl.Series:
    """Day numbers formatted with a strftime pattern; NEVER becomes null."""
    return date_series(days, name).dt.strftime(fmt)


def years_before(as_of: int, years: float) -> int:
    return int(as_of - round(years * 365.25))
