"""Rich tables for the entity-resolution commands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:
    from sojourn.resolve.model import Model
    from sojourn.resolve.queries import LinkExplanation
    from sojourn.resolve.run import RunSummary

#: The run's figures in plain words, in the order shown (``merges`` is stored under that name
#: but counts only existing persons merged into another, not records linked together).
RUN_LABELS = {
    "links_written": "links written (new or changed)",
    "persons_created": "persons created",
    "new_persons_of_several_records": "  of which with more than one record",
    "records_in_new_persons_of_several_records": "  records in those persons",
    "links_written_to_existing_persons": "links written to persons that existed before",
    "records_moved_between_existing_persons": "records moved between existing persons",
    "merges": "merges of existing persons (ids retired)",
    "splits": "splits of existing persons",
    "reviews_opened": "identity reviews opened",
}


def run_table(summary: RunSummary) -> Table:
    """What a resolve run did, and how long each stage took."""
    table = Table(title=f"resolve run {summary.run_id} (model {summary.model_version})")
    table.add_column("figure")
    table.add_column("value", justify="right")
    ordered = [k for k in RUN_LABELS if k in summary.counts]
    ordered += [k for k in summary.counts if k not in RUN_LABELS]
    rows = [
        ("records", summary.records),
        ("persons", summary.persons),
        ("candidate pairs scored", summary.pairs),
        *((RUN_LABELS.get(k, k), summary.counts[k]) for k in ordered),
        ("model trained in this run", "yes" if summary.trained else "no"),
        *_thresholds(summary),
        ("resumed an interrupted run", "yes" if summary.resumed else "no"),
    ]
    for name, value in rows:
        shown = f"{value:,}" if isinstance(value, int) else str(value)
        table.add_row(name.replace("_", " "), shown)
    table.add_section()
    for stage, seconds in summary.seconds.items():
        table.add_row(f"{stage} (s)", f"{seconds:.1f}")
    return table


def _thresholds(summary: RunSummary) -> list[tuple[str, str]]:
    if summary.accept is None or summary.review is None:
        return []
    by = {"model": "chosen from the model", "given": "as given"}.get(summary.thresholds_by, "")
    shown = f"{summary.accept:.3f} / {summary.review:.3f}" + (f" ({by})" if by else "")
    return [("accept / review thresholds", shown)]


def _number(value: float | None, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _small(value: float | None) -> str:
    return "" if value is None else f"{value:.3g}"


def explanation_view(result: LinkExplanation) -> list[RenderableType]:
    """A header, the field-by-field table and the person's records."""
    parts: list[RenderableType] = []
    if result.person_id is None:
        return [f"record {result.record_id} is not linked yet: run `sojourn resolve`"]
    head = (
        f"record {result.record_id} → person {result.person_id} ({result.method}, "
        f"model {result.model_version})"
    )
    parts.append(head)
    if result.judgement_id is not None:
        parts.append(f"linked by human judgement {result.judgement_id}")
    if result.pair is not None:
        parts.append(_pair_table(result))
    parts.append(_records_table(result.person_records, result.record_id))
    return parts


def _pair_table(result: LinkExplanation) -> Table:
    assert result.pair is not None
    pair = result.pair
    table = Table(title=f"compared with record {result.via_record_id}")
    table.add_column("comparison", no_wrap=True)
    for name in ("this record", "matched record", "level"):
        table.add_column(name, overflow="fold")
    for name in ("m", "u", "weight"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_row("prior", "", "", "", "", "", f"{pair.prior_weight:+.2f}")
    for item in pair.fields:
        left, right = result.values.get(item.comparison, (None, None))
        table.add_row(
            item.comparison,
            escape(left or "—"),
            escape(right or "—"),
            item.level_name,
            _number(item.m),
            _number(item.u),
            f"{item.weight:+.2f}",
        )
    if pair.tf_adjustment:
        table.add_row(
            "common name", "", "", pair.name_value or "", "", "", f"{pair.tf_adjustment:+.2f}"
        )
    table.add_section()
    table.add_row("match weight", "", "", "", "", "", f"{pair.match_weight:+.2f}")
    table.add_row("probability", "", "", "", "", "", f"{pair.match_probability:.6f}")
    return table


def _records_table(rows: list[dict[str, Any]], current: str) -> Table:
    table = Table(title=f"records of this person ({len(rows)})")
    for name in ("record", "source", "source record id", "kind", "event date"):
        table.add_column(name)
    for r in rows:
        mark = " *" if r["id"] == current else ""
        table.add_row(
            r["id"] + mark,
            r["source"],
            escape(r["source_record_id"]),
            r["kind"],
            "-" if r["event_date"] is None else str(r["event_date"]),
        )
    return table


def reviews_table(rows: list[dict[str, Any]]) -> Table:
    """Open identity-review items."""
    table = Table(title=f"open identity reviews ({len(rows)} shown)")
    for name in ("id", "record", "other record", "persons", "probability", "reason"):
        table.add_column(name, overflow="fold")
    for r in rows:
        persons = f"{r['person_l']} / {r['person_r'] or 'new'}"
        table.add_row(
            str(r["id"]),
            r["record_l"],
            r["record_r"],
            persons,
            f"{r['match_probability']:.3f}",
            r["reason"],
        )
    return table


def _ci(value: tuple[float, float], percent: bool = False) -> str:
    if percent:
        return f"[{value[0]:.3%}, {value[1]:.3%}]"
    return f"[{value[0]:.4f}, {value[1]:.4f}]"


def _no_ratio(report: dict[str, Any], ratio: float | None) -> str:
    """Why there is no worst/best ratio: groups of 30 or more persons are compared, and one
    that missed no link leaves nothing to divide by."""
    if ratio is not None:
        return ""
    sized = [g for g in report.get("groups", []) if g["persons"] >= 30]
    if not sized:
        return "no group of 30+ persons"
    return "a group of 30+ persons missed no link"


def evaluation_tables(report: dict[str, Any]) -> list[RenderableType]:
    """Overall figures, then one row per name-origin group with 95% intervals."""
    head = Table(
        title=f"evaluation: {report['records']:,} records, {report['persons']:,} true persons"
    )
    head.add_column("figure")
    head.add_column("value", justify="right")
    head.add_column("95% interval", justify="right")
    overall = report["overall"]
    for name in ("precision", "recall", "f1"):
        head.add_row(f"pairwise {name}", f"{overall[name]:.4f}", _ci(overall[f"{name}_ci"]))
    for name, value in report["cluster"].items():
        head.add_row(f"cluster {name}", f"{value:.4f}", "")
    for name in ("false_merge_rate", "missed_link_rate"):
        head.add_row(
            name.replace("_", " "), f"{overall[name]:.4%}", _ci(overall[f"{name}_ci"], True)
        )
    head.add_row("blocking recall", f"{report['blocking_recall']['all']:.4f}", "")
    ratio = report.get("worst_best_missed_link_ratio")
    head.add_row("worst/best group missed-link ratio",
                 "n/a" if ratio is None else f"{ratio:.2f}", _no_ratio(report, ratio))  # fmt: skip
    for name, value in report.get("match_latency_ms", {}).items():
        head.add_row(
            f"real-time match {name}" + (" (ms)" if name != "n" else ""), f"{value:,.3f}", ""
        )
    return [head, _groups_table(report)]


def _groups_table(report: dict[str, Any]) -> Table:
    table = Table(title="per name-origin group (95% intervals)")
    for name in ("group", "persons", "F1", "false merges", "missed links", "blocking recall"):
        table.add_column(name, justify="left" if name == "group" else "right")
    for g in report["groups"]:
        key = g["name_origin"]
        table.add_row(
            key,
            f"{g['persons']:,}",
            f"{g['f1']:.4f} {_ci(g['f1_ci'])}",
            f"{g['false_merge_rate']:.3%} {_ci(g['false_merge_rate_ci'], True)}",
            f"{g['missed_link_rate']:.3%} {_ci(g['missed_link_rate_ci'], True)}",
            f"{report['blocking_recall'].get(key, 0.0):.4f}",
        )
    return table


def model_tables(model: Model) -> list[RenderableType]:
    """The model's diagnostics: per comparison and level m, u and weight; the prior and how
    it was estimated; each EM session and whether it converged."""
    from sojourn.resolve.compare import COMPARISONS

    levels = Table(title=f"model {model.version}: what each agreement level weighs")
    for column in ("comparison", "level", "m", "u", "weight (bits)"):
        levels.add_column(column, justify="left" if column in ("comparison", "level") else "right")
    for comparison, names in COMPARISONS.items():
        for level, name in enumerate(names):
            m, u = model.m[comparison][level], model.u[comparison][level]
            weight = f"{model.weight(comparison, level):+.2f}"
            levels.add_row(comparison if level == 0 else "", name, f"{m:.4f}", f"{u:.6f}", weight)
        levels.add_section()
    found = model.diagnostics
    training = Table(title="training")
    training.add_column("figure")
    training.add_column("value", justify="right")
    training.add_row("records", f"{found.get('records', 0):,}")
    training.add_row("started from", str(found.get("started_from", "")))
    training.add_row("prior (two random records match)", f"{model.prior:.3g}")
    training.add_row("  estimated by", str(found.get("source", "")))
    training.add_row("  fixed point over the candidates", _small(found.get("fixed_point")))
    training.add_row("  deterministic rule", _small(found.get("deterministic")))
    for column, values in sorted(model.generic.items()):
        shown = ", ".join(values[:5]) + (" …" if len(values) > 5 else "")
        training.add_row(f"read as missing: {column}", escape(shown))
    sessions = Table(title="EM sessions (one per blocking rule)")
    for column in ("rule", "pairs", "expected matches", "iterations", "converged"):
        sessions.add_column(column, justify="left" if column == "rule" else "right")
    for s in found.get("sessions", []):
        converged = "yes" if s["converged"] else "[bold red]no[/]"
        if not s.get("identifiable", True):
            converged = "n/a: one comparison free"
        sessions.add_row(
            s["rule"], f"{s['pairs']:,}", f"{s['matches']:,.0f}", str(s["iterations"]), converged
        )
    return [levels, training, sessions]
