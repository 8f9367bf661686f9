"""Orders rows, injects exact duplicate rows, writes each extract in its declared format and
returns the matching ground-truth rows (file, physical row, record id, person, noise tags)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from sojourn.synth.extracts.base import NOISE_TAGS, Extract, NoiseBook
from sojourn.synth.names import origin_names
from sojourn.synth.population import Population
from sojourn.synth.truth import person_ids


@dataclass(frozen=True)
class ManifestFile:
    path: str
    kind: str
    mapping: str
    rows: int
    sha256: str


def _reorder(ex: Extract, idx: np.ndarray) -> Extract:
    cols = {k: v.gather(idx) for k, v in ex.cols.items()}
    tags = {k: v[idx] for k, v in ex.tags.items()}
    return Extract(ex.spec, cols, ex.person[idx], ex.when[idx], tags)


def finish(ex: Extract, nb: NoiseBook) -> Extract:
    """Sort by event date (stable), then repeat some rows right after themselves."""
    ex.tags.update(nb.tags)
    order = np.argsort(ex.when, kind="stable")
    ex = _reorder(ex, order)
    nb.tags = {}
    nb.n = len(order)
    dup = np.flatnonzero(nb.pick("duplicate_row"))
    idx = np.sort(np.concatenate([np.arange(len(order)), dup]), kind="stable")
    out = _reorder(ex, idx)
    second = np.zeros(len(idx), dtype=bool)
    second[1:] = idx[1:] == idx[:-1]
    out.tags["duplicate_row"] = second
    return out


def _nest(df: pl.DataFrame) -> pl.DataFrame:
    """Dotted column names become nested JSON objects."""
    exprs: list[pl.Expr] = []
    seen: set[str] = set()
    for name in df.columns:
        head, dot, _ = name.partition(".")
        if not dot:
            exprs.append(pl.col(name))
        elif head not in seen:
            seen.add(head)
            members = [c for c in df.columns if c.startswith(head + ".")]
            fields = [pl.col(c).alias(c.split(".", 1)[1]) for c in members]
            exprs.append(pl.struct(fields).alias(head))
    return df.select(exprs)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


def write(ex: Extract, out: Path) -> ManifestFile:
    spec = ex.spec
    df = pl.DataFrame(ex.cols)
    path = out / spec.path
    if spec.fmt == "parquet":
        df.write_parquet(path, compression="zstd", statistics=False)
    elif spec.fmt == "jsonl":
        _nest(df).write_ndjson(path)
    elif spec.encoding.lower() == "utf-8":
        df.write_csv(path, separator=spec.delimiter, null_value="")
    else:
        text = df.write_csv(separator=spec.delimiter, null_value="")
        path.write_bytes(text.encode(spec.encoding))
    return ManifestFile(spec.path, spec.kind, spec.mapping, df.height, _sha256(path))


def truth_rows(ex: Extract, pop: Population) -> pl.DataFrame:
    n = len(ex.person)
    first = 2 if ex.spec.fmt == "csv" else 1
    masks = [pl.when(pl.Series(ex.tags[t])).then(pl.lit(t)) for t in NOISE_TAGS if t in ex.tags]
    noise = (
        pl.select(
            pl.concat_str(masks, separator=";", ignore_nulls=True).fill_null("").alias("noise")
        ).to_series()
        if masks
        else pl.Series(["" for _ in range(n)])
    )
    origins = pl.Series(origin_names(), dtype=pl.String).gather(pop.origin[ex.person])
    return pl.DataFrame(
        {
            "file": pl.Series([ex.spec.path], dtype=pl.String).gather(np.zeros(n, dtype=np.int64)),
            "row": pl.Series(np.arange(first, first + n, dtype=np.int64)),
            "source": pl.Series([ex.spec.mapping], dtype=pl.String).gather(np.zeros(n, np.int64)),
            "source_record_id": ex.cols[ex.spec.record_id].cast(pl.String),
            "person_id": person_ids(ex.person),
            "name_origin": origins,
            "noise": noise.alias("noise"),
        }
    )
