"""``sojourn generate|ingest|sources``, ``sojourn quarantine list|notes`` and ``sojourn db
upgrade|grant-app-role`` (thin over ``sojourn.synth``, ``sojourn.records``, ``sojourn.store``).
The heavy libraries are imported inside each command, so ``--help`` stays fast."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from sojourn.cli.trail import WRITE_PURPOSE, WritePurpose, audited, store_engine

console = Console()
quarantine_app = typer.Typer(help="Rows that could not be ingested, and why.")
db_app = typer.Typer(help="Database schema.")


def generate(
    persons: Annotated[int, typer.Option(help="How many people to simulate.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same files).")] = 1,
    as_of: Annotated[str, typer.Option(help="Truth as of this date (YYYY-MM-DD).")] = "2026-10-01",
    out: Annotated[Path, typer.Option(help="Directory to write.")] = Path("out/synth"),
) -> None:
    """Write a synthetic population: one extract per source kind plus ground truth."""
    from sojourn.cli.output import stage_progress
    from sojourn.synth import generate as run_generate

    with stage_progress(console) as progress:
        result = run_generate(persons, seed, dt.date.fromisoformat(as_of), out, progress)
    console.print(
        f"wrote {sum(f.rows for f in result.files):,} rows in {len(result.files)} files for "
        f"{result.persons:,} persons to {result.out} in {result.seconds:.1f} s"
    )


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files, or directories with a manifest.")],
    mapping: Annotated[
        str | None, typer.Option(help="Mapping YAML file or built-in name (for single files).")
    ] = None,
    purpose: WritePurpose = WRITE_PURPOSE,
) -> None:
    """Ingest source files; each file is one atomic batch, and re-ingesting is a no-op."""
    from sojourn import records as rec
    from sojourn.cli.output import batch_table, ingest_progress
    from sojourn.store import connect, upgrade

    planned = rec.plan(paths, mapping)
    engine = connect()
    upgrade(engine)
    results = []
    with audited(engine, purpose, "records.ingest", "batch") as trail:
        with ingest_progress(console) as progress:
            for item in planned:
                results.append(rec.ingest_file(engine, item.path, item.mapping, progress))
                trail.ids.append(results[-1].batch_id)
        trail.detail = {"files": len(results), "rows": sum(r.rows for r in results),
                        "new": sum(r.records_new for r in results),
                        "quarantined": sum(r.quarantined for r in results),
                        "noted": sum(r.noted for r in results)}  # fmt: skip
    console.print(batch_table(results))


def sources() -> None:
    """Stored records and quarantined rows per source."""
    from sojourn import records as rec
    from sojourn.cli.output import counts_table

    engine = store_engine()
    console.print(counts_table(rec.source_counts(engine)))


@quarantine_app.command("list")
def quarantine_list(
    source: Annotated[str | None, typer.Option(help="Only this source.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows (0 = all).")] = 50,
) -> None:
    """List quarantined rows with file, row, field and reason."""
    from sojourn import records as rec
    from sojourn.cli.output import quarantine_table

    engine = store_engine()
    rows = rec.quarantined(engine, source, limit or None)
    console.print(quarantine_table(rows))


@quarantine_app.command("notes")
def quarantine_notes(
    source: Annotated[str | None, typer.Option(help="Only this source.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many notes (0 = all).")] = 50,
) -> None:
    """List values made missing in kept rows (on_error: missing): file, row, field, note."""
    from sojourn import records as rec
    from sojourn.cli.output import notes_table

    engine = store_engine()
    console.print(notes_table(rec.noted_values(engine, source, limit or None)))


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the latest version."""
    from sqlalchemy.engine import make_url

    from sojourn.settings import get_settings
    from sojourn.store import connect, upgrade

    settings = get_settings()
    upgrade(connect(settings))
    url = make_url(settings.resolved_database_url()).render_as_string(hide_password=True)
    console.print(f"database at {url} is up to date")


@db_app.command("grant-app-role")
def db_grant_app_role(
    role: Annotated[str, typer.Argument(help="An existing PostgreSQL login role.")],
) -> None:
    """Give the application's role what it needs (PostgreSQL): read and write the working
    tables; only read and append to the audit log."""
    from sojourn.store.roles import grant_app_role

    engine = store_engine()
    for statement in grant_app_role(engine, role):
        console.print(statement)


def register(app: typer.Typer) -> None:
    """``generate``, ``ingest`` and ``sources``; the ``quarantine`` and ``db`` groups."""
    app.add_typer(quarantine_app, name="quarantine")
    app.add_typer(db_app, name="db")
    for command in (generate, ingest, sources):
        app.command()(command)
