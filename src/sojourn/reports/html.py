"""The overstay report as one self-contained HTML page: the method and snapshot stated, the
tables, and bar charts (inline SVG, no script, no external file) of the overstay rates."""

from __future__ import annotations

from html import escape

from sojourn.reports.overstay import Report, Row, fiscal_year

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1b1b; max-width: 60rem; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border-bottom: 1px solid #ccc; padding: .25rem .6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
figure { margin: 1rem 0; } figcaption { font-weight: 600; }
.note { color: #444; }
"""
BAR_HEIGHT, LABEL_WIDTH, CHART_WIDTH = 22, 170, 420


def bars(rows: list[Row], caption: str) -> str:
    """A horizontal bar chart of overstay rates (out-of-country + in-country stacked)."""
    top = max((r.rate(r.overstays) for r in rows), default=0.0) or 1.0
    height, width = BAR_HEIGHT * len(rows) + 10, LABEL_WIDTH + CHART_WIDTH + 80
    parts = [
        f"<figure><figcaption>{escape(caption)}</figcaption>"
        f'<svg role="img" aria-label="{escape(caption)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" style="max-width:100%;height:auto" '
        'xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, row in enumerate(rows):
        y = i * BAR_HEIGHT + 5
        inside = row.rate(row.counts["in_country"]) / top * CHART_WIDTH
        late = row.rate(row.counts["out_of_country"]) / top * CHART_WIDTH
        parts.append(
            f'<text x="0" y="{y + 15}" font-size="13">{escape(row.key)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{inside:.1f}" height="16" fill="#b3261e">'
            f"<title>suspected in-country {row.rate(row.counts['in_country']):.2%}</title></rect>"
            f'<rect x="{LABEL_WIDTH + inside:.1f}" y="{y}" width="{late:.1f}" height="16" '
            f'fill="#e8a09a"><title>left late {row.rate(row.counts["out_of_country"]):.2%}'
            f"</title></rect>"
            f'<text x="{LABEL_WIDTH + inside + late + 6:.1f}" y="{y + 13}" font-size="12">'
            f"{row.rate(row.overstays):.2%}</text>"
        )
    parts.append("</svg></figure>")
    return "".join(parts)


def _table(rows: list[Row], caption: str) -> str:
    head = (
        "<tr><th>group</th><th>expected departures</th><th>overstays</th><th>rate</th>"
        "<th>suspected in-country</th><th>rate</th><th>left late</th><th>covered</th></tr>"
    )
    body = "".join(
        f"<tr><td>{escape(r.key)}</td><td>{r.expected:,}</td><td>{r.overstays:,}</td>"
        f"<td>{r.rate(r.overstays):.2%}</td><td>{r.counts['in_country']:,}</td>"
        f"<td>{r.rate(r.counts['in_country']):.2%}</td><td>{r.counts['out_of_country']:,}</td>"
        f"<td>{r.counts['covered']:,}</td></tr>"
        for r in rows
    )
    return f"<table><caption>{escape(caption)}</caption>{head}{body}</table>"


def render_html(report: Report) -> str:
    """The whole page."""
    title = f"Overstays, fiscal year {report.fiscal_year}"
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
        f"</title><style>{STYLE}</style></head><body>{render_body(report)}</body></html>\n"
    )


def render_body(report: Report) -> str:
    """The report's headings, note, charts and tables (for a page of its own or another)."""
    start, end = fiscal_year(report.fiscal_year)
    title = f"Overstays, fiscal year {report.fiscal_year}"
    countries = report.by_country[:15]
    body = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="note">Admissions whose authorized stay ended from {start} to {end}, '
        f"as recorded on the snapshot date <strong>{report.as_of}</strong>. Method of the DHS "
        "Entry/Exit Overstay Report: nonimmigrant admissions at air and sea ports; overstay "
        "events, not persons; Canada and Mexico shown apart. A later snapshot shrinks the "
        "suspected in-country count as late departures and applications arrive.</p>",
        bars([report.total, *report.by_class], "Overstay rate by class of admission"),
        _table([report.total, *report.by_class], "By class of admission"),
        bars(countries, "Overstay rate by country (15 with the most expected departures)"),
        _table(report.by_country, "By country (excluding Canada and Mexico)"),
        _table(report.apart, "Canada and Mexico (air and sea only)"),
    ]
    return "".join(body)
