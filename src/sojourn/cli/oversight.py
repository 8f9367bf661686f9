"""``sojourn report oversight`` (thin over ``sojourn.reports.oversight``)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from sojourn.cli.trail import store_engine

console = Console()
GROUPS = (
    "CSV of group labels by source and source_record_id (e.g. a synthetic population's "
    "truth/records.csv)."
)


def oversight_command(
    groups: Annotated[Path | None, typer.Option(help=GROUPS, exists=True, dir_okay=False)] = None,
    group_column: Annotated[str, typer.Option(help="The label column.")] = "name_origin",
    output: Annotated[str, typer.Option("--format", help="table, csv, json or html")] = "table",
) -> None:
    """Assessments by rule and policy version, hard stops, supervisor overrides, redress,
    time to decision, and selection rates per group with 95% intervals."""
    from sojourn.reports.oversight import oversight, person_groups  # Fairlearn: seconds
    from sojourn.reports.oversight_html import render_oversight

    engine = store_engine()
    labels = person_groups(engine, groups, group_column) if groups else None
    data = oversight(engine, labels)
    if output == "json":
        console.print_json(json.dumps(data, default=str))
    elif output == "csv":
        print(to_csv(data), end="")
    elif output == "html":
        print(render_oversight(data), end="")
    else:
        _tables(data)


def _flat(prefix: str, value: Any) -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [row for k, v in value.items() for row in _flat(f"{prefix}.{k}", v)]
    if isinstance(value, list):
        return [(prefix, " ".join(str(v) for v in value))]
    return [(prefix, "" if value is None else str(value))]


def to_csv(data: dict[str, Any]) -> str:
    """One line per figure: its dotted name and value."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["figure", "value"])
    writer.writerows(row for k, v in data.items() for row in _flat(k, v))
    return out.getvalue()


def _tables(data: dict[str, Any]) -> None:
    table = Table(title="oversight")
    table.add_column("figure", overflow="fold")
    table.add_column("value", justify="right")
    for name, value in (row for k, v in data.items() if k != "selection" for row in _flat(k, v)):
        table.add_row(name, value)
    console.print(table)
    selection = data["selection"]
    if not selection:
        console.print("no group labels given (--groups): selection rates not computed")
        return
    groups = Table(title=f"selection rate per group (compared: {selection['compared']})")
    for name in ("group", "persons", "rate", "95% interval"):
        groups.add_column(name, justify="left" if name == "group" else "right")
    for g, v in selection["groups"].items():
        low, high = v["ci95"]
        groups.add_row(g, f"{v['persons']:,}", f"{v['selection_rate']:.1%}",
                       f"{low:.1%} – {high:.1%}")  # fmt: skip
    console.print(groups)
    console.print(f"difference {selection['difference']}, ratio {selection['ratio']}")


def add_to_report(report_app: typer.Typer) -> None:
    """``oversight`` under the ``report`` group."""
    report_app.command("oversight")(oversight_command)
