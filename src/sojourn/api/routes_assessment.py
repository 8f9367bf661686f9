"""``GET /persons/{id}/assessment``: the person's assessment under the active policy as of a
date, with the stored history of its changes, projected to what the caller may see
(``projection.py``: a record the caller may not see is left out; criminal-history facts need
that group and their investigative details the investigative group; a relief application's
kind is named only to those who may see asylum applications, 8 CFR 208.6)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from sojourn.api import views
from sojourn.api.errors import ERRORS, ApiError
from sojourn.api.models import ID
from sojourn.api.projection import project_assessment
from sojourn.api.security import Guard, declare, guard
from sojourn.cases.guard import case_statements
from sojourn.priority.run import assess_store
from sojourn.priority.store import history
from sojourn.settings import today

router = APIRouter(prefix="/persons", tags=["persons"], responses=ERRORS)
Reader = Annotated[Guard, Depends(guard("person.read", "Person", "person_id"))]
PATH = "/persons/{person_id}/assessment"


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
    relief = "asylum" not in groups and views.relief_on_record(g.engine, person_id)
    return project_assessment(data, groups, {r["id"] for r in records}, relief)


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
    data = assessment_view(g, person_id, as_of or today(), records, groups)
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
