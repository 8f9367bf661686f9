"""The lifecycle timeline as inline SVG: one band per status interval, coloured by status,
each with its dates, rule and citation on hover (and as text for screen readers)."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from markupsafe import Markup

WIDTH, HEIGHT, TOP = 900, 80, 30
COLOURS = {
    "in_status": "#2e7d32",
    "pending_application": "#6a8f2e",
    "deferred_action": "#4f7a5a",
    "lawful_permanent_resident": "#1a4f8b",
    "us_citizen": "#0b3d91",
    "overstay": "#b3261e",
    "present_without_admission": "#8d3b2b",
    "in_proceedings": "#c77700",
    "removal_order_final": "#6d1b14",
    "voluntary_departure": "#9c6b00",
    "departed": "#777777",
    "removed": "#444444",
    "self_departed": "#5f6f7f",
}


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


MARKS = {"arrival": "#1a4f8b", "departure": "#444444", "status": "#6a8f2e", "court": "#c77700",
         "custody": "#6d1b14", "naturalization": "#0b3d91", "self_departure": "#5f6f7f",
         "student": "#2e7d32", "conviction": "#8d3b2b", "passport": "#0b3d91",
         "numident": "#0b3d91", "employment_end": "#6a8f2e", "deferred_action": "#4f7a5a",
         "parole_termination": "#8d3b2b"}  # fmt: skip


def _marks(events: list[tuple[str, str]], x: Any, start: dt.date, end: dt.date) -> list[str]:
    """A tick above the bands for each dated record (admission, departure, application, court
    event…), named on hover."""
    out = []
    for day, kind in events:
        when = _day(day)
        if start <= when <= end:
            left = x(when)
            out.append(
                f'<path d="M{left:.1f},{TOP - 2} l-4,-7 h8 z" fill="{MARKS.get(kind, "#999")}" '
                f'data-kind="{escape(kind)}"><title>{escape(kind)} {when}</title></path>'
            )
    return out


def timeline_svg(status: dict[str, Any], events: list[tuple[str, str]] | None = None) -> Markup:
    """The chart of a status view (``api.views.status_view``), with a tick per dated record."""
    intervals = status.get("intervals") or []
    if not intervals:
        return Markup("<p>No status can be computed from the records.</p>")
    end = _day(status["as_of"])
    start = _day(intervals[0]["start"])
    span = max((end - start).days, 1)

    def x(day: dt.date) -> float:
        return (day - start).days / span * WIDTH

    parts = [f'<svg role="img" aria-labelledby="tl-title" width="{WIDTH + 20}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH + 20} {HEIGHT}" xmlns="http://www.w3.org/2000/svg">'
             f'<title id="tl-title">Status timeline from {start} to {end}</title>']  # fmt: skip
    for i in intervals:
        left, right = x(_day(i["start"])), x(_day(i["end"]) if i["end"] else end)
        label = (f"{i['status']}: {i['start']} to {i['end'] or 'now'}; rule {i['rule_id']}; "
                 f"{i['citation']}")  # fmt: skip
        parts.append(
            f'<rect x="{left:.1f}" y="{TOP}" width="{max(right - left, 2):.1f}" height="24" '
            f'fill="{COLOURS.get(i["status"], "#999")}" data-status="{escape(i["status"])}">'
            f"<title>{escape(label)}</title></rect>"
        )
    parts += _marks(events or [], x, start, end)
    parts.append(f'<text x="0" y="14" font-size="12">{start}</text>'
                 f'<text x="{WIDTH - 70}" y="14" font-size="12">{end}</text></svg>')  # fmt: skip
    return Markup("".join(parts))


def _swatch(colour: str, words: str, shape: str) -> str:
    return (f'<li><span class="swatch {shape}" style="background:{colour}" aria-hidden="true">'
            f"</span>{escape(words)}</li>")  # fmt: skip


def legend(status: dict[str, Any], events: list[tuple[str, str]] | None = None) -> Markup:
    """What the chart's colours mean: each status its bands show, then each kind of record
    its ticks mark (only those on this chart)."""
    shown = list(dict.fromkeys(i["status"] for i in status.get("intervals") or []))
    kinds = list(dict.fromkeys(kind for _, kind in events or []))
    if not shown:
        return Markup("")
    bands = [_swatch(COLOURS.get(s, "#999"), s.replace("_", " "), "band") for s in shown]
    ticks = [_swatch(MARKS.get(k, "#999"), k.replace("_", " ") + " record", "tick")
             for k in kinds]  # fmt: skip
    return Markup('<ul class="legend" data-testid="legend" aria-label="Legend">'
                  + "".join(bands + ticks) + "</ul>")  # fmt: skip


#: The departure chart's colours, darkest for the strongest evidence (``departures.LEVELS``).
LEVEL_COLOURS = {"biometric": "#1a4f8b", "manifest": "#3b7dc4", "land_exchange": "#8fb8e8",
                 "self_departure_verified": "#c7dcf5"}  # fmt: skip
#: The overstay chart's colours (``reports.html.bars``).
OVERSTAY_COLOURS = {"suspected in-country": "#b3261e", "left late": "#e8a09a"}


def weeks_svg(by_week: dict[str, dict[str, int]], weeks_shown: int = 26) -> Markup:
    """Confirmed departures per ISO week (the last ``weeks_shown``), stacked by evidence
    level; it scales down to the width of the screen."""
    weeks = list(by_week.items())[-weeks_shown:]
    top = max((sum(c.values()) for _, c in weeks), default=0) or 1
    bars = []
    for i, (week, counts) in enumerate(weeks):
        y = 150.0
        for level, colour in LEVEL_COLOURS.items():
            h = counts.get(level, 0) / top * 140
            y -= h
            bars.append(f'<rect x="{i * 24 + 5}" y="{y:.1f}" width="18" height="{h:.1f}" '
                        f'fill="{colour}"><title>{escape(week)} {escape(level)}: '
                        f"{counts.get(level, 0)}</title></rect>")  # fmt: skip
    width = len(weeks) * 24 + 10
    svg = (f'<svg role="img" aria-label="Confirmed departures per week, last {len(weeks)} weeks" '
           f'width="{width}" height="160" viewBox="0 0 {width} 160" '
           f'style="max-width:100%;height:auto">{"".join(bars)}</svg>')  # fmt: skip
    return Markup(svg)


def key(colours: dict[str, str], label: str) -> Markup:
    """A chart's legend: each colour and what it stands for."""
    items = [_swatch(colour, words.replace("_", " "), "band") for words, colour in colours.items()]
    return Markup(f'<ul class="legend" aria-label="{escape(label)}">{"".join(items)}</ul>')
