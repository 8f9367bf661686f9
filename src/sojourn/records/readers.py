"""Chunked readers for CSV, JSONL and Parquet source files.

Each chunk is a Polars frame with the mapped source columns, ``__row`` (the line number for
CSV/JSONL, header = line 1; the 1-based row for Parquet), ``__raw`` (the row's original text
for CSV and JSONL, JSON for Parquet), plus the rows that could not be read at all
(undecodable bytes, wrong column count, broken JSON), each with a plain-language reason and
the row's original bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import polars as pl
import pyarrow.parquet as pq

from sojourn.records.csvread import csv_chunks
from sojourn.records.mapping import Mapping
from sojourn.records.rows import RAW, ROW, Chunk, Progress, RowError, SourceFileError

_SURROGATE = re.compile("[\udc80-\udcff]")


def read_chunks(path: Path, mapping: Mapping, rows: int, progress: Progress) -> Iterator[Chunk]:
    """Yield chunks of at most ``rows`` rows; ``progress`` gets the bytes read so far."""
    readers = {"csv": csv_chunks, "jsonl": _jsonl_chunks, "parquet": _parquet_chunks}
    yield from readers[mapping.format](path, mapping, rows, progress)


def _bytes(raw: str, encoding: str) -> bytes:
    return raw.rstrip("\r\n").encode(encoding, errors="surrogateescape")


def _jsonl_chunks(path: Path, mapping: Mapping, rows: int, progress: Progress) -> Iterator[Chunk]:
    cols = mapping.columns()
    paths = [c.split(".") for c in cols]
    values: list[list[str | None]] = []
    numbers: list[int] = []
    raws: list[str] = []
    errors: list[RowError] = []
    with path.open("rb") as binary:
        text = io.TextIOWrapper(binary, mapping.encoding, errors="surrogateescape", newline="")
        for lineno, line in enumerate(text, 1):
            if not line.strip():
                continue
            obj, problem = _json_object(line)
            if problem or obj is None:
                errors.append(
                    RowError(lineno, "(row)", str(problem), _bytes(line, mapping.encoding))
                )
            else:
                values.append([_get(obj, p) for p in paths])
                numbers.append(lineno)
                raws.append(line.strip())
            if len(values) + len(errors) >= rows:
                progress(binary.tell())
                yield _jsonl_chunk(cols, values, numbers, raws, errors)
                values, numbers, raws, errors = [], [], [], []
        progress(binary.tell())
        yield _jsonl_chunk(cols, values, numbers, raws, errors)


def _json_object(line: str) -> tuple[dict[str, Any] | None, str | None]:
    if _SURROGATE.search(line):
        return None, "the line has bytes that are not valid in the file's declared encoding"
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        return None, f"the line is not valid JSON ({exc})"
    if not isinstance(obj, dict):
        return None, "the line is JSON but not an object"
    return obj, None


def _get(obj: dict[str, Any], parts: list[str]) -> str | None:
    value: Any = obj
    for part in parts:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return orjson.dumps(value).decode()


def _jsonl_chunk(
    cols: list[str],
    values: list[list[str | None]],
    numbers: list[int],
    raws: list[str],
    errors: list[RowError],
) -> Chunk:
    columns = list(zip(*values, strict=True)) if values else [() for _ in cols]
    data = {c: pl.Series(c, col, dtype=pl.Utf8) for c, col in zip(cols, columns, strict=True)}
    data[ROW] = pl.Series(ROW, numbers, dtype=pl.Int64)
    data[RAW] = pl.Series(RAW, raws, dtype=pl.Utf8)
    return Chunk(pl.DataFrame(data), errors)


def _parquet_chunks(path: Path, mapping: Mapping, rows: int, progress: Progress) -> Iterator[Chunk]:
    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a bad file
        raise SourceFileError(f"{path}: not a readable Parquet file ({exc})") from exc
    names = parquet.schema_arrow.names
    missing = [c for c in mapping.columns() if c not in names]
    if missing:
        raise SourceFileError(
            f"{path}: column(s) {', '.join(missing)} named in mapping {mapping.name!r} "
            f"are not in the file ({', '.join(names)})"
        )
    total, done, start = max(parquet.metadata.num_rows, 1), 0, 1
    size = path.stat().st_size
    for batch in parquet.iter_batches(batch_size=rows):
        frame = pl.DataFrame(pl.from_arrow(batch))
        frame = frame.with_columns(
            pl.struct(names).struct.json_encode().alias(RAW),
            pl.int_range(start, start + frame.height, dtype=pl.Int64).alias(ROW),
        )
        start += frame.height
        done += frame.height
        progress(size * done // total)
        yield Chunk(frame)
