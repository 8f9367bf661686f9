"""PostgreSQL's binary COPY format, built from a Polars frame column by column in Arrow.

Binary COPY spares the server the CSV parse (quotes, escapes, dates as text): each field is a
32-bit length and the value in the type's wire form. The rows are assembled without a Python
object per value: every column becomes an Arrow binary array of ready fields (length +
bytes, or the null marker), and one element-wise join makes the rows.

Only the column types below are encoded; :func:`binary_copy_data` returns None for a frame
with any other pairing, and the caller falls back to CSV.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TypeAlias

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

Buffer: TypeAlias = bytes | memoryview
HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
TRAILER = b"\xff\xff"
_NULL = pa.scalar(b"\xff\xff\xff\xff", pa.large_binary())
_EMPTY = pa.scalar(b"", pa.large_binary())
_PG_EPOCH_DAYS = (dt.date(2000, 1, 1) - dt.date(1970, 1, 1)).days
_PG_EPOCH_US = _PG_EPOCH_DAYS * 86_400 * 1_000_000

#: Types whose binary form is the UTF-8 text itself (not jsonb: it has a version byte).
TEXT = frozenset({"text", "character varying", "character", "json"})
#: PostgreSQL integer and float types: their big-endian numpy form.
NUMBERS = {
    "smallint": ">i2",
    "integer": ">i4",
    "bigint": ">i8",
    "real": ">f4",
    "double precision": ">f8",
}


def binary_copy_data(frame: pl.DataFrame, types: Mapping[str, str]) -> list[Buffer] | None:
    """The whole COPY stream (header, rows, trailer) for ``frame``, whose columns have the
    PostgreSQL types ``types`` (column name to ``format_type`` name); None if a column's
    pairing of Polars and PostgreSQL type is not one this encoder knows."""
    fields: list[pa.Array] = []
    for name, dtype in frame.schema.items():
        encode = _encoder(dtype, types.get(name, ""))
        if encode is None or not _fits(frame[name], types[name]):
            return None
        fields.append(_field(encode(frame[name]), frame[name].is_null().to_numpy()))
    count = len(fields).to_bytes(2, "big")
    head = pa.array([count] * frame.height, pa.large_binary())
    rows = pc.binary_join_element_wise(head, *fields, _EMPTY)
    return [HEADER, _data(rows), TRAILER]


def _encoder(dtype: pl.DataType, pg_type: str) -> Callable[[pl.Series], pa.Array] | None:
    """How to turn a column into its values' wire bytes (one binary value per row)."""
    base = pg_type.split("(")[0].strip()
    if base in TEXT and dtype in (pl.Utf8, pl.Categorical):
        return _text
    if base == "bytea" and dtype == pl.Binary:
        return lambda s: s.to_arrow().cast(pa.large_binary())
    if base in NUMBERS and (dtype.is_integer() or dtype.is_float()):
        if dtype.is_float() and not NUMBERS[base].startswith(">f"):
            return None
        return lambda s: _fixed(s.fill_null(0).to_numpy().astype(NUMBERS[base]))
    if base == "boolean" and dtype == pl.Boolean:
        return lambda s: _fixed(s.fill_null(False).to_numpy().astype(np.uint8))
    if base == "date" and dtype == pl.Date:
        return _date
    if base.startswith("timestamp") and isinstance(dtype, pl.Datetime):
        return _timestamp(pg_type, dtype)
    return None


def _fits(series: pl.Series, pg_type: str) -> bool:
    """Whether an integer column's values fit the PostgreSQL integer type (a value that
    does not is left to the CSV path, where the server rejects it, never wrapped here)."""
    width = NUMBERS.get(pg_type)
    if width is None or not width.startswith(">i") or not series.dtype.is_integer():
        return True
    low, high = series.to_frame().select(pl.all().min(), pl.all().max().alias("max")).row(0)
    if low is None or high is None:
        return True
    info = np.iinfo(np.dtype(width))
    return int(info.min) <= int(low) and int(high) <= int(info.max)


def _text(series: pl.Series) -> pa.Array:
    return series.cast(pl.Utf8).to_arrow().cast(pa.large_utf8()).cast(pa.large_binary())


def _date(series: pl.Series) -> pa.Array:
    days = series.to_physical().fill_null(0).to_numpy().astype(np.int64)
    return _fixed(days - _PG_EPOCH_DAYS, ">i4")


def _timestamp(pg_type: str, dtype: pl.Datetime) -> Callable[[pl.Series], pa.Array] | None:
    """timestamptz from an aware column (stored as UTC microseconds), timestamp from a naive
    one (its wall time); any other pairing is left to CSV."""
    aware = dtype.time_zone is not None
    if aware != ("with time zone" in pg_type):
        return None

    def encode(series: pl.Series) -> pa.Array:
        if aware:
            series = series.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        micros = series.dt.cast_time_unit("us").to_physical().fill_null(0).to_numpy()
        return _fixed(micros.astype(np.int64) - _PG_EPOCH_US, ">i8")

    return encode


def _fixed(values: np.ndarray, big_endian: str | None = None) -> pa.Array:
    """A numpy column as binary values of its big-endian bytes, one per row."""
    raw = values.astype(big_endian or values.dtype.newbyteorder(">"))
    width = raw.dtype.itemsize
    array = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(width), len(raw), [None, pa.py_buffer(raw.tobytes())]
    )
    return array.cast(pa.large_binary())


def _field(values: pa.Array, nulls: np.ndarray) -> pa.Array:
    """Each value prefixed with its length; nulls as the null marker (length -1)."""
    lengths = pc.binary_length(values).fill_null(0).to_numpy(zero_copy_only=False)
    prefix = _fixed(lengths.astype(">i4"))
    joined = pc.binary_join_element_wise(prefix, values, _EMPTY)
    if nulls.any():
        joined = pc.if_else(pa.array(nulls), _NULL, joined)
    return joined


def _data(rows: pa.Array) -> Buffer:
    """The concatenated bytes of a binary array without nulls (not copied)."""
    rows = rows.combine_chunks() if isinstance(rows, pa.ChunkedArray) else rows
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)
    start, end = int(offsets[rows.offset]), int(offsets[rows.offset + len(rows)])
    if end == start:
        return b""
    return memoryview(rows.buffers()[2])[start:end]
