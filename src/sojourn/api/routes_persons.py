"""Person routes: the person view per role, its records with provenance, its links with
their evidence, and its status timeline with rule citations.

These routes (and the authentication and guard they depend on) are ``async`` and do their
short database work inline: measured on this workload, handing each step to the thread pool
cost more CPU than the work itself (5 ms per person view inline, 9 ms through the pool). Slow
routes (login's Argon2 hash, the reports) stay synchronous and run in the pool."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Request

from sojourn.api import views
from sojourn.api.errors import ERRORS, ApiError
from sojourn.api.models import ID, LinkView, PersonView, RecordView, SearchHit
from sojourn.api.ratelimit import RateLimit
from sojourn.api.security import Guard, declare, guard
from sojourn.resolve.search import search
from sojourn.settings import today

router = APIRouter(prefix="/persons", tags=["persons"], responses=ERRORS)
Route = TypeVar("Route", bound=Callable[..., Any])
Reader = Annotated[Guard, Depends(guard("person.read", "Person", "person_id"))]
Searcher = Annotated[Guard, Depends(guard("person.search", "Person"))]


def _get(
    suffix: str, audit: str, action: str = "person.read", **options: Any
) -> Callable[[Route], Route]:
    """The router's GET decorator for ``/persons{suffix}``, with its declared contract."""
    path = f"/persons{suffix}"
    return router.get(
        suffix, openapi_extra=declare("GET", path, action, "Person", audit), **options
    )


PersonId = Annotated[str, Path(max_length=64, pattern=ID)]


@_get(
    "/search",
    "person.search",
    "person.search",
    response_model=list[SearchHit],
    dependencies=[Depends(RateLimit.of("search"))],
)
async def search_persons(
    request: Request,
    g: Searcher,
    name: Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00-\x1f]+$")] = None,
    birth_date: Annotated[str | None, Query(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")] = None,
    identifier: Annotated[str | None, Query(max_length=64, pattern=ID)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[SearchHit]:
    """Persons by name (any script), date of birth and an identifier, through the
    resolution index; each hit says which comparisons agreed. Give a name with a date of
    birth, or an identifier. Protected attributes cannot be searched."""
    if not identifier and not (name and birth_date):
        raise ApiError(422, "invalid_request", "give a name with a birth date, or an identifier")
    hits = search(request.app.state.search_index.get(), name, birth_date, identifier, limit)
    query = {
        k: v
        for k, v in (("name", name), ("birth_date", birth_date), ("identifier", identifier))
        if v
    }
    g.audit("person", [h.person_id for h in hits], sorted(query), {"query": query})
    return [
        SearchHit(person_id=h.person_id, probability=h.probability, matched=list(h.matched))
        for h in hits
    ]


@_get("/{person_id}", "person.read", response_model=PersonView)
async def read_person(person_id: PersonId, g: Reader) -> PersonView:
    """A person's identity, each value with the records that give it, projected to the
    field groups of the caller's role and purpose."""
    records, groups = views.visible_records(g, person_id)
    view = views.person_view(person_id, records, groups)
    g.audit("person", [person_id], sorted(view.identity), {"records": len(records)})
    return view


@_get("/{person_id}/records", "person.records", response_model=list[RecordView])
async def read_records(person_id: PersonId, g: Reader) -> list[RecordView]:
    """The person's records the caller may see, with provenance (source, file, row)."""
    records, groups = views.visible_records(g, person_id)
    found = views.record_views(records, groups)
    g.audit("person", [person_id, *(v.id for v in found)], views.record_fields(found))
    return found


@_get("/{person_id}/links", "person.links", response_model=list[LinkView])
async def read_links(person_id: PersonId, g: Reader) -> list[LinkView]:
    """How each of the person's records was linked: probability, method, model version and
    the evidence (the scored comparison) behind it."""
    records, _ = views.visible_records(g, person_id)
    found = views.link_views(g.engine, person_id, records)
    g.audit("person", [person_id, *(v.record_id for v in found)], ["links"])
    return found


@_get("/{person_id}/status", "person.status")
async def read_status(
    person_id: PersonId, g: Reader, as_of: Annotated[dt.date | None, Query()] = None
) -> dict[str, Any]:
    """The person's lifecycle timeline: intervals with status, rule, citation and records
    (a record the caller may not see is named ``withheld``)."""
    if "immigration_history" not in g.field_groups():
        raise g.refuse("person", [person_id], "the status timeline needs the immigration history")
    records, _ = views.visible_records(g, person_id)
    try:
        data = views.status_view(g.engine, person_id, as_of or today(), records, g.field_groups())
    except LookupError as exc:
        raise ApiError(404, "not_found", str(exc)) from exc
    g.audit("person", [person_id], ["status"], {"as_of": data["as_of"]})
    return data
