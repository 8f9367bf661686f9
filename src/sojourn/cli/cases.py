"""``sojourn cases sync|list|show`` (thin over ``sojourn.cases``). The operator's reads and
syncs are audited as ``cli:<OS user>`` with their purpose (``sojourn.cli.trail``); working a
case (moving tasks, decisions, redress) goes through the API, under its access control."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from sojourn.cli.trail import (
    WRITE_PURPOSE,
    ReadPurpose,
    WritePurpose,
    audited,
    record,
    store_engine,
)

console = Console()
cases_app = typer.Typer(help="Cases: their task trees, decisions and redress.")
FORMAT = typer.Option("--format", help="table or json")


@cases_app.command("sync")
def sync(
    as_of: Annotated[str | None, typer.Option(help="YYYY-MM-DD; default today.")] = None,
    purpose: WritePurpose = WRITE_PURPOSE,
) -> None:
    """Assess everyone under the active policy (keeping what changed) and bring their
    cases in line: hard stops open reviews, priorities go to a supervisor, confirmed
    departures close cases."""
    from sojourn.cases.recompute import recompute  # DuckDB, Arrow, polars: only here
    from sojourn.settings import today

    day = dt.date.fromisoformat(as_of) if as_of else today()
    engine = store_engine()
    with audited(engine, purpose, "case.sync", "case") as trail:
        with console.status("assessing and syncing cases"):
            done = recompute(engine, day, "sojourn cases sync")
        trail.detail = {"as_of": str(day), "persons": len(done.assessments), "opened":
                        done.opened, "tasks": done.tasks, "closed": done.closed}  # fmt: skip
    console.print(f"{len(done.assessments):,} persons assessed as of {day}; "
                  f"{done.stored:,} changed assessments stored; cases opened {done.opened:,}, "
                  f"tasks opened {done.tasks:,}, cases closed {done.closed:,}")  # fmt: skip


@cases_app.command("list")
def list_command(
    purpose: ReadPurpose,
    person: Annotated[str | None, typer.Option(help="One person's cases.")] = None,
    status: Annotated[str | None, typer.Option(help="open or closed")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 50,
    output: Annotated[str, FORMAT] = "table",
) -> None:
    """Cases, newest first."""
    from sojourn.cases.queries import list_cases

    engine = store_engine()
    with engine.connect() as conn:
        found = list_cases(conn, person, status, limit)
    shown = [*(str(c["id"]) for c in found), *sorted({str(c["person_id"]) for c in found})]
    record(engine, purpose, "case.list", "case", shown, {"person": person})
    if output == "json":
        console.print_json(json.dumps(found))
        return
    table = Table(title="cases")
    for name in ("case", "person", "status", "opened", "reason"):
        table.add_column(name, overflow="fold")
    for c in found:
        table.add_row(str(c["id"]), c["person_id"], c["status"], c["opened_at"][:19],
                      escape(c["reason"]))  # fmt: skip
    console.print(table)


@cases_app.command("show")
def show(
    case_id: Annotated[int, typer.Argument(help="A case id (see `sojourn cases list`).")],
    purpose: ReadPurpose,
    output: Annotated[str, FORMAT] = "table",
) -> None:
    """One case: its task tree with every state change, its decisions and redress."""
    from sojourn.cases.model import NotFoundError
    from sojourn.cases.queries import case_detail

    engine = store_engine()
    try:
        with engine.connect() as conn:
            found = case_detail(conn, case_id)
    except NotFoundError as exc:
        raise typer.BadParameter(str(exc)) from exc
    record(engine, purpose, "case.read", "case", [str(case_id), str(found["person_id"])])
    if output == "json":
        console.print_json(json.dumps(found, default=str))
        return
    console.print(_tree(found))
    for d in found["decisions"]:
        console.print(f"decision {d['id']}: {d['kind']} → {d['outcome']} by {d['actor']} "
                      f"({d['role']}) at {d['at'][:19]}: {escape(d['finding'])}")  # fmt: skip


def _tree(found: dict[str, object]) -> Tree:
    tasks = found["tasks"]
    assert isinstance(tasks, list)
    root = Tree(f"case {found['id']} · person {found['person_id']} · {found['status']}")
    nodes: dict[object, Tree] = {}
    for t in tasks:
        label = escape(f"{t['id']} {t['type']} [{t['status']}] → {t['assignee']}")
        parent = nodes.get(t["parent_id"], root)
        nodes[t["id"]] = parent.add(label)
        for e in t["events"]:
            change = f"{e['from_status'] or '-'} → {e['to_status'] or '-'}"
            nodes[t["id"]].add(f"[dim]{e['at'][:19]} {e['actor']}: {change}: "
                               f"{escape(e['reason'])}[/]")  # fmt: skip
    return root


def register(app: typer.Typer) -> None:
    app.add_typer(cases_app, name="cases")
