"""The ``sojourn`` command: thin commands over the Python API (Typer + Rich), one module per
command group. A command's module is imported only when the command is used (``cli.lazy``), and
the modules import only Typer, Rich and light modules at their top; each command imports the
libraries it needs (SQLAlchemy, polars, DuckDB, the domain packages) when it runs, so
``sojourn --help`` and a command's ``--help`` start fast (``bench/cli_start.py``)."""

from __future__ import annotations

import os
import sys

import typer

from sojourn.cli.lazy import Entry, LazyGroup
from sojourn.cli.trail import checkpoint_on_close

#: Every command, in the order ``--help`` lists them (commands, then groups): the module under
#: ``sojourn.cli`` that registers it, and the first paragraph of its help.
COMMANDS = {
    "generate": Entry(
        "records", "Write a synthetic population: one extract per source kind plus ground truth."
    ),
    "ingest": Entry(
        "records",
        "Ingest source files; each file is one atomic batch, and re-ingesting is a no-op.",
    ),
    "sources": Entry("records", "Stored records and quarantined rows per source."),
    "demo": Entry(
        "demo",
        "Generate a synthetic population, ingest and resolve it, and show a person's status,\n"
        "the overstay report, and the cases the published policy and its hard stops open.",
    ),
    "explain": Entry(
        "resolve",
        "Why a record belongs to its person: field-by-field levels and weights, prior, result.",
    ),
    "evaluate": Entry(
        "resolve",
        "Measure the current links against ground truth, per name-origin group with 95% CIs.",
    ),
    "judge": Entry(
        "reviews",
        "Record a human judgement on two records and apply it at once to their persons; it\n"
        "overrides the model in every later run and retraining.",
    ),
    "retract": Entry(
        "reviews",
        "Take back a judgement (the record of it stays) and apply that to the persons.",
    ),
    "status": Entry(
        "status",
        "Where a person stands: the timeline of statuses, each with its rule and citation.",
    ),
    "rules": Entry(
        "status",
        "The status rules in force on a date, each with its citation (status/rules/*.yaml).",
    ),
    "assess": Entry(
        "priority",
        "Assess persons under a policy: priority, the rules that fired with their evidence,\n"
        "the factors for a human to weigh, and the hard stops (one person: --purpose required).",
    ),
    "serve": Entry("serve", "Serve the API (OpenAPI at /openapi.json, documentation at /docs)."),
    "quarantine": Entry("records", "Rows that could not be ingested, and why."),
    "db": Entry("records", "Database schema."),
    "resolve": Entry("resolve", "Link every ingested record to a person (entity resolution)."),
    "export": Entry("resolve", "Write results to files."),
    "reviews": Entry("reviews", "Identity-review items: pairs of records for a person to decide."),
    "policy": Entry("priority", "Prioritization policies: the shipped ones, and the active one."),
    "cases": Entry("cases", "Cases: their task trees, decisions and redress."),
    "report": Entry("reports", "Lifecycle reports."),
    "audit": Entry("audit", "The tamper-evident audit log."),
    "users": Entry("users", "Users and their roles."),
    "stream": Entry("stream", "The real-time pipeline: records in, persons and cases updated."),
}


class Sojourn(LazyGroup):
    """The ``sojourn`` group: each command's module is imported when the command is used."""

    entries = COMMANDS


app = typer.Typer(
    cls=Sojourn,
    help="sojourn: an open, accountable immigration case-lifecycle platform.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _every_command(ctx: typer.Context) -> None:
    """A command that wrote audit events signs a checkpoint when it ends."""
    checkpoint_on_close(ctx)


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
