"""Benchmark of the synthetic-data generator (sojourn.synth.generate).

Generates a population (default 1,000,000 persons) into a temporary directory and prints
persons, rows per file, total rows, seconds, rows/s and the peak resident set size.

    .venv/bin/python bench/generate.py [--persons N] [--seed S] [--as-of YYYY-MM-DD] [--out DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import tempfile
from pathlib import Path

from sojourn.synth import GenerateResult, generate


def _args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2025, 9, 30))
    parser.add_argument("--out", type=Path, default=None, help="keep the output here")
    return parser.parse_args(argv)


def _report(result: GenerateResult) -> None:
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"persons      {result.persons:>12,}")
    for f in result.files:
        print(f"  {f.path:<26}{f.rows:>12,}")
    print(f"rows         {result.rows:>12,}")
    print(f"seconds      {result.seconds:>12.1f}")
    print(f"rows/s       {result.rows / result.seconds:>12,.0f}")
    print(f"persons/s    {result.persons / result.seconds:>12,.0f}")
    print(f"peak RSS MB  {peak_mb:>12,.0f}")


def main(argv: list[str]) -> None:
    args = _args(argv)
    if args.out is not None:
        _report(generate(args.persons, args.seed, args.as_of, args.out))
        return
    with tempfile.TemporaryDirectory(prefix="sojourn-synth-") as tmp:
        _report(generate(args.persons, args.seed, args.as_of, Path(tmp)))


if __name__ == "__main__":
    main(sys.argv[1:])
