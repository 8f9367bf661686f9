"""``sojourn audit …``: verify the tamper-evident log, sign a checkpoint, and answer "who
looked at this person, when and why" (thin over ``sojourn.audit``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sojourn.cli.trail import MaybePurpose, record, require, store_engine

console = Console()
audit_app = typer.Typer(help="The tamper-evident audit log.")


@audit_app.command("verify")
def verify_command(
    output: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    public_key: Annotated[
        Path | None,
        typer.Option(help="Your own copy of the signing key's public half (PEM): pins it."),
    ] = None,
    head: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            dir_okay=False,
            help="A head you kept (a copy of the "
            "export's head.txt): the log must hold every event it signs.",
        ),
    ] = None,
) -> None:
    """Recompute the hash chain and every exported signed checkpoint, and check the log
    still holds what the newest head signs; name the first bad event. Exits 1 when the log
    does not verify."""
    from sojourn.audit.verify import verify

    engine = store_engine()
    kept = head.read_text(encoding="utf-8") if head else None
    report = verify(engine, public_key=public_key.read_bytes() if public_key else None,
                    head=kept)  # fmt: skip
    data = {"ok": report.ok, "events": report.events, "checkpoints": report.checkpoints,
            "first_bad_event": report.first_bad,
            "problems": [{"event": s, "problem": p} for s, p in report.problems]}  # fmt: skip
    if output == "json":
        console.print_json(json.dumps(data))
    elif report.ok:
        console.print(f"audit log verified: {report.events:,} events, "
                      f"{report.checkpoints:,} signed checkpoints")  # fmt: skip
    else:
        console.print(f"[red]audit log does NOT verify[/]: first bad event {report.first_bad}")
        for seq, problem in report.problems:
            console.print(f"  {seq if seq is not None else '-'}: {escape(problem)}")
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("checkpoint")
def checkpoint_command() -> None:
    """Sign and export a checkpoint over every event so far."""
    from sojourn.audit.checkpoint import make_checkpoint

    engine = store_engine()
    made = make_checkpoint(engine)
    if made is None:
        console.print("no new events since the last checkpoint")
    else:
        console.print(f"checkpoint {made.size:,}: root {made.root.hex()}")


@audit_app.command("log")
def log_command(
    person: Annotated[str | None, typer.Option(help="Events that name this person.")] = None,
    actor: Annotated[str | None, typer.Option(help="Events by this user.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many, newest first.")] = 100,
    output: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    purpose: MaybePurpose = None,
) -> None:
    """Who looked at a person (or what a user did): when, in which role, why, and what.
    Audited; --purpose is required with --person."""
    from sojourn.audit.queries import events

    why = require(purpose, "with --person") if person else purpose or "oversight_audit"
    engine = store_engine()
    with engine.connect() as conn:
        found = events(conn, person, actor, limit)
    named = [x for x in (person, actor) if x]
    record(engine, why, "audit.read", "audit", named, {"returned": len(found)})
    if output == "json":
        console.print_json(json.dumps(found))
        return
    table = Table(title="audit events, newest first")
    for name in ("seq", "at (UTC)", "actor", "role", "purpose", "action", "resources", "fields"):
        table.add_column(name)
    for e in found:
        ids, fields = ", ".join(e["resource_ids"]), ", ".join(e["fields"])
        table.add_row(str(e["seq"]), e["at"][:19], e["actor"], e["role"], e["purpose"],
                      e["action"], ids, fields)  # fmt: skip
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
