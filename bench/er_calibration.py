"""Is the model's match probability right? Calibration on labelled data made by others.

For each set (bench/external_sets.py), sojourn ingests and resolves it as
bench/er_external.py does, then every candidate pair of the run is scored again with the
run's model and labelled with the set's truth (one person or two). Prints, per band of match
probability, the pairs and the share of them that are truly one person; and what linking
each band below the run's accept threshold would add (true and false pairs).

A calibrated model's band 0.90-0.95 holds about 92% true pairs. Where it holds far fewer,
lowering the accept threshold there would link strangers: this is the evidence behind the
accept floor (docs/resolve.md, "Measured on data made by others").

    .venv/bin/python bench/er_calibration.py [--sets pp-census-ssa,pp-census-w2]
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
from pathlib import Path

import polars as pl

from external_sets import SETS, ExternalSet
from population import machine
from sojourn.resolve.features import load_records
from sojourn.resolve.model import score
from sojourn.resolve.run import _Clock, _compute
from sojourn.resolve.store import last_thresholds, load_model
from sojourn.store import make_engine
from sojourn_external import run_sojourn

BANDS = (0.5, 0.8, 0.9, 0.93, 0.95, 0.97, 0.99)


def labelled_pairs(dataset: ExternalSet, directory: Path) -> tuple[pl.DataFrame, float]:
    """The run's candidate pairs with ``match_probability`` and ``true``; the accept used."""
    run_sojourn(dataset, directory)
    engine = make_engine(f"sqlite:///{directory / 'store' / 'sojourn.db'}")
    with engine.connect() as conn:
        model, (accept, _) = load_model(conn), last_thresholds(conn)
        keys = pl.read_database(
            "SELECT id, source || ':' || source_record_id AS key FROM records", conn
        )
    _, vectors, _ = _compute(load_records(engine), _Clock(None))
    engine.dispose()
    scored = score(vectors, model).select("id_l", "id_r", "match_probability")
    person = dataset.truth.join(keys, on="key").select("id", "person_id", "source")
    for side in ("l", "r"):
        scored = scored.join(
            person.rename({c: f"{c}_{side}" for c in person.columns}), on=f"id_{side}"
        )
    if dataset.link:  # only pairs across the two lists count
        scored = scored.filter(pl.col("source_l") != pl.col("source_r"))
    return scored.with_columns(true=pl.col("person_id_l") == pl.col("person_id_r")), accept


def bands(pairs: pl.DataFrame) -> pl.DataFrame:
    edges = (0.0, *BANDS, 1.0)
    rows = []
    for low, high in itertools.pairwise(edges):
        band = pairs.filter(pl.col("match_probability").is_between(low, high, closed="left"))
        true = int(band["true"].sum())
        share = true / band.height if band.height else float("nan")
        rows.append((f"[{low:.2f}, {high:.2f})", band.height, true, share))
    return pl.DataFrame(rows, schema=["band", "pairs", "true", "true share"], orient="row")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="pp-census-ssa,pp-census-w2,pp-names-dob")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    for name in (n.strip() for n in args.sets.split(",") if n.strip()):
        with tempfile.TemporaryDirectory(prefix=f"sojourn-cal-{name}-") as tmp:
            pairs, accept = labelled_pairs(SETS[name](), Path(tmp))
        print(f"\n{name}: {pairs.height:,} candidate pairs, accept threshold {accept:.3f}")
        with pl.Config(tbl_rows=20, tbl_hide_dataframe_shape=True, float_precision=3):
            print(bands(pairs))
        for low in (0.90, 0.93):
            gain = pairs.filter(pl.col("match_probability").is_between(low, accept, "left"))
            true = int(gain["true"].sum())
            print(
                f"  linking from {low:.2f} instead of {accept:.3f}: +{true} true pairs, "
                f"+{gain.height - true} false pairs"
            )


if __name__ == "__main__":
    main()
