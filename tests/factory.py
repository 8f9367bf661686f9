"""Test factories: small source files written in a source's own format."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import orjson
import polars as pl
from sqlalchemy import Engine

I94_HEADER = [
    "ADMNUM",
    "LAST_NAME",
    "FIRST_NAME",
    "MIDDLE_NAME",
    "DOB",
    "SEX",
    "CTZ",
    "PASSPORT_NO",
    "PASSPORT_CNTRY",
    "ARR_DT",
    "PORT",
    "MODE",
    "COA",
    "ADMIT_UNTIL",
]


def i94_row(admnum: str, family: str = "Haddad", **overrides: str) -> list[str]:
    """One I-94 arrival row; keyword overrides by column name."""
    row = dict(
        zip(
            I94_HEADER,
            [
                admnum,
                family,
                "Omar",
                "",
                "19850312",
                "M",
                "JOR",
                "P123",
                "JOR",
                "20240105",
                "JFK",
                "A",
                "B2",
                "20240705",
            ],
            strict=True,
        )
    )
    row.update(overrides)
    return [row[c] for c in I94_HEADER]


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_i94(path: Path, rows: Sequence[Sequence[str]]) -> Path:
    return write_csv(path, I94_HEADER, rows)


def write_jsonl(path: Path, objects: Sequence[dict[str, object]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(o) + b"\n" for o in objects))
    return path


def write_parquet(path: Path, columns: dict[str, list[object]]) -> Path:
    pl.DataFrame(columns).write_parquet(path)
    return path


def resolved_population(directory: Path, persons: int) -> Path:
    """Generate, ingest and resolve a population through the command line (the data dir is
    the test's own); returns the generated directory."""
    from typer.testing import CliRunner

    from sojourn.cli import app

    runner, out = CliRunner(), directory / "synth"
    for args in (["generate", "--persons", str(persons), "--out", str(out)],
                 ["ingest", str(out)], ["resolve"]):  # fmt: skip
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    return out


def person_by_key(engine: Engine) -> dict[str, str]:
    """Each linked record's source record id → its current person id."""
    from sojourn.resolve.store import current_links

    with engine.connect() as conn:
        keys = pl.read_database("SELECT id, source_record_id AS key FROM records", conn)
        links = current_links(conn)
    joined = keys.join(links, left_on="id", right_on="record_id")
    return dict(joined.select("key", "person_id").iter_rows())
