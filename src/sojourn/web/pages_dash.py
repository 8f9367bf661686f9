"""Dashboards (aggregates only): the overstay report with its charts, departures and
self-departures over time, oversight figures."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from sojourn.api.security import Guard
from sojourn.reports.departures import LEVELS
from sojourn.reports.html import render_body
from sojourn.reports.oversight import oversight
from sojourn.reports.snapshot import NotResolvedError
from sojourn.reports.store import departures, overstay_report
from sojourn.settings import today
from sojourn.web.render import page
from sojourn.web.security import page_guard

router = APIRouter(prefix="/ui", include_in_schema=False)
Reports = Annotated[Guard, Depends(page_guard("report.read", "Report"))]


def _weeks_svg(by_week: dict[str, dict[str, int]]) -> Markup:
    """Confirmed departures per ISO week, stacked by evidence level."""
    weeks = list(by_week.items())[-26:]
    top = max((sum(c.values()) for _, c in weeks), default=0) or 1
    colours = ("#1a4f8b", "#3b7dc4", "#8fb8e8", "#c7dcf5")
    bars = []
    for i, (week, counts) in enumerate(weeks):
        y = 150.0
        for level, colour in zip(LEVELS, colours, strict=False):
            h = counts.get(level, 0) / top * 140
            y -= h
            bars.append(f'<rect x="{i * 24 + 5}" y="{y:.1f}" width="18" height="{h:.1f}" '
                        f'fill="{colour}"><title>{escape(week)} {escape(level)}: '
                        f"{counts.get(level, 0)}</title></rect>")  # fmt: skip
    svg = (f'<svg role="img" aria-label="Confirmed departures per week, last 26 weeks" '
           f'width="{len(weeks) * 24 + 10}" height="160">{"".join(bars)}</svg>')  # fmt: skip
    return Markup(svg)


@router.get("/dashboard")
def dashboard(
    request: Request, g: Reports, fy: Annotated[int | None, Query(ge=2000, le=2100)] = None
) -> HTMLResponse:
    day = today()
    year = fy or (day.year if day.month >= 10 else day.year - 1)  # the last complete FY
    try:
        report = overstay_report(g.engine, year, day)
        moves: dict[str, Any] = departures(g.engine, dt.date(year - 1, 10, 1), day).as_dict()
    except NotResolvedError as exc:
        return page(request, "error.html", 404, heading="Nothing to show yet",
                    message=str(exc), request_id=g.request_id)  # fmt: skip
    figures = oversight(g.engine) if g.purpose in ("oversight_audit", "statistics") else None
    g.audit("report", [f"overstay-FY{year}", "departures"], ["aggregates"])
    return page(request, "dashboard.html", year=year, overstay=Markup(render_body(report)),
                moves=moves, weeks=_weeks_svg(moves["by_week"]), figures=figures)  # fmt: skip
