"""The oversight report as one self-contained HTML page (tables, and an inline SVG chart of
the selection rate per group with its 95% interval)."""

from __future__ import annotations

from html import escape
from typing import Any

from sojourn.reports.html import STYLE

WIDTH, LABEL, ROW = 420, 150, 22


def _table(caption: str, rows: dict[str, Any], head: tuple[str, str] = ("", "")) -> str:
    header = f"<tr><th>{escape(head[0])}</th><th>{escape(head[1])}</th></tr>" if head[0] else ""
    body = "".join(f"<tr><td>{escape(str(k))}</td><td>{escape(str(v))}</td></tr>"
                   for k, v in rows.items())  # fmt: skip
    return f"<table><caption>{escape(caption)}</caption>{header}{body}</table>"


def _chart(selection: dict[str, Any]) -> str:
    groups = selection["groups"]
    height = ROW * len(groups) + 10
    parts = [
        "<figure><figcaption>Selection rate per group (enforcement-ready share of the persons "
        f'in the U.S.), 95% Wilson intervals</figcaption><svg role="img" width="'
        f'{LABEL + WIDTH + 120}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (name, g) in enumerate(groups.items()):
        y, (low, high) = i * ROW + 5, g["ci95"]
        parts.append(
            f'<text x="0" y="{y + 14}" font-size="13">{escape(name)} ({g["persons"]})</text>'
            f'<rect x="{LABEL}" y="{y}" width="{g["selection_rate"] * WIDTH:.1f}" height="14" '
            f'fill="#3b6ea5"/><line x1="{LABEL + low * WIDTH:.1f}" x2="{LABEL + high * WIDTH:.1f}"'
            f' y1="{y + 7}" y2="{y + 7}" stroke="#111" stroke-width="2"/>'
            f'<text x="{LABEL + WIDTH + 8}" y="{y + 13}" font-size="12">'
            f"{g['selection_rate']:.1%} [{low:.1%}, {high:.1%}]</text>"
        )
    return "".join(parts) + "</svg></figure>"


def render_oversight(data: dict[str, Any]) -> str:
    a, d, r, sel = data["assessments"], data["decisions"], data["redress"], data["selection"]
    body = [
        "<h1>Oversight: prioritization and human decisions</h1>",
        f'<p class="note">{a["persons"]:,} persons assessed (latest assessment each); '
        f"{a['enforcement_ready']:,} enforcement-ready.</p>",
    ]
    for policy, counts in a["by_policy"].items():
        body.append(_table(f"Priority under {policy}", counts, ("priority", "persons")))
        body.append(_table(f"Rules fired under {policy}", a["rules_fired"].get(policy, {}),
                           ("rule", "persons")))  # fmt: skip
    body.append(_table("Hard stops", a["hard_stops"], ("stop", "persons")))
    approvals = {
        "overrides (rejected proposals)": d["supervisor_overrides"],
        "override rate": d["override_rate"],
        **d["outcomes"].get("supervisor_approval", {}),
    }
    body.append(_table("Supervisor decisions on priorities", approvals))
    for kind, t in d["time_to_decision"].items():
        body.append(_table(f"Time to decision: {kind}", t))
    body.append(_table("Redress", {k: v for k, v in r.items() if k != "time_to_decision"}))
    if sel:
        body.append(_chart(sel))
        body.append(_table("Selection rates compared", {
            "compared": sel["compared"], "difference": sel["difference"],
            "ratio": sel["ratio"], "overall": sel["overall"]}))  # fmt: skip
    else:
        body.append('<p class="note">No group labels were given (--groups): sojourn stores '
                    "no name origin or other group label of its own.</p>")  # fmt: skip
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Oversight</title>'
        f"<style>{STYLE}</style></head><body>{''.join(body)}</body></html>\n"
    )
