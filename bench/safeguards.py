"""Safeguards benchmark (issue 15's closing figures): the planted persons of
tests/cases/test_planted_suite.py on a larger generated population, as of today.

Generates N persons (default 3,000), ingests and resolves them in a temporary SQLite database,
and plants, for enforcement-ready persons, each category of the suite (citizenship evidence
exact and in six variations without an A-number, a pending I-589 or I-485, an open redress
request) ``--per`` times in each timing and route: before the first recompute, after the
approval was asked for, after it was given (carrying it out tried at once, before any
recompute); through the real-time pipeline (``streamed``) or quietly then a batch recompute.
Plus land-only arrivals (new travellers). Prints, per timing, route and category: planted,
caught by which stop (and how many of the citizenship plants resolution linked to the person
rather than the sweep finding them), still enforcement-ready, approved (an approve decision
standing), executed, and — after the approval was given — refused before any recompute.
Asserts nothing.

    .venv/bin/python bench/safeguards.py [--persons N] [--per K]
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the suite's plants

from tests.cases.planted import (
    TODAY,
    Arrive,
    land_arrival,
    quietly,
    streamed,
    would_be_ready,
)
from tests.cases.safeguards import (
    CATEGORIES,
    EVIDENCE,
    LAND,
    Pool,
    approve,
    execute,
    outcome,
    plant,
)

from population import ingested, machine
from sojourn.cases.recompute import recompute
from sojourn.resolve.run import resolve_all
from sojourn.resolve.serving import load_index

PLANTS = [("batch", c) for c in CATEGORIES] + [("streamed", c) for c in EVIDENCE]
TIMINGS = ("before first recompute", "after approval asked", "after approval given")


@dataclass
class Plant:
    timing: str
    route: str
    category: str
    person: str | None
    refused: str | None = None  # after the approval was given: carrying it out, at once


def _plant_phase(engine: Engine, pool: Pool, timing: str, per: int) -> list[Plant]:
    """Plant every category ``per`` times for fresh persons (approving them first after
    the approval was given), then recompute everyone."""
    asked = timing != TIMINGS[0]
    out = [Plant(timing, r, c, pool.take(c, asked)) for r, c in PLANTS for _ in range(per)]
    if timing == TIMINGS[2]:
        for p in out:
            approve(engine, str(p.person))
    index = load_index(engine)
    batch: Arrive = lambda e, planted: quietly(e, planted, index)  # noqa: E731
    for p in out:
        plant(engine, p.category, str(p.person), batch if p.route == "batch" else streamed)
        if timing == TIMINGS[2]:
            p.refused = execute(engine, str(p.person)) or "NOT REFUSED"
    if timing == TIMINGS[0]:
        for n in range(per):
            out.append(Plant(timing, "batch", LAND, quietly(engine, land_arrival(n), index)))
            out.append(Plant(timing, "streamed", LAND, streamed(engine, land_arrival(per + n))))
    recompute(engine, TODAY, f"bench: {timing}")
    return out


def _row(engine: Engine, group: list[Plant]) -> str:
    outs = [outcome(engine, str(p.person)) for p in group]
    stops = collections.Counter(s for o in outs for s in o.stops)
    linked = sum(bool(o.facts.get("citizenship_evidence")) for o in outs)
    refused = [p.refused for p in group if p.refused is not None]
    stopped = sum(r.startswith("executed of") for r in refused)
    withdrawn = sum("cannot go from cancelled" in r for r in refused)
    cells = [
        str(len(group)),
        ", ".join(f"{s} {n}" for s, n in stops.most_common()) or "none",
        str(linked) if group[0].category.startswith("citizenship") else "-",
        str(sum(o.ready for o in outs)),
        str(sum(bool(o.standing) for o in outs)),
        str(sum(bool(o.executed) for o in outs)),
        f"{stopped} + {withdrawn} of {len(refused)}" if refused else "-",
    ]
    return " | ".join(cells)


def _print(engine: Engine, plants: list[Plant]) -> None:
    groups: dict[tuple[str, str, str], list[Plant]] = {}
    for p in plants:
        groups.setdefault((p.timing, p.route, p.category), []).append(p)
    print("timing | route | category | planted | caught by (stop: persons) | linked | "
          "enforcement-ready | approved | executed | execution refused: by a stop named at "
          "once + already withdrawn, of tried")  # fmt: skip
    for (timing, route, category), group in groups.items():
        print(f"{timing} | {route} | {category} | {_row(engine, group)}")
    outs = [outcome(engine, str(p.person)) for p in plants]
    print(f"total: {len(plants)} planted; enforcement-ready {sum(o.ready for o in outs)}, "
          f"approved {sum(bool(o.standing) for o in outs)}, "
          f"executed {sum(bool(o.executed) for o in outs)}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=3_000)
    parser.add_argument("--per", type=int, default=3, help="plants per timing, route, category")
    args = parser.parse_args()
    print(f"machine: {machine()}; {args.persons:,} persons, as of {TODAY}")
    with tempfile.TemporaryDirectory(prefix="sojourn-safeguards-") as tmp:
        start = time.perf_counter()
        engine = ingested(Path(tmp) / "data", Path(tmp) / "bench.db", args.persons)
        resolve_all(engine)
        pool = Pool(engine, would_be_ready(engine, at_least=2 * len(PLANTS) * 3 * args.per))
        print(f"enforcement-ready before any plant: {len(pool.persons)} "
              f"(suspected overstays given an address filing to make them verified)")  # fmt: skip
        plants = [p for t in TIMINGS for p in _plant_phase(engine, pool, t, args.per)]
        _print(engine, plants)
        print(f"{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
