"""The row-at-a-time mapper gives exactly what the vectorised transform gives: the same
records (every column, the content-hash id included), the same quarantined rows and reasons,
the same notes; on every built-in CSV and JSON Lines mapping's generated rows, and on
generated rows with values changed at random. It must also take most rows itself: a mapper
that handed every row back to the transform would pass the comparison and save nothing."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import orjson
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from sojourn.records import streamed
from sojourn.records.mapping import Mapping, builtin_mapping
from sojourn.records.rowmap import RowMapper
from sojourn.records.rows import RowError
from sojourn.records.streamed import ROWS_ONE_AT_A_TIME, Mapped1, map_rows, map_rows_vectorised
from sojourn.synth import generate

AS_OF = dt.date(2025, 9, 30)
Row = dict[str, Any]


@pytest.fixture(scope="module")
def extracts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Row]]:
    """Each CSV and JSON Lines mapping's generated rows, as a stream would carry them."""
    out = tmp_path_factory.mktemp("rowmap")
    generate(400, 11, AS_OF, out)
    manifest = json.loads((out / "manifest.json").read_text())
    found: dict[str, list[Row]] = {}
    for item in manifest["files"]:
        mapping = builtin_mapping(item["mapping"])
        rows = _rows(out / item["path"], mapping) if mapping.format != "parquet" else []
        if rows:
            found[mapping.name] = rows
    return found


def _rows(path: Path, mapping: Mapping) -> list[Row]:
    if mapping.format == "jsonl":
        return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    with path.open(newline="", encoding=mapping.encoding) as handle:
        return list(csv.DictReader(handle, delimiter=mapping.delimiter))


def _same(mapping: Mapping, rows: list[Row]) -> int:
    """Compare both paths on ``rows``; return how many rows the row mapper took itself."""
    numbered = [(n, row) for n, row in enumerate(rows, 7)]
    texts = [json.dumps(row, ensure_ascii=False, sort_keys=True) for row in rows]
    size = ROWS_ONE_AT_A_TIME  # in batches the row mapper takes, as a stream's would be
    fast = [
        m for i in range(0, len(numbered), size) for m in map_rows(mapping, numbered[i : i + size])
    ]
    slow = map_rows_vectorised(mapping, numbered, texts)
    for one, other in zip(fast, slow, strict=True):
        _equal(one, other)
    own = RowMapper(mapping)
    return sum(own(n, text) is not None for (n, _), text in zip(numbered, texts, strict=True))


def _equal(one: Mapped1, other: Mapped1) -> None:
    if isinstance(other, RowError):
        assert one == other
    else:
        assert isinstance(one, pl.DataFrame)
        assert_frame_equal(one, other)


def test_every_generated_row_maps_the_same_and_most_without_the_transform(
    extracts: dict[str, list[Row]],
) -> None:
    assert len(extracts) >= 8
    for name, rows in extracts.items():
        taken = _same(builtin_mapping(name), rows)
        assert taken >= 0.9 * len(rows), (name, taken, len(rows))


def test_a_large_batch_is_mapped_by_the_transform_alone(
    extracts: dict[str, list[Row]], monkeypatch: pytest.MonkeyPatch
) -> None:
    name, rows = max(extracts.items(), key=lambda item: len(item[1]))
    numbered = list(enumerate(rows[: ROWS_ONE_AT_A_TIME + 1], 1))
    assert len(numbered) > ROWS_ONE_AT_A_TIME
    monkeypatch.setattr(streamed, "RowMapper", None)  # calling it would fail
    monkeypatch.setattr(streamed, "_ROW_MAPPERS", {})
    texts = [json.dumps(row, ensure_ascii=False, sort_keys=True) for _, row in numbered]
    mapping = builtin_mapping(name)
    for one, other in zip(
        map_rows(mapping, numbered), map_rows_vectorised(mapping, numbered, texts), strict=True
    ):
        _equal(one, other)


def _apis_rows() -> list[str]:
    return builtin_mapping("cbp-apis-out").columns()


# Values a source may hold in any column: blanks, null markers, dates in many shapes (some
# impossible), numbers, identifiers with spaces and dashes, names with commas, and values over
# the limits. Printable ASCII, with tabs and non-ASCII letters now and then (those rows take
# the transform, and must still come out the same).
_DATES = st.sampled_from(
    ["2024-02-29", "2023-02-29", "20240105", "2024-1-5", "01/05/2024", "1/5/24", "05JAN2024",
     "2024-13-01", "1899-12-31", "2101-01-01", "2024", "2024-00-00", "1985-07", " 2024-01-05 ",
     "2024-01-05T10:30:00", "2024-01-05 10:30", "0000-01-01", "3024-01-01"]
)  # fmt: skip
_VALUES = st.one_of(
    st.none(),
    st.sampled_from(["", " ", "N/A", "null", "NONE", "-", "?", "Na", "0", "-5", "+7", "1,200"]),
    _DATES,
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=12),
    st.text(st.sampled_from("AB12 -,\t\u00e9"), max_size=10),
    st.integers(min_value=-10, max_value=10**12).map(str),
    st.just("X" * 300),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_changed_rows_map_the_same(extracts: dict[str, list[Row]], data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(extracts)))
    mapping = builtin_mapping(name)
    row = dict(data.draw(st.sampled_from(extracts[name])))
    for column in data.draw(st.lists(st.sampled_from(mapping.columns()), max_size=4)):
        head, *rest = column.split(".")
        if rest:
            continue
        row[head] = data.draw(_VALUES)
    _same(mapping, [row])
