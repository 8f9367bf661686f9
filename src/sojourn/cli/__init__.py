"""The ``sojourn`` command: thin commands over the Python API (Typer + Rich), one module per
command group. This module and the command modules import only Typer, Rich and light modules
at their top; each command imports the libraries it needs (SQLAlchemy, polars, DuckDB, the
domain packages) when it runs, so ``sojourn --help`` and a command's ``--help`` start fast
(``bench/cli_start.py``)."""

from __future__ import annotations

import os
import sys

import typer

from sojourn.cli import (
    audit,
    cases,
    demo,
    priority,
    records,
    reports,
    resolve,
    reviews,
    serve,
    status,
    stream,
    users,
)
from sojourn.cli.trail import checkpoint_on_close

app = typer.Typer(
    help="sojourn: an open, accountable immigration case-lifecycle platform.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _every_command(ctx: typer.Context) -> None:
    """A command that wrote audit events signs a checkpoint when it ends."""
    checkpoint_on_close(ctx)


# In this order: ``--help`` lists the commands, then the groups, each in the order registered.
MODULES = (records, demo, resolve, reviews, status, priority, cases, reports, audit, users, serve,
           stream)  # fmt: skip
for _module in MODULES:
    _module.register(app)


def main() -> None:
    """Entry point: errors are one clear line (set SOJOURN_DEBUG=1 for a traceback). A user's
    input error (a bad mapping, manifest, source file or value: all ``ValueError``s, or a
    ``LookupError``) exits 2; anything else exits 1."""
    try:
        app()
    except (ValueError, LookupError) as exc:
        _fail(" ".join(line.strip() for line in str(exc).splitlines() if line.strip()), 2)
    except Exception as exc:  # the top of the CLI: one line, never a traceback
        if os.environ.get("SOJOURN_DEBUG"):
            raise
        _fail(f"{type(exc).__name__}: {exc}".splitlines()[0], 1)


def _fail(message: str, code: int) -> None:
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True).print(
        f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True
    )
    sys.exit(code)
