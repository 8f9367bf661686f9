"""The ``sojourn`` command: thin commands over the Python API (Typer + Rich)."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.engine import make_url

from sojourn import records as rec
from sojourn.cli_audit import register as register_audit
from sojourn.cli_cases import register as register_cases
from sojourn.cli_cases import sync as cases_sync
from sojourn.cli_output import (
    batch_table,
    counts_table,
    ingest_progress,
    notes_table,
    quarantine_table,
    stage_progress,
)
from sojourn.cli_priority import register as register_priority
from sojourn.cli_reports import overstay as overstay_report_command
from sojourn.cli_reports import register as register_reports
from sojourn.cli_resolve import register as register_resolve
from sojourn.cli_resolve import show_resolution
from sojourn.cli_serve import register as register_serve
from sojourn.cli_serve import serve
from sojourn.cli_status import register as register_status
from sojourn.cli_status import show_status_example
from sojourn.cli_stream import register as register_stream
from sojourn.cli_trail import WRITE_PURPOSE, WritePurpose, audited, checkpoint_on_close
from sojourn.cli_users import register as register_users
from sojourn.cli_users import show_demo_users
from sojourn.settings import get_settings
from sojourn.store import connect, upgrade
from sojourn.store.roles import grant_app_role

app = typer.Typer(
    help="sojourn: an open, accountable immigration case-lifecycle platform.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
quarantine_app = typer.Typer(help="Rows that could not be ingested, and why.")
db_app = typer.Typer(help="Database schema.")
app.add_typer(quarantine_app, name="quarantine")
app.add_typer(db_app, name="db")
console = Console()


@app.callback()
def _every_command(ctx: typer.Context) -> None:
    """A command that wrote audit events signs a checkpoint when it ends."""
    checkpoint_on_close(ctx)


@app.command()
def generate(
    persons: Annotated[int, typer.Option(help="How many people to simulate.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same files).")] = 1,
    as_of: Annotated[str, typer.Option(help="Truth as of this date (YYYY-MM-DD).")] = "2026-10-01",
    out: Annotated[Path, typer.Option(help="Directory to write.")] = Path("out/synth"),
) -> None:
    """Write a synthetic population: one extract per source kind plus ground truth."""
    from sojourn.synth import generate as run_generate

    with stage_progress(console) as progress:
        result = run_generate(persons, seed, dt.date.fromisoformat(as_of), out, progress)
    console.print(
        f"wrote {sum(f.rows for f in result.files):,} rows in {len(result.files)} files for "
        f"{result.persons:,} persons to {result.out} in {result.seconds:.1f} s"
    )


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files, or directories with a manifest.")],
    mapping: Annotated[
        str | None, typer.Option(help="Mapping YAML file or built-in name (for single files).")
    ] = None,
    purpose: WritePurpose = WRITE_PURPOSE,
) -> None:
    """Ingest source files; each file is one atomic batch, and re-ingesting is a no-op."""
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


@app.command()
def sources() -> None:
    """Stored records and quarantined rows per source."""
    engine = connect()
    upgrade(engine)
    console.print(counts_table(rec.source_counts(engine)))


@quarantine_app.command("list")
def quarantine_list(
    source: Annotated[str | None, typer.Option(help="Only this source.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows (0 = all).")] = 50,
) -> None:
    """List quarantined rows with file, row, field and reason."""
    engine = connect()
    upgrade(engine)
    rows = rec.quarantined(engine, source, limit or None)
    console.print(quarantine_table(rows))


@quarantine_app.command("notes")
def quarantine_notes(
    source: Annotated[str | None, typer.Option(help="Only this source.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many notes (0 = all).")] = 50,
) -> None:
    """List values made missing in kept rows (on_error: missing): file, row, field, note."""
    engine = connect()
    upgrade(engine)
    console.print(notes_table(rec.noted_values(engine, source, limit or None)))


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the latest version."""
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
    engine = connect()
    upgrade(engine)
    for statement in grant_app_role(engine, role):
        console.print(statement)


@app.command()
def demo(
    persons: Annotated[int, typer.Option(help="How many people to simulate.")] = 20_000,
    serve_app: Annotated[
        bool, typer.Option("--serve/--no-serve", help="End by serving the web app.")
    ] = True,
) -> None:
    """Generate a synthetic population, ingest and resolve it, and show a person's status,
    the overstay report, and the cases the published policy and its hard stops open."""
    out = get_settings().data_dir / "demo" / f"synth-{persons}"
    console.rule("1. generate")
    generate(persons=persons, seed=1, as_of="2026-10-01", out=out)
    console.rule("2. ingest")
    ingest(paths=[out], mapping=None)
    console.rule("3. quarantined rows (first 10)")
    quarantine_list(source=None, limit=10)
    console.rule("4. entity resolution")
    show_resolution(out / "truth")
    console.rule("5. lifecycle status of one person, as of 2026-10-01")
    show_status_example(dt.date(2026, 10, 1))
    console.rule("6. overstay report, FY2026")
    overstay_report_command(fy=2026, as_of="2026-10-01", output="table")
    console.rule("7. prioritization and cases, as of 2026-10-01")
    cases_sync(as_of="2026-10-01")
    console.print(
        "Try (reads of person data name their purpose, and are audited as cli:<you>): "
        "sojourn sources · sojourn quarantine list · sojourn reviews list --purpose redress · "
        "sojourn export links --out links.csv --purpose civil_enforcement · "
        "sojourn explain RECORD_ID --purpose redress · "
        "sojourn status PERSON_ID --purpose civil_enforcement · "
        "sojourn report departures --from 2026-01-01 · "
        "sojourn assess PERSON_ID --purpose civil_enforcement · "
        "sojourn cases list --purpose civil_enforcement · sojourn audit log --actor cli:$USER · "
        f"sojourn report oversight --groups {out / 'truth' / 'records.csv'}"
    )
    console.rule("8. the web app")
    show_demo_users(connect())
    if serve_app:
        console.print("Open http://127.0.0.1:8000 and sign in as one of these (Ctrl-C stops).")
        serve(host="127.0.0.1", port=8000, workers=1)


register_resolve(app)
register_status(app)
register_priority(app)
register_cases(app)
register_reports(app)
register_audit(app)
register_users(app)
register_serve(app)
register_stream(app)


def main() -> None:
    """Entry point: errors are one clear line (set SOJOURN_DEBUG=1 for a traceback)."""
    try:
        app()
    except (
        rec.MappingError,
        rec.ManifestError,
        rec.SourceFileError,
        ValueError,
        LookupError,
    ) as exc:
        _fail(" ".join(line.strip() for line in str(exc).splitlines() if line.strip()), 2)
    except Exception as exc:  # the top of the CLI: one line, never a traceback
        if os.environ.get("SOJOURN_DEBUG"):
            raise
        _fail(f"{type(exc).__name__}: {exc}".splitlines()[0], 1)


def _fail(message: str, code: int) -> None:
    Console(stderr=True).print(
        f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True
    )
    sys.exit(code)


if __name__ == "__main__":
    main()
