"""``GET /persons/{id}/assessment``: the person's assessment under the active policy as of a
date, with the stored history of its changes, projected to what the caller may see (facts
from the criminal history need that group; a record the caller may not see is named
``withheld``; an asylum application is named only to those who may see it, 8 CFR 208.6)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from sojourn.api import views
from sojourn.api.errors import ERRORS, ApiError
from sojourn.api.models import ID
from sojourn.api.security import Guard, declare, guard
from sojourn.cases.recompute import case_statements
from sojourn.priority.facts import RELIEF_FORMS
from sojourn.priority.run import assess_store
from sojourn.priority.store import history

router = APIRouter(prefix="/persons", tags=["persons"], responses=ERRORS)
Reader = Annotated[Guard, Depends(guard("person.read", "Person", "person_id"))]
PATH = "/persons/{person_id}/assessment"
CRIMINAL = frozenset({"convictions", "aggravated_felonies", "felonies",
                      "significant_misdemeanors", "misdemeanors",
                      "years_since_last_conviction"})  # fmt: skip


def _value(name: str, value: Any, groups: frozenset[str]) -> Any:
    if name in CRIMINAL and "criminal_history" not in groups:
        return "withheld"
    if name == "pending_applications" and "asylum" not in groups:
        # Not the relief forms at all: "relief pending" with no adjustment listed would name
        # the asylum claim (8 CFR 208.6); ``relief_pending`` says that one is pending.
        return [f for f in value if f not in RELIEF_FORMS]
    return value


def _fact(name: str, fact: dict[str, Any], groups: frozenset[str], shown: set[str]) -> Any:
    return {**fact, "value": _value(name, fact["value"], groups),
            "records": [r if r in shown else "withheld" for r in fact["records"]]}  # fmt: skip


def project(data: dict[str, Any], groups: frozenset[str], shown: set[str]) -> dict[str, Any]:
    """An assessment as the caller may see it."""
    for key in ("rules", "factors"):
        for rule in data[key]:
            rule["facts"] = {n: _fact(n, f, groups, shown) for n, f in rule["facts"].items()}
    for stop in data["stops"]:
        stop["records"] = [r if r in shown else "withheld" for r in stop["records"]]
    data["facts"] = {n: _value(n, v, groups) for n, v in data["facts"].items()}
    data["evidence"] = {
        n: [r if r in shown else "withheld" for r in ids] for n, ids in data["evidence"].items()
    }
    return data


def assessment_view(
    g: Guard, person_id: str, day: dt.date, records: list[dict[str, Any]], groups: frozenset[str]
) -> dict[str, Any] | None:
    """The person's assessment now (with the facts their cases hold), projected for the
    caller; None for an unknown person."""
    with g.engine.connect() as conn:
        said = case_statements(conn, [person_id])
    found = list(assess_store(g.engine, day, person_ids=[person_id], said=said))
    if not found:
        return None
    data = asdict(found[0])
    data.update(as_of=day.isoformat(), enforcement_ready=found[0].enforcement_ready)
    return project(data, groups, {r["id"] for r in records})


@router.get(
    "/{person_id}/assessment",
    openapi_extra=declare("GET", PATH, "person.read", "Person", "person.assessment"),
)
async def read_assessment(
    person_id: Annotated[str, Path(max_length=64, pattern=ID)],
    g: Reader,
    as_of: Annotated[dt.date | None, Query()] = None,
) -> dict[str, Any]:
    """Priority, the rules that fired with their evidence, the factors for a human to weigh,
    the hard stops and the reviews they open, the policy version; and the history."""
    records, groups = views.visible_records(g, person_id)
    if "immigration_history" not in groups:
        raise g.refuse("person", [person_id], "the assessment needs the immigration history")
    data = assessment_view(g, person_id, as_of or dt.date.today(), records, groups)
    if data is None:
        raise ApiError(404, "not_found", f"no person with id {person_id}")
    with g.engine.connect() as conn:
        past = history(conn, person_id)
    data["history"] = [
        {k: r[k] for k in ("id", "as_of", "policy", "priority", "enforcement_ready", "stops",
                           "trigger")} | {"assessed_at": str(r["assessed_at"])}
        for r in past
    ]  # fmt: skip
    fields = sorted(k for k, v in data["facts"].items() if v != "withheld")
    g.audit("person", [person_id], ["assessment", *fields], {"policy": data["policy"]})
    return data
