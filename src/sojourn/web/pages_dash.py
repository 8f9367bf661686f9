"""Dashboards (aggregates only): the oversight figures first (for the purposes that see
them), then the overstay report with its charts, then departures and self-departures.

Every figure is computed once per snapshot and kept (``reports.dashboard``); groups under
the minimum size (``SOJOURN_REPORT_MIN_GROUP``) show "fewer than N" and "suppressed"."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from sojourn.api.security import Guard
from sojourn.reports.dashboard import last_complete_year, oversight_figures, store_figures
from sojourn.reports.html import bars
from sojourn.reports.overstay import Report, fiscal_year
from sojourn.reports.snapshot import NotResolvedError
from sojourn.reports.suppress import COLUMNS, lines, rate_or_words, shown, value_or_words
from sojourn.settings import get_settings, today
from sojourn.web.charts import LEVEL_COLOURS, OVERSTAY_COLOURS, key, weeks_svg
from sojourn.web.render import page
from sojourn.web.security import page_guard

router = APIRouter(prefix="/ui", include_in_schema=False)
Reports = Annotated[Guard, Depends(page_guard("report.read", "Report"))]
OVERSIGHT_PURPOSES = ("oversight_audit", "statistics")


def _oversight(data: dict[str, Any], least: int) -> dict[str, list[tuple[str, str]]]:
    """The oversight figures as (what, value) lines, with words where there is no value, and
    the hard stops by kind (apart: a longer list)."""
    a, d, r = data["assessments"], data["decisions"], data["redress"]
    decided = sum(d["outcomes"].get("supervisor_approval", {}).values())
    wait = d["time_to_decision"].get("supervisor_approval", {}).get("median_hours")
    waited = r["time_to_decision"]
    stops = [(s.replace("_", " "), f"{n:,}") for s, n in a["hard_stops"].items()]
    unit = "supervisor decisions"
    rows = [
        ("persons assessed (latest assessment each)", f"{a['persons']:,}"),
        ("enforcement-ready", f"{a['enforcement_ready']:,}"),
        ("supervisor decisions on priorities", f"{decided:,}"),
        ("supervisor overrides (proposals rejected)", f"{d['supervisor_overrides']:,}"),
        ("override rate", rate_or_words(d["supervisor_overrides"], decided, least, unit)),
        ("median hours to a supervisor decision", value_or_words(wait, decided, least, unit)),
        ("redress requests (open)", f"{r['requests']:,} ({r['open']:,})"),
        (
            "median hours to a redress decision",
            value_or_words(waited["median_hours"], waited["decided"], least, "redress decisions"),
        ),
    ]
    return {"rows": rows, "stops": stops}


def _overstay(report: Report, least: int) -> dict[str, Any]:
    """The overstay report's lines (small groups suppressed) and its charts."""
    start, end = fiscal_year(report.fiscal_year)
    top = shown(report.by_country, least)[:15]
    total = shown([replace(report.total, key="all (not CAN, MEX)")], least)
    by_class = bars([*total, *shown(report.by_class, least)], "Overstay rate by class of admission")
    by_country = bars(top, f"Overstay rate by country ({len(top)} with most expected departures)")
    return {
        "start": start, "end": end, "as_of": report.as_of, "columns": COLUMNS,
        "total": lines([report.total], least, "groups")[0],
        "by_class": lines(report.by_class, least, "classes of admission"),
        "by_country": lines(report.by_country, least, "countries"),
        "apart": lines(report.apart, least, "countries", complementary=False),
        "countries": len(report.by_country), "classes": len(report.by_class),
        "class_chart": Markup(by_class), "country_chart": Markup(by_country),
    }  # fmt: skip


def _moves(moves: dict[str, Any], least: int) -> dict[str, Any]:
    confirmed = int(moves["intents_confirmed"])
    median = value_or_words(moves["median_days_to_confirm"], confirmed, least,
                            "confirmed self-departures")  # fmt: skip
    return {**moves, "median": median, "chart": weeks_svg(moves["by_week"])}


@router.get("/dashboard")
def dashboard(
    request: Request, g: Reports, fy: Annotated[int | None, Query(ge=2000, le=2100)] = None
) -> HTMLResponse:
    day = today()
    year = fy or last_complete_year(day)
    least = get_settings().report_min_group
    try:
        figures = store_figures(g.engine, year, day, stale_ok=True)
    except NotResolvedError as exc:
        return page(request, "error.html", 404, heading="Nothing to show yet",
                    message=str(exc), request_id=g.request_id)  # fmt: skip
    shown = g.purpose in OVERSIGHT_PURPOSES
    oversight = oversight_figures(g.engine, stale_ok=True) if shown else None
    ids = [f"overstay-FY{year}", "departures", *(["oversight"] if oversight else [])]
    detail = {"snapshot": figures.kept.snapshot, "kept": figures.kept.cached,
              "earlier_snapshot": figures.kept.stale or bool(oversight and oversight.stale),
              "failed": figures.kept.failed or (oversight.failed if oversight else None),
              "min_group": least}  # fmt: skip
    g.audit("report", ids, ["aggregates"], detail)
    return page(
        request,
        "dashboard.html",
        year=year,
        latest=last_complete_year(day),
        least=least,
        kept=figures.kept,
        stale=figures.kept.stale or bool(oversight and oversight.stale),
        failed=figures.kept.failed or (oversight.failed if oversight else None),
        overstay=_overstay(figures.report, least),
        moves=_moves(figures.moves, least),
        oversight=_oversight(oversight.data, least) if oversight else None,
        level_key=key(LEVEL_COLOURS, "Evidence of departure"),
        overstay_key=key(OVERSTAY_COLOURS, "Kinds of overstay"),
    )
