"""``sojourn demo``: generate, ingest, resolve, show, report and serve, one step after another
(each step is the command of the same name)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from sojourn.cli.records import console, generate, ingest, quarantine_list


def demo(
    persons: Annotated[int, typer.Option(help="How many people to simulate.")] = 20_000,
    serve_app: Annotated[
        bool, typer.Option("--serve/--no-serve", help="End by serving the web app.")
    ] = True,
) -> None:
    """Generate a synthetic population, ingest and resolve it, and show a person's status,
    the overstay report, and the cases the published policy and its hard stops open."""
    from sojourn.cli.cases import sync as cases_sync
    from sojourn.cli.reports import overstay as overstay_report_command
    from sojourn.cli.resolve import show_resolution
    from sojourn.cli.serve import serve
    from sojourn.cli.status import show_status_example
    from sojourn.cli.users import show_demo_users
    from sojourn.settings import get_settings
    from sojourn.store import connect

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


def register(app: typer.Typer) -> None:
    app.command()(demo)
