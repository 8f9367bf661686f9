"""``sojourn report …``: the lifecycle reports (thin over ``sojourn.reports``)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from sojourn.cli.oversight import add_to_report as add_oversight
from sojourn.cli.trail import store_engine

if TYPE_CHECKING:
    from sojourn.reports.overstay import Report, Row

console = Console()
report_app = typer.Typer(help="Lifecycle reports.")


@report_app.command("overstay")
def overstay(
    fy: Annotated[
        int, typer.Option(help="Fiscal year (October 1 of the year before to September 30).")
    ],
    as_of: Annotated[str | None, typer.Option(help="Snapshot date (default: today).")] = None,
    output: Annotated[str, typer.Option("--format", help="table, csv, json or html")] = "table",
    method: Annotated[
        str,
        typer.Option(
            "--engine",
            help="sql (DuckDB over the store), python (reference) or spark (SOJOURN_SPARK_*)",
        ),
    ] = "sql",
) -> None:
    """Overstays by the DHS Entry/Exit Overstay Report method (air and sea admissions whose
    stay ended in the fiscal year; Canada and Mexico apart), as of a snapshot date."""
    from sojourn.reports.html import render_html
    from sojourn.reports.store import overstay_report
    from sojourn.settings import today

    day = dt.date.fromisoformat(as_of) if as_of else today()
    engine = store_engine()
    if method == "spark":
        from sojourn.spark.report import overstay_report as spark_report

        report = spark_report(engine, fy, day)
    else:
        report = overstay_report(engine, fy, day, method)
    if output == "json":
        console.print_json(json.dumps(report.as_dict()))
    elif output == "csv":
        print(to_csv(report), end="")
    elif output == "html":
        print(render_html(report), end="")
    else:
        for table in tables(report):
            console.print(table)


@report_app.command("departures")
def departures(
    since: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD).")],
    as_of: Annotated[str | None, typer.Option(help="Snapshot date (default: today).")] = None,
    output: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    method: Annotated[
        str,
        typer.Option(
            "--engine",
            help="sql (DuckDB over the store), python (reference) or spark (SOJOURN_SPARK_*)",
        ),
    ] = "sql",
) -> None:
    """Confirmed departures by evidence level and week; self-departure intents and their
    confirmation; manifest departures contradicted by later records (conflicts)."""
    from sojourn.reports.store import departures as departure_report
    from sojourn.settings import today

    end = dt.date.fromisoformat(as_of) if as_of else today()
    engine = store_engine()
    start = dt.date.fromisoformat(since)
    if method == "spark":
        from sojourn.spark.departures import departure_report as spark_report

        data = spark_report(engine, start, end).as_dict()
    else:
        data = departure_report(engine, start, end, method).as_dict()
    if output == "json":
        console.print_json(json.dumps(data, default=str))
        return
    console.print(_departures_table(data))
    console.print(
        f"self-departure intents {data['self_departure_intents']:,}, confirmed "
        f"{data['intents_confirmed']:,} (median {data['median_days_to_confirm']} days), "
        f"unconfirmed past the deadline {data['intents_unconfirmed_past_deadline']:,}; "
        f"conflicting manifest departures {data['conflicts']:,}"
    )


def _departures_table(data: dict[str, Any]) -> Table:
    from sojourn.reports.departures import LEVELS

    table = Table(title=f"confirmed departures {data['period'][0]} to {data['period'][1]}")
    table.add_column("week")
    for level in LEVELS:
        table.add_column(level.replace("_", " "), justify="right")
    for week, counts in data["by_week"].items():
        table.add_row(week, *(f"{counts[level]:,}" for level in LEVELS))
    table.add_section()
    totals = data["confirmed_departures"]
    table.add_row("total", *(f"{totals[level]:,}" for level in LEVELS))
    return table


def _rows(report: Report) -> list[tuple[str, Row]]:
    return (
        [("total", report.total)]
        + [("class", r) for r in report.by_class]
        + [("country", r) for r in report.by_country]
        + [("canada/mexico", r) for r in report.apart]
    )


def to_csv(report: Report) -> str:
    """One line per group: section, group and every figure."""
    from sojourn.reports.overstay import Row

    out = io.StringIO()
    fields = ["section", *Row("x").as_dict()]
    writer = csv.DictWriter(out, fields)
    writer.writeheader()
    for section, row in _rows(report):
        writer.writerow({"section": section, **row.as_dict()})
    return out.getvalue()


def tables(report: Report) -> list[Table]:
    from sojourn.reports.overstay import fiscal_year

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
    add_oversight(report_app)
    app.add_typer(report_app, name="report")
