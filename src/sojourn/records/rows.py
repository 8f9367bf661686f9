"""The shapes readers produce: chunks of rows, rows that could not be read, file errors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

ROW, RAW = "__row", "__raw"
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
    header: list[str] | None = None


@dataclass(frozen=True)
class RowNote:
    """A kept row with one value made missing (``on_error: missing``): where, the record
    it became, which field (the source columns) and why."""

    row: int
    record_id: str
    field: str
    note: str
