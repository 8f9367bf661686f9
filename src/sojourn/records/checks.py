"""Row checks beyond one value's format: values and rows too large (limits.py), and birth dates
a record's own dates make impossible. Each check gives, per row, a reason or null; they are
vectorized, and reasons are built only for rows that fail."""

from __future__ import annotations

import datetime as dt

import polars as pl

from sojourn.records.kinds import EVENT_DATE_FIELD, EVENT_FIELDS, FieldType
from sojourn.records.limits import MAX_AGE_YEARS, ROW_BYTES, too_long


def length_reasons(values: pl.Series, limit: int) -> pl.Series | None:
    """Per row why the text value is too long, or None when no value is (typed values, such
    as Parquet dates and numbers, are bounded by their type)."""
    if values.dtype != pl.Utf8:
        return None
    lengths = values.str.len_chars()
    if not (lengths > limit).any():
        return None
    reasons = [None if n is None or n <= limit else too_long(n, limit) for n in lengths]
    return pl.Series(values.name, reasons, dtype=pl.Utf8)


def blank_where(values: pl.Series, reasons: pl.Series) -> pl.Series:
    """``values`` with null where a row has a reason (so no converter reads an oversized
    value, and no error message quotes it)."""
    frame = pl.DataFrame({"v": values, "r": reasons})
    out = frame.select(pl.when(pl.col("r").is_null()).then(pl.col("v")))
    return out.to_series().alias(values.name)


def row_size_reasons(raw: pl.Series) -> pl.Series | None:
    """Per row why the raw row is too large, or None when none is."""
    sizes = raw.str.len_bytes()
    if not (sizes > ROW_BYTES).any():
        return None
    reasons = [
        None
        if n is None or n <= ROW_BYTES
        else f"the row is {n:,} bytes; the limit is {ROW_BYTES:,}"
        for n in sizes
    ]
    return pl.Series("row_size", reasons, dtype=pl.Utf8)


def birth_reasons(kind: str, columns: dict[str, pl.Series], today: dt.date) -> pl.Series | None:
    """Per row why the birth date is impossible: after today, after one of the record's own
    dates (born after arriving), or more than MAX_AGE_YEARS before the record's event date.
    A partial birth date (``1985`` or ``1985-03``) fails only if every day it could be does.
    None when the record has no birth date or every row passes."""
    birth = columns.get("birth_date")
    if birth is None or birth.null_count() == len(birth):
        return None
    dated = [n for n, s in EVENT_FIELDS[kind].items() if s.type is FieldType.DATE and n in columns]
    frame = pl.DataFrame({"__b": birth, **{n: columns[n] for n in dated}})
    frame = frame.with_columns(_earliest().alias("__lo"), _latest().alias("__hi"))
    lo, hi, text = pl.col("__lo"), pl.col("__hi"), pl.col("__b")
    checks = [(lo > pl.lit(today), pl.format("'{}' is after today ({})", text, pl.lit(str(today))))]
    for name in dated:
        after = pl.format("'{}' is after {} ({})", text, pl.lit(name), pl.col(name))
        checks.append((lo > pl.col(name), after))
    event = EVENT_DATE_FIELD[kind]
    if event in dated:
        oldest = pl.col(event).dt.offset_by(f"-{MAX_AGE_YEARS}y")
        old = f"'{{}}' is more than {MAX_AGE_YEARS} years before {event} ({{}})"
        checks.append((hi < oldest, pl.format(old, text, pl.col(event))))
    reason = pl.coalesce([pl.when(hit).then(why) for hit, why in checks])
    reasons = frame.select(reason.alias("birth_date")).to_series()
    return None if reasons.null_count() == len(reasons) else reasons


def _earliest() -> pl.Expr:
    b = pl.col("__b")
    size = b.str.len_chars()
    padded = pl.when(size == 4).then(b + "-01-01").when(size == 7).then(b + "-01").otherwise(b)
    return padded.str.to_date("%Y-%m-%d", strict=False)


def _latest() -> pl.Expr:
    b = pl.col("__b")
    size = b.str.len_chars()
    month_end = (b + "-01").str.to_date("%Y-%m-%d", strict=False).dt.month_end()
    whole = b.str.to_date("%Y-%m-%d", strict=False)
    year_end = (b + "-12-31").str.to_date("%Y-%m-%d", strict=False)
    return pl.when(size == 4).then(year_end).when(size == 7).then(month_end).otherwise(whole)
