"""Resuming a batch run: the features and comparison vectors of a run are kept on disk until
its results are written, so a run that is killed or fails later (training, clustering,
writing) resumes from them instead of computing them again.

A checkpoint is used only when it was made from the same stored records (their ids) by the
same code (the source of the modules that make features, blocks and vectors); otherwise it is
ignored and replaced. It is deleted once the run's transaction commits.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import polars as pl

import sojourn.resolve.blocking
import sojourn.resolve.compare
import sojourn.resolve.dates
import sojourn.resolve.features
import sojourn.resolve.generic
import sojourn.resolve.identifiers
import sojourn.resolve.names

_CODE = (
    sojourn.resolve.blocking, sojourn.resolve.compare, sojourn.resolve.dates,
    sojourn.resolve.features, sojourn.resolve.generic, sojourn.resolve.identifiers,
    sojourn.resolve.names,
)  # fmt: skip
Generic = dict[str, list[str]]


def _code_hash() -> str:
    digest = hashlib.sha256()
    for module in _CODE:
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()


def fingerprint(record_ids: pl.Series) -> str:
    """What a checkpoint must match: the stored records and the code."""
    ids = hashlib.sha256("\n".join(record_ids.sort().to_list()).encode()).hexdigest()
    return hashlib.sha256(f"{ids}:{_code_hash()}".encode()).hexdigest()[:24]


class Checkpoint:
    """The features and vectors of one run, in ``directory``."""

    def __init__(self, directory: Path, key: str) -> None:
        self.directory, self.key = directory, key

    def load(self) -> tuple[pl.DataFrame, pl.DataFrame, Generic] | None:
        """The saved features, vectors and generic values, if made for this key."""
        meta = self.directory / "checkpoint.json"
        try:
            marker = json.loads(meta.read_text(encoding="utf-8"))
            if marker.get("key") != self.key:
                return None
            return (
                pl.read_parquet(self.directory / "features.parquet"),
                pl.read_parquet(self.directory / "vectors.parquet"),
                dict(marker.get("generic", {})),
            )
        except (OSError, ValueError, pl.exceptions.PolarsError):
            return None

    def save(self, feats: pl.DataFrame, vectors: pl.DataFrame, generic: Generic) -> None:
        """Write features and vectors; the marker file last, so a half-written checkpoint
        is never used."""
        self.clear()
        self.directory.mkdir(parents=True, exist_ok=True)
        feats.write_parquet(self.directory / "features.parquet")
        vectors.write_parquet(self.directory / "vectors.parquet")
        marker = json.dumps({"key": self.key, "records": feats.height, "generic": generic})
        (self.directory / "checkpoint.json").write_text(marker, encoding="utf-8")

    def clear(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)
