"""Chunked readers for CSV, JSONL and Parquet source files.

Each chunk is a Polars frame with the mapped source columns, ``__row`` (the line number for
CSV/JSONL, header = line 1; the 1-based row for Parquet), ``__raw`` (the row as read, as
JSON) and ``__line`` (the row's original text), plus the rows that could not be read at all
(undecodable bytes, wrong column count, broken JSON), each with a plain-language reason and
the row's original bytes.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import polars as pl
import pyarrow.parquet as pq

from sojourn.records.mapping import Mapping

_SURROGATE = re.compile("[\udc80-\udcff]")
ROW, RAW, LINE = "__row", "__raw", "__line"
Progress = Callable[[int], None]


class SourceFileError(ValueError):
    """The file as a whole cannot be read with its mapping (missing column, empty file)."""


@dataclass(frozen=True)
class RowError:
    """A row that went to quarantine: where, which field, why, and its original bytes."""

    row: int
    field: str
    reason: str
    raw: bytes


@dataclass
class Chunk:
    """Rows read from one stretch of a file."""

    frame: pl.DataFrame
    errors: list[RowError] = field(default_factory=list)


def read_chunks(path: Path, mapping: Mapping, rows: int, progress: Progress) -> Iterator[Chunk]:
    """Yield chunks of at most ``rows`` rows; ``progress`` gets the bytes read so far."""
    readers = {"csv": _csv_chunks, "jsonl": _jsonl_chunks, "parquet": _parquet_chunks}
    yield from readers[mapping.format](path, mapping, rows, progress)


class _Lines:
    """Feeds lines to ``csv.reader`` and remembers the lines of the row being read."""

    def __init__(self, text: io.TextIOWrapper) -> None:
        self._text = text
        self.lineno = 0
        self.pending: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._text)
        self.lineno += 1
        self.pending.append(line)
        return line

    def take(self) -> tuple[int, str]:
        """(first line number, text) of the row just read."""
        lines, self.pending = self.pending, []
        return self.lineno - len(lines) + 1, "".join(lines)


def _csv_chunks(path: Path, mapping: Mapping, rows: int, progress: Progress) -> Iterator[Chunk]:
    with path.open("rb") as binary:
        text = io.TextIOWrapper(binary, mapping.encoding, errors="surrogateescape", newline="")
        lines = _Lines(text)
        reader = csv.reader(lines, delimiter=mapping.delimiter, strict=True)
        header = _csv_header(path, mapping, reader, lines)
        good: list[list[str]] = []
        numbers: list[int] = []
        texts: list[str] = []
        errors: list[RowError] = []
        for row in _safe_rows(reader, lines, errors, mapping.encoding):
            start, raw = lines.take()
            problem = _csv_problem(row, raw, len(header))
            if problem:
                errors.append(RowError(start, "(row)", problem, _bytes(raw, mapping.encoding)))
            elif row:
                good.append(row)
                numbers.append(start)
                texts.append(raw)
            if len(good) + len(errors) >= rows:
                progress(binary.tell())
                yield _csv_chunk(header, good, (numbers, texts), errors)
                good, numbers, texts, errors = [], [], [], []
        progress(binary.tell())
        yield _csv_chunk(header, good, (numbers, texts), errors)


def _csv_header(path: Path, mapping: Mapping, reader: Any, lines: _Lines) -> list[str]:
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader)]
    except StopIteration:
        raise SourceFileError(f"{path}: the file is empty (no header row)") from None
    lines.take()
    missing = [c for c in mapping.columns() if c not in header]
    if missing:
        raise SourceFileError(
            f"{path}: column(s) {', '.join(missing)} named in mapping {mapping.name!r} "
            f"are not in the header ({', '.join(header)})"
        )
    if len(set(header)) != len(header):
        raise SourceFileError(f"{path}: the header repeats a column name")
    return header


def _safe_rows(
    reader: Any, lines: _Lines, errors: list[RowError], encoding: str
) -> Iterator[list[str]]:
    """Rows from ``reader``; a row the csv module rejects becomes a quarantine entry."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            start, raw = lines.take()
            reason = f"the row is not valid CSV ({exc})"
            errors.append(RowError(start, "(row)", reason, _bytes(raw, encoding)))


def _csv_problem(row: list[str], raw: str, width: int) -> str | None:
    if _SURROGATE.search(raw):
        return "the row has bytes that are not valid in the file's declared encoding"
    if row and len(row) != width:
        return f"the row has {len(row)} fields but the header has {width}"
    return None


def _csv_chunk(
    header: list[str],
    good: list[list[str]],
    where: tuple[list[int], list[str]],
    errors: list[RowError],
) -> Chunk:
    columns = list(zip(*good, strict=True)) if good else [() for _ in header]
    frame = pl.DataFrame(
        {h: pl.Series(h, col, dtype=pl.Utf8) for h, col in zip(header, columns, strict=True)}
    )
    frame = frame.with_columns(
        pl.struct(header).struct.json_encode().alias(RAW),
        pl.Series(ROW, where[0], dtype=pl.Int64),
        pl.Series(LINE, where[1], dtype=pl.Utf8).str.strip_chars_end("\r\n"),
    )
    return Chunk(frame, errors)


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
    data[LINE] = data[RAW]
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
        ).with_columns(pl.col(RAW).alias(LINE))
        start += frame.height
        done += frame.height
        progress(size * done // total)
        yield Chunk(frame)
