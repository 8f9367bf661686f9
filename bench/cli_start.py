"""Start time of the command line (issue 18): the median of N runs (default 5) of
``sojourn --help`` and of every command's own ``--help`` (each group's subcommands too), each
a fresh process of the installed ``sojourn`` script, on this machine. Also the floor: a bare
``python -c 'import typer'``. Prints figures, asserts nothing.

    .venv/bin/python bench/cli_start.py [--runs N] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import typer
from typer.core import TyperGroup

from sojourn.cli import app

SCRIPT = Path(sys.executable).with_name("sojourn")


def commands(group: TyperGroup, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command's path under ``group`` (a group, then its subcommands)."""
    ctx = group.context_class(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        yield (*path, name)
        if isinstance(command, TyperGroup):
            yield from commands(command, (*path, name))


def median_seconds(argv: list[str], runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU (user + system) seconds of ``runs`` runs of ``argv``."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=os.environ.copy())
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def show(name: str, seconds: tuple[float, float]) -> None:
    print(f"{name:<40} {seconds[0]:6.3f} s  (CPU {seconds[1]:.3f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", nargs="*", help="Only these top-level commands.")
    args = parser.parse_args()
    bytecode = "off" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "on"
    load = os.getloadavg()[0]
    print(f"cli start: median of {args.runs} runs, wall clock (and CPU); load average "
          f"{load:.1f} on {os.cpu_count()} CPUs; writing bytecode {bytecode}")  # fmt: skip
    show(
        "python -c 'import typer' (the floor)",
        median_seconds([sys.executable, "-c", "import typer"], args.runs),
    )
    show("sojourn --help", median_seconds([str(SCRIPT), "--help"], args.runs))
    found = [p for p in commands(typer.main.get_group(app)) if not args.only or p[0] in args.only]
    walls = []
    for path in found:
        seconds = median_seconds([str(SCRIPT), *path, "--help"], args.runs)
        walls.append(seconds[0])
        show(f"sojourn {' '.join(path)} --help", seconds)
    if walls:
        print(f"{len(walls)} commands: slowest {max(walls):.3f} s, median "
              f"{statistics.median(walls):.3f} s")  # fmt: skip


if __name__ == "__main__":
    main()
