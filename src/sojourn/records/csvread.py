"""CSV reading in blocks of lines, with the exact line number of every row.

Fast enough for millions of rows (the csv module runs over a list of lines; Python code runs
once per row, not per character) and exact about what goes wrong: undecodable bytes, a wrong
number of fields, a quote that is never closed (only that line is quarantined, reading
resumes on the next line).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import polars as pl

from sojourn.records.mapping import Mapping
from sojourn.records.rows import RAW, ROW, Chunk, Progress, RowError, SourceFileError

_SURROGATE = re.compile("[\udc80-\udcff]")
#: A quoted field spanning more lines than this is taken to be an unclosed quote.
MAX_ROW_LINES = 100
UNDECODABLE = "the row has bytes that are not valid in the file's declared encoding"


@dataclass
class _Block:
    """Rows parsed from a block of lines."""

    rows: list[list[str]] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    carry: list[bytes] = field(default_factory=list)
    frame: pl.DataFrame | None = None


def csv_chunks(path: Path, mapping: Mapping, rows: int, progress: Progress) -> Iterator[Chunk]:
    """Chunks of at most about ``rows`` rows of a CSV file."""
    with path.open("rb") as binary:
        header = _header(path, mapping, binary.readline())
        line, carry = 2, list[bytes]()
        while True:
            lines = carry + list(islice(binary, rows))
            at_eof = len(lines) == len(carry)
            if not lines:
                break
            block = _parse(lines, line, len(header), mapping, at_eof)
            line += len(lines) - len(block.carry)
            carry = block.carry
            progress(binary.tell())
            yield _chunk(header, block)
            if at_eof and not carry:
                break


def _header(path: Path, mapping: Mapping, first: bytes) -> list[str]:
    if not first.strip():
        raise SourceFileError(f"{path}: the file is empty (no header row)")
    text = first.decode(mapping.encoding, errors="replace").lstrip("\ufeff")
    cells = next(csv.reader([text], delimiter=mapping.delimiter))
    header = [h.strip().lstrip("\ufeff") for h in cells]
    missing = [c for c in mapping.columns() if c not in header]
    if missing:
        raise SourceFileError(
            f"{path}: column(s) {', '.join(missing)} named in mapping {mapping.name!r} "
            f"are not in the header ({', '.join(header)})"
        )
    if len(set(header)) != len(header):
        raise SourceFileError(f"{path}: the header repeats a column name")
    return header


@dataclass(frozen=True)
class _Lines:
    """A block of lines being parsed, and what is known about it."""

    raw: list[bytes]
    texts: list[str]
    first: int
    width: int
    mapping: Mapping
    at_eof: bool
    bad: set[int]


def _parse(lines: list[bytes], first: int, width: int, mapping: Mapping, at_eof: bool) -> _Block:
    texts = [raw.decode(mapping.encoding, errors="surrogateescape") for raw in lines]
    quick = _fast(texts, first, width, mapping.delimiter)
    if quick is not None:
        return quick
    block_lines = _Lines(lines, texts, first, width, mapping, at_eof, _undecodable(texts))
    block = _Block()
    start: int | None = 0
    while start is not None:
        start = _scan(block, block_lines, start)
    return block


def _scan(block: _Block, lines: _Lines, start: int) -> int | None:
    """Parse rows from line ``start``; at a broken row, quarantine its first line and return
    the line to resume from. None when the block is done (or its tail is carried over)."""
    reader = csv.reader(
        islice(lines.texts, start, None), delimiter=lines.mapping.delimiter, strict=True
    )
    done = start
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            at_end = start + reader.line_num >= len(lines.texts)
            if at_end and not lines.at_eof and len(lines.texts) - done < MAX_ROW_LINES:
                block.carry = lines.raw[done:]
                return None
            raw = lines.raw[done].rstrip(b"\r\n")
            block.errors.append(RowError(lines.first + done, "(row)", _csv_reason(exc), raw))
            return done + 1
        end = start + reader.line_num
        where = (lines.first + done, done, end)
        _keep(block, row, lines.texts, where, lines.width, lines.bad, lines.mapping.encoding)
        done = end


def _csv_reason(exc: csv.Error) -> str:
    reason = f"the row is not valid CSV ({exc})"
    if "end of data" in str(exc) or "EOF" in str(exc):
        reason += "; a quote is never closed"
    return reason


def _fast(texts: list[str], first: int, width: int, delimiter: str) -> _Block | None:
    """The common case in one vectorized step: every line decodes, has no quotes, is not
    blank and has exactly the header's number of fields. None when any of that fails."""
    joined = "".join(texts)
    if '"' in joined or _SURROGATE.search(joined) or len(delimiter) != 1:
        return None
    lines = pl.Series(texts, dtype=pl.Utf8).str.strip_chars_end("\r\n")
    counts = lines.str.count_matches(delimiter, literal=True)
    if not (counts == width - 1).all() or (lines.str.len_bytes() == 0).any():
        return None
    cells = lines.str.split_exact(delimiter, width - 1).struct.unnest()
    frame = cells.with_columns(
        pl.int_range(first, first + len(texts), dtype=pl.Int64).alias(ROW), lines.alias(RAW)
    )
    return _Block(frame=frame)


def _undecodable(texts: list[str]) -> set[int]:
    if not _SURROGATE.search("".join(texts)):
        return set()
    return {i for i, text in enumerate(texts) if _SURROGATE.search(text)}


def _keep(
    block: _Block, row: list[str], texts: list[str], where: tuple[int, int, int], width: int,
    bad: set[int], encoding: str,
) -> None:  # fmt: skip
    line, begin, end = where
    if not row:
        return
    text = texts[begin] if end == begin + 1 else "".join(texts[begin:end])
    if bad and any(i in bad for i in range(begin, end)):
        block.errors.append(RowError(line, "(row)", UNDECODABLE, _bytes(text, encoding)))
    elif len(row) != width:
        reason = f"the row has {len(row)} fields but the header has {width}"
        block.errors.append(RowError(line, "(row)", reason, _bytes(text, encoding)))
    else:
        block.rows.append(row)
        block.starts.append(line)
        block.texts.append(text)


def _bytes(text: str, encoding: str) -> bytes:
    return text.rstrip("\r\n").encode(encoding, errors="surrogateescape")


def _chunk(header: list[str], block: _Block) -> Chunk:
    if block.frame is not None:
        names = dict(zip(block.frame.columns[: len(header)], header, strict=True))
        return Chunk(block.frame.rename(names), block.errors, header)
    columns = list(zip(*block.rows, strict=True)) if block.rows else [() for _ in header]
    frame = pl.DataFrame(
        {h: pl.Series(h, col, dtype=pl.Utf8) for h, col in zip(header, columns, strict=True)}
    )
    frame = frame.with_columns(
        pl.Series(ROW, block.starts, dtype=pl.Int64),
        pl.Series(RAW, block.texts, dtype=pl.Utf8).str.strip_chars_end("\r\n"),
    )
    return Chunk(frame, block.errors, header)
