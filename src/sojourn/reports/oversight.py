"""The oversight report: what the prioritization did and what humans did with it.

Assessments by policy version, priority and rule (each person's latest); hard stops by kind;
supervisor decisions on priority designations and how often they overrode the proposal;
citizenship findings; redress requests and outcomes; time from task to decision; and the
selection rate (persons in the U.S. whose assessment is enforcement-ready) per group of a
label file the oversight office supplies (name origin, say: sojourn stores no such label),
with 95% Wilson score intervals (right for small groups too), difference and ratio over the
groups large enough to compare (Fairlearn ``MetricFrame`` for the rates per group).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from fairlearn.metrics import MetricFrame, count, selection_rate
from sqlalchemy import Engine, func, select, text

from sojourn.cases.tables import decisions, redress_requests, tasks
from sojourn.priority.tables import assessments

UNLABELLED = "(no label)"
#: Groups smaller than this are shown, but left out of the difference and the ratio.
MIN_GROUP = 30


def _latest(engine: Engine) -> list[dict[str, Any]]:
    last = select(func.max(assessments.c.id)).group_by(assessments.c.person_id).scalar_subquery()
    query = select(assessments).where(assessments.c.id.in_(last))
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def _assessments(latest: list[dict[str, Any]]) -> dict[str, Any]:
    by_policy: dict[str, Counter[str]] = defaultdict(Counter)
    rules: dict[str, Counter[str]] = defaultdict(Counter)
    stops: Counter[str] = Counter()
    for row in latest:
        body = json.loads(row["body"])
        by_policy[row["policy"]][row["priority"] or "none"] += 1
        rules[row["policy"]].update(r["rule_id"] for r in body["rules"] if r["supported"])
        stops.update(json.loads(row["stops"]))
    return {
        "persons": len(latest),
        "enforcement_ready": sum(bool(r["enforcement_ready"]) for r in latest),
        "by_policy": {k: dict(v) for k, v in by_policy.items()},
        "rules_fired": {k: dict(v.most_common()) for k, v in rules.items()},
        "hard_stops": dict(stops.most_common()),
    }


def _hours(seconds: list[float]) -> dict[str, float | None]:
    if not seconds:
        return {"decided": 0, "median_hours": None, "p90_hours": None}
    hours = np.array(seconds) / 3600
    return {"decided": len(seconds), "median_hours": round(float(np.median(hours)), 2),
            "p90_hours": round(float(np.percentile(hours, 90)), 2)}  # fmt: skip


def _decisions(engine: Engine) -> dict[str, Any]:
    query = select(decisions.c.kind, decisions.c.outcome, decisions.c.at, tasks.c.created_at)
    query = query.join(tasks, tasks.c.id == decisions.c.task_id)
    outcomes: dict[str, Counter[str]] = defaultdict(Counter)
    waits: dict[str, list[float]] = defaultdict(list)
    with engine.connect() as conn:
        for kind, outcome, at, created in conn.execute(query):
            outcomes[kind][outcome] += 1
            waits[kind].append((at - created).total_seconds())
    approvals = outcomes.get("supervisor_approval", Counter())
    decided = sum(approvals.values())
    return {
        "outcomes": {k: dict(v) for k, v in outcomes.items()},
        "supervisor_overrides": approvals.get("reject", 0),
        "override_rate": round(approvals.get("reject", 0) / decided, 4) if decided else None,
        "time_to_decision": {k: _hours(v) for k, v in waits.items()},
    }


def _redress(engine: Engine) -> dict[str, Any]:
    rows = []
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(redress_requests))]
    waits = [(r["decided_at"] - r["filed_at"]).total_seconds() for r in rows if r["decided_at"]]
    return {
        "requests": len(rows),
        "by_kind": dict(Counter(r["kind"] for r in rows)),
        "open": sum(r["status"] == "open" for r in rows),
        "outcomes": dict(Counter(r["outcome"] for r in rows if r["outcome"])),
        "time_to_decision": _hours(waits),
    }


def person_groups(engine: Engine, labels: Path, column: str) -> dict[str, str]:
    """Each resolved person's group: the most common label of their records in ``labels``
    (a CSV with ``source``, ``source_record_id`` and ``column``)."""
    table = pl.read_csv(labels, infer_schema=False).select("source", "source_record_id", column)
    label = {(s, r): g for s, r, g in table.iter_rows()}
    sql = (
        "SELECT l.person_id, r.source, r.source_record_id FROM links l JOIN records r ON "
        "r.id = l.record_id WHERE l.id IN (SELECT max(id) FROM links GROUP BY record_id)"
    )
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    with engine.connect() as conn:
        for person, source, record in conn.execute(text(sql)):
            votes[person][label.get((source, record)) or UNLABELLED] += 1
    return {p: v.most_common(1)[0][0] for p, v in votes.items()}


def wilson(selected: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of a proportion."""
    if n == 0:
        return 0.0, 1.0
    p = selected / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, float(centre - half)), min(1.0, float(centre + half))


def selection_rates(latest: list[dict[str, Any]], groups: dict[str, str]) -> dict[str, Any]:
    """Enforcement-ready share of the persons in the U.S., per group, with 95% intervals."""
    present = [r for r in latest if json.loads(r["body"])["facts"].get("in_us")]
    ready = np.array([bool(r["enforcement_ready"]) for r in present])
    labels = np.array([groups.get(r["person_id"], UNLABELLED) for r in present])
    if len(present) == 0:
        return {"persons": 0, "groups": {}}
    metrics = {"selection_rate": selection_rate, "persons": count}
    frame = MetricFrame(metrics=metrics, y_true=ready, y_pred=ready, sensitive_features=labels)
    out: dict[str, dict[str, Any]] = {}
    for g in frame.by_group.index:
        n = int(frame.by_group.loc[g, "persons"])
        rate = float(frame.by_group.loc[g, "selection_rate"])
        low, high = wilson(round(rate * n), n)
        out[str(g)] = {"persons": n, "selection_rate": round(rate, 4),
                       "ci95": [round(low, 4), round(high, 4)]}  # fmt: skip
    rates: list[float] = [
        float(v["selection_rate"])
        for k, v in out.items()
        if int(v["persons"]) >= MIN_GROUP and k != UNLABELLED
    ]
    return {
        "persons": len(present),
        "overall": round(float(ready.mean()), 4),
        "compared": f"groups of at least {MIN_GROUP} persons",
        "difference": round(max(rates) - min(rates), 4) if len(rates) > 1 else None,
        "ratio": round(min(rates) / max(rates), 4) if len(rates) > 1 and max(rates) else None,
        "groups": out,
    }


def oversight(engine: Engine, groups: dict[str, str] | None = None) -> dict[str, Any]:
    """The whole report as a JSON-ready mapping."""
    latest = _latest(engine)
    return {
        "assessments": _assessments(latest),
        "decisions": _decisions(engine),
        "redress": _redress(engine),
        "selection": selection_rates(latest, groups) if groups is not None else None,
    }
