"""Chunked readers for CSV, JSONL and Parquet source files.

Each chunk is a Polars frame with the mapped source columns, ``__row`` (the line number for
CSV/JSONL, header = line 1; the 1-based row for Parquet), ``__raw`` (the row's original text
for CSV and JSONL, JSON for Parquet), plus the rows that could not be read at all
(undecodable bytes, wrong column count, broken JSON), each with a plain-language reason and
the row's original bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from sojourn.records.csvread import csv_chunks
from sojourn.records.jsonlread import jsonl_chunks
from sojourn.records.mapping import Mapping
from sojourn.records.rows import RAW, ROW, Chunk, Progress, SourceFileError


def read_chunks(path: Path, mapping: Mapping, rows: int, progress: Progress) -> Iterator[Chunk]:
    """Yield chunks of at most ``rows`` rows; ``progress`` gets the bytes read so far."""
    readers = {"csv": csv_chunks, "jsonl": jsonl_chunks, "parquet": _parquet_chunks}
    yield from readers[mapping.format](path, mapping, rows, progress)


def _jsonable(frame: pl.DataFrame) -> list[pl.Expr]:
    """Columns as JSON can hold them: binary values as hex text."""
    return [
        pl.col(name).bin.encode("hex") if dtype == pl.Binary else pl.col(name)
        for name, dtype in frame.schema.items()
    ]


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
            pl.struct(_jsonable(frame)).struct.json_encode().alias(RAW),
            pl.int_range(start, start + frame.height, dtype=pl.Int64).alias(ROW),
        )
        start += frame.height
        done += frame.height
        progress(size * done // total)
        yield Chunk(frame)
