"""Replaying a source extract as a stream: each row of a file (CSV, JSON Lines or Parquet,
read with its mapping's format) becomes an event on ``sojourn.in.<kind>`` keyed by its source
record id, published at a steady rate (for demonstrations and benchmarks)."""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq

from sojourn.events.bus import Bus
from sojourn.events.event import Event
from sojourn.records.mapping import Mapping


def rows(path: Path, mapping: Mapping) -> Iterator[tuple[int, dict[str, object]]]:
    """(row number, row) of a source file, as its mapping reads it."""
    if mapping.format == "csv":
        with path.open(encoding=mapping.encoding, newline="") as f:
            for i, row in enumerate(csv.DictReader(f, delimiter=mapping.delimiter or ","), 2):
                yield i, dict(row)
    elif mapping.format == "jsonl":
        with path.open(encoding=mapping.encoding) as f:
            for i, line in enumerate(f, 1):
                if line.strip():
                    yield i, json.loads(line)
    else:
        for i, row in enumerate(pq.read_table(path).to_pylist(), 1):
            yield i, {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}


def events(path: Path, mapping: Mapping) -> Iterator[Event]:
    for line, row in rows(path, mapping):
        key = str(row.get(mapping.record_id, ""))
        payload = {"mapping": mapping.name, "row": row, "line": line}
        yield Event(f"sojourn.in.{mapping.kind}", payload, key)


def replay(bus: Bus, path: Path, mapping: Mapping, rate: float, limit: int | None = None) -> int:
    """Publish the file's rows at ``rate`` events per second; returns how many."""
    start, sent = time.perf_counter(), 0
    for event in events(path, mapping):
        if limit is not None and sent >= limit:
            break
        due = start + sent / rate
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        bus.publish([event])
        sent += 1
    return sent
