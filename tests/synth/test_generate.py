"""Determinism, manifest and progress reporting."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from sojourn.synth import GenerateResult, generate
from tests.synth.conftest import AS_OF, PERSONS, SEED

EXPECTED = {
    "arrivals_i94.csv": ("arrival", "cbp-i94"),
    "departures_apis.jsonl": ("departure", "cbp-apis-out"),
    "uscis_benefits.csv": ("status", "uscis-benefits"),
    "sevis_students.parquet": ("student", "sevis"),
    "eoir_cases.csv": ("court", "eoir-cases"),
    "convictions.csv": ("conviction", "state-convictions"),
    "ar11_addresses.jsonl": ("address", "uscis-ar11"),
    "cbp_home.jsonl": ("self_departure", "cbp-home"),
    "naturalizations.csv": ("naturalization", "uscis-n400"),
    "custody.parquet": ("custody", "ice-custody"),
    "passports.csv": ("passport", "dos-passports"),
    "numident.jsonl": ("numident", "ssa-numident"),
    "employer_notices.csv": ("employment_end", "employer-notices"),
    "deferred_action.csv": ("deferred_action", "uscis-deferred-action"),
    "parole_terminations.jsonl": ("parole_termination", "parole-terminations"),
}


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    first = generate(3_000, 11, AS_OF, tmp_path / "a")
    second = generate(3_000, 11, AS_OF, tmp_path / "b")
    assert _tree(first.out) == _tree(second.out)


def test_other_seed_gives_other_data(tmp_path: Path) -> None:
    first = generate(3_000, 11, AS_OF, tmp_path / "a")
    other = generate(3_000, 12, AS_OF, tmp_path / "b")
    big = {f.path: f.sha256 for f in first.files if f.rows > 50}
    assert big and all(big[f.path] != f.sha256 for f in other.files if f.path in big)


def test_manifest_lists_every_file_with_rows_and_checksum(dataset: GenerateResult) -> None:
    manifest = json.loads((dataset.out / "manifest.json").read_text())
    assert manifest["generator"] == "sojourn.synth"
    assert manifest["version"] == 1
    assert (manifest["seed"], manifest["persons"]) == (SEED, PERSONS)
    assert manifest["as_of"] == AS_OF.isoformat()
    assert {f["path"]: (f["kind"], f["mapping"]) for f in manifest["files"]} == EXPECTED
    for entry in manifest["files"]:
        data = (dataset.out / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert entry["rows"] > 0


def test_manifest_row_counts_match_files(dataset: GenerateResult) -> None:
    for f in dataset.files:
        path = dataset.out / f.path
        if f.path.endswith(".csv"):
            lines = path.read_bytes().count(b"\n") - 1
        elif f.path.endswith(".jsonl"):
            lines = path.read_bytes().count(b"\n")
        else:
            import pyarrow.parquet as pq

            lines = pq.read_metadata(path).num_rows
        assert lines == f.rows, f.path


def test_result_and_progress(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    result = generate(500, 3, dt.date(2024, 9, 30), tmp_path, lambda *a: calls.append(a))
    assert result.persons == 500 and result.out == tmp_path and result.seconds > 0
    assert calls[-1][1] == calls[-1][2]
    assert [c[1] for c in calls] == sorted(c[1] for c in calls)
    assert {f.path for f in result.files} == set(EXPECTED)
