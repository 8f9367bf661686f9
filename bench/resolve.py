"""Benchmark of entity resolution: sojourn's batch resolve against a plain Splink 5 baseline.

Generates N persons (default 200,000), ingests them into a temporary SQLite database, runs
``resolve_all`` (train + link + cluster + write, the whole ``sojourn resolve``), evaluates the
links against the generator's truth (the figures of ``sojourn evaluate``, per name-origin
group with 95% intervals), measures real-time ``match`` latency on this store, then runs the
Splink 5 baseline (bench/splink_baseline.py) on the same records and prints both side by side.

    .venv/bin/python bench/resolve.py [--persons N] [--data DIR] [--no-baseline]

Goals (issue 3): pairwise F1 >= 0.99; false-merge rate <= 0.1% of persons; worst group's
missed-link rate <= 1.25 x the best group's; batch resolve <= 2 minutes; match p99 <= 2 ms
(at 1,000,000 records: bench/match.py).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl

from population import ingested, machine
from sojourn.resolve.evaluate import pairwise, person_stats, summarize
from sojourn.resolve.evaluation import GROUP, evaluate_links, load_truth
from sojourn.resolve.features import load_records
from sojourn.resolve.latency import measure_latency
from sojourn.resolve.run import resolve_all
from splink_baseline import run_baseline


def _groups(report: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                GROUP: g[GROUP],
                "persons": g["persons"],
                "f1": round(g["f1"], 4),
                "false_merge_%": round(100 * g["false_merge_rate"], 3),
                "missed_link_%": round(100 * g["missed_link_rate"], 3),
                "missed_ci_%": tuple(round(100 * x, 3) for x in g["missed_link_rate_ci"]),
            }
            for g in report["groups"]
        ]
    )


def _ratio(rates: list[float]) -> str:
    low, high = min(rates), max(rates)
    return "n/a (a group has none)" if low == 0 else f"{high / low:.2f}"


def _print_sojourn(report: dict[str, Any], seconds: float) -> None:
    overall = report["overall"]
    print(f"\nsojourn: batch resolve {seconds:.1f} s")
    print(
        f"  pairwise precision {report['pairwise']['precision']:.4f} recall "
        f"{report['pairwise']['recall']:.4f} F1 {report['pairwise']['f1']:.4f} "
        f"(95% CI {overall['f1_ci'][0]:.4f}-{overall['f1_ci'][1]:.4f})"
    )
    print(f"  cluster F1 {report['cluster']['f1']:.4f}")
    print(
        f"  false-merge rate {overall['false_merge_rate']:.4%}, missed-link rate "
        f"{overall['missed_link_rate']:.4%}, blocking recall {report['blocking_recall']['all']:.4f}"
    )
    print(_groups(report))
    print(f"  worst/best missed-link ratio: {report['worst_best_missed_link_ratio']}")
    latency = report.get("match_latency_ms", {})
    if latency:
        print(
            f"  real-time match on {latency['indexed']:,.0f} records: p50 {latency['p50']:.3f} "
            f"p99 {latency['p99']:.3f} max {latency['max']:.3f} ms"
        )


def _baseline(engine: Any, truth: pl.DataFrame, seconds: float, f1: float) -> None:
    records = load_records(engine)
    result = run_baseline(records)
    scores = pairwise(result.assignments, truth)
    groups = summarize(person_stats(result.assignments, truth, GROUP), GROUP, replicates=50)
    missed = {g[GROUP]: g["missed_link_rate"] for g in groups}
    print(f"\nSplink 5 baseline: {result.seconds:.1f} s ({result.pairs:,} pairs scored)")
    print(
        f"  pairwise precision {scores['precision']:.4f} recall {scores['recall']:.4f} "
        f"F1 {scores['f1']:.4f}"
    )
    overall = summarize(person_stats(result.assignments, truth), None, replicates=10)[0]
    print(
        f"  false-merge rate {overall['false_merge_rate']:.4%}, missed-link rate "
        f"{overall['missed_link_rate']:.4%}"
    )
    print(pl.DataFrame({GROUP: list(missed), "missed_link_%": [100 * v for v in missed.values()]}))
    print(f"  worst/best missed-link ratio: {_ratio([v for v in missed.values()])}")
    print(
        f"\nside by side: time sojourn/baseline {seconds / result.seconds:.2f}; "
        f"F1 sojourn {f1:.4f} vs baseline {scores['f1']:.4f}"
    )


def main() -> None:
    pl.Config.set_tbl_rows(40)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="sojourn-resolve-") as tmp:
        data = args.data or Path(tmp) / "data"
        engine = ingested(data, Path(tmp) / "bench.db", args.persons)
        start = time.perf_counter()
        summary = resolve_all(engine)
        seconds = time.perf_counter() - start
        stages = ", ".join(f"{k} {v:.1f}" for k, v in summary.seconds.items())
        print(f"{summary.records:,} records → {summary.persons:,} persons; stages (s): {stages}")
        print(f"reviews opened: {summary.counts['reviews_opened']:,}")
        report = evaluate_links(engine, data / "truth", measure_latency)
        _print_sojourn(report, seconds)
        if not args.no_baseline:
            truth = load_truth(engine, data / "truth")
            _baseline(engine, truth, seconds, report["pairwise"]["f1"])


if __name__ == "__main__":
    main()
