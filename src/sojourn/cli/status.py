"""``sojourn status``: a person's lifecycle timeline (thin over ``sojourn.status``)."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sojourn.cli.trail import WRITE_PURPOSE, ReadPurpose, record, store_engine

if TYPE_CHECKING:
    from sojourn.status.engine import Timeline

console = Console()


def status(
    person_id: Annotated[str, typer.Argument(help="A person id (see `sojourn export links`).")],
    purpose: ReadPurpose,
    as_of: Annotated[
        str | None, typer.Option(help="As of this date (YYYY-MM-DD; default today).")
    ] = None,
    output: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Where a person stands: the timeline of statuses, each with its rule and citation."""
    from sojourn.settings import today
    from sojourn.status.person import person_status, timeline_dict

    day = dt.date.fromisoformat(as_of) if as_of else today()
    engine = store_engine()
    result = person_status(engine, person_id, day)
    shown = sorted({r for i in result.intervals for r in i.records})
    record(engine, purpose, "person.status", "person", [person_id, *shown], {"as_of": str(day)})
    if output == "json":
        console.print_json(json.dumps(timeline_dict(result), default=str))
        return
    console.print(timeline_table(result, person_id))
    console.print(summary_line(result))


def timeline_table(result: Timeline, person_id: str) -> Table:
    table = Table(title=f"person {person_id} as of {result.as_of.isoformat()}")
    for name in ("from", "to", "status", "rule", "citation", "records"):
        table.add_column(name, overflow="fold")
    for i in result.intervals:
        end = i.end.isoformat() if i.end else "now"
        records = ", ".join(r[:12] for r in i.records)
        table.add_row(i.start.isoformat(), end, i.status, i.rule_id, escape(i.citation), records)
    return table


def summary_line(result: Timeline) -> str:
    from sojourn.status.engine import GONE

    current = result.current.status if result.current else "no records known on this date"
    parts = [f"current: {current}"]
    if result.authorized_until:
        parts.append(f"authorized until {result.authorized_until.isoformat()}")
    if result.overstay_days is not None:
        gone = result.current is not None and result.current.status in GONE
        where = " before leaving (out-of-country overstay)" if gone else ""
        parts.append(f"overstay {result.overstay_days} days{where}")
    parts.append(f"unlawful presence {result.unlawful_presence_days} days")
    if result.bar:
        parts.append(result.bar)
    parts.extend(result.flags)
    return " · ".join(parts)


def show_status_example(as_of: dt.date, purpose: str = WRITE_PURPOSE) -> None:
    """For the demo: the timeline of a person with several records."""
    from sojourn.resolve.queries import example_link, person_of_record
    from sojourn.status.person import person_status
    from sojourn.store import connect

    engine = connect()
    example = example_link(engine)
    if example is None:
        return
    person = person_of_record(engine, example)
    if person is None:
        return
    result = person_status(engine, person, as_of)
    record(engine, purpose, "person.status", "person", [person], {"as_of": str(as_of)})
    console.print(timeline_table(result, person))
    console.print(summary_line(result))


def rules(
    on: Annotated[
        str | None, typer.Option(help="Rules in force on this date (default today).")
    ] = None,
    proposed: Annotated[bool, typer.Option(help="Also list proposed rules.")] = False,
    output: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """The status rules in force on a date, each with its citation (status/rules/*.yaml)."""
    from sojourn.settings import today
    from sojourn.status.rulebook import default_rules

    day = dt.date.fromisoformat(on) if on else today()
    book = default_rules()
    found = [book.rule(rule_id, day, proposed) for rule_id in sorted(book.versions)]
    listed = [r for r in found if r is not None]
    if output == "json":
        rows = [{"id": r.id, "status": r.status, "title": r.title, "citation": r.citation,
                 "params": r.params} for r in listed]  # fmt: skip
        console.print_json(json.dumps(rows, default=str))
        return
    table = Table(title=f"status rules in force on {day.isoformat()}")
    table.add_column("rule", no_wrap=True)
    for name in ("title", "citation", "parameters"):
        table.add_column(name, overflow="fold")
    for rule in listed:
        params = ", ".join(f"{k}={v}" for k, v in rule.params.items())
        mark = " (proposed)" if rule.status == "proposed" else ""
        table.add_row(rule.id + mark, escape(rule.title), escape(rule.citation), params)
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command()(status)
    app.command()(rules)
