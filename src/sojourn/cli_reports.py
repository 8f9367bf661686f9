"""``sojourn report …``: the lifecycle reports (thin over ``sojourn.reports``)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sojourn.reports.overstay import Report, Row, fiscal_year
from sojourn.reports.store import overstay_report
from sojourn.store import connect, upgrade

console = Console()
report_app = typer.Typer(help="Lifecycle reports.")


@report_app.command("overstay")
def overstay(
    fy: Annotated[
        int, typer.Option(help="Fiscal year (October 1 of the year before to September 30).")
    ],
    as_of: Annotated[str | None, typer.Option(help="Snapshot date (default: today).")] = None,
    output: Annotated[str, typer.Option("--format", help="table, csv or json")] = "table",
) -> None:
    """Overstays by the DHS Entry/Exit Overstay Report method (air and sea admissions whose
    stay ended in the fiscal year; Canada and Mexico apart), as of a snapshot date."""
    day = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    engine = connect()
    upgrade(engine)
    report = overstay_report(engine, fy, day)
    if output == "json":
        console.print_json(json.dumps(report.as_dict()))
    elif output == "csv":
        print(to_csv(report), end="")
    else:
        for table in tables(report):
            console.print(table)


def _rows(report: Report) -> list[tuple[str, Row]]:
    return (
        [("total", report.total)]
        + [("class", r) for r in report.by_class]
        + [("country", r) for r in report.by_country]
        + [("canada/mexico", r) for r in report.apart]
    )


def to_csv(report: Report) -> str:
    """One line per group: section, group and every figure."""
    out = io.StringIO()
    fields = ["section", *Row("x").as_dict()]
    writer = csv.DictWriter(out, fields)
    writer.writeheader()
    for section, row in _rows(report):
        writer.writerow({"section": section, **row.as_dict()})
    return out.getvalue()


def tables(report: Report) -> list[Table]:
    start, end = fiscal_year(report.fiscal_year)
    title = (
        f"overstays, FY{report.fiscal_year} ({start} to {end}), snapshot {report.as_of}; "
        "air and sea admissions"
    )
    sections = [
        (title, [report.total, *report.by_class]),
        ("by country (excluding Canada and Mexico)", report.by_country[:20]),
        ("Canada and Mexico (air and sea only)", report.apart),
    ]
    return [_table(name, rows) for name, rows in sections]


def _table(title: str, rows: list[Row]) -> Table:
    table = Table(title=title)
    for name in ("group", "expected", "overstays", "rate", "in-country", "rate ", "left late"):
        table.add_column(name, justify="left" if name == "group" else "right")
    for r in rows:
        table.add_row(
            r.key, f"{r.expected:,}", f"{r.overstays:,}", f"{r.rate(r.overstays):.2%}",
            f"{r.counts['in_country']:,}", f"{r.rate(r.counts['in_country']):.2%}",
            f"{r.counts['out_of_country']:,}",
        )  # fmt: skip
    return table


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
