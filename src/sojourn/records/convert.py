"""Per-type conversion of one source column into canonical values and per-row errors.

Each converter takes a Polars Series of source values and returns (values, errors): the
canonical values and, for each row, a plain-language reason when the value is malformed
(or null). Converters for repetitive values (dates, codes, countries) work on the distinct
values only and share a cache across chunks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from sojourn.records.codes import country_lookup, vocabularies
from sojourn.records.dates import MAX_YEAR, MIN_YEAR, parse_date, parse_partial_date
from sojourn.records.identifiers import CHECKS
from sojourn.records.kinds import FieldType
from sojourn.records.mapids import GENERIC
from sojourn.records.mapping import FieldMap

Converted = tuple[pl.Series, pl.Series]
Lookup = Callable[[str], tuple[Any, str | None]]
DTYPES: dict[FieldType, type[pl.DataType]] = {
    FieldType.DATE: pl.Date,
    FieldType.BOOL: pl.Boolean,
    FieldType.INT: pl.Int64,
}


def dtype_of(kind: FieldType) -> type[pl.DataType]:
    """The Polars type of canonical values of this field type."""
    return DTYPES.get(kind, pl.Utf8)


class Converter:
    """Converts the source values of one mapped field; keeps a cache of distinct values."""

    def __init__(self, fm: FieldMap) -> None:
        self.fm = fm
        self._cache: dict[str, tuple[Any, str | None]] = {}
        self._lookup = self._make_lookup()

    def __call__(self, values: pl.Series) -> Converted:
        """Canonical values and error reasons for ``values``."""
        kind = self.fm.spec.type
        if values.dtype.is_temporal() and kind in (FieldType.DATE, FieldType.PARTIAL_DATE):
            return _temporal(values, kind)
        text = _clean(values.cast(pl.Utf8), self.fm.null_values)
        if kind in (FieldType.NAME, FieldType.TEXT):
            return text.str.replace_all(r"\s+", " "), _no_errors(text)
        if kind is FieldType.IDENTIFIER:
            return self._identifier(text)
        if kind is FieldType.A_NUMBER:
            return _a_number(text)
        if kind is FieldType.INT:
            return _integer(text)
        if kind in (FieldType.DATE, FieldType.PARTIAL_DATE):
            return self._dates(text, kind)
        return self._mapped(text)

    def _dates(self, text: pl.Series, kind: FieldType) -> Converted:
        """Vectorized parse with the first format; the rest (partial dates, other formats,
        errors) value by value."""
        fast = _fast_dates(text, self.fm.formats[0])
        if kind is FieldType.PARTIAL_DATE:
            fast = fast.dt.to_string("%Y-%m-%d")
        rest = pl.select(pl.when(fast.is_null()).then(text)).to_series()
        if rest.null_count() == len(rest):
            return fast, _no_errors(text)
        values, errors = self._mapped(rest)
        return pl.select(pl.coalesce(fast, values)).to_series().alias(text.name), errors

    def _identifier(self, text: pl.Series) -> Converted:
        """Spaces removed and upper-cased (a generic identifier: dashes too), then checked
        against the format of a known type."""
        generic = self.fm.target.startswith(GENERIC)
        compact = text.str.replace_all(r"[\s-]+" if generic else r"\s+", "").str.to_uppercase()
        if generic:
            return compact.replace("", None), _no_errors(text)
        check = CHECKS.get(self.fm.target)
        if check is None or not (self.fm.checked or self.fm.target == "ssn"):
            return compact, _no_errors(text)
        distinct = compact.drop_nulls().unique().to_list()
        reasons = {v: check(v) for v in distinct}
        errors = compact.replace_strict(reasons, default=None, return_dtype=pl.Utf8)
        values = pl.select(pl.when(errors.is_null()).then(compact)).to_series()
        return values.alias(text.name), errors.alias(text.name)

    def _mapped(self, text: pl.Series) -> Converted:
        distinct = text.drop_nulls().unique().to_list()
        for value in distinct:
            if value not in self._cache:
                self._cache[value] = self._lookup(value)
        subset = {v: self._cache[v] for v in distinct}
        dtype = dtype_of(self.fm.spec.type)
        values = text.replace_strict(
            {k: v[0] for k, v in subset.items()}, default=None, return_dtype=dtype
        )
        errors = text.replace_strict(
            {k: v[1] for k, v in subset.items()}, default=None, return_dtype=pl.Utf8
        )
        return values, errors

    def lookup_one(self, value: str) -> tuple[Any, str | None]:
        """One value's canonical value and error, through the same cache as a column."""
        found = self._cache.get(value)
        if found is None:
            found = self._cache[value] = self._lookup(value)
        return found

    def _make_lookup(self) -> Lookup:
        fm, kind = self.fm, self.fm.spec.type
        if kind is FieldType.DATE:
            return lambda v: parse_date(v, fm.formats)
        if kind is FieldType.PARTIAL_DATE:
            return lambda v: parse_partial_date(v, fm.formats)
        if kind is FieldType.BOOL:
            return _bool_lookup(fm)
        if kind is FieldType.COUNTRY:
            return _country_lookup(fm)
        if kind is FieldType.CODE:
            return _code_lookup(fm)
        return lambda v: (v, None)


def _clean(values: pl.Series, nulls: tuple[str, ...]) -> pl.Series:
    text = values.str.strip_chars()
    is_null = text.str.to_uppercase().is_in([n.upper() for n in nulls])
    return pl.select(pl.when(is_null).then(None).otherwise(text)).to_series().alias(values.name)


def _no_errors(values: pl.Series) -> pl.Series:
    return pl.Series(values.name, [None] * len(values), dtype=pl.Utf8)


def _temporal(values: pl.Series, kind: FieldType) -> Converted:
    """Typed date/timestamp columns (Parquet): the same year range as parsed text."""
    as_date = values.cast(pl.Date)
    frame = pl.DataFrame({"d": as_date})
    out = frame.select(
        pl.when(pl.col("d").dt.year().is_between(MIN_YEAR, MAX_YEAR)).then(pl.col("d")).alias("v"),
        pl.when(pl.col("d").is_not_null() & ~pl.col("d").dt.year().is_between(MIN_YEAR, MAX_YEAR))
        .then(pl.format("{} has a year outside {}-{}", pl.col("d"), MIN_YEAR, MAX_YEAR))
        .alias("e"),
    )
    if kind is FieldType.DATE:
        return out["v"].alias(values.name), out["e"]
    return out["v"].dt.to_string("%Y-%m-%d").alias(values.name), out["e"]


def _fast_dates(text: pl.Series, fmt: str) -> pl.Series:
    """Dates Polars parses exactly as the slow path would (checked by writing them back in
    the same format); null where it cannot, so those values take the slow path."""
    if any(d in fmt for d in ("%y", "%z", "%f", "%B")):
        return pl.Series(text.name, [None] * len(text), dtype=pl.Date)
    if any(d in fmt for d in ("%H", "%M", "%S")):
        stamps = text.str.to_datetime(fmt, strict=False)
        parsed, back = stamps.dt.date(), stamps.dt.strftime(fmt)
    else:
        parsed = text.str.to_date(fmt, strict=False)
        back = parsed.dt.strftime(fmt)
    years = parsed.dt.year()
    exact = (back.str.to_uppercase() == text.str.to_uppercase()) & years.is_between(
        MIN_YEAR, MAX_YEAR
    )
    return pl.select(pl.when(exact).then(parsed)).to_series().alias(text.name)


def _a_number(text: pl.Series) -> Converted:
    digits = text.str.replace_all(r"[\s-]", "").str.to_uppercase().str.strip_prefix("A")
    ok = digits.str.contains(r"^[0-9]{7,9}$") & ~digits.str.contains(r"^0+$")
    frame = pl.DataFrame({"t": text, "d": digits, "ok": ok})
    out = frame.select(
        pl.when(pl.col("ok")).then(pl.lit("A") + pl.col("d").str.zfill(9)).alias("v"),
        pl.when(pl.col("t").is_not_null() & ~pl.col("ok"))
        .then(pl.format("'{}' is not an A-number (A followed by 7 to 9 digits)", pl.col("t")))
        .alias("e"),
    )
    return out["v"], out["e"]


def _integer(text: pl.Series) -> Converted:
    """Whole, non-negative numbers (counts such as sentence days)."""
    parsed = text.str.replace_all(",", "").cast(pl.Int64, strict=False)
    frame = pl.DataFrame({"t": text, "v": parsed})
    ok = pl.col("v").is_not_null() & (pl.col("v") >= 0)
    out = frame.select(
        pl.when(ok).then(pl.col("v")).alias("v"),
        pl.when(pl.col("t").is_not_null() & ~ok)
        .then(pl.format("'{}' is not a whole number of zero or more", pl.col("t")))
        .alias("e"),
    )
    return out["v"].alias(text.name), out["e"]


def _bool_lookup(fm: FieldMap) -> Lookup:
    yes = {v.upper() for v in fm.true_values}
    no = {v.upper() for v in fm.false_values}

    def lookup(value: str) -> tuple[bool | None, str | None]:
        key = value.upper()
        if key in yes:
            return True, None
        if not no or key in no:
            return False, None
        return None, f"{value!r} is not a yes/no value (yes: {sorted(yes)}, no: {sorted(no)})"

    return lookup


def _code_lookup(fm: FieldMap) -> Lookup:
    vocab = fm.spec.vocabulary or ""
    canonical = {c.upper(): c for c in vocabularies()[vocab]}

    def lookup(value: str) -> tuple[str | None, str | None]:
        key = value.upper()
        if key in fm.codes:
            mapped = fm.codes[key]
            if mapped is None or mapped.upper() in canonical:
                return (canonical[mapped.upper()] if mapped else None), None
        elif key in canonical:
            return canonical[key], None
        allowed = ", ".join(sorted(set(fm.codes) | set(canonical.values())))
        return None, f"unknown code {value!r} for {vocab} (known: {allowed})"

    return lookup


def _country_lookup(fm: FieldMap) -> Lookup:
    table = country_lookup()

    def lookup(value: str) -> tuple[str | None, str | None]:
        key = value.upper()
        if key in fm.codes:
            key = (fm.codes[key] or "").upper()
            if not key:
                return None, None
        if key in table:
            return table[key], None
        return None, f"unknown country code {value!r} (use ISO 3166 codes or English names)"

    return lookup
