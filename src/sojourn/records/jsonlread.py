"""JSON Lines reading in blocks: one vectorized parse for clean blocks, line by line otherwise.

A line that is not UTF-8 (or the declared encoding), not JSON, or not a JSON object goes to
quarantine with its line number; blank lines are skipped. Nested objects are addressed with
dotted column names (``pax.surname``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

import orjson
import polars as pl

from sojourn.records.mapping import Mapping
from sojourn.records.rows import RAW, ROW, Chunk, Progress, RowError

SURROGATE = re.compile("[\udc80-\udcff]")


def jsonl_chunks(path: Path, mapping: Mapping, rows: int, progress: Progress) -> Iterator[Chunk]:
    """Chunks of at most ``rows`` lines of a JSON Lines file."""
    cols = mapping.columns()
    first = 1
    with path.open("rb") as binary:
        while lines := list(islice(binary, rows)):
            texts = [raw.decode(mapping.encoding, errors="surrogateescape") for raw in lines]
            if first == 1 and texts[0].startswith("\ufeff"):
                texts[0] = texts[0][1:]  # a byte-order mark is not part of the first object
            chunk = _fast(texts, first, cols) or _slow(texts, first, cols, mapping.encoding)
            first += len(lines)
            progress(binary.tell())
            yield chunk


def _fast(texts: list[str], first: int, cols: list[str]) -> Chunk | None:
    """Parse the block with Polars when every line is a clean JSON object; else None."""
    stripped = [t.strip() for t in texts]
    joined = "".join(texts)
    if not all(stripped) or SURROGATE.search(joined) or _non_text(cols).search(joined):
        return None
    try:
        data = io.BytesIO("\n".join(stripped).encode())
        parsed = pl.read_ndjson(data, schema=_schema(cols))
    except (pl.exceptions.PolarsError, ValueError, TypeError):
        return None
    if parsed.height != len(texts):
        return None
    values = parsed.select([_column(c) for c in cols])
    return Chunk(
        values.with_columns(
            pl.int_range(first, first + len(texts), dtype=pl.Int64).alias(ROW),
            pl.Series(RAW, stripped, dtype=pl.Utf8),
        )
    )


@lru_cache(maxsize=64)
def _non_text_for(leaves: tuple[str, ...]) -> re.Pattern[str]:
    keys = "|".join(re.escape(k) for k in leaves)
    return re.compile(f'"(?:{keys})"\\s*:\\s*[^"n\\s]')


def _non_text(cols: list[str]) -> re.Pattern[str]:
    """Finds a mapped key whose value is not a string or null (a number, true/false, an
    object or a list). Such blocks take the slow path, so that a value is turned into text
    one way only and a row's id never depends on which path read it."""
    return _non_text_for(tuple(sorted({c.split(".")[-1] for c in cols})))


def _schema(cols: list[str]) -> dict[str, Any]:
    """A Polars schema reading every mapped column (dotted = nested) as text."""
    tree: dict[str, Any] = {}
    for dotted in cols:
        node = tree
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node.setdefault(leaf, None)
    return {name: _dtype(sub) for name, sub in tree.items()}


def _dtype(node: dict[str, Any] | None) -> Any:
    if node is None:
        return pl.String
    return pl.Struct({name: _dtype(sub) for name, sub in node.items()})


def _column(dotted: str) -> pl.Expr:
    head, *rest = dotted.split(".")
    expr = pl.col(head)
    for part in rest:
        expr = expr.struct.field(part)
    return expr.alias(dotted)


def _slow(texts: list[str], first: int, cols: list[str], encoding: str) -> Chunk:
    paths = [c.split(".") for c in cols]
    values: list[list[str | None]] = []
    numbers: list[int] = []
    raws: list[str] = []
    errors: list[RowError] = []
    for lineno, line in enumerate(texts, first):
        if not line.strip():
            continue
        obj, problem = _json_object(line)
        if obj is None:
            raw = line.rstrip("\r\n").encode(encoding, errors="surrogateescape")
            errors.append(RowError(lineno, "(row)", str(problem), raw))
        else:
            values.append([_get(obj, p) for p in paths])
            numbers.append(lineno)
            raws.append(line.strip())
    columns = list(zip(*values, strict=True)) if values else [() for _ in cols]
    data = {c: pl.Series(c, col, dtype=pl.Utf8) for c, col in zip(cols, columns, strict=True)}
    data[ROW] = pl.Series(ROW, numbers, dtype=pl.Int64)
    data[RAW] = pl.Series(RAW, raws, dtype=pl.Utf8)
    return Chunk(pl.DataFrame(data), errors)


def _json_object(line: str) -> tuple[dict[str, Any] | None, str | None]:
    if SURROGATE.search(line):
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
