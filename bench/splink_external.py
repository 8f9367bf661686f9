"""Splink 5 (DuckDB) on an external set, configured as Splink's own examples do for person
data (the FEBRL 3/4, pseudopeople census-ACS and "deduplicate_50k_synthetic" demos):

* comparisons: ``NameComparison`` (Jaro-Winkler levels) with term-frequency adjustment on
  given and family name; ``DateOfBirthComparison``; Damerau-Levenshtein (1, 2) on an
  identifier; exact street number with term frequencies (FEBRL); Levenshtein (1, 2) on the
  street (FEBRL's address_1; pseudopeople's number, street and unit as one address, as its
  demo prepares it); Damerau-Levenshtein (1, 2) on the postcode with term frequencies;
  exact middle initial and sex. Each only where the set has the column filled (in both
  sources, for a link), and not a column whose commonest value fills over 90% of its rows
  (a placeholder such as pseudopeople's ZIP code 00000, which ``profile_columns`` shows);
* prediction blocking: given + family name, the names swapped, birth date, identifier,
  address, postcode + family name initial;
* training: the prior from deterministic rules (exact names + birth date, or + address
  without a birth date; the identifier) at an assumed recall of 0.7; u by random sampling;
  m by EM, without term frequencies as in the demos, on sessions that leave every
  comparison free in one of them: birth date, then names; without a birth date, names, then
  each name free while the other name and the middle initial are held (a session blocked on
  the address learns "same household": measured precision 0.36 on census × W2);
* ``link_only`` for link sets, ``dedupe_only`` otherwise; connected components at a match
  probability of ``THRESHOLD`` for every set.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb
import polars as pl
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator

from external_sets import ExternalSet
from splink_baseline import EM_MAX_PAIRS, PRIOR_RECALL, SEED, U_MAX_PAIRS

THRESHOLD = 0.9
COLUMNS = (
    "given_name", "family_name", "middle_initial", "birth_date", "sex", "street_number",
    "address", "postcode", "ssn",
)  # fmt: skip
PLACEHOLDER_SHARE = 0.9


@dataclass(frozen=True)
class SplinkResult:
    assignments: pl.DataFrame  # key, cluster
    seconds: float
    columns: tuple[str, ...]  # the columns compared


def usable(dataset: ExternalSet) -> tuple[str, ...]:
    """The columns filled in every source (any source for a dedupe) and not placeholders."""
    frames = [s.splink for s in dataset.sources]
    whole = pl.concat(frames, how="diagonal")
    found = []
    for column in COLUMNS:
        present = [column in f.columns and f[column].null_count() < f.height for f in frames]
        if not (all(present) if dataset.link else any(present)):
            continue
        values = whole[column].drop_nulls()
        if values.value_counts(sort=True)["count"][0] <= PLACEHOLDER_SHARE * values.len():
            found.append(column)
    return tuple(found)


def _comparisons(columns: tuple[str, ...]) -> list[ComparisonCreator]:
    def tf(comparison: ComparisonCreator) -> ComparisonCreator:
        return comparison.configure(term_frequency_adjustments=True)

    made: dict[str, Callable[[], ComparisonCreator]] = {
        "given_name": lambda: tf(cl.NameComparison("given_name")),
        "family_name": lambda: tf(cl.NameComparison("family_name")),
        "middle_initial": lambda: cl.ExactMatch("middle_initial"),
        "birth_date": lambda: cl.DateOfBirthComparison("birth_date", input_is_string=True),
        "sex": lambda: cl.ExactMatch("sex"),
        "street_number": lambda: tf(cl.ExactMatch("street_number")),
        "address": lambda: cl.LevenshteinAtThresholds("address", [1, 2]),
        "postcode": lambda: tf(cl.DamerauLevenshteinAtThresholds("postcode", [1, 2])),
        "ssn": lambda: cl.DamerauLevenshteinAtThresholds("ssn", [1, 2]),
    }
    return [made[c]() for c in columns]


Rules = list[BlockingRuleCreator]


def _rules(columns: tuple[str, ...]) -> tuple[Rules, Rules, Rules]:
    """Prediction blocking, deterministic (prior) and EM training rules."""
    has = set(columns).__contains__
    predict: Rules = [
        block_on("given_name", "family_name"),
        CustomRule("l.given_name = r.family_name and l.family_name = r.given_name"),
    ]
    predict += [block_on(c) for c in ("birth_date", "ssn") if has(c)]
    if has("address"):
        predict.append(block_on("address"))
    if has("postcode"):
        predict.append(block_on("postcode", "substr(family_name, 1, 1)"))
    exact = ("birth_date",) if has("birth_date") else ("address",)
    deterministic: Rules = [block_on("given_name", "family_name", *exact)]
    deterministic += [block_on("ssn")] if has("ssn") else []
    names = block_on("given_name", "family_name")
    if has("birth_date"):
        return predict, deterministic, [block_on("birth_date"), names]
    # Without a birth date, a session blocked on the address learns "same household" (and
    # so does one on a name + the street number).
    extra = ("middle_initial",) if has("middle_initial") else ()
    em: Rules = [
        names,
        block_on("family_name", *extra),
        block_on("given_name", *extra),
    ]
    return predict, deterministic, em


def run_splink(dataset: ExternalSet) -> SplinkResult:
    """Train, predict and cluster ``dataset`` with Splink at ``THRESHOLD``."""
    columns = usable(dataset)
    start = time.perf_counter()
    predict, deterministic, em = _rules(columns)
    settings = SettingsCreator(
        link_type="link_only" if dataset.link else "dedupe_only",
        comparisons=list[ComparisonCreator | dict[str, Any]](_comparisons(columns)),
        blocking_rules_to_generate_predictions=list[BlockingRuleCreator | dict[str, Any]](predict),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    try:
        db_api = DuckDBAPI(con)
        frames = [s.splink.select("unique_id", *columns) for s in dataset.sources]
        if not dataset.link:
            frames = [pl.concat(frames)]
        tables = [
            db_api.register(f.to_arrow(), dataset_display_name=f"t{i}")
            for i, f in enumerate(frames)
        ]
        linker = Linker(tables, settings, log_level=logging.ERROR)
        linker.training.estimate_probability_two_random_records_match(
            list[BlockingRuleCreator | str](deterministic), recall=PRIOR_RECALL
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=SEED)
        for rule in em:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True, max_pairs=EM_MAX_PAIRS
            )
        predictions = linker.inference.predict()
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=THRESHOLD
        )
        table = con.sql(
            f"select unique_id as key, cast(cluster_id as varchar) as cluster "
            f"from {clusters.physical_name}"
        ).to_arrow_table()
    finally:
        con.close()
    assignments = pl.from_arrow(table)
    assert isinstance(assignments, pl.DataFrame)
    return SplinkResult(assignments, time.perf_counter() - start, columns)
