"""Every extract is readable exactly as its mapping (records/mappings/*.yaml) declares."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl
import pycountry
import pytest
import yaml

from sojourn.synth import GenerateResult

MALFORMED = ("bad_date", "unknown_code", "missing_required")
DATE_FIELDS = re.compile(r"(date|_on|_until|until)$")


def mapping(name: str) -> dict[str, Any]:
    text = resources.files("sojourn.records").joinpath(f"mappings/{name}.yaml").read_text()
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def columns(spec: dict[str, Any]) -> set[str]:
    out = {spec["record_id"]}
    for value in spec["fields"].values():
        if isinstance(value, str):
            out.add(value)
        elif "join" in value:
            out.update(value["join"])
        elif "column" in value:  # else a constant ({value: USA}): no column
            out.add(value["column"])
    return out


def load(path: Path, spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows as flat dicts keyed by the mapping's (dotted) column names."""
    if spec["format"] == "csv":
        text = path.read_bytes().decode(spec["encoding"])
        return list(csv.DictReader(io.StringIO(text), delimiter=spec["delimiter"]))
    if spec["format"] == "jsonl":
        rows = []
        for line in path.read_text("utf-8").splitlines():
            obj = json.loads(line)
            flat = {}
            for key, value in obj.items():
                if isinstance(value, dict):
                    flat.update({f"{key}.{k}": v for k, v in value.items()})
                else:
                    flat[key] = value
            rows.append(flat)
        return rows
    return pl.read_parquet(path).to_dicts()


@pytest.fixture(scope="module")
def extracts(dataset: GenerateResult, records: pl.DataFrame) -> list[tuple[Any, ...]]:
    out = []
    for f in dataset.files:
        spec = mapping(f.mapping)
        rows = load(dataset.out / f.path, spec)
        noise = records.filter(pl.col("file") == f.path)["noise"].to_list()
        out.append((f, spec, rows, noise))
    return out


def test_columns_match_mapping(extracts: list[tuple[Any, ...]]) -> None:
    for f, spec, rows, _ in extracts:
        assert spec["kind"] == f.kind and spec["source"] == f.mapping
        assert len(rows) == f.rows
        assert set(rows[0]) == columns(spec), f.path


def _fields(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for name, value in spec["fields"].items():
        value = {"column": value} if isinstance(value, str) else value
        if "column" in value:
            out.append((name, value))
    return out


def _check_value(name: str, fs: dict[str, Any], spec: dict[str, Any], value: Any) -> None:
    if value in (None, "") or value in fs.get("null_values", []) or value in fs.get("true", []):
        return
    if "codes" in fs:
        assert value in fs["codes"], (name, value)
    elif isinstance(value, str) and (DATE_FIELDS.search(name) or name in ("intent_on",)):
        fmt = fs.get("format", spec.get("date_format"))
        if fmt:
            dt.datetime.strptime(value, fmt)
    countries = ("nationality", "passport_country", "birth_place", "destination_country")
    if name in countries and "codes" not in fs:  # a country given by codes was checked above
        assert pycountry.countries.lookup(value)


def test_values_parse_with_declared_formats_and_codes(extracts: list[tuple[Any, ...]]) -> None:
    for f, spec, rows, noise in extracts:
        fields = _fields(spec)
        for row, tags in zip(rows, noise, strict=True):
            if any(t in tags for t in MALFORMED):
                continue
            for name, fs in fields:
                _check_value(name, fs, spec, row[fs["column"]])
            for name, fs in fields:
                if fs.get("required"):
                    assert row[fs["column"]] not in (None, ""), (f.path, name)


def test_malformed_rows_really_are_malformed(extracts: list[tuple[Any, ...]]) -> None:
    seen = 0
    for _, spec, rows, noise in extracts:
        required = [fs["column"] for _, fs in _fields(spec) if fs.get("required")]
        for row, tags in zip(rows, noise, strict=True):
            if "missing_required" in tags:
                seen += 1
                assert any(row[c] in (None, "") for c in required)
    assert seen > 0


def test_parquet_types(dataset: GenerateResult) -> None:
    sevis = pl.read_parquet(dataset.out / "sevis_students.parquet")
    assert sevis.schema["program_start"] == pl.Date
    assert sevis.schema["birth_date"] == pl.Date
    custody = pl.read_parquet(dataset.out / "custody.parquet")
    assert isinstance(custody.schema["book_in"], pl.Datetime)
    assert custody.schema["dob"] == pl.String


def test_eoir_is_windows_1252(dataset: GenerateResult) -> None:
    raw = (dataset.out / "eoir_cases.csv").read_bytes()
    assert any(b >= 0x80 for b in raw), "expected accented names"
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "NTA_SERVED" in raw.decode("cp1252").splitlines()[0]


def test_a_number_styles(dataset: GenerateResult) -> None:
    eoir = pl.read_csv(
        dataset.out / "eoir_cases.csv", encoding="windows-1252", infer_schema_length=0
    )
    assert eoir["ALIEN_NBR"].drop_nulls().str.contains(r"^A-\d{3}-\d{3}-\d{3}$").all()
    ar11 = pl.read_ndjson(dataset.out / "ar11_addresses.jsonl")
    assert ar11["a_number"].drop_nulls().str.contains(r"^\d{9}$").all()
    n400 = pl.read_csv(dataset.out / "naturalizations.csv", infer_schema_length=0)
    assert n400["A_NUMBER"].drop_nulls().str.contains(r"^A\d{9}$").all()
