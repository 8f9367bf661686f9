"""A plain Splink 5 (DuckDB) baseline for deduplicating sojourn's records.

"Plain" means what a careful first Splink model would do, and nothing sojourn-specific:

* names are used as given, only lower-cased and trimmed: no transliteration, no accent
  folding, no nickname or name-order handling. Where the given or family name is missing but
  the full name is set, the full name is split naively: last token = family name, the rest =
  given name (the middle name is not used);
* Splink's standard comparisons: ``NameComparison`` (Jaro-Winkler levels, term-frequency
  adjusted exact match) on given and family name, ``DateOfBirthComparison`` on the ISO birth
  date (a partial date such as "1980" or "1980-05" does not parse and counts as missing),
  and ``ExactMatch`` on passport number, A-number, sex and nationality;
* u by random sampling, m by EM on two training blocking rules, the prior from a
  deterministic rule, prediction over four blocking rules, connected components at the
  threshold.

``run_baseline`` is what ``bench/resolve.py`` can print beside sojourn's own resolver;
``main`` runs it standalone on a generated population and scores it against the truth:

    .venv/bin/python bench/splink_baseline.py --data DIR
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

SEED = 42
U_MAX_PAIRS = 1e7  # pairs sampled for u; early stopping ends sooner once every level is seen
EM_MAX_PAIRS = 3e6  # cap on the pairs of each EM session (deterministic hash sampling)
PRIOR_RECALL = 0.7  # assumed recall of the deterministic rule that sets the prior
COLUMNS = (
    "given_name", "family_name", "birth_date", "sex", "nationality", "passport_number",
    "a_number",
)  # fmt: skip


@dataclass(frozen=True)
class BaselineResult:
    assignments: pl.DataFrame  # id, cluster (str): one row per input record
    seconds: float  # start to clustering done, conversions included
    pairs: int  # predicted pairs scored
    train_seconds: float  # u, prior and EM


def prepare(records: pl.DataFrame) -> pl.DataFrame:
    """The Splink input: ``unique_id`` and the compared columns, names lower-cased and the
    full name split naively where given or family name is missing."""
    absent = [c for c in (*COLUMNS, "full_name") if c not in records.columns]
    frame = records.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c) for c in absent)
    full = pl.col("full_name").str.replace_all(r"\s+", " ").str.strip_chars()
    tokens = full.str.to_lowercase().str.split(" ")
    rest = tokens.list.head(tokens.list.len() - 1).list.join(" ")
    return frame.select(
        pl.col("id").alias("unique_id"),
        _clean("given_name").fill_null(rest.replace("", None)).alias("given_name"),
        _clean("family_name").fill_null(tokens.list.last().replace("", None)).alias("family_name"),
        *(_clean(c, lower=False).alias(c) for c in COLUMNS[2:]),
    )


def _clean(column: str, *, lower: bool = True) -> pl.Expr:
    value = pl.col(column).str.strip_chars()
    return (value.str.to_lowercase() if lower else value).replace("", None)


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("family_name"),
            cl.DateOfBirthComparison("birth_date", input_is_string=True),
            cl.ExactMatch("passport_number"),
            cl.ExactMatch("a_number"),
            cl.ExactMatch("sex"),
            cl.ExactMatch("nationality"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("birth_date", "substr(family_name, 1, 1)"),
            block_on("passport_number"),
            block_on("a_number"),
            # family + given name alone is ~43M pairs on 650k records: add the birth year
            block_on("family_name", "given_name", "substr(birth_date, 1, 4)"),
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def train(linker: Linker) -> None:
    """u by random sampling, the prior from exact name + birth date, m by EM on two rules
    (each leaves its own columns' m to the other).

    The second rule holds nationality and sex too. On names alone (family + given), people
    who share a name also share nationality and sex far more often than random pairs do, so
    EM's "match" class latched onto those agreements: at 200,000 persons it learned an
    exact birth-date match m of 0.05 and pairwise F1 fell from 0.995 to 0.969."""
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=SEED)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "birth_date")], recall=PRIOR_RECALL
    )
    for rule in (
        block_on("birth_date"),
        block_on("family_name", "given_name", "nationality", "sex"),
    ):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, max_pairs=EM_MAX_PAIRS
        )


def run_baseline(records: pl.DataFrame, threshold: float = 0.9) -> BaselineResult:
    """Train, predict and cluster ``records`` with plain Splink at ``threshold``."""
    start = time.perf_counter()
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    try:
        db_api = DuckDBAPI(con)
        table = db_api.register(prepare(records).to_arrow(), dataset_display_name="records")
        linker = Linker(table, settings(), log_level=logging.WARNING)
        begin = time.perf_counter()
        train(linker)
        train_seconds = time.perf_counter() - begin
        predictions = linker.inference.predict()
        counted = con.sql(f"select count(*) from {predictions.physical_name}").fetchall()
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold
        )
        assignments = pl.from_arrow(
            con.sql(
                f"select unique_id as id, cast(cluster_id as varchar) as cluster "
                f"from {clusters.physical_name} order by unique_id"
            ).to_arrow_table()
        )
    finally:
        con.close()
    assert isinstance(assignments, pl.DataFrame)
    return BaselineResult(
        assignments=assignments,
        seconds=time.perf_counter() - start,
        pairs=int(counted[0][0]),
        train_seconds=train_seconds,
    )


def _truth(data: Path, frame: pl.DataFrame) -> pl.DataFrame:
    """id, person_id, name_origin: records joined to truth rows on source + record id."""
    truth = pl.read_csv(data / "truth" / "records.csv", infer_schema=False)
    keys = truth.select("source", "source_record_id", "person_id", "name_origin").unique(
        ["source", "source_record_id"]
    )
    ids = frame.select("id", "source", "source_record_id")
    return ids.join(keys, on=["source", "source_record_id"]).select(
        "id", "person_id", "name_origin"
    )


def _srids(engine: object) -> pl.DataFrame:
    from sqlalchemy import Engine, select

    from sojourn.records.tables import records

    assert isinstance(engine, Engine)
    with engine.connect() as conn:
        rows = conn.execute(select(records.c.id, records.c.source_record_id)).all()
    return pl.DataFrame(rows, schema={"id": pl.Utf8, "source_record_id": pl.Utf8}, orient="row")


def _load(data: Path, tmp: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The records of ``data`` (ingested into a temporary SQLite database) and their truth."""
    from population import ingested
    from sojourn.resolve.features import load_records

    engine = ingested(data, Path(tmp) / "baseline.db", 0)
    records = load_records(engine)
    truth = _truth(data, records.join(_srids(engine), on="id"))
    engine.dispose()
    return records, truth


def main() -> None:
    from sojourn.resolve.evaluate import error_rates, pairwise

    pl.Config.set_tbl_rows(40)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a generated population")
    parser.add_argument("--threshold", type=float, default=0.9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sojourn-splink-") as tmp:
        begin = time.perf_counter()
        records, truth = _load(args.data, tmp)
        print(f"  ingest + load {records.height:,} records  {time.perf_counter() - begin:.1f} s")
    result = run_baseline(records, args.threshold)
    persons = result.assignments["cluster"].n_unique()
    print(
        f"  splink baseline: {result.seconds:.1f} s (training {result.train_seconds:.1f} s), "
        f"{result.pairs:,} pairs scored, {persons:,} persons at p>={args.threshold}"
    )
    scores = pairwise(result.assignments, truth)
    print("  after clustering: " + ", ".join(f"{k} {v:.4f}" for k, v in scores.items()))
    print(error_rates(result.assignments, truth))
    per_group = error_rates(result.assignments, truth, "name_origin")
    print(per_group)
    missed = per_group["missed_link_rate"].sort()
    worst, best = missed[-1], missed[0]
    ratio = f"{worst / best:.2f}" if best > 0 else "n/a (best group has none)"
    print(f"  missed-link rate worst {worst:.4f}, best {best:.4f}, worst/best {ratio}")


if __name__ == "__main__":
    main()
